"""Overdue alerts on every kind of day of the month (``tests.clock.MONTH_DAYS``): a stage is
alerted at the first run after its due date has passed while it is not complete — never on
the due date itself, never before — once per pack and stage, and its people see it in the bell.

The packs are the ones the recurrence job makes (created on their release days, with their
real due dates), plus one whose stages fall due around the moment: three days before, the day
before, the day itself, and the three days after. The alert job (the beat task) runs every day
for the five days up to the moment, at the moment's time of day, then again 15 minutes later.
Expectations come from the rules: a stage due before today and not complete is overdue.
"""

import datetime

import pytest
from django.core import mail

from atlasos.tenancy.context import practice_context
from cycle.stages import STAGES, Stage
from notifications.models import Notification, OverdueAlert
from tasks import tasks as jobs
from tasks.models import Pack, PackItem
from tasks.services import set_item_done
from templates_engine.models import ClientTemplate, TaskTemplate
from templates_engine.standard import STANDARD_NAME
from tests.clock import MONTH_DAYS
from tests.factories.clients import ClientFactory
from tests.factories.tasks import PackFactory
from tests.month_days import (
    ONE_DAY,
    add_months,
    browser_of,
    local_today,
    month_first,
    release_day,
    short_date,
)

pytestmark = pytest.mark.django_db

# Days the alert job runs before the moment's own day (each day at the moment's time).
DAYS_BEFORE = 4
# The edge pack's stages fall due this many days from today (in cycle order).
EDGE_OFFSETS = dict(zip(STAGES, (-3, -1, 0, 1, 2, 3), strict=True))
# What "Half Done Ltd" ticks as soon as each of its packs appears.
TICKED_AT_ONCE = ("capture",)


def assign(practice, name, staff, manager):
    client = ClientFactory(practice=practice, name=name, preparer=staff, reviewer=manager)
    with practice_context(practice.pk):
        ClientTemplate.objects.create(
            client=client, template=TaskTemplate.objects.get(name=STANDARD_NAME)
        )
    return client


def at_nine(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(9), tzinfo=datetime.UTC)


def make_packs(clock, practice, staff, moment):
    """The recurrence's packs of the last two months (those released by today): "Behind Ltd"
    ticks nothing, "Half Done Ltd" ticks capture at once (collect stays behind), "Delivered Ltd" has
    its earlier pack delivered at once."""
    today = local_today(moment)
    for back in (2, 1):
        period = add_months(month_first(today), -back)
        release = release_day(period)
        if release > today:
            continue
        clock.set(min(at_nine(release), moment))
        jobs.create_due_packs()
        with practice_context(practice.pk):
            new = Pack.objects.filter(period=period)
            for item in PackItem.objects.filter(
                pack__in=new,
                pack__client__name="Half Done Ltd",
                stage__in=TICKED_AT_ONCE,
                mandatory=True,
            ).select_related("pack"):
                set_item_done(item, staff, True)
            if back == 2:
                now = clock.now()
                new.filter(client__name="Delivered Ltd").update(
                    completed_at=now, current_stage="", **{f"{s}_done_at": now for s in STAGES}
                )


def edge_pack(practice, staff, manager, today):
    client = ClientFactory(practice=practice, name="Edge Ltd", preparer=staff, reviewer=manager)
    dues = {f"{s}_due": today + datetime.timedelta(days=n) for s, n in EDGE_OFFSETS.items()}
    return PackFactory(
        practice=practice,
        client=client,
        period=add_months(month_first(today), -1),
        preparer=staff,
        reviewer=manager,
        current_due=dues["collect_due"],
        **dues,
    )


def expected_alerts(practice, run_days) -> dict[tuple[int, str], datetime.date]:
    """(pack, stage) → the day its alert is raised: the first run day after the stage's due
    date, for every stage not complete (a delivered pack has none)."""
    expected = {}
    with practice_context(practice.pk):
        packs = list(Pack.objects.all())
    for pack in packs:
        if pack.completed_at is not None:
            continue
        for stage in STAGES:
            due = getattr(pack, f"{stage}_due")
            if stage != "deliver" and getattr(pack, f"{stage}_done_at") is not None:
                continue
            after = [day for day in run_days if day > due]
            if after:
                expected[(pack.pk, stage)] = after[0]
    return expected


@pytest.fixture
def people(practice, staff, manager):
    for name in ("Behind Ltd", "Half Done Ltd", "Delivered Ltd"):
        assign(practice, name, staff, manager)
    return staff, manager


@pytest.mark.parametrize("moment", MONTH_DAYS)
def test_a_stage_is_alerted_once_at_the_first_run_after_its_due_date(
    clock, practice, people, moment
):
    staff, manager = people
    today = local_today(moment)
    make_packs(clock, practice, staff, moment)
    edge = edge_pack(practice, staff, manager, today)
    run_days = [today - datetime.timedelta(days=n) for n in range(DAYS_BEFORE, -1, -1)]
    expected = expected_alerts(practice, run_days)
    mail.outbox.clear()

    raised_on = {}
    for day in run_days:
        clock.set(moment - (today - day))
        jobs.raise_overdue_alerts()
        with practice_context(practice.pk):
            for pack_id, stage in OverdueAlert.objects.values_list("pack_id", "stage"):
                raised_on.setdefault((pack_id, stage), day)
    clock.set(moment + datetime.timedelta(minutes=15))
    assert jobs.raise_overdue_alerts() == 0

    assert raised_on == expected
    # The edge pack: the stage due yesterday went overdue today, the stage due today did not.
    assert raised_on[(edge.pk, "capture")] == today
    assert (edge.pk, "reconcile") not in raised_on
    with practice_context(practice.pk):
        alerts = list(OverdueAlert.objects.values_list("pack_id", "stage", "due"))
        notes = list(Notification.objects.values_list("recipient_id", "pack_id", "title"))
    assert len(alerts) == len(set((pack, stage) for pack, stage, _ in alerts))
    for pack_id, stage, due in alerts:
        assert due < today and due < raised_on[(pack_id, stage)]

    # One notification per person for each run that found a pack newly behind, named after the
    # latest stage found (the edge pack's today: capture, due yesterday); one email each.
    runs_per_pack = {(pack, day) for (pack, _), day in expected.items()}
    for person in (staff, manager):
        assert sorted(p for r, p, _ in notes if r == person.pk) == sorted(
            p for p, _ in runs_per_pack
        )
    yesterday = today - ONE_DAY
    title = f"Edge Ltd — {Stage.CAPTURE.label} was due {short_date(yesterday)}"
    assert sum(1 for r, _, t in notes if r == staff.pk and t == title) == 1
    assert len(mail.outbox) == len(notes)

    page = browser_of(staff).get("/my-work/").content.decode()
    unread = len(runs_per_pack)
    assert f'aria-label="Notifications, {unread} unread"' in page
