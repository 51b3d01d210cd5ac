"""Payroll summaries as UK payroll software exports them (BrightPay, Xero Payroll, Sage Payroll,
a QuickBooks-style period summary, Staffology), and files that are not payroll summaries."""

import datetime
import io
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from reporting.payroll_summary import PayrollSummaryError, read_payroll_summary

FILES = Path(__file__).parent / "files" / "payroll"
NOVEMBER_30 = datetime.date(2026, 11, 30)

# November's payroll for three employees, the same in every layout.
SAME_PAYROLL = {
    "gross_pay": Decimal("6450.00"),
    "paye": Decimal("618.80"),  # Chloe's refund of 12.00 included
    "employee_ni": Decimal("264.48"),
    "employer_ni": Decimal("780.00"),
    "employee_pension": Decimal("234.00"),
    "employer_pension": Decimal("140.40"),
    "student_loan": Decimal("56.00"),
    "net_pay": Decimal("5276.72"),
}


def read(name: str):
    return read_payroll_summary((FILES / name).read_bytes(), name)


def xlsx(rows) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "layout"),
    [
        ("brightpay_2026-11.csv", "BrightPay"),
        ("xero_payroll_employee_summary_2026-11.csv", "Xero Payroll"),
        ("sage_payroll_payment_summary_2026-11.csv", "Sage Payroll"),
        ("quickbooks_payroll_summary_2026-11.csv", "QuickBooks Payroll"),
    ],
)
def test_each_layout_reads_the_same_payroll(name, layout):
    result = read(name)
    assert result.layout == layout
    assert result.figures() == SAME_PAYROLL
    assert result.employees == 3
    assert result.period_end == NOVEMBER_30
    assert result.rejected == []
    assert result.problems() == []


@pytest.mark.parametrize(
    ("name", "layout"),
    [
        ("brightpay_2026-11.csv", "payroll table"),  # EE/ER headings are not BrightPay's alone
        ("xero_payroll_employee_summary_2026-11.csv", "Xero Payroll"),  # the report's title
        ("sage_payroll_payment_summary_2026-11.csv", "Sage Payroll"),  # "Ees NIC"
        ("quickbooks_payroll_summary_2026-11.csv", "payroll summary"),
    ],
)
def test_the_package_without_its_name_in_the_file_name(name, layout):
    result = read_payroll_summary((FILES / name).read_bytes(), "export.csv")
    assert result.layout == layout


def test_each_figure_remembers_its_heading():
    result = read("sage_payroll_payment_summary_2026-11.csv")
    assert result.columns == {
        "gross_pay": "Gross Pay",
        "paye": "Tax",
        "employee_ni": "Ees NIC",
        "employer_ni": "Ers NIC",
        "employee_pension": "Ees Pension",
        "employer_pension": "Ers Pension",
        "student_loan": "Student Loan",
        "net_pay": "Net Pay",
    }


def test_department_subtotals_are_skipped_and_the_grand_total_is_checked():
    result = read("sage_payroll_payment_summary_2026-11.csv")
    assert result.gross_pay == Decimal("6450.00")  # not doubled by "Total for Office"
    assert result.stated_row == 14
    assert result.stated == SAME_PAYROLL


def test_a_total_row_that_disagrees_with_the_employees_is_a_problem():
    name = "sage_payroll_payment_summary_2026-11.csv"
    data = (FILES / name).read_text().replace(",Totals:,6450.00,", ",Totals:,6540.00,")
    result = read_payroll_summary(data.encode(), name)
    assert result.gross_pay == Decimal("6450.00")
    assert result.stated["gross_pay"] == Decimal("6540.00")
    assert result.problems() == [
        "The file's total row (row 14) says gross pay 6,540.00, but the employee rows add up "
        "to 6,450.00: a difference of 90.00."
    ]


def test_xero_total_row_agrees():
    result = read("xero_payroll_employee_summary_2026-11.csv")
    assert result.stated_row == 9
    assert result.stated["net_pay"] == Decimal("5276.72")


def test_xero_payroll_earnings_and_employee_tax_headings():
    """Xero Payroll's activity summary: "Earnings" is the gross pay, "Employee Tax" the PAYE;
    its "Deductions" (Alice's student loan among them) and "Reimbursements" are not read."""
    result = read("xero_payroll_activity_summary_2026-11.csv")
    assert result.layout == "Xero Payroll"
    assert result.figures() == {
        **SAME_PAYROLL,
        "student_loan": None,  # inside Xero's "Deductions", not a column of its own
        "net_pay": Decimal("5301.72"),  # Ben's 25.00 of expenses repaid with his pay
    }
    assert result.columns == {
        "gross_pay": "Earnings",
        "paye": "Employee Tax",
        "employee_ni": "Employee NI",
        "employer_ni": "Employer NI",
        "employee_pension": "Employee Pension",
        "employer_pension": "Employer Pension",
        "net_pay": "Net Pay",
    }
    assert result.employees == 3
    assert result.period_end == NOVEMBER_30
    assert (result.stated_row, result.stated["gross_pay"]) == (9, Decimal("6450.00"))
    assert result.rejected == []
    assert result.problems() == []


@pytest.mark.parametrize("gross", ["Earnings", "Total Earnings", "Gross Earnings", "Gross Pay"])
@pytest.mark.parametrize("tax", ["Employee Tax", "Tax Deducted", "Income Tax", "PAYE"])
def test_gross_pay_and_paye_under_their_other_names(gross, tax):
    data = f"Employee,{gross},{tax},Net Pay\nAlice Brown,3000.00,390.40,2609.60\n".encode()
    result = read_payroll_summary(data, "pay.csv")
    assert (result.gross_pay, result.paye) == (Decimal("3000.00"), Decimal("390.40"))
    assert result.columns == {"gross_pay": gross, "paye": tax, "net_pay": "Net Pay"}


def test_earnings_beside_gross_pay_is_not_taken_for_it():
    data = b"Employee,Earnings,Gross Pay,Net Pay\nAlice Brown,3100.00,3000.00,2600.00\n"
    assert read_payroll_summary(data, "pay.csv").gross_pay == Decimal("3000.00")


def test_a_payroll_with_decimal_commas_is_read_at_its_full_value():
    data = (
        b"Employee;Gross Pay;Tax;Net Pay\n"
        b"Alice Brown;3.000,00;390,40;2.609,60\n"
        b"Ben Carter;2.250,00;240,40;2.009,60\n"
        b"Total;5.250,00;630,80;4.619,20\n"
    )
    result = read_payroll_summary(data, "pay.csv")
    assert (result.gross_pay, result.paye) == (Decimal("5250.00"), Decimal("630.80"))
    assert result.problems() == []


def test_a_staffology_gross_to_net_workbook_with_a_pay_date_cell():
    rows = [
        ["Gross to Net Report"],
        ["Harbour Demo Ltd"],
        ["Pay Date", datetime.datetime(2026, 11, 28)],
        [],
        [
            "Payroll Code",
            "Employee",
            "Gross Total",
            "Gross Taxable",
            "Tax",
            "Employee NIC",
            "Employer NIC",
            "Employee Pension",
            "Employer Pension",
            "Net Pay",
            "Gross Pay YTD",
        ],
        ["001", "Alice Brown", 3000, 2880, 390.4, 156.16, 387.5, 120, 72, 2333.44, 24000],
        ["002", "Ben Carter", 2250.0, 2160, 240.4, 96.16, 275, 90, 54, 1823.44, 18000],
    ]
    result = read_payroll_summary(xlsx(rows), "Gross to Net.xlsx")
    assert result.layout == "Staffology"
    assert result.gross_pay == Decimal("5250.00")  # Gross Total, not Gross Taxable nor YTD
    assert result.paye == Decimal("630.80")
    assert result.employee_ni == Decimal("252.32")
    assert result.employer_pension == Decimal("126.00")
    assert result.net_pay == Decimal("4156.88")
    assert result.student_loan is None
    assert result.employees == 2
    assert result.period_end == datetime.date(2026, 11, 28)


def test_missing_optional_columns_are_none():
    data = b"Employee,Gross,Net\nAlice Brown,3000.00,2277.44\n"
    result = read_payroll_summary(data, "pay.csv")
    assert result.gross_pay == Decimal("3000.00")
    assert result.net_pay == Decimal("2277.44")
    assert [result.paye, result.employee_ni, result.employer_ni] == [None, None, None]
    assert [result.employee_pension, result.employer_pension] == [None, None]
    assert result.period_end is None
    assert result.layout == "payroll table"


def test_an_unlabelled_last_row_is_the_files_own_total():
    data = (
        b"Employee,Gross Pay,PAYE,Net Pay\n"
        b"Alice Brown,3000.00,390.40,2609.60\n"
        b"Ben Carter,2250.00,240.40,2009.60\n"
        b",5250.00,630.80,4619.20\n"
    )
    result = read_payroll_summary(data, "pay.csv")
    assert result.gross_pay == Decimal("5250.00")
    assert result.employees == 2
    assert (result.stated_row, result.stated["paye"]) == (4, Decimal("630.80"))
    assert result.problems() == []


def test_rows_that_cannot_be_read_are_rejected_with_their_reason():
    data = (
        b"Employee,Gross Pay,Tax,Net Pay\n"
        b"Alice Brown,3000.00,390.40,2609.60\n"
        b"Ben Carter,2250.00,abc,2009.60\n"
        b",100.00,,100.00\n"
        b"Chloe Davis,1200.00,(12.00),1212.00\n"
    )
    result = read_payroll_summary(data, "pay.csv")
    assert result.gross_pay == Decimal("4200.00")
    assert result.paye == Decimal("378.40")
    assert result.employees == 2
    assert [(r.row, r.reason) for r in result.rejected] == [
        (3, "PAYE: 'abc' is not an amount"),
        (4, "the row has amounts but no employee"),
    ]
    assert result.problems() == [
        "2 rows were not read (row 3: PAYE: 'abc' is not an amount; "
        "row 4: the row has amounts but no employee)."
    ]


def test_an_employee_paid_twice_in_the_period_is_counted_once():
    data = (
        b"Pay Date,Employee,Gross Pay,Net Pay\n"
        b"13/11/2026,Alice Brown,700.00,600.00\n"
        b"13/11/2026,Ben Carter,500.00,450.00\n"
        b"27/11/2026,alice  brown,700.00,600.00\n"
    )
    result = read_payroll_summary(data, "weekly.csv")
    assert result.gross_pay == Decimal("1900.00")
    assert result.employees == 2
    assert result.period_end == datetime.date(2026, 11, 27)  # the last pay date


def test_a_summary_by_pay_run_counts_employees_only_when_it_says():
    by_run = b"Pay Date,Gross Pay,Tax,Net Pay\n31/10/2026,6000.00,600.00,5400.00\n"
    by_run += b"30/11/2026,6450.00,618.80,5831.20\n"
    result = read_payroll_summary(by_run, "runs.csv")
    assert (result.gross_pay, result.employees) == (Decimal("12450.00"), 0)
    assert result.period_end == NOVEMBER_30
    with_count = by_run.replace(b"Pay Date,", b"Pay Date,Employees,").replace(b"26,", b"26,3,")
    assert read_payroll_summary(with_count, "runs.csv").employees == 3


@pytest.mark.parametrize(
    ("title", "period_end"),
    [
        ("Pay date: 30/11/2026", NOVEMBER_30),
        ("Period ending 30 November 2026", NOVEMBER_30),
        ("Tax period 8 (06/11/2026 - 05/12/2026)", datetime.date(2026, 12, 5)),
        ("Pay Date 2026-11-28", datetime.date(2026, 11, 28)),
        ("For the period 1 November 2026 to 30 November 2026", NOVEMBER_30),
        ("Harbour Demo Ltd 30/11/2026", None),  # a date, but nothing says it is the period's
        ("Pay date: 31/11/2026", None),
    ],
)
def test_the_period_end_in_the_title(title, period_end):
    data = f'"{title}"\nEmployee,Gross Pay,Net Pay\nAlice Brown,100.00,90.00\n'.encode()
    assert read_payroll_summary(data, "pay.csv").period_end == period_end


def test_a_file_without_gross_pay_names_the_headings_it_looked_for():
    with pytest.raises(PayrollSummaryError) as error:
        read("malformed_timesheet_2026-11.csv")
    message = str(error.value)
    assert message.startswith("malformed_timesheet_2026-11.csv: no gross pay column was found")
    assert "“Gross Pay”, “Total Gross Pay”, “Gross”" in message
    assert isinstance(error.value, ValueError)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"%PDF-1.4\n...", "pay.csv: this is a PDF, not a spreadsheet"),
        (b"  \n", "pay.csv: the file is empty"),
        (b"Box,Amount\n1,4600.00\n6,25000\n", "pay.csv: no gross pay column was found"),
        (
            b"Employee,Gross Pay,Net Pay\nTotal for Office,,\n",
            "pay.csv, row 1: the header names the payroll columns, but no row under it",
        ),
    ],
)
def test_files_that_are_not_payroll_summaries_say_so(data, message):
    with pytest.raises(PayrollSummaryError) as error:
        read_payroll_summary(data, "pay.csv")
    assert str(error.value).startswith(message)
