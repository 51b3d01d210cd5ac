"""A bookkeeper's month through HTTP: open the account's November reconciliation, read the
bank's MT940 and the ledger's Xero export, let the matcher pair what it can, accept its
suggestions, match the card takings by hand with the fee written off, explain the bank charge
and the unpresented cheque, finish, and find the statement filed and the stage ticked."""

from decimal import Decimal

import pytest
from django.urls import reverse

from atlasos.tenancy.context import practice_context
from documents.models import DocType, Document, Source
from reconciliation.models import Line, Match, Reconciliation, StatementImport
from tasks.models import PackItem
from templates_engine.models import AutoTick
from tests.helpers import sign_in, standard_pack
from tests.reconciliation.conftest import IN_DECEMBER, NOVEMBER, workspace_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, partner, clock):
    clock.set(IN_DECEMBER)
    sign_in(client, partner)
    return client


def open_november(client, account) -> Reconciliation:
    url = reverse("reconciliation:open", args=[account.code])
    assert client.get(url).status_code == 405  # opening makes the row: a POST
    response = client.post(url, {"period": "2026-11"})
    assert response.status_code == 302
    with practice_context(account.practice_id):
        reconciliation = Reconciliation.objects.get(bank_account=account, period=NOVEMBER)
    assert response["Location"] == reconciliation.get_absolute_url()
    return reconciliation


def upload(client, reconciliation, name, side):
    url = reverse("reconciliation:upload", args=[reconciliation.code])
    response = client.post(url, {"side": side, "file": workspace_file(name)})
    assert response.status_code == 302, response.content.decode()[:2000]
    preview = client.get(response["Location"])
    assert preview.status_code == 200
    return response["Location"], preview.content.decode()


def imported(client, reconciliation, name, side):
    location, page = upload(client, reconciliation, name, side)
    response = client.post(location, {"side": side})
    assert response.status_code == 302, response.content.decode()[:3000]
    return client.get(response["Location"]).content.decode()


def lines(practice, side):
    with practice_context(practice.pk):
        return {line.description: line for line in Line.objects.filter(side=side)}


def test_the_month_reconciled_from_two_files_to_a_filed_statement(
    signed_in, practice, whitfield, media, django_capture_on_commit_callbacks
):
    client = signed_in
    pack = standard_pack(practice, whitfield.client, now=IN_DECEMBER)
    assert pack.period == NOVEMBER
    reconciliation = open_november(client, whitfield)

    location, preview = upload(client, reconciliation, "november.sta", "bank")
    assert "30-91-74 02344812" in preview and "opening 5,000.00" in preview
    with practice_context(practice.pk):
        assert not Line.objects.exists()  # nothing saved before "Import"
    page = client.post(location, {"side": "bank"}, follow=True).content.decode()
    assert "8 lines imported from november.sta" in page

    page = imported(client, reconciliation, "november_xero.csv", "ledger")
    assert "9 lines imported from november_xero.csv" in page

    with practice_context(practice.pk):
        reconciliation.refresh_from_db()
        assert reconciliation.statement_balance == Decimal("3925.00")
        assert reconciliation.ledger_balance == Decimal("3300.15")
        auto = Match.objects.filter(reconciliation=reconciliation, kind="auto")
        suggested = Match.objects.filter(reconciliation=reconciliation, state="suggested")
        paired = {tuple(sorted(m.ledger_ids)) for m in auto}
        assert len(paired) >= 4  # Acme, Tesco, HMRC, British Gas by reference, name and date
        waiting = list(suggested)
    assert waiting, "the paying-in of two cheques is suggested as a group"

    for match in waiting:
        response = client.post(reverse("reconciliation:accept", args=[match.code]))
        assert response.status_code == 302

    bank, ledger = lines(practice, "bank"), lines(practice, "ledger")
    assert bank["PAYING IN 300123"].match_id is not None  # group: 500 + 350
    stripe = [bank["STRIPE PAYMENTS UK"].pk, ledger["Stripe takings"].pk]
    refused = client.post(
        reverse("reconciliation:match_by_hand", args=[reconciliation.code]), {"line": stripe}
    )
    assert "differ by -7.65" in client.get(refused["Location"]).content.decode()
    client.post(
        reverse("reconciliation:match_by_hand", args=[reconciliation.code]),
        {"line": stripe, "write_off": "on"},
    )
    bank, ledger = lines(practice, "bank"), lines(practice, "ledger")
    assert bank["STRIPE PAYMENTS UK"].match_id == ledger["Stripe takings"].match_id

    explain = "reconciliation:explain"
    client.post(
        reverse(explain, args=[bank["SERVICE CHARGE"].code]),
        {
            "reconciliation": reconciliation.code,
            "reason": "missing_ledger",
            "note": "Lloyds monthly fee, to post",
        },
    )
    client.post(
        reverse(explain, args=[ledger["Smith Supplies"].code]),
        {
            "reconciliation": reconciliation.code,
            "reason": "timing",
            "note": "Cheque 000145 not yet presented",
        },
    )
    page = client.get(reconciliation.get_absolute_url()).content.decode()
    assert 'data-testid="difference">0.00<' in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reconciliation:finish", args=[reconciliation.code]))
    assert response.status_code == 302
    with practice_context(practice.pk):
        reconciliation.refresh_from_db()
        assert reconciliation.state == Reconciliation.State.FINISHED, reconciliation.render_error
        report = Document.objects.get(doc_type=DocType.RECONCILIATION_REPORT)
        assert report.source == Source.GENERATED and report.period == NOVEMBER
        assert reconciliation.report == report

    client.post(reverse("reconciliation:sign_off", args=[reconciliation.code]))
    with practice_context(practice.pk):
        reconciled = PackItem.objects.get(pack=pack, auto_key=AutoTick.BANK_RECONCILED)
        assert reconciled.done_at is not None
    pack_page = client.get(pack.get_absolute_url()).content.decode()
    statement_link = reverse("document_download", args=[report.code])
    assert f'<a href="{statement_link}" hx-boost="false" data-testid="statement-pdf">' in pack_page
    assert client.get(statement_link).status_code == 200

    client.post(
        reverse("reconciliation:reopen", args=[reconciliation.code]),
        {"reason": "The client sent a late refund"},
    )
    with practice_context(practice.pk):
        reconciled.refresh_from_db()
        assert reconciled.done_at is None
        reconciliation.refresh_from_db()
        assert reconciliation.state == Reconciliation.State.OPEN
        assert reconciliation.reopened_reason == "The client sent a late refund"


def test_the_same_file_twice_imports_nothing_twice(signed_in, practice, whitfield, media):
    reconciliation = open_november(signed_in, whitfield)
    imported(signed_in, reconciliation, "november.sta", "bank")
    page = imported(signed_in, reconciliation, "november.sta", "bank")
    assert "0 lines imported from november.sta; 8 already imported" in page
    with practice_context(practice.pk):
        assert Line.objects.count() == 8
        again = StatementImport.objects.order_by("pk").last()
        assert (again.line_count, again.skipped_count) == (0, 8)
        assert Document.objects.count() == 1  # the same bytes are the same document
