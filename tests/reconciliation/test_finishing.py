"""Finishing a reconciliation (reconciliation.finishing and its task): refused while something
blocks it, the statement rendered and filed by the worker once (a failure goes back to open),
sign-off ticking the pack's "All bank accounts reconciled" item once every active account of the
client is signed off, reopening with a reason that unticks it, and another practice's staff
finding nothing."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from atlasos.tenancy.context import practice_context
from documents.models import DocType, Document, Source
from reconciliation import finishing, rendering, tasks, workspace
from reconciliation.models import Line, Match, Reason, Reconciliation
from reconciliation.summary import summarise
from reconciliation.workspace import WorkspaceError
from tasks.models import PackEvent, PackItem
from templates_engine.models import AutoTick
from tests.factories.clients import BankAccountFactory
from tests.factories.tasks import PackFactory, PackItemFactory
from tests.helpers import sign_in, standard_pack
from tests.reconciliation.conftest import IN_DECEMBER, NOVEMBER
from tests.reconciliation.helpers import november_imported

pytestmark = pytest.mark.django_db

State = Reconciliation.State
REPORT_NAME = "Bank reconciliation Business Current Account 2026-11.pdf"


@pytest.fixture
def november(practice, whitfield, partner, media, clock):
    """November imported and matched: one suggestion waits, seven lines are unexplained."""
    clock.set(IN_DECEMBER)
    with practice_context(practice.pk):
        reconciliation = november_imported(whitfield, partner)
        workspace.run_matcher(reconciliation)
    return reconciliation


@pytest.fixture
def ready(practice, partner, november):
    """November balanced and every line left over explained, as in the workspace flow."""
    with practice_context(practice.pk):
        waiting = Match.objects.get(reconciliation=november, state=Match.State.SUGGESTED)
        workspace.accept(waiting, partner)
        stripe = Line.objects.filter(description__in=["STRIPE PAYMENTS UK", "Stripe takings"])
        workspace.match_by_hand(
            november, list(stripe.values_list("pk", flat=True)), partner, write_off=True
        )
        for description, reason in (
            ("SERVICE CHARGE", Reason.MISSING_FROM_LEDGER),
            ("Smith Supplies", Reason.TIMING),
        ):
            workspace.explain(
                Line.objects.get(description=description),
                november,
                reason=reason,
                note="explained",
                owner=None,
                user=partner,
            )
        assert summarise(november).blockers() == []
    return november


def state_of(practice, reconciliation) -> Reconciliation:
    with practice_context(practice.pk):
        return Reconciliation.objects.get(pk=reconciliation.pk)


def reports(practice) -> int:
    with practice_context(practice.pk):
        return Document.objects.filter(doc_type=DocType.RECONCILIATION_REPORT).count()


# --- finish -----------------------------------------------------------------------------------


def refused_finish(practice, reconciliation, user, capture) -> str:
    with (
        practice_context(practice.pk),
        capture(execute=True) as callbacks,
        pytest.raises(WorkspaceError) as refused,
    ):
        finishing.finish(reconciliation, user)
    assert callbacks == []
    after = state_of(practice, reconciliation)
    assert (after.state, after.prepared_by, after.finished_at) == (State.OPEN, None, None)
    assert reports(practice) == 0
    return str(refused.value)


def test_finish_refuses_a_month_without_balances(
    practice, whitfield, partner, clock, django_capture_on_commit_callbacks
):
    clock.set(IN_DECEMBER)
    with practice_context(practice.pk):
        empty = workspace.open_for(whitfield, NOVEMBER)
    assert refused_finish(practice, empty, partner, django_capture_on_commit_callbacks) == (
        "Enter or import the balance per bank statement. Enter the balance per ledger."
    )


def test_finish_refuses_while_suggestions_wait_and_lines_are_unexplained(
    practice, partner, november, django_capture_on_commit_callbacks
):
    assert refused_finish(practice, november, partner, django_capture_on_commit_callbacks) == (
        "1 suggested matches wait: accept or reject them. "
        "7 unmatched lines have no explanation: give each a reason."
    )


def test_finish_refuses_an_unexplained_difference(
    practice, partner, ready, django_capture_on_commit_callbacks
):
    with practice_context(practice.pk):
        Reconciliation.objects.filter(pk=ready.pk).update(
            ledger_balance=Decimal("3300.00"), balances_entered=True
        )
        ready.refresh_from_db()
    assert refused_finish(practice, ready, partner, django_capture_on_commit_callbacks) == (
        "The unexplained difference is 0.15: it must be zero."
    )


def test_finish_renders_the_statement_and_files_it(
    practice, partner, ready, django_capture_on_commit_callbacks
):
    with (
        practice_context(practice.pk),
        django_capture_on_commit_callbacks(execute=False) as callbacks,
    ):
        finishing.finish(ready, partner)
    rendering = state_of(practice, ready)
    assert rendering.state == State.RENDERING
    assert (rendering.prepared_by, rendering.finished_at) == (partner, IN_DECEMBER)
    assert len(callbacks) == 1 and reports(practice) == 0

    callbacks[0]()  # the commit happened: the worker renders and files it

    finished = state_of(practice, ready)
    assert finished.state == State.FINISHED, finished.render_error
    with practice_context(practice.pk):
        report = Document.objects.get(doc_type=DocType.RECONCILIATION_REPORT)
    assert finished.report_id == report.pk
    assert (report.source, report.period, report.client_id) == (
        Source.GENERATED,
        NOVEMBER,
        ready.client_id,
    )
    assert (report.original_name, report.content_type) == (REPORT_NAME, "application/pdf")
    assert report.uploaded_by == partner

    with practice_context(practice.pk), pytest.raises(WorkspaceError) as refused:
        finishing.finish(ready, partner)
    assert str(refused.value) == "It is finished, waiting for sign-off already."


def test_a_render_failure_goes_back_to_open_with_the_error(
    practice, partner, ready, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(reconciliation):
        raise RuntimeError("the font file is missing")

    monkeypatch.setattr("reconciliation.report.render_statement", broken)
    with (
        practice_context(practice.pk),
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        finishing.finish(ready, partner)
    assert len(callbacks) == 1
    after = state_of(practice, ready)
    assert after.state == State.OPEN
    assert after.render_error == "The statement could not be rendered: the font file is missing"
    assert after.report is None and reports(practice) == 0

    monkeypatch.undo()  # fixed: finishing again works and clears the error
    with practice_context(practice.pk), django_capture_on_commit_callbacks(execute=True):
        finishing.finish(ready, partner)
    after = state_of(practice, ready)
    assert (after.state, after.render_error) == (State.FINISHED, "")
    assert reports(practice) == 1


def test_a_retry_after_the_statement_was_filed_does_nothing(
    practice, partner, ready, django_capture_on_commit_callbacks
):
    with practice_context(practice.pk), django_capture_on_commit_callbacks(execute=True):
        finishing.finish(ready, partner)
    filed = state_of(practice, ready)
    assert filed.state == State.FINISHED

    again = tasks.render_statement.apply(args=[ready.pk], kwargs={"practice_id": practice.pk})
    assert again.get() == "skipped"
    with practice_context(practice.pk):
        assert rendering.render_and_file(ready.pk) is None
    assert reports(practice) == 1
    assert state_of(practice, ready).report_id == filed.report_id


# --- sign-off and reopen ----------------------------------------------------------------------


def finished(practice, account, partner) -> Reconciliation:
    """The account's November reconciliation, finished (its statement filed)."""
    with practice_context(practice.pk):
        reconciliation = workspace.open_for(account, NOVEMBER)
        Reconciliation.objects.filter(pk=reconciliation.pk).update(
            state=State.FINISHED, prepared_by=partner, finished_at=IN_DECEMBER
        )
        reconciliation.refresh_from_db()
    return reconciliation


@pytest.fixture
def two_accounts(practice, whitfield, partner, clock):
    """Whitfield's current account and savings account (both active) and a closed one, and its
    November pack."""
    clock.set(IN_DECEMBER)
    with practice_context(practice.pk):
        savings = BankAccountFactory(
            practice=practice,
            client=whitfield.client,
            name="Business Savings",
            bank_name="Lloyds",
            sort_code="309174",
            account_number="77001234",
        )
        BankAccountFactory(
            practice=practice,
            client=whitfield.client,
            name="Old Account",
            account_number="11112222",
            is_active=False,
        )
    pack = standard_pack(practice, whitfield.client, now=IN_DECEMBER)
    assert pack.period == NOVEMBER
    return whitfield, savings, pack


def reconciled_item(practice, pack) -> PackItem:
    with practice_context(practice.pk):
        return PackItem.objects.get(pack=pack, auto_key=AutoTick.BANK_RECONCILED)


def events(practice, item) -> list[tuple[str, str, bool]]:
    with practice_context(practice.pk):
        return list(
            PackEvent.objects.filter(item=item)
            .order_by("pk")
            .values_list("action", "detail", "automatic")
        )


def test_sign_off_ticks_the_pack_once_every_active_account_is_signed_off(
    practice, partner, manager, two_accounts
):
    current, savings, pack = two_accounts
    first, second = finished(practice, current, partner), finished(practice, savings, partner)

    with practice_context(practice.pk):
        finishing.sign_off(first, manager)
    signed = state_of(practice, first)
    assert (signed.state, signed.signed_off_by, signed.signed_off_at) == (
        State.SIGNED_OFF,
        manager,
        IN_DECEMBER,
    )
    assert reconciled_item(practice, pack).done_at is None  # the savings account is not yet

    with practice_context(practice.pk):
        finishing.sign_off(second, manager)
    item = reconciled_item(practice, pack)
    assert (item.done_at, item.done_automatically) == (IN_DECEMBER, True)
    assert events(practice, item) == [
        (
            PackEvent.Action.TICKED,
            "All bank accounts reconciled (Every bank account reconciled for November 2026 and "
            "signed off)",
            True,
        )
    ]


def test_only_a_finished_reconciliation_is_signed_off(practice, partner, whitfield, clock):
    clock.set(IN_DECEMBER)
    with practice_context(practice.pk):
        open_one = workspace.open_for(whitfield, NOVEMBER)
        with pytest.raises(WorkspaceError) as refused:
            finishing.sign_off(open_one, partner)
    assert (
        str(refused.value) == "Only a finished reconciliation, its statement filed, is signed off."
    )
    assert state_of(practice, open_one).state == State.OPEN


def test_reopen_needs_a_reason_and_unticks_the_pack_with_it(
    practice, partner, manager, two_accounts
):
    current, savings, pack = two_accounts
    signed = []
    for account in (current, savings):
        reconciliation = finished(practice, account, partner)
        with practice_context(practice.pk):
            finishing.sign_off(reconciliation, manager)
        signed.append(reconciliation)
    assert reconciled_item(practice, pack).done_at == IN_DECEMBER

    with practice_context(practice.pk), pytest.raises(WorkspaceError) as refused:
        finishing.reopen(signed[0], partner, "   ")
    assert str(refused.value) == "Say why it is reopened."
    assert state_of(practice, signed[0]).state == State.SIGNED_OFF
    assert reconciled_item(practice, pack).done_at == IN_DECEMBER

    with practice_context(practice.pk):
        finishing.reopen(signed[0], partner, "  The client sent a late refund ")
    after = state_of(practice, signed[0])
    assert (after.state, after.reopened_reason) == (State.OPEN, "The client sent a late refund")
    assert (after.signed_off_by, after.signed_off_at) == (None, None)
    item = reconciled_item(practice, pack)
    assert (item.done_at, item.done_automatically) == (None, False)
    assert events(practice, item)[-1] == (
        PackEvent.Action.UNTICKED,
        "All bank accounts reconciled (Business Current Account November 2026 reopened by "
        "Helen Marsh: The client sent a late refund)",
        True,
    )

    with practice_context(practice.pk), pytest.raises(WorkspaceError) as refused:
        finishing.reopen(signed[0], partner, "again")
    assert str(refused.value) == "Only a finished or signed-off reconciliation is reopened."


def test_the_views_sign_off_and_reopen(client, practice, partner, manager, two_accounts):
    current, _, pack = two_accounts
    reconciliation = finished(practice, current, partner)
    sign_in(client, manager)
    response = client.post(reverse("reconciliation:sign_off", args=[reconciliation.code]))
    assert response.status_code == 302
    assert state_of(practice, reconciliation).state == State.SIGNED_OFF

    page = client.post(
        reverse("reconciliation:reopen", args=[reconciliation.code]), {"reason": ""}, follow=True
    )
    assert "This field is required." in page.content.decode()
    assert state_of(practice, reconciliation).state == State.SIGNED_OFF

    client.post(
        reverse("reconciliation:reopen", args=[reconciliation.code]),
        {"reason": "Wrong month end balance"},
    )
    after = state_of(practice, reconciliation)
    assert (after.state, after.reopened_reason) == (State.OPEN, "Wrong month end balance")


def test_a_quarterly_pack_is_ticked_only_when_its_last_month_is_signed_off(
    practice, whitfield, partner, clock
):
    clock.set(IN_DECEMBER)
    with practice_context(practice.pk):
        pack = PackFactory(
            practice=practice,
            client=whitfield.client,
            period=datetime.date(2026, 10, 1),
            recurrence="quarterly",
        )
        item = PackItemFactory(
            practice=practice,
            pack=pack,
            stage="reconcile",
            title="All bank accounts reconciled",
            auto_key=AutoTick.BANK_RECONCILED,
        )
        october = workspace.open_for(whitfield, datetime.date(2026, 10, 1))
        Reconciliation.objects.filter(pk=october.pk).update(state=State.FINISHED)
        finishing.sign_off(october, partner)
        item.refresh_from_db()
    assert item.done_at is None  # November and December are not reconciled yet


# --- another practice -------------------------------------------------------------------------


def test_another_practices_staff_find_nothing(client, practice, other_partner, partner, november):
    with practice_context(practice.pk):
        waiting = Match.objects.get(reconciliation=november, state=Match.State.SUGGESTED)
        line = Line.objects.get(description="SERVICE CHARGE")
    sign_in(client, other_partner)
    code = november.code
    assert client.get(november.get_absolute_url()).status_code == 404
    assert client.post(reverse("reconciliation:finish", args=[code])).status_code == 404
    assert client.post(reverse("reconciliation:accept", args=[waiting.code])).status_code == 404
    explain = reverse("reconciliation:explain", args=[line.code])
    assert client.post(explain, {"reason": "timing", "reconciliation": code}).status_code == 404
    after = state_of(practice, november)
    assert after.state == State.OPEN
    with practice_context(practice.pk):
        assert Match.objects.get(pk=waiting.pk).state == Match.State.SUGGESTED
        assert Line.objects.get(pk=line.pk).reason == ""
