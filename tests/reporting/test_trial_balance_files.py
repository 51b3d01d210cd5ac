"""Trial balances as the accounting systems export them (the layouts their reports publish:
Xero's old and new Trial Balance, QuickBooks Online's, Sage 50's), and files that are not."""

import datetime
import io
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from reporting.default_maps import default_line, guess_line
from reporting.imports import period_warning
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
        # Sage 50 as printed: "Date:" and "Time:" (when it was printed) above "To Period".
        ("sage50_print_date_2026-11.csv", "sage", "sage", False),
        # Exported where the decimal mark is a comma: semicolons, "26.270,00".
        ("sage50_decimal_comma_2026-11.csv", "sage", "sage", False),
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


def quickbooks_xlsx(total_debit, total_credit, bank="=1500.00") -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Harbour Demo Ltd"])
    sheet.append(["Trial Balance"])
    sheet.append(["As of November 30, 2026"])
    sheet.append([])
    sheet.append(["", "Debit", "Credit"])
    sheet.append(["1000 Bank", bank, None])
    sheet.append(["1200 Debtors", "=500.00", None])
    sheet.append(["4000 Sales", None, "=2000.00"])
    sheet.append(["TOTAL", total_debit, total_credit])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_quickbooks_xlsx_amounts_written_as_formulas_are_read():
    data = quickbooks_xlsx("=B6+B7", "=C8")
    result = read_trial_balance(data, "Trial Balance.xlsx")
    assert [(a.code, a.debit, a.credit) for a in result.accounts] == [
        ("1000", Decimal("1500.00"), Decimal("0.00")),
        ("1200", Decimal("500.00"), Decimal("0.00")),
        ("4000", Decimal("0.00"), Decimal("2000.00")),
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
        (
            6,
            "'1.234' could be 1.234 or 1,234: export the amounts with two decimal places "
            "(1,234.00, or 1.234,00 where the comma is the decimal mark)",
        ),
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
        ("1234.5", "1234.50"),
        ("1,234", "1234.00"),  # one thousand two hundred and thirty-four
        ("1,234,567.89", "1234567.89"),
        ("(12.00)", "-12.00"),
        ("0.30000000000000004", "0.30"),  # a spreadsheet's float
        ("0.500", "0.50"),  # not 500: a thousands group never follows a bare 0
        ("1234.500", "1234.50"),  # nor four digits
        # The decimal comma: a European Excel's or accounting system's export.
        ("1.234,56", "1234.56"),
        ("12.500,00", "12500.00"),
        ("12.500,50", "12500.50"),
        ("12,50", "12.50"),
        ("12,5", "12.50"),
        ("-1.234,56", "-1234.56"),
        ("(1.234,56)", "-1234.56"),
        ("1 234,56", "1234.56"),
        ("1\u00a0234,56", "1234.56"),
        ("1\u202f234,56", "1234.56"),
        ("€1.234,56", "1234.56"),
        ("1.234.567,89", "1234567.89"),
        ("1.234,56 CR", "-1234.56"),
    ],
)
def test_money_as_accounting_systems_print_it(text, value):
    assert money(text) == Decimal(value)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        # A dot and three digits, no comma: 12.50 in Britain, twelve thousand five hundred
        # where the comma is the decimal mark. Guessing would be 1,000 times wrong.
        ("12.500", "'12.500' could be 12.50 or 12,500: export the amounts with two decimal"),
        ("-12.500", "'-12.500' could be -12.50 or -12,500"),
        ("1.234", "'1.234' could be 1.234 or 1,234"),
        ("1.234.567", "'1.234.567' could be 1,234,567 with dots between the thousands"),
        ("12.500,5,0", "'12.500,5,0' is not an amount"),
        ("1,234.567,00", "'1,234.567,00' is not an amount"),
        ("1,234.567", "'1,234.567' has more than two decimal places"),
        ("1.234,567", "'1.234,567' has more than two decimal places"),
        ("12,345", None),  # twelve thousand three hundred and forty-five: read, not refused
        ("abc", "'abc' is not an amount"),
        ("=SUM(B6:B8)", "'=SUM(B6:B8)' is a formula with no saved value"),
    ],
)
def test_money_refuses_what_it_cannot_read_for_certain(text, reason):
    if reason is None:
        assert money(text) == Decimal("12345.00")
        return
    with pytest.raises(ValueError) as error:
        money(text)
    assert str(error.value).startswith(reason)


def test_a_decimal_comma_trial_balance_reads_at_its_full_value():
    result = read("sage50_decimal_comma_2026-11.csv")
    bank = next(a for a in result.accounts if a.code == "1200")
    assert bank.debit == Decimal("26270.00")  # not 26.27
    assert result.stated_debit == result.stated_credit == Decimal("104010.00")
    assert result.as_at == NOVEMBER_END
    assert result.problems() == []


def test_a_decimal_comma_file_with_amounts_written_without_decimals_is_refused_row_by_row():
    data = b"N/C;Name;Debit;Credit\n1200;Bank;12.500;\n4000;Sales;;12.500\n"
    result = read_trial_balance(data, "tb.csv")
    assert result.accounts == []
    assert [r.reason.split(":")[0] for r in result.rejected] == [
        "'12.500' could be 12.50 or 12,500",
        "'12.500' could be 12.50 or 12,500",
    ]


def test_sage_50s_print_date_is_not_the_date_it_is_at():
    result = read("sage50_print_date_2026-11.csv")
    assert result.as_at == NOVEMBER_END  # "To Period: Month 8, November 2026"
    assert period_warning(result, datetime.date(2026, 11, 1)) == ""
    assert result.problems() == []


@pytest.mark.parametrize(
    ("title", "as_at"),
    [
        (["As at 30 November 2026"], NOVEMBER_END),
        (["As of November 30, 2026"], NOVEMBER_END),
        (["As of November 30", " 2026"], NOVEMBER_END),  # unquoted in a CSV: two cells
        (["From: 01/04/2026 To: 30/11/2026"], NOVEMBER_END),
        (["To Period: Month 8, November 2026"], NOVEMBER_END),
        (["Date: 07/12/2026"], None),
        (["Date:", "07/12/2026"], None),
        (["Time: 10:15:32"], None),
        (["Printed 07/12/2026"], None),
        (["Printed on 7 December 2026"], None),
        (["Run on 07/12/2026"], None),
        (["Report date: 07/12/2026"], None),
        (["Date printed: 07/12/2026"], None),
        (["Harbour Demo Ltd", "Date printed:", "07/12/2026"], None),
        (["Monday, Dec 07, 2026 09:12:01 AM GMT+0 - Accrual Basis"], None),  # a timestamp
        (["Trial Balance as at 30/11/2026 - printed 07/12/2026"], NOVEMBER_END),
        (["Date Range: 01/04/2026 - 30/11/2026"], NOVEMBER_END),  # not a print date
    ],
)
def test_the_date_in_the_title_is_the_as_at_date_not_the_print_date(title, as_at):
    def quoted(cells):
        return ",".join('"' + c + '"' for c in cells)

    data = (
        f"Harbour Demo Ltd\n{quoted(title)}\nTrial Balance\n"
        "N/C,Name,Debit,Credit\n1200,Bank,1.00,\n4000,Sales,,1.00\n"
    )
    assert read_trial_balance(data.encode(), "tb.csv").as_at == as_at
    # Above the date it is at, a print date does not hide it.
    data = data.replace("Trial Balance\n", "As at 30 November 2026\n")
    assert read_trial_balance(data.encode(), "tb.csv").as_at == (as_at or NOVEMBER_END)


def test_print_dates_in_an_xlsx_title_are_ignored():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Date:", datetime.datetime(2026, 12, 7), "Harbour Demo Ltd"])
    sheet.append(["Printed", datetime.datetime(2026, 12, 7, 10, 15)])
    sheet.append(["Trial Balance as at", datetime.datetime(2026, 11, 30)])
    sheet.append(["N/C", "Name", "Debit", "Credit"])
    sheet.append(["1200", "Bank", 1, None])
    sheet.append(["4000", "Sales", None, 1])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert read_trial_balance(buffer.getvalue(), "tb.xlsx").as_at == NOVEMBER_END


def test_a_total_row_of_formulas_with_no_saved_value_is_not_a_total_of_zero():
    result = read_trial_balance(quickbooks_xlsx("=SUM(B6:B8)", "=SUM(C6:C8)"), "TB.xlsx")
    assert result.total_debit == result.total_credit == Decimal("2000.00")
    assert (result.stated_debit, result.stated_credit) == (None, None)  # unknown, not 0.00
    assert result.problems() == []


def test_a_total_row_written_as_plain_numbers_is_still_checked():
    result = read_trial_balance(quickbooks_xlsx("=2100.00", "=2000.00"), "TB.xlsx")
    assert (result.stated_debit, result.stated_credit) == (Decimal("2100.00"), Decimal("2000.00"))
    assert "The file's own total row says debits 2,100.00" in " ".join(result.problems())


def test_an_account_amount_that_is_an_uncalculated_formula_is_rejected_not_zero():
    result = read_trial_balance(quickbooks_xlsx("=SUM(B6:B8)", "=SUM(C6:C8)", "=B7*3"), "TB.xlsx")
    assert [(r.row, r.reason.split(":")[0]) for r in result.rejected] == [
        (6, "'=B7*3' is a formula with no saved value")
    ]
    assert [a.code for a in result.accounts] == ["1200", "4000"]


NEGATIVE_CREDIT = (
    "N/C,Name,Debit,Credit\n"
    "1200,Bank,{bank},\n"
    "4000,Sales,,{sales}\n"
    "2202,VAT Control,,-100.00\n"
    ",Totals:,1000.00,1000.00\n"
)


def test_a_negative_credit_is_a_debit_and_the_files_own_totals_still_agree():
    data = NEGATIVE_CREDIT.format(bank="1000.00", sales="1100.00")
    result = read_trial_balance(data.encode(), "tb.csv")
    vat = next(a for a in result.accounts if a.code == "2202")
    assert (vat.debit, vat.credit) == (Decimal("100.00"), Decimal("0.00"))
    assert result.total_debit == result.total_credit == Decimal("1100.00")
    assert (result.stated_debit, result.stated_credit) == (Decimal("1000.00"), Decimal("1000.00"))
    assert result.problems() == []


def test_rows_that_do_not_add_up_to_the_total_row_are_refused_even_with_a_negative():
    data = NEGATIVE_CREDIT.format(bank="900.00", sales="1000.00")  # balances; the total does not
    result = read_trial_balance(data.encode(), "tb.csv")
    assert result.balances
    assert result.problems() == [
        "The file's own total row says debits 1,000.00, but its rows add up to 900.00: "
        "some rows were not read.",
        "The file's own total row says credits 1,000.00, but its rows add up to 900.00: "
        "some rows were not read.",
    ]


def test_a_column_map_naming_a_column_the_file_lacks_says_which():
    data = b"Ref,Name,Net\n100,Sales,-50\n200,Bank,50\n"
    with pytest.raises(TrialBalanceError) as error:
        read_trial_balance(data, "tb.csv", ColumnMap(code="Ref", name="Name", balance="Nope"))
    assert str(error.value) == (
        "tb.csv: the column 'Nope' is not in the file (its header row has 'Ref', 'Name', 'Net')"
    )
