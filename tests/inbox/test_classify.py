"""A filed document's type and period from its file name and text (issue 12 §5). Pure: no
database."""

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from documents.models import DocType
from inbox.classify import doc_type, is_bank_statement, period

STATEMENT = """Barclays Business Current Account
Bank statement
Account name: ACME TRADING LTD
Sort code 20-00-00 Account number 12345678
Statement period 1 November 2026 to 30 November 2026
Balance brought forward 1,204.16
03 Nov CARD PAYMENT TO TESCO STORES 2345 12.40
05 Nov FASTER PAYMENT INVOICE 1043 KESTREL JOINERY 800.00
09 Nov DIRECT DEBIT PAYROLL BUREAU 120.00
Closing balance 2,871.76"""


def test_the_types_are_the_document_stores_own():
    assert {
        "bank_statement",
        "sales_invoice",
        "purchase_invoice",
        "receipt",
        "payroll_report",
        "other",
    } <= set(DocType.values)


@pytest.mark.parametrize(
    ("name", "text", "kind"),
    [
        ("Statement_Nov2026.pdf", "", "bank_statement"),
        ("scan0001.pdf", STATEMENT, "bank_statement"),
        ("INV-1043.pdf", "", "purchase_invoice"),
        (
            "scan.pdf",
            "TAX INVOICE\nInvoice number: 1043\nBill to: Acme Trading Ltd",
            "purchase_invoice",
        ),
        ("Sales invoice 1043.pdf", "Invoice", "sales_invoice"),
        ("scan.pdf", "Sales invoice\nInvoice number: 77", "sales_invoice"),
        ("remittance.pdf", "Remittance advice: we have paid your invoice 1043", "sales_invoice"),
        ("IMG_2231.jpg", "TESCO\nReceipt\nChange due 0.00\nContactless", "receipt"),
        ("card-slip.jpg", "", "receipt"),
        ("payslip_nov.pdf", "", "payroll_report"),
        ("P32 2026.pdf", "", "payroll_report"),
        ("doc.pdf", "Employer payment summary (EPS) for month 8", "payroll_report"),
        ("doc.pdf", "Full Payment Submission accepted", "payroll_report"),
        ("letter.pdf", "Dear Sir, please find our terms enclosed.", "other"),
        ("", "", "other"),
    ],
)
def test_the_type_comes_from_the_name_and_the_text(name, text, kind):
    assert doc_type(name, text) == kind


def test_a_statements_transactions_do_not_make_it_an_invoice_or_payroll():
    # "INVOICE" and "PAYROLL" in its lines, far below its heading.
    assert doc_type("download.pdf", STATEMENT + "\n" * 3 + "INVOICE PAYROLL " * 5) == (
        "bank_statement"
    )


def test_a_bank_statement_beyond_doubt_has_balances_and_an_account():
    assert is_bank_statement(STATEMENT)
    assert not is_bank_statement("Please pay to sort code 20-00-00 account 12345678")
    invoice = "TAX INVOICE\nInvoice number 4\nBalance due 10.00\nSort code 20-00-00"
    assert not is_bank_statement(invoice)


@pytest.mark.parametrize(
    "text",
    [
        "Statement period 1 November 2026 to 30 November 2026",
        "Period: 01/11/2026 - 30/11/2026",
        "01/11/2026-30/11/2026",
        "1st of November 2026 – 30th November 2026",
        "statement period 2026-11-01 to 2026-11-30",
        "Period ending 30 Nov 2026",
        "Month ended 30 November 2026",
        "Pay period: November 2026",
        "Invoice date: 12 Nov 2026  Due date: 12 Dec 2026",
        "Due date: 12/12/2026  Date 12/11/2026",
        "Date: 12/11/26",
        "Tax point: Nov 12, 2026",
    ],
)
def test_the_period_is_the_month_of_the_statement_period_or_the_documents_date(text):
    assert period(text, None) == date(2026, 11, 1)


def test_a_statement_period_comes_before_a_date_and_an_invoice_date_before_any_date():
    text = "Date: 03/12/2026\nStatement period 01/11/2026 to 30/11/2026"
    assert period(text, None) == date(2026, 11, 1)
    assert period("Date: 30/11/2026  Invoice date: 12/10/2026", None) == date(2026, 10, 1)


def test_without_a_usable_date_the_fallbacks_month_or_none():
    fallback = date(2026, 12, 9)
    assert period("no dates at all", fallback) == date(2026, 12, 1)
    assert period("Date 31/02/2026", fallback) == date(2026, 12, 1)  # no such day
    assert period("Date 12/11/1999", fallback) == date(2026, 12, 1)  # before 2000
    assert period("Date 12/11/2101", None) is None  # after 2100
    assert period("", None) is None


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=500), st.text(max_size=40))
def test_any_text_gives_a_known_type_and_a_first_of_month(text, name):
    assert doc_type(name, text) in {
        "bank_statement",
        "sales_invoice",
        "purchase_invoice",
        "receipt",
        "payroll_report",
        "other",
    }
    found = period(text, date(2026, 1, 15))
    assert found.day == 1 and 2000 <= found.year <= 2100
