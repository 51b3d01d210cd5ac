from datetime import UTC, date, datetime

import pytest

from tests.factories.templates_engine import TaskTemplateFactory
from tests.helpers import make_pack_with_stages_done

# Thursday 12 November 2026 in a practice in England.
TODAY = date(2026, 11, 12)


@pytest.fixture
def calendar_day(clock):
    """The calendar's today is Thursday 12 November 2026 (the calendar tests' modules use it
    for every test)."""
    clock.set(datetime(2026, 11, 12, 10, tzinfo=UTC))
    return TODAY


# The calendar tests' cast (test_overview.py has a cast of its own).
@pytest.fixture
def cast(practice, partner, manager, staff):
    """Four October packs due in November 2026 (today is Thu 12 Nov):
    Acme: nothing done (collect and capture overdue); Baker: collect and capture done;
    Cole: collect done (capture overdue); Dee: delivered."""
    monthly = TaskTemplateFactory(practice=practice, name="Monthly bookkeeping")
    payroll = TaskTemplateFactory(practice=practice, name="Payroll")
    return {
        "acme": make_pack_with_stages_done(
            practice, "Acme Ltd", "ACME01", preparer=staff, reviewer=partner, template=monthly
        ),
        "baker": make_pack_with_stages_done(
            practice,
            "Baker & Sons",
            "BAKE01",
            completed=("collect", "capture"),
            entity_type="partnership",
            preparer=staff,
            reviewer=manager,
            template=monthly,
        ),
        "cole": make_pack_with_stages_done(
            practice,
            "Cole Trading",
            "COLE01",
            completed=("collect",),
            preparer=manager,
            reviewer=partner,
            template=payroll,
        ),
        "dee": make_pack_with_stages_done(
            practice,
            "Dee Sole",
            "DEE01",
            delivered=True,
            entity_type="sole_trader",
            preparer=partner,
            reviewer=manager,
            template=monthly,
        ),
        "monthly": monthly,
        "payroll": payroll,
    }
