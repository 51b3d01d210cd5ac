"""Trial balances as the accounting systems export them (the layouts their reports publish:
Xero's old and new Trial Balance, QuickBooks Online's, Sage 50's), and files that are not."""

import datetime
import io
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from reporting.default_maps import default_line, guess_line
from reporting.trial_balance import (
    ColumnMap,
    TrialBalanceError,
    money,
    read_trial_balance,
)

FILES = Path(__file__).parent / "files"
NOVEMBER_END = datetime.date(2026, 11, 30)

# The same books in every layout: what each account is and where it belongs.
EXPECTED_LINES = {
    "turnover": Decimal("-80000.00"),
    "cost_of_sales": Decimal("32000.00"),
    "staff_costs": Decimal("16000.00"),
    "premises_costs": Decimal("8000.00"),
    "finance_charges": Decimal("400.00"),
    "depreciation": Decimal("1600.00"),
    "interest_payable": Decimal("240.00"),
    "cash": Decimal("26270.00"),
    "debtors": Decimal("11500.00"),
    "tangible_assets": Decimal("5400.00"),
    "creditors_within_year": Decimal("-9900.00"),
    "creditors_after_year": Decimal("-9500.00"),
    "share_capital": Decimal("-100.00"),
    "reserves_brought_forward": Decimal("-1910.00"),
}


def read(name: str, column_map=None):
    return read_trial_balance((FILES / name).read_bytes(), name, column_map)


def by_line(result, system: str, guess: bool = False) -> dict:
    totals = {}
    for account in result.accounts:
        line = default_line(
            account.code, account.name, account.account_type, account.section, system
        )
        if line is None and guess:
            line = guess_line(account.name)
        assert line, f"{account.code} {account.name} is not mapped"
        totals[line] = totals.get(line, Decimal("0.00")) + account.balance
    return totals


@pytest.mark.parametrize(
    ("name", "layout", "system", "guess"),
    [
        ("xero_old_2026-11.csv", "xero", "xero", False),
        ("xero_new_2026-11.csv", "xero", "xero", False),
        ("sage50_2026-11.csv", "sage", "sage", False),
        # Sage Accounting (cloud): a date range, the period's and the year to date's columns.
        ("sage_accounting_2026-11.csv", "sage", "sage", False),
        ("quickbooks_2026-11.csv", "quickbooks", "quickbooks", True),
    ],
)
def test_each_layout_reads_the_same_books_and_maps_them(name, layout, system, guess):
    result = read(name)
    assert result.layout == layout
    assert result.rejected == []
    assert len(result.accounts) == 16
    assert result.total_debit == result.total_credit == Decimal("104010.00")
    assert result.problems() == []
    assert by_line(result, system, guess) == EXPECTED_LINES


def test_sage_accounting_is_at_the_end_of_its_date_range():
    result = read("sage_accounting_2026-11.csv")
    assert result.as_at == datetime.date(2026, 11, 30)
    assert result.stated_debit == Decimal("104010.00")  # its year to date total, not the month's


def test_xero_year_to_date_columns_are_the_balances_and_codes_come_out_of_the_name():
    result = read("xero_old_2026-11.csv")
    sales = result.accounts[0]
    assert (sales.code, sales.name, sales.section) == ("200", "Sales", "Revenue")
    assert sales.credit == Decimal("80000.00")  # YTD, not the month's 10,000
    bank = next(a for a in result.accounts if a.name == "Business Bank Account")
    assert bank.code == "" and bank.key == "business bank account"
    assert result.as_at == NOVEMBER_END
    assert result.stated_debit == Decimal("104010.00")


def test_quickbooks_sub_accounts_keep_their_parent_in_the_name():
    result = read("quickbooks_2026-11.csv")
    cost = next(a for a in result.accounts if a.code == "1510")
    assert cost.name == "Computer equipment:Cost"
    assert result.as_at == NOVEMBER_END


def test_quickbooks_xlsx_amounts_written_as_formulas_are_read():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Harbour Demo Ltd"])
    sheet.append(["Trial Balance"])
    sheet.append(["As of November 30, 2026"])
    sheet.append([])
    sheet.append(["", "Debit", "Credit"])
    sheet.append(["1000 Bank", "=1500.00", None])
    sheet.append(["4000 Sales", None, "=1500.00"])
    sheet.append(["TOTAL", "=B6+B7", "=C6+C7"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = read_trial_balance(buffer.getvalue(), "Trial Balance.xlsx")
    assert [(a.code, a.debit, a.credit) for a in result.accounts] == [
        ("1000", Decimal("1500.00"), Decimal("0.00")),
        ("4000", Decimal("0.00"), Decimal("1500.00")),
    ]
    assert result.balances


def test_a_trial_balance_that_does_not_balance_says_by_how_much():
    data = (FILES / "sage50_2026-11.csv").read_text().replace("26270.00", "26207.00")
    result = read_trial_balance(data.encode(), "tb.csv")
    assert not result.balances
    assert result.problems()[0] == (
        "The trial balance does not balance: debits 103,947.00, credits 104,010.00, "
        "a difference of 63.00."
    )
    assert "The file's own total row says debits 104,010.00" in result.problems()[1]


def test_rows_that_cannot_be_read_are_rejected_with_their_reason():
    data = (
        b"N/C,Name,Debit,Credit\n"
        b"1200,Bank,100.00,\n"
        b"4000,Sales,,abc\n"
        b"4000,Sales again,,100.00\n"
        b",,5.00,\n"
        b"7100,Rent,1.234,\n"
    )
    result = read_trial_balance(data, "tb.csv")
    assert [(r.row, r.reason) for r in result.rejected] == [
        (3, "'abc' is not an amount"),
        (5, "the row has amounts but no account"),
        (6, "'1.234' has more than two decimal places"),
    ]
    assert [a.name for a in result.accounts] == ["Bank", "Sales again"]


def test_the_same_account_twice_is_rejected_the_second_time():
    data = b"N/C,Name,Debit,Credit\n1200,Bank,100.00,\n1200,Bank,,100.00\n"
    result = read_trial_balance(data, "tb.csv")
    assert [(r.row, r.reason) for r in result.rejected] == [(3, "account 1200 is on row 2 already")]


def test_a_file_with_no_debit_and_credit_columns_is_refused():
    with pytest.raises(TrialBalanceError, match="no header row with debit and credit"):
        read_trial_balance(b"Date,Description,Amount2\n01/11/2026,x,1\n", "bank.csv")


def test_a_pdf_is_refused_with_what_to_do():
    with pytest.raises(TrialBalanceError, match="this is a PDF, not a spreadsheet"):
        read_trial_balance(b"%PDF-1.4\n...", "tb.pdf")


def test_a_column_map_reads_a_signed_balance_with_credits_positive():
    data = b"Ref;Description;Closing\n1200;Bank;-150,00\n4000;Sales;150,00\n".replace(b",", b".")
    mapping = ColumnMap(code="Ref", name="Description", balance="Closing", credit_positive=True)
    result = read_trial_balance(data, "export.csv", mapping)
    assert result.layout == "mapped"
    assert [(a.code, a.balance) for a in result.accounts] == [
        ("1200", Decimal("150.00")),
        ("4000", Decimal("-150.00")),
    ]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1,234.56", "1234.56"),
        ("£1,234.56", "1234.56"),
        ("(1,234.56)", "-1234.56"),
        ("$(250.00)", "-250.00"),
        ("1,234.56 CR", "-1234.56"),
        ("-120", "-120.00"),
        ("", "0.00"),
        ("-", "0.00"),
    ],
)
def test_money_as_accounting_systems_print_it(text, value):
    assert money(text) == Decimal(value)
