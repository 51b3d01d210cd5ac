"""The demo's bank reconciliations (``demo.reconciliation_story``): ``seed_demo`` leaves the
newest period with one client's month reconciled, signed off and its statement filed (three
months before it reconciled too), the portal contact's company half way (suggestions waiting,
a line explained, a question on her request) and a third client's statement waiting to be
imported. Seeded early in a month and late in one, where the newest period's packs are days
old and weeks old."""

import datetime
import io
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Max
from django.urls import reverse
from pypdf import PdfReader

from atlasos import clock as wall_clock
from atlasos.tenancy.context import practice_context
from atlasos.tenancy.models import Practice
from clients.models import BankAccount
from cycle.periods import previous_period
from documents.models import DocType, Document, Source
from documents.store import open_stored_file
from portal.models import DocumentRequest, PortalGrant
from reconciliation import imports
from reconciliation.models import Line, Match, Reason, Reconciliation, Side, StatementImport
from reconciliation.summary import summarise
from tasks.models import Pack, PackItem
from templates_engine.models import AutoTick
from tests.helpers import sign_in

UTC = datetime.UTC
DAYS = [
    pytest.param(datetime.datetime(2026, 12, 3, 9, 0, tzinfo=UTC), id="3rd"),
    pytest.param(datetime.datetime(2027, 1, 20, 14, 0, tzinfo=UTC), id="20th"),
]
State = Reconciliation.State


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def seed(**overrides) -> Practice:
    options = {
        "practice": "Demo Practice",
        "email": "boss@demo.example.com",
        "password": "demo-password-1",
        "clients": 40,
        "history": 3,
        "portal_email": "sarah@whitfield.example.com",
        "portal_password": "portal-pass-2026",
    }
    options.update(overrides)
    call_command("seed_demo", **options)
    return Practice.objects.get(name=options["practice"])


def pdf_text(document: Document) -> str:
    with open_stored_file(document) as stored:
        return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(stored.read())).pages)


def months_before(period: datetime.date, count: int) -> list[datetime.date]:
    months = [period]
    for _ in range(count):
        months.insert(0, previous_period(months[0], "monthly"))
    return months[:-1]


@pytest.mark.parametrize("moment", DAYS)
def test_the_newest_month_is_reconciled_half_way_and_waiting(db, clock, moment, mailoutbox):
    clock.set(moment)
    practice = seed()
    now = wall_clock.now()
    with practice_context(practice.pk):
        newest = Pack.objects.aggregate(newest=Max("period"))["newest"]
        # The month that just ended: reconciled in the weeks after it.
        assert newest == previous_period(
            wall_clock.practice_today(practice).replace(day=1), "monthly"
        )
        month = Reconciliation.objects.filter(period=newest).select_related("client", "report")
        assert sorted(r.state for r in month) == [State.OPEN, State.SIGNED_OFF]
        signed = month.get(state=State.SIGNED_OFF)
        half = month.get(state=State.OPEN)

        # Signed off: it balances, its statement is filed, and the pack's item is ticked.
        summary = summarise(signed)
        assert summary.difference == 0 and not summary.blockers()
        assert summary.bank_unmatched == 1 and summary.ledger_unmatched == 1  # charge, cheque
        assert summary.written_off < 0  # the card processor's fees
        assert BankAccount.objects.filter(client=signed.client, is_active=True).count() == 1
        report = signed.report
        assert report.doc_type == DocType.RECONCILIATION_REPORT
        assert report.source == Source.GENERATED and report.period == newest
        text = pdf_text(report)
        assert f"{signed.statement_balance:,.2f}" in text
        assert f"{signed.ledger_balance:,.2f}" in text
        pack = Pack.objects.get(client=signed.client, period=newest)
        reconciled = PackItem.objects.get(pack=pack, auto_key=AutoTick.BANK_RECONCILED)
        assert reconciled.done_automatically and reconciled.done_at == signed.signed_off_at
        assert pack.created_at < signed.created_at < signed.finished_at < signed.signed_off_at
        assert signed.signed_off_at < now

        # The three months before it were reconciled when they ended: "expected, not found"
        # has each month's lines to go on, on both sides.
        earlier = list(
            Reconciliation.objects.filter(bank_account=signed.bank_account, period__lt=newest)
        )
        assert sorted(r.period for r in earlier) == months_before(newest, 3)
        for past in earlier:
            assert past.state == State.SIGNED_OFF and past.report is not None
            assert past.signed_off_at < signed.created_at
            for side in (Side.BANK, Side.LEDGER):
                lines = Line.objects.filter(
                    bank_account=signed.bank_account,
                    side=side,
                    date__year=past.period.year,
                    date__month=past.period.month,
                )
                assert 25 <= lines.count() <= 40, (past.period, side)

        # Half way: the portal contact's company, both files in, matched, some suggestions
        # accepted and some waiting, the bank charge explained, a question on her request.
        grants = PortalGrant.objects.filter(client=half.client)
        assert grants.exists()
        matches = Match.objects.filter(reconciliation=half)
        assert matches.filter(kind=Match.Kind.AUTO).count() >= 15
        assert matches.filter(kind=Match.Kind.SUGGESTED, state=Match.State.ACCEPTED).exists()
        assert matches.filter(state=Match.State.SUGGESTED).exists()
        assert set(
            StatementImport.objects.filter(bank_account=half.bank_account).values_list(
                "side", flat=True
            )
        ) == {Side.BANK, Side.LEDGER}
        explained = Line.objects.get(
            bank_account=half.bank_account, reason=Reason.MISSING_FROM_LEDGER
        )
        assert explained.side == Side.BANK and explained.match_id is None
        question = Line.objects.select_related("query_item__request").get(
            bank_account=half.bank_account, reason=Reason.QUERY
        )
        asked = question.query_item.request
        assert asked == DocumentRequest.objects.get(pack__client=half.client, pack__period=newest)
        assert "what was it for" in question.query_item.title
        assert summarise(half).blockers()
        assert pack.created_at < half.created_at < now

        # Not started: a statement of the month in a third client's documents, ready to import
        # in one click; nothing imported for it yet.
        waiting = Document.objects.filter(doc_type=DocType.BANK_STATEMENT, period=newest).exclude(
            client__in=[signed.client, half.client]
        )
        waiting = [d for d in waiting if d.original_name.endswith(".xml")]
        assert len(waiting) == 1
        [statement] = waiting
        assert not Reconciliation.objects.filter(client=statement.client).exists()
        account = BankAccount.objects.filter(client=statement.client, is_active=True).order_by(
            "name", "pk"
        )[0]
        assert not Line.objects.filter(bank_account=account).exists()
        assert statement.created_at < now
        result = imports.import_document(
            account, newest, Side.BANK, statement, user=statement.client.preparer
        )
        assert 25 <= result.imported <= 40 and not result.statement_import.warning
    assert mailoutbox == []


def test_the_files_read_back_and_add_up(db):
    practice = seed()
    with practice_context(practice.pk):
        for statement_import in StatementImport.objects.select_related("document"):
            data = imports.read_document(statement_import.document)
            name = statement_import.filename
            [read] = imports.statements_in(data, name, statement_import.side, None)
            lines = Line.objects.filter(statement_import=statement_import)
            total = sum((line.amount for line in lines), Decimal(0))
            assert read.opening_balance + total == read.closing_balance, name
            if statement_import.side == Side.BANK:
                assert read.format == "mt940"
                account = statement_import.bank_account
                assert imports.account_matches(read.account, account), name


def test_seeding_again_changes_no_reconciliation(db):
    practice = seed()
    with practice_context(practice.pk):
        before = (
            list(Reconciliation.objects.order_by("pk").values()),
            Line.objects.count(),
            Document.objects.count(),
        )
    seed()
    with practice_context(practice.pk):
        after = (
            list(Reconciliation.objects.order_by("pk").values()),
            Line.objects.count(),
            Document.objects.count(),
        )
    assert after == before


def test_without_the_portal_nothing_is_reconciled(db):
    practice = seed(portal_email="", portal_password="")
    with practice_context(practice.pk):
        assert not Reconciliation.objects.exists()
        assert not Document.objects.exists()


def test_the_bookkeeper_finds_each_month_in_the_workspace(client, db):
    practice = seed()
    partner = get_user_model().objects.get(email="boss@demo.example.com")
    sign_in(client, partner, password="demo-password-1")
    with practice_context(practice.pk):
        newest = Pack.objects.aggregate(newest=Max("period"))["newest"]
        signed = Reconciliation.objects.get(period=newest, state=State.SIGNED_OFF)
        half = Reconciliation.objects.get(period=newest, state=State.OPEN)
        statement = Document.objects.get(
            doc_type=DocType.BANK_STATEMENT, period=newest, original_name__endswith=".xml"
        )
        account = BankAccount.objects.filter(client=statement.client).order_by("name", "pk")[0]

    page = client.get(signed.get_absolute_url())
    assert page.status_code == 200 and not page.context["editable"]
    page = client.get(half.get_absolute_url())
    assert page.status_code == 200 and page.context["editable"]
    assert page.context["suggestions"] and page.context["summary"].suggestions
    assert "what was it for" in page.content.decode()

    # Not started: opening the account's month offers the statement; one click imports it.
    url = reverse("reconciliation:open", args=[account.code])
    page = client.post(url, {"period": f"{newest:%Y-%m}"}, follow=True)
    assert page.status_code == 200
    assert page.context["statement_documents"] == [statement]
    assert str(statement.code) in page.content.decode()
    opened = page.context["reconciliation"]
    importing = reverse("reconciliation:import", args=[opened.code])
    response = client.post(importing, {"document": statement.code, "side": Side.BANK})
    assert response.status_code == 302
    with practice_context(practice.pk):
        assert Line.objects.filter(bank_account=account, side=Side.BANK).count() >= 25
        opened.refresh_from_db()
        assert opened.statement_balance is not None
