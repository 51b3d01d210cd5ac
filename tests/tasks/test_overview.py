"""The status worked out in SQL agrees with the pure status function, case by case, and the
shared filters narrow the packs as they say and combine."""

from datetime import UTC, date, datetime

import pytest
from django.test import RequestFactory

from cycle.clock import Clock
from cycle.stages import STAGES
from cycle.status import PackProgress, Status, pack_status
from tasks.filters import PackFilterForm, month_start
from tasks.models import Pack
from tasks.status_sql import status_q, with_status_sql
from tests.cycle.status_cases import ENGLAND, STATUS_CASES
from tests.factories.accounts import UserFactory
from tests.factories.clients import ClientFactory
from tests.factories.tasks import PackFactory
from tests.factories.templates_engine import TaskTemplateFactory

NOON = datetime(2026, 11, 2, 12, tzinfo=UTC)


def pack_from(practice, progress: PackProgress) -> Pack:
    fields = {f"{stage}_due": progress.due.get(stage) for stage in STAGES}
    for stage in progress.completed:
        fields[f"{stage}_done_at"] = NOON
    return PackFactory(
        practice=practice,
        started_at=NOON if progress.started else None,
        completed_at=NOON if progress.delivered else None,
        **fields,
    )


@pytest.mark.parametrize(("today", "progress", "expected"), STATUS_CASES)
def test_sql_status_agrees_with_the_status_function(in_practice, today, progress, expected):
    pack = pack_from(in_practice, progress)
    clock = Clock(today=today, calendar=ENGLAND)
    assert pack_status(progress, today, ENGLAND) == expected
    annotated = with_status_sql(Pack.objects.filter(pk=pack.pk), clock).get()
    assert annotated.sql_status == expected
    # status_q selects the pack for its own status and for no other.
    matching = [s for s in Status if Pack.objects.filter(status_q(s, clock), pk=pack.pk).exists()]
    assert matching == [expected]


def test_status_q_rejects_an_unknown_status():
    with pytest.raises(ValueError, match="Unknown status"):
        status_q("lost", Clock(today=date(2026, 11, 2), calendar=ENGLAND))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-11", date(2026, 11, 1)),
        ("2027-02", date(2027, 2, 1)),
        ("2026-13", date(2026, 11, 1)),
        ("november", date(2026, 11, 1)),
        ("", date(2026, 11, 1)),
        (None, date(2026, 11, 1)),
    ],
)
def test_month_start_reads_the_month_or_falls_back_to_this_month(value, expected):
    assert month_start(value, date(2026, 11, 25)) == expected


def filtered(user, **params) -> set[str]:
    request = RequestFactory().get("/calendar/", params)
    form = PackFilterForm(request.GET, user=user)
    clock = Clock(today=date(2026, 11, 12), calendar=ENGLAND)
    return set(form.apply(Pack.objects.all(), clock).values_list("client__name", flat=True))


@pytest.fixture
def cast(in_practice, partner, manager, staff):
    """Four October packs: who prepares and reviews, what kind of client, how far along."""
    monthly = TaskTemplateFactory(practice=in_practice, name="Monthly bookkeeping")
    payroll = TaskTemplateFactory(practice=in_practice, name="Payroll")

    def make(name, entity_type, template, preparer, reviewer, *completed):
        client = ClientFactory(practice=in_practice, name=name, entity_type=entity_type)
        progress = PackProgress(
            due={
                "collect": date(2026, 11, 6),
                "capture": date(2026, 11, 11),
                "reconcile": date(2026, 11, 13),
                "prepare": date(2026, 11, 17),
                "review": date(2026, 11, 19),
                "deliver": date(2026, 11, 20),
            },
            completed=frozenset(completed),
            started=bool(completed),
        )
        pack = pack_from(in_practice, progress)
        current = next((s for s in STAGES if s not in completed), "")
        Pack.objects.filter(pk=pack.pk).update(
            client=client,
            template=template,
            preparer=preparer,
            reviewer=reviewer,
            period=date(2026, 10, 1),
            current_stage=current,
        )

    make("Acme Ltd", "limited_company", monthly, staff, partner)  # overdue (collect)
    # Reconcile due tomorrow: in progress.
    make("Baker & Sons", "partnership", monthly, staff, manager, "collect", "capture")
    make("Cole Trading", "limited_company", payroll, manager, partner, "collect")  # overdue
    make("Dee Sole", "sole_trader", monthly, partner, manager, "collect", "capture", "reconcile")
    return {"monthly": monthly, "payroll": payroll}


def test_each_filter_narrows_and_they_combine(cast, partner, manager, staff):
    everyone = {"Acme Ltd", "Baker & Sons", "Cole Trading", "Dee Sole"}
    assert filtered(staff) == everyone
    assert filtered(staff, assignee="me") == {"Acme Ltd", "Baker & Sons"}
    assert filtered(staff, assignee=str(manager.code)) == {"Cole Trading"}
    assert filtered(partner, reviewer="me") == {"Acme Ltd", "Cole Trading"}
    assert filtered(staff, entity_type="limited_company") == {"Acme Ltd", "Cole Trading"}
    assert filtered(staff, status="overdue") == {"Acme Ltd", "Cole Trading"}
    assert filtered(staff, status="in_progress") == {"Baker & Sons"}
    assert filtered(staff, status="on_track") == {"Dee Sole"}
    assert filtered(staff, status="not_started") == set()
    assert filtered(staff, template=str(cast["payroll"].code)) == {"Cole Trading"}
    assert filtered(staff, stage="reconcile") == {"Baker & Sons"}
    assert filtered(staff, q="acme") == {"Acme Ltd"}
    # Combined: AND.
    assert filtered(staff, assignee="me", status="overdue") == {"Acme Ltd"}
    assert filtered(partner, reviewer="me", entity_type="limited_company", status="overdue") == {
        "Acme Ltd",
        "Cole Trading",
    }
    assert filtered(partner, reviewer="me", template=str(cast["monthly"].code)) == {"Acme Ltd"}


def test_unknown_filter_values_are_ignored_not_errors(cast, staff, other_practice):
    stranger = UserFactory(practice=other_practice)
    everyone = {"Acme Ltd", "Baker & Sons", "Cole Trading", "Dee Sole"}
    assert filtered(staff, assignee=str(stranger.code)) == everyone
    assert filtered(staff, status="lost", entity_type="spaceship") == everyone
    # An invalid filter is dropped; the valid ones beside it still apply.
    assert filtered(staff, status="lost", assignee="me") == {"Acme Ltd", "Baker & Sons"}


def test_querystring_keeps_the_filters_and_adds_extras(cast, staff):
    request = RequestFactory().get(
        "/calendar/", {"assignee": "me", "status": "overdue", "page": "3", "month": "2026-10"}
    )
    form = PackFilterForm(request.GET, user=staff)
    assert form.active
    assert form.querystring(month="2026-12") == "assignee=me&status=overdue&month=2026-12"
    assert not PackFilterForm(RequestFactory().get("/").GET, user=staff).active
