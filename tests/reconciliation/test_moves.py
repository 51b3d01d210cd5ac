"""The workspace's moves (reconciliation.workspace and reconciliation.queries): the matcher's
auto matches and suggestions, accepting and rejecting them, matching by hand, unmatching,
explaining, asking the client, the lock of a finished reconciliation and the items carried
forward from one month to the next. A refused move changes no row."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from atlasos.tenancy.context import practice_context
from documents.models import DocType
from portal.models import DocumentRequest, RequestItem
from reconciliation import queries, workspace
from reconciliation.models import Line, Match, MatchSettings, Reason, Reconciliation, Side
from reconciliation.summary import summarise
from reconciliation.workspace import WorkspaceError
from tests.factories.clients import BankAccountFactory
from tests.factories.reconciliation import LineFactory, MatchFactory, StatementImportFactory
from tests.helpers import sign_in, standard_pack
from tests.reconciliation.conftest import IN_DECEMBER, NOVEMBER
from tests.reconciliation.helpers import counts, mt940, november_imported

pytestmark = pytest.mark.django_db

OCTOBER = datetime.date(2026, 10, 1)
DECEMBER = datetime.date(2026, 12, 1)
NOT_FREE = "One of these lines is matched already, or not in this month."


@pytest.fixture
def november(practice, whitfield, partner, media, clock):
    """November imported (8 bank lines, 9 ledger lines), the matcher not yet run."""
    clock.set(IN_DECEMBER)
    with practice_context(practice.pk):
        return november_imported(whitfield, partner)


@pytest.fixture
def matched(practice, november):
    with practice_context(practice.pk):
        workspace.run_matcher(november)
    return november


def line(practice, description: str) -> Line:
    with practice_context(practice.pk):
        return Line.objects.get(description=description)


def pks(practice, *descriptions: str) -> list[int]:
    return [line(practice, d).pk for d in descriptions]


def suggestion(practice, reconciliation) -> Match:
    with practice_context(practice.pk):
        return Match.objects.get(reconciliation=reconciliation, state=Match.State.SUGGESTED)


def texts(practice, ids) -> set[str]:
    with practice_context(practice.pk):
        return set(Line.objects.filter(pk__in=ids).values_list("description", flat=True))


# --- the matcher ------------------------------------------------------------------------------

AUTO_PAIRS = {
    ("ACME LTD INV 1042", "Payment: Acme Ltd"),
    ("TESCO STORES 3217", "Tesco Stores"),
    ("LANDLORD PROPERTIES RENT", "Landlord Properties - rent"),
    ("HMRC VAT", "Payment: HMRC VAT Q3"),
    ("BRITISH GAS DD", "British Gas"),
}


def test_the_matcher_links_auto_matches_and_leaves_suggestions_unlinked(practice, november):
    with practice_context(practice.pk):
        result = workspace.run_matcher(november)
        auto = list(Match.objects.filter(reconciliation=november, kind=Match.Kind.AUTO))
        november.refresh_from_db()
    assert (len(result.auto), len(result.suggested)) == (5, 1)
    assert november.matched_at == IN_DECEMBER
    pairs = set()
    for match in auto:
        assert match.state == Match.State.ACCEPTED
        assert match.decided_at == IN_DECEMBER and match.decided_by is None
        (bank,) = texts(practice, match.bank_ids)
        (ledger,) = texts(practice, match.ledger_ids)
        pairs.add((bank, ledger))
        for pk in [*match.bank_ids, *match.ledger_ids]:
            with practice_context(practice.pk):
                assert Line.objects.get(pk=pk).match_id == match.pk
    assert pairs == AUTO_PAIRS

    waiting = suggestion(practice, november)
    assert waiting.kind == Match.Kind.SUGGESTED and waiting.pass_name == "group"
    assert texts(practice, waiting.bank_ids) == {"PAYING IN 300123"}
    assert texts(practice, waiting.ledger_ids) == {"Cheque: Brown & Co", "Cheque: Ellis Ltd"}
    for pk in [*waiting.bank_ids, *waiting.ledger_ids]:
        with practice_context(practice.pk):
            found = Line.objects.get(pk=pk)
        assert (found.match_id, found.hint) == (None, "a match is suggested")
    assert line(practice, "SERVICE CHARGE").hint == "bank charge"
    assert line(practice, "Smith Supplies").hint == "no bank line in the window"


def test_running_the_matcher_again_changes_nothing_twice(practice, matched):
    before = counts(practice.pk)
    with practice_context(practice.pk):
        result = workspace.run_matcher(matched)
        states = sorted(Match.objects.values_list("kind", "state"))
    assert (len(result.auto), len(result.suggested)) == (0, 1)
    assert counts(practice.pk) == before
    assert states == [("auto", "accepted")] * 5 + [("suggested", "suggested")]


def test_a_rejected_suggestion_is_not_suggested_again(practice, partner, matched):
    waiting = suggestion(practice, matched)
    with practice_context(practice.pk):
        workspace.reject(waiting, partner)
        waiting.refresh_from_db()
        assert waiting.state == Match.State.REJECTED and waiting.decided_by == partner
        assert Line.objects.get(description="PAYING IN 300123").hint == (
            "a suggestion was rejected"
        )
        workspace.run_matcher(matched)
        assert not Match.objects.filter(state=Match.State.SUGGESTED).exists()
        assert Match.objects.filter(state=Match.State.REJECTED).count() == 1
        assert summarise(matched).suggestions == 0
        with pytest.raises(WorkspaceError, match="dealt with already"):
            workspace.reject(waiting, partner)


def test_accepting_a_suggestion_links_its_lines(practice, partner, matched):
    waiting = suggestion(practice, matched)
    with practice_context(practice.pk):
        workspace.accept(waiting, partner)
        waiting.refresh_from_db()
        linked = set(Line.objects.filter(match=waiting).values_list("description", flat=True))
    assert waiting.state == Match.State.ACCEPTED and waiting.decided_by == partner
    assert linked == {"PAYING IN 300123", "Cheque: Brown & Co", "Cheque: Ellis Ltd"}


def test_accept_refuses_a_suggestion_whose_line_was_matched_meanwhile(practice, partner, matched):
    waiting = suggestion(practice, matched)
    with practice_context(practice.pk):
        # Another move linked the paying-in line while the suggestion still showed.
        elsewhere = MatchFactory(
            practice=practice, reconciliation=matched, kind="manual", state="accepted"
        )
        Line.objects.filter(pk=waiting.bank_ids[0]).update(match=elsewhere)
    before = counts(practice.pk)
    with practice_context(practice.pk), pytest.raises(WorkspaceError) as refused:
        workspace.accept(waiting, partner)
    assert str(refused.value) == NOT_FREE
    assert counts(practice.pk) == before
    with practice_context(practice.pk):
        waiting.refresh_from_db()
        assert waiting.state == Match.State.SUGGESTED
        assert not Line.objects.filter(pk__in=waiting.ledger_ids, match__isnull=False).exists()


def test_accept_refuses_a_suggestion_dropped_when_its_line_was_matched_by_hand(
    practice, partner, matched
):
    waiting = suggestion(practice, matched)
    ids = pks(practice, "PAYING IN 300123", "Cheque: Brown & Co", "Cheque: Ellis Ltd")
    with practice_context(practice.pk):
        workspace.match_by_hand(matched, ids, partner)
    before = counts(practice.pk)
    with practice_context(practice.pk), pytest.raises(WorkspaceError):
        workspace.accept(waiting, partner)  # the page still showed it
    assert counts(practice.pk) == before


# --- accept all above a score -------------------------------------------------------------------


def test_accept_all_above_takes_only_those_at_or_above_the_score_and_each_line_once(
    practice, whitfield, partner, clock
):
    clock.set(IN_DECEMBER)
    with practice_context(practice.pk):
        reconciliation = workspace.open_for(whitfield, NOVEMBER)
        bank = StatementImportFactory(practice=practice, bank_account=whitfield, side="bank")
        ledger = StatementImportFactory(practice=practice, bank_account=whitfield, side="ledger")
        b1, b2, b3 = (
            LineFactory(practice=practice, statement_import=bank, amount=Decimal(a))
            for a in ("-45", "-60", "-70")
        )
        l1, l2, l3, l4 = (
            LineFactory(practice=practice, statement_import=ledger, amount=Decimal(a))
            for a in ("-45", "-45", "-60", "-70")
        )

        def suggest(score, bank_line, ledger_line):
            return MatchFactory(
                practice=practice,
                reconciliation=reconciliation,
                score=score,
                bank_ids=[bank_line.pk],
                ledger_ids=[ledger_line.pk],
            )

        best = suggest(95.0, b1, l1)
        rival = suggest(90.0, b1, l2)  # wants b1 too
        exactly = suggest(80.0, b2, l3)
        below = suggest(79.9, b3, l4)

        assert workspace.accept_all_above(reconciliation, 80, partner) == 2

        states = {m.pk: m.state for m in Match.objects.all()}
        assert states == {best.pk: "accepted", exactly.pk: "accepted", below.pk: "suggested"}
        assert rival.pk not in states  # dropped: its bank line is taken
        matched = dict(Line.objects.values_list("pk", "match_id"))
        assert matched == {
            b1.pk: best.pk,
            l1.pk: best.pk,
            l2.pk: None,
            b2.pk: exactly.pk,
            l3.pk: exactly.pk,
            b3.pk: None,
            l4.pk: None,
        }
        assert Match.objects.get(pk=best.pk).decided_by == partner


# --- matching by hand -------------------------------------------------------------------------


def test_lines_that_differ_are_matched_only_with_the_difference_written_off(
    practice, partner, matched
):
    ids = pks(practice, "STRIPE PAYMENTS UK", "Stripe takings")
    before = counts(practice.pk)
    with practice_context(practice.pk), pytest.raises(WorkspaceError) as refused:
        workspace.match_by_hand(matched, ids, partner)
    assert str(refused.value) == (
        "The lines differ by -7.65: choose lines that agree, or match them with the difference "
        "written off."
    )
    assert counts(practice.pk) == before

    with practice_context(practice.pk):
        match = workspace.match_by_hand(matched, ids, partner, write_off=True)
        match.refresh_from_db()
        linked = set(Line.objects.filter(match=match).values_list("pk", flat=True))
        written_off = summarise(matched).written_off
    assert (match.kind, match.state, match.difference) == ("manual", "accepted", Decimal("-7.65"))
    assert match.reason == "matched by Helen Marsh; -7.65 written off"
    assert match.decided_by == partner
    assert linked == set(ids)
    assert written_off == Decimal("-7.65")


@pytest.mark.parametrize(
    ("descriptions", "message"),
    [
        ((), "Choose the lines to match."),
        (
            ("SERVICE CHARGE",),
            "Choose at least two lines: one on each side, or lines that cancel out.",
        ),
        (
            ("STRIPE PAYMENTS UK", "SERVICE CHARGE"),
            "Lines of one side can only be matched when they cancel out.",
        ),
        (("ACME LTD INV 1042", "Stripe takings"), NOT_FREE),  # Acme is matched already
    ],
)
def test_match_by_hand_refuses(practice, partner, matched, descriptions, message):
    ids = pks(practice, *descriptions)
    before = counts(practice.pk)
    with practice_context(practice.pk), pytest.raises(WorkspaceError) as refused:
        workspace.match_by_hand(matched, ids, partner, write_off=True)
    assert str(refused.value) == message
    assert counts(practice.pk) == before


def test_match_by_hand_refuses_a_line_of_another_account_or_month(
    practice, whitfield, partner, matched
):
    with practice_context(practice.pk):
        savings = BankAccountFactory(
            practice=practice, client=whitfield.client, name="Savings", account_number="55500011"
        )
        theirs = LineFactory(
            practice=practice,
            statement_import=StatementImportFactory(
                practice=practice, bank_account=savings, side="ledger"
            ),
            amount=Decimal("-7.50"),
        )
        december = LineFactory(
            practice=practice,
            statement_import=StatementImportFactory(
                practice=practice, bank_account=whitfield, side="ledger", period=DECEMBER
            ),
            date=datetime.date(2026, 12, 2),
            amount=Decimal("-7.50"),
        )
    charge = line(practice, "SERVICE CHARGE").pk
    before = counts(practice.pk)
    for other in (theirs, december):
        with practice_context(practice.pk), pytest.raises(WorkspaceError) as refused:
            workspace.match_by_hand(matched, [charge, other.pk], partner)
        assert str(refused.value) == NOT_FREE
    assert counts(practice.pk) == before
    assert line(practice, "SERVICE CHARGE").match_id is None


def test_unmatch_returns_the_lines(practice, partner, matched):
    acme = line(practice, "ACME LTD INV 1042")
    with practice_context(practice.pk):
        match = Match.objects.get(pk=acme.match_id)
        workspace.unmatch(match, partner)
        match.refresh_from_db()
        assert match.state == Match.State.REJECTED  # kept, so that it is not made again
    for description in ("ACME LTD INV 1042", "Payment: Acme Ltd"):
        returned = line(practice, description)
        assert (returned.match_id, returned.hint) == (None, "unmatched by hand")

    waiting = suggestion(practice, matched)
    with practice_context(practice.pk), pytest.raises(WorkspaceError) as refused:
        workspace.unmatch(waiting, partner)
    assert str(refused.value) == "Only a match can be undone."


def test_a_match_undone_by_hand_is_not_made_again_automatically(practice, partner, matched):
    acme = line(practice, "ACME LTD INV 1042")
    with practice_context(practice.pk):
        workspace.unmatch(Match.objects.get(pk=acme.match_id), partner)
        workspace.run_matcher(matched)
    assert line(practice, "ACME LTD INV 1042").match_id is None


# --- explaining -------------------------------------------------------------------------------


def test_explain_records_the_reason_and_refuses_a_matched_line_or_an_unknown_reason(
    practice, partner, manager, matched
):
    charge = line(practice, "SERVICE CHARGE")
    with practice_context(practice.pk):
        workspace.explain(
            charge,
            matched,
            reason=Reason.MISSING_FROM_LEDGER,
            note="Lloyds monthly fee, to post",
            owner=manager,
            user=partner,
        )
    charge = line(practice, "SERVICE CHARGE")
    assert (charge.reason, charge.note, charge.owner_id, charge.explained_at) == (
        "missing_ledger",
        "Lloyds monthly fee, to post",
        manager.pk,
        IN_DECEMBER,
    )

    acme = line(practice, "ACME LTD INV 1042")
    with practice_context(practice.pk), pytest.raises(WorkspaceError) as refused:
        workspace.explain(acme, matched, reason="timing", note="", owner=None, user=partner)
    assert str(refused.value) == "This line is matched: it needs no explanation."
    assert line(practice, "ACME LTD INV 1042").reason == ""

    smith = line(practice, "Smith Supplies")
    with practice_context(practice.pk), pytest.raises(WorkspaceError) as refused:
        workspace.explain(smith, matched, reason="because", note="x", owner=None, user=partner)
    assert str(refused.value) == "Choose one of the reasons."
    assert (line(practice, "Smith Supplies").reason, line(practice, "Smith Supplies").note) == (
        "",
        "",
    )

    with practice_context(practice.pk):  # an empty reason takes the explanation back
        workspace.explain(charge, matched, reason="", note="", owner=None, user=partner)
    charge = line(practice, "SERVICE CHARGE")
    assert (charge.reason, charge.explained_at, charge.owner_id) == ("", None, None)


# --- asking the client ------------------------------------------------------------------------

QUESTION = "Who was cheque 000145 paid to?"
ITEM_TITLE = "29 Nov 2026 -640.00 “Smith Supplies”: Who was cheque 000145 paid to?"


def test_a_question_goes_on_the_packs_document_request(practice, whitfield, partner, matched):
    pack = standard_pack(practice, whitfield.client, now=IN_DECEMBER)
    assert pack.period == NOVEMBER
    smith = line(practice, "Smith Supplies")
    with practice_context(practice.pk):
        pack_request = DocumentRequest.objects.get(pack=pack)
        items_before = pack_request.items.count()
        item = queries.ask_client(matched, smith, f"  {QUESTION}\n ", partner)
        assert DocumentRequest.objects.count() == 1
        assert pack_request.items.count() == items_before + 1
    assert item.request_id == pack_request.pk
    assert (item.title, item.required, item.doc_type) == (ITEM_TITLE, False, DocType.OTHER)
    smith = line(practice, "Smith Supplies")
    assert (smith.reason, smith.note, smith.owner_id, smith.query_item_id) == (
        Reason.QUERY,
        QUESTION,
        partner.pk,
        item.pk,
    )


def test_without_a_pack_the_question_opens_a_request_for_the_month(
    practice, whitfield, partner, matched
):
    smith, charge = line(practice, "Smith Supplies"), line(practice, "SERVICE CHARGE")
    with practice_context(practice.pk):
        first = queries.ask_client(matched, smith, QUESTION, partner)
        second = queries.ask_client(matched, charge, "Is this fee expected?", partner)
        request = DocumentRequest.objects.get()
        titles = list(request.items.order_by("position").values_list("title", "required"))
    assert (request.title, request.period, request.due, request.pack_id) == (
        "Questions about November 2026",
        NOVEMBER,
        datetime.date(2026, 12, 14),
        None,
    )
    assert request.created_by == partner and request.client_id == whitfield.client_id
    assert first.request_id == second.request_id == request.pk
    assert titles == [
        (ITEM_TITLE, False),
        ("28 Nov 2026 -7.50 “SERVICE CHARGE”: Is this fee expected?", False),
    ]


def test_asking_refuses_an_empty_question_or_a_matched_line(practice, partner, matched):
    acme = line(practice, "ACME LTD INV 1042")
    smith = line(practice, "Smith Supplies")
    for target, question, message in (
        (smith, "   ", "Write the question for the client."),
        (acme, QUESTION, "This line is matched: it needs no explanation."),
    ):
        with practice_context(practice.pk), pytest.raises(WorkspaceError) as refused:
            queries.ask_client(matched, target, question, partner)
        assert str(refused.value) == message
    with practice_context(practice.pk):
        assert not DocumentRequest.objects.exists()
        assert not RequestItem.objects.exists()
    assert line(practice, "Smith Supplies").reason == ""


# --- a finished reconciliation is locked ------------------------------------------------------

LOCKED = {
    Reconciliation.State.FINISHED: "The reconciliation is finished, waiting for sign-off: "
    "reopen it to change it.",
    Reconciliation.State.SIGNED_OFF: "The reconciliation is signed off: reopen it to change it.",
}


@pytest.mark.parametrize("state", list(LOCKED))
def test_every_move_on_a_finished_or_signed_off_reconciliation_is_refused(
    practice, partner, matched, state
):
    waiting = suggestion(practice, matched)
    acme = line(practice, "ACME LTD INV 1042")
    smith = line(practice, "Smith Supplies")
    stripe = pks(practice, "STRIPE PAYMENTS UK", "Stripe takings")
    with practice_context(practice.pk):
        auto = Match.objects.get(pk=acme.match_id)
        Reconciliation.objects.filter(pk=matched.pk).update(state=state)
        matched.refresh_from_db()
    moves = {
        "run the matcher": lambda: workspace.run_matcher(matched),
        "accept": lambda: workspace.accept(waiting, partner),
        "reject": lambda: workspace.reject(waiting, partner),
        "accept all above": lambda: workspace.accept_all_above(matched, 0, partner),
        "match by hand": lambda: workspace.match_by_hand(matched, stripe, partner, write_off=True),
        "unmatch": lambda: workspace.unmatch(auto, partner),
        "explain": lambda: workspace.explain(
            smith, matched, reason="timing", note="", owner=None, user=partner
        ),
        "ask": lambda: queries.ask_client(matched, smith, QUESTION, partner),
    }
    before = counts(practice.pk)
    with practice_context(practice.pk):
        lines_before = list(Line.objects.values_list("pk", "match_id", "reason", "hint"))
    for name, move in moves.items():
        with practice_context(practice.pk), pytest.raises(WorkspaceError) as refused:
            move()
        assert str(refused.value) == LOCKED[state], name
        assert "reopen" in str(refused.value)
    assert counts(practice.pk) == before
    with practice_context(practice.pk):
        assert list(Line.objects.values_list("pk", "match_id", "reason", "hint")) == lines_before
        assert Match.objects.get(pk=waiting.pk).state == Match.State.SUGGESTED
        assert not DocumentRequest.objects.exists()


LATE_LINE = mt940([("261130", "-12.00", "CH002", "LATE CHARGE")], opening="3925.00")


def test_the_views_refuse_to_change_a_finished_reconciliation(client, practice, partner, matched):
    with practice_context(practice.pk):
        Reconciliation.objects.filter(pk=matched.pk).update(state="finished")
    sign_in(client, partner)
    before = counts(practice.pk)
    response = client.post(
        reverse("reconciliation:balances", args=[matched.code]),
        {"statement_balance": "1.00", "ledger_balance": "2.00"},
        follow=True,
    )
    assert "Reopen the reconciliation to change its balances." in response.content.decode()
    response = client.post(reverse("reconciliation:run_matcher", args=[matched.code]), follow=True)
    assert "reopen it to change it." in response.content.decode()
    upload = client.post(
        reverse("reconciliation:upload", args=[matched.code]),
        {"side": "bank", "file": SimpleUploadedFile("late.sta", LATE_LINE.encode())},
    )
    assert upload.status_code == 302
    response = client.post(upload["Location"], {"side": "bank"}, follow=True)
    assert "Reopen the reconciliation to import into it." in response.content.decode()
    with practice_context(practice.pk):
        matched.refresh_from_db()
    assert (matched.statement_balance, matched.ledger_balance) == (
        Decimal("3925.00"),
        Decimal("3300.15"),
    )
    assert counts(practice.pk) == before


# --- carried forward --------------------------------------------------------------------------


def test_an_unpresented_cheque_is_carried_forward_until_it_clears(
    practice, whitfield, partner, clock
):
    clock.set(IN_DECEMBER)
    with practice_context(practice.pk):
        october = workspace.open_for(whitfield, OCTOBER)
        november = workspace.open_for(whitfield, NOVEMBER)
        ledger = StatementImportFactory(
            practice=practice, bank_account=whitfield, side="ledger", period=OCTOBER
        )
        bank = StatementImportFactory(practice=practice, bank_account=whitfield, side="bank")
        cheque = LineFactory(
            practice=practice,
            statement_import=ledger,
            date=datetime.date(2026, 10, 28),
            amount=Decimal("-300.00"),
            description="Cheque 000139 Harper Timber",
        )
        cleared = LineFactory(
            practice=practice,
            statement_import=bank,
            date=datetime.date(2026, 11, 4),
            amount=Decimal("-300.00"),
            description="CHEQUE 000139",
        )
        workspace.run_matcher(october)  # nothing in the bank for it in October
        assert list(workspace.unmatched(october).values_list("pk", flat=True)) == [cheque.pk]

        in_november = workspace.scope(november, Side.LEDGER)
        assert list(in_november.values_list("pk", flat=True)) == [cheque.pk]
        assert summarise(november).brought_forward == 1

        october_before = summarise(october)
        match = workspace.match_by_hand(november, [cheque.pk, cleared.pk], partner)
        assert match.reconciliation == november
        assert summarise(november).brought_forward == 0
        # October's statement is as at 31 October: the cheque was outstanding then, and stays
        # so on October's summary after November clears it.
        october_after = summarise(october)
        assert october_after.ledger_not_in_bank == october_before.ledger_not_in_bank
        assert october_after.ledger_not_in_bank == Decimal("-300.00")
        assert october_after.ledger_unmatched == october_before.ledger_unmatched == 1
        assert list(workspace.outstanding(october).values_list("pk", flat=True)) == [cheque.pk]
        assert set(workspace.scope(november).values_list("pk", flat=True)) == {
            cheque.pk,
            cleared.pk,
        }

        december = workspace.open_for(whitfield, DECEMBER)
        assert not workspace.scope(december).exists()
        assert summarise(december).brought_forward == 0


# --- the client's rules -------------------------------------------------------------------------


def test_the_default_rules_suggest_card_takings_net_of_the_fee(practice, november):
    with practice_context(practice.pk):
        MatchSettings.objects.filter(client=november.client).delete()  # the defaults
        workspace.run_matcher(november)
        near = Match.objects.get(reconciliation=november, pass_name="tolerance")
    assert near.state == Match.State.SUGGESTED  # never made without the bookkeeper
    assert near.bank_ids == pks(practice, "STRIPE PAYMENTS UK")
    assert near.ledger_ids == pks(practice, "Stripe takings")
    assert near.difference == Decimal("-7.65")
    assert "within the tolerance" in near.reason


def test_exact_rules_leave_the_takings_to_the_bookkeeper(practice, matched):
    with practice_context(practice.pk):
        assert not Match.objects.filter(reconciliation=matched, pass_name="tolerance").exists()
    assert line(practice, "STRIPE PAYMENTS UK").hint == "no ledger entry in the window"
