"""The bank reconciliation statement: its data, its PDF, and a renderer that fetches nothing
from the network."""

import datetime
import io
import urllib.request
from decimal import Decimal

import pypdf
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from atlasos.tenancy.context import practice_context
from documents import pdf as pdf_module
from reconciliation import report
from reconciliation.models import Match, Reason
from tests.factories.clients import BankAccountFactory, ClientFactory
from tests.factories.reconciliation import (
    LineFactory,
    MatchFactory,
    ReconciliationFactory,
    StatementImportFactory,
)

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
FINISHED = datetime.datetime(2026, 11, 18, 10, 30, tzinfo=UTC)
SIGNED = datetime.datetime(2026, 11, 20, 14, 5, tzinfo=UTC)


def flat(text: str) -> str:
    return " ".join(text.split())


def pdf_pages(pdf: bytes) -> list[str]:
    return [flat(page.extract_text()) for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


class Books:
    """A November reconciliation of Seaview Bakery's current account."""

    def __init__(self, practice, preparer):
        self.practice = practice
        client = ClientFactory(practice=practice, name="Seaview Bakery Ltd")
        self.account = BankAccountFactory(
            practice=practice,
            client=client,
            name="Business Current Account",
            bank_name="HSBC",
            sort_code="401276",
            account_number="31926819",
        )
        self.bank = StatementImportFactory(practice=practice, bank_account=self.account)
        self.ledger = StatementImportFactory(
            practice=practice, bank_account=self.account, side="ledger", filename="ledger.csv"
        )
        self.rec = ReconciliationFactory(
            practice=practice,
            bank_account=self.account,
            state="finished",
            statement_balance=Decimal("12500.00"),
            ledger_balance=Decimal("11663.15"),
            prepared_by=preparer,
            finished_at=FINISHED,
        )

    def line(self, side: str, day: datetime.date, amount: str, description: str, **kw):
        return LineFactory(
            practice=self.practice,
            statement_import=self.bank if side == "bank" else self.ledger,
            date=day,
            amount=Decimal(amount),
            description=description,
            **kw,
        )

    def match(self, kind: str, difference: str = "0", reason: str = "same amount, same day"):
        return MatchFactory(
            practice=self.practice,
            reconciliation=self.rec,
            kind=kind,
            state=Match.State.ACCEPTED,
            difference=Decimal(difference),
            reason=reason,
        )


def nov(day: int) -> datetime.date:
    return datetime.date(2026, 11, day)


@pytest.fixture
def books(practice, partner):
    """Statement 12,500.00; bank lines not in the ledger -12.65; ledger entries not through
    the bank -850.00 (a cheque brought forward from October); -0.50 written off; ledger
    11,663.15: the difference is nil."""
    with practice_context(practice.pk):
        b = Books(practice, partner)
        b.line(
            "bank",
            nov(30),
            "-15.00",
            "ACCOUNT FEE",
            reason=Reason.MISSING_FROM_LEDGER,
            note="Monthly fee, to post",
        )
        b.line("bank", nov(30), "2.35", "GROSS INTEREST", reason=Reason.MISSING_FROM_LEDGER)
        b.line(
            "ledger",
            datetime.date(2026, 10, 28),
            "-1250.00",
            "Cheque to Harbour Flour Mills",
            reference="000123",
            reason=Reason.TIMING,
        )
        b.line(
            "ledger", nov(30), "400.00", "Takings banked 30/11", reference="PIB", reason="timing"
        )
        write_off = b.match("suggested", "-0.50", "amounts differ by 0.50, 1 day apart")
        b.line("bank", nov(12), "-100.00", "CARD BT GROUP", match=write_off)
        b.line("ledger", nov(11), "-99.50", "BT broadband", match=write_off)
        auto = b.match("auto")
        b.line("bank", nov(5), "-45.00", "DD WATER", match=auto)
        b.line("ledger", nov(5), "-45.00", "Water rates", match=auto)
    return b


def test_the_context_holds_the_figures_and_the_items(practice, books):
    with practice_context(practice.pk):
        context = report.statement_context(books.rec)
    assert context["figures"] == {
        "statement_balance": "12,500.00",
        "bank_not_in_ledger": "-12.65",
        "ledger_not_in_bank": "-850.00",
        "written_off": "-0.50",
        "expected_ledger_balance": "11,663.15",
        "ledger_balance": "11,663.15",
        "difference": "0.00",
    }
    assert context["reconciled"] is True
    assert context["account_number"] == "40-12-76 31926819"
    assert (context["period"], context["as_at"]) == ("November 2026", "30 November 2026")
    bank = context["bank_lines"]
    assert [(i.date, i.description, i.amount, i.reason, i.note) for i in bank.items] == [
        ("30 Nov 2026", "ACCOUNT FEE", "-15.00", "Missing from the ledger", "Monthly fee, to post"),
        ("30 Nov 2026", "GROSS INTEREST", "2.35", "Missing from the ledger", ""),
    ]
    ledger = context["ledger_lines"]
    assert [(i.date, i.brought_forward, i.reference, i.amount) for i in ledger.items] == [
        ("28 Oct 2026", True, "000123", "-1,250.00"),
        ("30 Nov 2026", False, "PIB", "400.00"),
    ]
    assert [(i.description, i.amount) for i in context["write_offs"].items] == [
        ("amounts differ by 0.50, 1 day apart", "-0.50")
    ]
    matched = context["matched"]
    assert (matched.bank_lines, matched.ledger_lines) == (2, 2)
    assert (matched.automatically, matched.accepted_suggestions, matched.by_hand) == (1, 1, 0)
    assert context["prepared_by"] == "Helen Marsh"
    assert context["finished_at"] == "18 November 2026 at 10:30 GMT"
    assert context["signed_off_by"] == ""


def test_the_pdf_shows_the_statement(practice, books, manager):
    with practice_context(practice.pk):
        books.rec.signed_off_by = manager
        books.rec.signed_off_at = SIGNED
        books.rec.save()
        pdf = report.render_statement(books.rec)
    assert pdf.startswith(b"%PDF-")
    pages = pdf_pages(pdf)
    assert len(pages) == 1
    text = pages[0]
    for expected in [
        "Harbour & Co Bookkeeping",
        "Seaview Bakery Ltd",
        "Bank reconciliation statement",
        "Business Current Account, HSBC",
        "40-12-76 31926819",
        "GBP",
        "November 2026, as at 30 November 2026",
        "Balance per bank statement 12,500.00",
        "Less: bank lines not in the ledger (2) -12.65",
        "30 Nov 2026 ACCOUNT FEE Monthly fee, to post Missing from the ledger -15.00",
        "30 Nov 2026 GROSS INTEREST Missing from the ledger 2.35",
        "Add: ledger entries not yet through the bank (2) -850.00",
        "28 Oct 2026 b/f Cheque to Harbour Flour Mills 000123 Timing difference -1,250.00",
        "30 Nov 2026 Takings banked 30/11 PIB Timing difference 400.00",
        "Less: differences written off on matches (1) -0.50",
        "amounts differ by 0.50, 1 day apart Accepted suggestion -0.50",
        "= Balance per ledger (expected) 11,663.15",
        "Balance per ledger (per the books) 11,663.15",
        "Unexplained difference 0.00",
        "Matched this month: 2 bank lines to 2 ledger entries (1 automatically, 1 accepted "
        "suggestion, 0 by hand).",
        "Prepared by Helen Marsh, finished at 18 November 2026 at 10:30 GMT.",
        "Signed off by Priya Shah on 20 November 2026 at 14:05 GMT.",
        "Page 1 of 1",
    ]:
        assert expected in text, expected
    assert "Not reconciled" not in text
    assert "more (see the workspace)" not in text


def test_a_difference_left_is_flagged_in_words(practice, books):
    with practice_context(practice.pk):
        books.rec.ledger_balance = Decimal("11000.00")
        books.rec.save()
        text = pdf_pages(report.render_statement(books.rec))[0]
    assert "Unexplained difference Not reconciled: it must be 0.00 663.15" in text


def test_long_lists_are_capped_and_counted(practice, partner, monkeypatch):
    monkeypatch.setattr(report, "LIST_LIMIT", 30)
    with practice_context(practice.pk):
        b = Books(practice, partner)
        for n in range(35):
            b.line("bank", nov(1 + n % 28), "-1.00", f"CARD PAYMENT {n:03d}", reason="query")
        b.line("ledger", nov(2), "-2000.00", "Rent", reason="timing")
        context = report.statement_context(b.rec)
        pages = pdf_pages(report.render_statement(b.rec))
    listing = context["bank_lines"]
    assert (len(listing.items), listing.count, listing.more, listing.total) == (30, 35, 5, "-35.00")
    text = " ".join(pages)
    assert "and 5 more (see the workspace)" in text
    assert "Less: bank lines not in the ledger (35) -35.00" in text
    assert text.count("CARD PAYMENT") == 30
    assert len(pages) > 1
    assert f"Page 1 of {len(pages)}" in pages[0]
    assert f"Page {len(pages)} of {len(pages)}" in pages[-1]
    assert "Seaview Bakery Ltd" in pages[-1]  # the running header repeats


def test_finished_at_reads_in_the_practices_time_zone(practice, books):
    practice.timezone = "Australia/Sydney"
    practice.save()
    with practice_context(practice.pk):
        context = report.statement_context(books.rec)
    assert context["finished_at"] == "18 November 2026 at 21:30 AEDT"


def test_an_iban_account_shows_its_iban(practice, partner):
    with practice_context(practice.pk):
        account = BankAccountFactory(
            practice=practice,
            sort_code="",
            account_number="",
            iban="DE89370400440532013000",
            currency="EUR",
        )
        rec = ReconciliationFactory(practice=practice, bank_account=account)
        context = report.statement_context(rec)
        text = pdf_pages(report.render_statement(rec))[0]
    assert context["account_number"] == ""
    assert "IBAN DE89370400440532013000" in text
    assert "Currency EUR" in text
    # Nothing entered yet: the statement says so rather than printing a figure.
    assert "Balance per bank statement not entered" in text


def test_text_from_a_bank_file_is_printed_not_interpreted(practice, books):
    with practice_context(practice.pk):
        books.line(
            "bank",
            nov(20),
            "-9.99",
            '<img src="http://example.com/pixel.png"><b>SHOP</b>',
            reason="query",
        )
        text = pdf_pages(report.render_statement(books.rec))[0]
    squeezed = text.replace(" ", "")  # the long word wraps at its slash
    assert '20Nov2026<imgsrc="http://example.com/pixel.png"><b>SHOP</b>Querytotheclient-9.99' in (
        squeezed
    )


@pytest.mark.parametrize(
    "value, printed",
    [
        ("1234567.005", "1,234,567.01"),
        ("-1234567.005", "-1,234,567.01"),
        ("-0.001", "0.00"),
        ("0", "0.00"),
        ("999.99499", "999.99"),
        ("-45", "-45.00"),
    ],
)
def test_money(value, printed):
    assert report.money(Decimal(value)) == printed


def test_money_of_nothing_is_empty():
    assert report.money(None) == ""


# --- fetching -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/evil.css",
        "https://example.com/static/css/reconciliation_report.css",
        "file:///etc/passwd",
        "data:text/css,body{}",
        report.BASE_URL + "media/documents/secret.pdf",
        report.BASE_URL + "static/../../../etc/passwd",
        report.BASE_URL + "static/%2e%2e/%2e%2e/etc/passwd",
        report.BASE_URL + "static/css/not-there.css",
    ],
)
def test_the_fetcher_refuses_anything_but_our_static_files(url):
    with pytest.raises(report.ResourceRefused):
        report.fetch_static(url)


def test_the_fetcher_serves_the_stylesheet_from_disk():
    response = report.fetch_static(report.BASE_URL + "static/css/reconciliation_report.css")
    assert response.content_type == "text/css"
    assert b"@page" in response.read()


def test_rendering_never_touches_the_network(monkeypatch):
    asked = []
    refused = []

    def no_network(*args, **kwargs):
        raise AssertionError(f"network access: {args!r}")

    real = pdf_module.fetch_static

    def spy(url):
        asked.append(url)
        try:
            return real(url)
        except pdf_module.ResourceRefused:
            refused.append(url)
            raise

    monkeypatch.setattr(urllib.request, "urlopen", no_network)
    monkeypatch.setattr(pdf_module, "fetch_static", spy)
    pdf = report.html_to_pdf(
        '<link rel="stylesheet" href="http://example.com/remote.css">'
        '<link rel="stylesheet" href="/static/css/reconciliation_report.css">'
        '<p>Hello <img src="http://example.com/logo.png" alt="logo"></p>'
    )
    assert "Hello" in pdf_pages(pdf)[0]
    assert "Page 1 of 1" in pdf_pages(pdf)[0]  # the local stylesheet did apply
    assert asked == [
        "http://example.com/remote.css",
        report.STATIC_PREFIX + "css/reconciliation_report.css",
        "http://example.com/logo.png",
    ]
    assert refused == ["http://example.com/remote.css", "http://example.com/logo.png"]


# --- queries ------------------------------------------------------------------------------


def _with_lines(practice, partner, n: int):
    b = Books(practice, partner)
    for i in range(n):
        side = "bank" if i % 2 else "ledger"
        b.line(side, nov(1 + i % 28), f"-{i + 1}.00", f"LINE {i}", reason="query")
    for i in range(n // 10):
        match = b.match("manual" if i % 2 else "auto", "-0.01" if i % 3 == 0 else "0")
        b.line("bank", nov(3), "-5.00", f"MATCHED BANK {i}", match=match)
        b.line("ledger", nov(3), "-5.00", f"MATCHED LEDGER {i}", match=match)
    return b.rec


def test_the_context_takes_the_same_queries_for_10_and_200_lines(
    practice, partner, django_assert_max_num_queries
):
    counts = []
    with practice_context(practice.pk):
        for n in (10, 200):
            rec = _with_lines(practice, partner, n)
            with (
                django_assert_max_num_queries(8),
                CaptureQueriesContext(connection) as queries,
            ):
                context = report.statement_context(rec)
            counts.append(len(queries))
            assert context["bank_lines"].count + context["ledger_lines"].count == n
    assert counts == [8, 8]
