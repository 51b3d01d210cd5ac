"""The ledger side: Xero, QuickBooks Online and Sage exports of the bank account, signed as
their effect on the bank balance, with headings, balances and totals skipped."""

import datetime
import io
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from reconciliation.importers.ledger_exports import detect_ledger_format, read_ledger
from reconciliation.importers.tabular import ColumnMapping
from reconciliation.statements import StatementError, StatementLine

FILES = Path(__file__).parent / "files"
D = Decimal


def _file(name: str) -> bytes:
    return (FILES / name).read_bytes()


def _line(day: int, amount: str, description: str, reference: str = "", counterparty: str = ""):
    return StatementLine(
        booking_date=datetime.date(2026, 12, day),
        amount=D(amount),
        description=description,
        reference=reference,
        counterparty=counterparty,
    )


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("ledger/xero_account_transactions.csv", "xero"),
        ("ledger/quickbooks_transaction_detail.csv", "quickbooks"),
        ("ledger/sage50_nominal_activity.csv", "sage"),
        ("ledger/sage_accounting_bank.csv", "sage"),
        ("ledger/generic_ledger.csv", "csv"),
        ("csv/lloyds.csv", "csv"),
    ],
)
def test_detect_ledger_format(name, expected):
    assert detect_ledger_format(_file(name), Path(name).name) == expected


def test_xero_debit_is_money_in_and_balance_and_total_rows_are_skipped():
    lines = read_ledger(_file("ledger/xero_account_transactions.csv"), "xero.csv")

    assert lines == [
        _line(2, "1250.00", "Payment: Acme Ltd", "INV-1042"),
        _line(3, "-23.45", "Tesco", "Card 3217"),
        _line(5, "-2340.00", "Payment: HMRC", "VAT Q3"),
    ]


def test_xero_new_report_as_xlsx_with_contact_and_currency_suffixes():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in [
        ["Account Transactions"],
        ["Demo Company (UK)"],
        ["For the period 1 December 2026 to 31 December 2026"],
        [],
        ["Date", "Source", "Contact", "Description", "Reference", "Debit (GBP)", "Credit (GBP)",
         "Running Balance (GBP)", "Gross (GBP)", "VAT (GBP)", "Account Code", "Account"],
        ["Business Bank Account"],
        ["Opening Balance", None, None, None, None, None, None, 1000.0],
        [datetime.datetime(2026, 12, 2), "Receivable Payment", "Acme Ltd", "Payment: Acme Ltd",
         "INV-1042", 1250.0, None, 2250.0, 1250.0, 0.0, "090", "Business Bank Account"],
        [datetime.datetime(2026, 12, 3), "Spend Money", "Tesco", "Stationery", "Card 3217",
         None, 23.449999999999999, 2226.55, 23.45, 3.91, "090", "Business Bank Account"],
        ["Total Business Bank Account", None, None, None, None, 1250.0, 23.45, None],
        ["Closing Balance", None, None, None, None, None, None, 2226.55],
    ]:  # fmt: skip
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = buffer.getvalue()

    assert detect_ledger_format(data, "xero.xlsx") == "xero"
    assert read_ledger(data, "xero.xlsx") == [
        _line(2, "1250.00", "Payment: Acme Ltd", "INV-1042", "Acme Ltd"),
        _line(3, "-23.45", "Stationery", "Card 3217", "Tesco"),
    ]


def test_quickbooks_signed_amount_num_and_name_with_sections_totals_and_footer_skipped():
    lines = read_ledger(_file("ledger/quickbooks_transaction_detail.csv"), "qbo.csv")

    # Month-first dates (12/15/2026); "$0.12" keeps its value without the dollar sign.
    assert lines == [
        _line(2, "1250.00", "Invoice 1042", "1042", "Acme Inc"),
        _line(3, "-23.45", "Office supplies", "", "Tesco"),
        _line(5, "-2340.00", "VAT Q3", "1001", "HMRC"),
        _line(15, "0.12", "Interest"),
    ]


def test_sage_50_nominal_activity_debit_on_the_bank_nominal_is_money_in():
    lines = read_ledger(_file("ledger/sage50_nominal_activity.csv"), "sage.csv")

    assert lines == [
        _line(2, "1250.00", "Sales Receipt", "INV1042", "ACME001"),
        _line(3, "-23.45", "Purchase Payment", "3217", "TESCO01"),
        _line(5, "-2340.00", "HMRC VAT payment", "VAT Q3", "1200"),
    ]


def test_sage_accounting_money_in_and_money_out():
    lines = read_ledger(_file("ledger/sage_accounting_bank.csv"), "sage.csv")

    assert lines == [
        _line(2, "1250.00", "Customer receipt", "INV-1042", "Acme Ltd"),
        _line(3, "-23.45", "Office supplies", "3217", "Tesco"),
        _line(5, "-2340.00", "VAT payment", "VAT Q3", "HMRC"),
    ]


def test_a_ledger_row_that_cannot_be_read_stops_the_import_with_its_row():
    with pytest.raises(StatementError) as raised:
        read_ledger(_file("ledger/xero_bad_date.csv"), "xero.csv")

    assert str(raised.value) == (
        "xero.csv, row 7: date '31 Feb 2026' is not a date in the format DD Mon YYYY"
    )


def test_any_other_spreadsheet_goes_through_the_given_mapping():
    mapping = ColumnMapping(
        date_column="Posted", description_column="Narrative", amount_column="Money"
    )

    lines = read_ledger(_file("ledger/generic_ledger.csv"), "ledger.csv", mapping)

    assert lines == [
        StatementLine(datetime.date(2026, 12, 7), D("-3.50"), "Coffee"),
        StatementLine(datetime.date(2026, 12, 8), D("120.00"), "Sales"),
    ]


def test_any_other_spreadsheet_without_a_mapping_is_guessed_or_explains_what_is_missing():
    lines = read_ledger(b"Date,Details,Amount\n07/12/2026,Coffee,-3.50\n", "ledger.csv")
    assert lines == [StatementLine(datetime.date(2026, 12, 7), D("-3.50"), "Coffee")]

    with pytest.raises(StatementError) as raised:
        read_ledger(_file("ledger/generic_ledger.csv"), "ledger.csv")
    assert str(raised.value).startswith("ledger.csv, row 1: no date column: the header row should")


def test_a_guessed_ledger_does_not_drop_a_bad_row_silently():
    data = b"Date,Details,Amount\n07/12/2026,Coffee,-3.50\n08/12/2026,Sales,12O.00\n"

    with pytest.raises(StatementError) as raised:
        read_ledger(data, "ledger.csv")

    assert str(raised.value) == (
        "ledger.csv, row 3: amount '12O.00' is not a number with '.' as the decimal separator"
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "ledger.csv: the file is empty"),
        (
            b"Account Transactions\nDate,Source,Description,Reference,Debit,Credit\n",
            "ledger.csv: the export has no transactions",
        ),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100,
            "ledger.csv: this is an old Excel 97-2003 (.xls) file, which cannot be read: open it "
            "in Excel and save it as an Excel Workbook (.xlsx) or as CSV, then upload that",
        ),
    ],
)
def test_broken_ledger_files(data, message):
    with pytest.raises(StatementError) as raised:
        read_ledger(data, "ledger.csv")

    assert str(raised.value) == message
