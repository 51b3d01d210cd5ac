"""The task board on every kind of day of the month (``tests.clock.MONTH_DAYS``), for a practice
in London whose packs appear on the first working day after the month, and one in Auckland
whose packs appear two working days later: the current period is the latest month whose packs
have appeared (the month before it until then), the completion rate covers it and the six months
before, and the overdue count is that of the open packs with a stage past its due date.

Three clients have a pack for each of those seven months, with the due dates of the standard
template; some packs are delivered. Expectations come from the rules (``tests.month_days``).
"""

import datetime

import pytest

from cycle.stages import STAGES
from tests.clock import MONTH_DAYS
from tests.factories.clients import ClientFactory
from tests.factories.tasks import PackFactory
from tests.factories.templates_engine import TaskTemplateFactory
from tests.factories.tenancy import PracticeFactory
from tests.month_days import (
    add_months,
    browser_of,
    local_today,
    member,
    month_label,
    released_month,
    short_date,
    stage_dues,
)

pytestmark = pytest.mark.django_db

PRACTICES = [
    pytest.param(("Europe/London", "GB", 0), id="london"),
    pytest.param(("Pacific/Auckland", "NZ", 2), id="auckland-offset-2"),
]
CLIENTS = 3
# Packs delivered in each of the seven months, oldest first (the last is the current period).
DELIVERED = (3, 2, 3, 1, 3, 2, 1)


def percent(part: int, whole: int) -> int:
    """A whole percentage, halves rounded up."""
    return int(100 * part / whole + 0.5)


@pytest.mark.parametrize("place", PRACTICES)
@pytest.mark.parametrize("moment", MONTH_DAYS)
def test_the_board_shows_the_latest_released_month_and_what_is_late(clock, moment, place):
    tz_name, country, offset = place
    practice = PracticeFactory(
        name="Board Books", timezone=tz_name, country=country, pack_release_offset=offset
    )
    partner = member(practice, "partner", "Helen Marsh")
    today = local_today(moment, tz_name)
    current = released_month(today, country, offset)
    months = [add_months(current, n) for n in range(-len(DELIVERED) + 1, 1)]

    template = TaskTemplateFactory(practice=practice, name="Monthly bookkeeping")
    clients = [ClientFactory(practice=practice, name=f"Client {n} Ltd") for n in range(CLIENTS)]
    delivered_at = clock.now() - datetime.timedelta(days=400)
    open_packs = overdue = 0
    for month, delivered in zip(months, DELIVERED, strict=True):
        dues = stage_dues(month, country=country)
        for index, client in enumerate(clients):
            done = index < delivered
            PackFactory(
                practice=practice,
                client=client,
                template=template,
                period=month,
                preparer=partner,
                current_stage="" if done else "collect",
                current_due=None if done else dues["collect"],
                completed_at=delivered_at if done else None,
                **{f"{stage}_due": dues[stage] for stage in STAGES},
                **{f"{stage}_done_at": delivered_at for stage in STAGES if done},
            )
            if not done:
                open_packs += 1
                overdue += min(dues.values()) < today
    clock.set(moment)

    page = browser_of(partner).get("/board/").content.decode()

    assert f"How far through {month_label(current)} the practice is" in page
    assert f"today {short_date(today)}</p>" in page
    latest = DELIVERED[-1]
    assert (
        f"<strong>{percent(latest, CLIENTS)}%</strong> — {latest} of {CLIENTS} clients "
        f"delivered for {month_label(current)}"
    ) in page
    columns = [
        f"{month:%b} {month.year}: {percent(n, CLIENTS)}% ({n} of {CLIENTS})"
        for month, n in zip(months, DELIVERED, strict=True)
    ]
    columns[-1] += " (current)"
    assert f'<desc id="completion-chart-desc">{"; ".join(columns)}</desc>' in page
    previous = add_months(current, -1)
    assert f"{month_label(current)} (this period)" in page
    assert f"{month_label(previous)} (last period)" in page
    assert f"{open_packs} open packs by current stage, {overdue} overdue." in page
