"""The recurrence job: each client template gets each period's pack exactly once."""

import threading
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from atlasos.tenancy.context import practice_context
from clients.choices import ClientStatus
from tasks.models import Pack, PackEvent, PackItem
from tasks.recurrence import ensure_packs
from tasks.tasks import create_due_packs
from templates_engine.models import (
    ClientDisabledItem,
    ClientExtraItem,
    ClientTemplate,
    TaskTemplate,
)
from templates_engine.standard import STANDARD_ITEMS, STANDARD_NAME
from tests.factories.clients import ClientFactory
from tests.factories.tenancy import PracticeFactory
from tests.helpers import needs_postgres

LONDON = ZoneInfo("Europe/London")


def at(year, month, day, hour=9, tz=LONDON):
    return datetime(year, month, day, hour, tzinfo=tz)


@pytest.fixture
def standard(practice):
    with practice_context(practice.pk):
        return TaskTemplate.objects.get(name=STANDARD_NAME)


@pytest.fixture
def assigned(practice, standard, staff, partner):
    """Three clients on the standard template."""
    clients = [ClientFactory(practice=practice, preparer=staff, reviewer=partner) for _ in range(3)]
    with practice_context(practice.pk):
        for client in clients:
            ClientTemplate.objects.create(client=client, template=standard)
    return clients


def run(practice, now):
    with practice_context(practice.pk):
        return ensure_packs(practice, now)


def test_every_practice_starts_with_the_standard_template(practice, standard):
    with practice_context(practice.pk):
        assert standard.items.count() == len(STANDARD_ITEMS)
        assert set(standard.items.values_list("stage", flat=True)) == {
            "collect",
            "capture",
            "reconcile",
            "prepare",
            "review",
            "deliver",
        }


def test_packs_for_the_month_just_ended_with_their_checklist_and_dates(practice, assigned, staff):
    result = run(practice, at(2026, 11, 25))
    assert result.packs_created == 3
    assert result.items_created == 3 * len(STANDARD_ITEMS)
    with practice_context(practice.pk):
        pack = Pack.objects.get(client=assigned[0])
        assert pack.period == date(2026, 10, 1)
        assert pack.preparer == staff
        assert pack.collect_due == date(2026, 11, 6)
        assert pack.deliver_due == date(2026, 11, 20)
        assert pack.current_stage == "collect" and pack.current_due == date(2026, 11, 6)
        assert pack.items.count() == len(STANDARD_ITEMS)
        assert PackEvent.objects.filter(pack=pack, action="created").count() == 1


def test_running_twice_creates_nothing_new(practice, assigned):
    assert run(practice, at(2026, 11, 25)).packs_created == 3
    assert run(practice, at(2026, 11, 25, 10)).packs_created == 0
    with practice_context(practice.pk):
        assert Pack.objects.count() == 3
        assert PackItem.objects.count() == 3 * len(STANDARD_ITEMS)


def test_next_period_pack_appears_by_itself(practice, assigned):
    run(practice, at(2026, 11, 25))
    assert run(practice, at(2026, 12, 1)).packs_created == 3  # 1 Dec 2026 is a Tuesday
    with practice_context(practice.pk):
        assert sorted(set(Pack.objects.values_list("period", flat=True))) == [
            date(2026, 10, 1),
            date(2026, 11, 1),
        ]


def test_pack_appears_on_the_first_working_day_after_the_period(practice, assigned):
    # October 2026 ends on a Saturday: its pack appears on Monday 2 November.
    assert run(practice, at(2026, 11, 1)).packs_created == 0
    assert run(practice, at(2026, 11, 2)).packs_created == 3


def test_practice_offset_delays_the_packs(practice, assigned):
    practice.pack_release_offset = 2
    practice.save()
    assert run(practice, at(2026, 11, 3)).packs_created == 0
    assert run(practice, at(2026, 11, 4)).packs_created == 3


def test_bank_holiday_moves_release_and_due_dates(practice, assigned):
    # April 2027 ends on a Friday; Monday 3 May 2027 is the Early May bank holiday.
    assert run(practice, at(2027, 5, 3)).packs_created == 0
    assert run(practice, at(2027, 5, 4)).packs_created == 3
    with practice_context(practice.pk):
        pack = Pack.objects.get(client=assigned[0], period=date(2027, 4, 1))
    assert pack.collect_due == date(2027, 5, 10)  # 5th working day after 30 April, skipping 3 May


def test_leap_year_february(practice, assigned):
    run(practice, at(2028, 3, 15))
    with practice_context(practice.pk):
        pack = Pack.objects.get(client=assigned[0])
    assert pack.period == date(2028, 2, 1)
    assert pack.collect_due == date(2028, 3, 7)  # 29 Feb 2028 ends the period


def test_year_end_rolls_into_january(practice, assigned):
    run(practice, at(2027, 1, 15))
    with practice_context(practice.pk):
        pack = Pack.objects.get(client=assigned[0])
    # 28 Dec 2026 (Boxing Day substitute) and 1 Jan 2027 are bank holidays.
    assert pack.period == date(2026, 12, 1)
    assert pack.collect_due == date(2027, 1, 8)


def test_practice_in_another_timezone_starts_its_day_earlier(db):
    sydney = PracticeFactory(name="Sydney Books", country="AU", timezone="Australia/Sydney")
    client = ClientFactory(practice=sydney)
    with practice_context(sydney.pk):
        template = TaskTemplate.objects.get(name=STANDARD_NAME)
        ClientTemplate.objects.create(client=client, template=template)
    # 20:00 UTC on Sunday 30 Nov 2025 is already Monday 1 Dec 07:00 in Sydney.
    now = datetime(2025, 11, 30, 20, tzinfo=ZoneInfo("UTC"))
    result = run(sydney, now)
    assert result.today == date(2025, 12, 1)
    assert result.packs_created == 1
    with practice_context(sydney.pk):
        assert Pack.objects.get().period == date(2025, 11, 1)


def test_archived_client_gets_no_new_pack(practice, assigned):
    run(practice, at(2026, 11, 25))
    client = assigned[0]
    with practice_context(practice.pk):
        client.status = ClientStatus.ARCHIVED
        client.save()
    run(practice, at(2026, 12, 2))
    with practice_context(practice.pk):
        assert Pack.objects.filter(client=client).count() == 1
        assert Pack.objects.filter(period=date(2026, 11, 1)).count() == 2


def test_template_assigned_mid_month_gets_the_current_period(practice, assigned, standard):
    run(practice, at(2026, 11, 10))
    late = ClientFactory(practice=practice)
    with practice_context(practice.pk):
        ClientTemplate.objects.create(client=late, template=standard)
    assert run(practice, at(2026, 11, 18)).packs_created == 1
    with practice_context(practice.pk):
        assert Pack.objects.get(client=late).period == date(2026, 10, 1)


def test_archived_template_and_inactive_assignment_create_nothing(practice, assigned, standard):
    with practice_context(practice.pk):
        ClientTemplate.objects.filter(client=assigned[0]).update(is_active=False)
    run(practice, at(2026, 11, 25))
    with practice_context(practice.pk):
        assert Pack.objects.count() == 2
        standard.is_archived = True
        standard.save()
    assert run(practice, at(2026, 12, 2)).packs_created == 0


def test_client_customisation_reaches_the_pack(practice, assigned, standard):
    client = assigned[0]
    with practice_context(practice.pk):
        ct = ClientTemplate.objects.get(client=client)
        ct.collect_day = 3
        ct.save()
        optional = standard.items.filter(mandatory=False).first()
        ClientDisabledItem.objects.create(client_template=ct, template_item=optional)
        ClientExtraItem.objects.create(
            client_template=ct, stage="prepare", title="Board pack", mandatory=True
        )
    run(practice, at(2026, 11, 25))
    with practice_context(practice.pk):
        pack = Pack.objects.get(client=client)
        titles = list(pack.items.values_list("title", flat=True))
    assert pack.collect_due == date(2026, 11, 4)
    assert "Board pack" in titles and optional.title not in titles
    assert len(titles) == len(STANDARD_ITEMS)


def test_quarterly_and_annual_templates(practice, standard):
    client = ClientFactory(practice=practice, year_end_month=3, year_end_day=31)
    with practice_context(practice.pk):
        quarterly = TaskTemplate.objects.create(name="VAT quarter", recurrence="quarterly")
        annual = TaskTemplate.objects.create(name="Year end", recurrence="annual")
        ClientTemplate.objects.create(client=client, template=quarterly)
        ClientTemplate.objects.create(client=client, template=annual)
    run(practice, at(2026, 11, 25))
    with practice_context(practice.pk):
        periods = dict(Pack.objects.values_list("template__name", "period"))
    assert periods == {"VAT quarter": date(2026, 7, 1), "Year end": date(2025, 4, 1)}


def test_beat_job_covers_every_practice(practice, assigned, other_practice):
    other_client = ClientFactory(practice=other_practice)
    with practice_context(other_practice.pk):
        template = TaskTemplate.objects.get(name=STANDARD_NAME)
        ClientTemplate.objects.create(client=other_client, template=template)
    created = create_due_packs.delay().get()
    assert created == 4
    assert create_due_packs.delay().get() == 0


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_runs_create_each_pack_once(practice, assigned):
    now = at(2026, 11, 25)
    barrier = threading.Barrier(2)
    errors = []

    def worker():
        try:
            barrier.wait()
            with practice_context(practice.pk):
                ensure_packs(practice, now)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    with practice_context(practice.pk):
        assert Pack.objects.count() == 3
        assert PackItem.objects.count() == 3 * len(STANDARD_ITEMS)
        assert PackEvent.objects.filter(action="created").count() == 3
