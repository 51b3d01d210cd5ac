"""Reading a payroll summary exported from UK payroll software (BrightPay, Sage Payroll, Xero
Payroll, QuickBooks Payroll, Staffology/Moneysoft), to check the wages in the books against it.

Two shapes of file, both found by their headings rather than by a fixed layout, because every
package lets the user choose the columns and none publishes its export's exact layout:
- a table, one row per employee (or per pay run), under a header naming the columns: gross pay,
  PAYE, employee and employer NI, employee and employer pension, student loan and net pay, in the
  many spellings the packages use ("EE NIC", "Ees NIC", "Employee NI", "NI Employee", "Tax",
  "PAYE Tax", Xero Payroll's "Earnings" and "Employee Tax"...). The rows are added up; blank
  rows, department headings and subtotals ("Total for Sales") are skipped; a grand total row
  ("Total", "Totals:", or an unlabelled last row) is kept as the file's own totals and checked
  against the sum, not used in its place, so that every figure is traceable to an employee.
  Year-to-date columns ("YTD", Sage's "... TD") are not read: the summary is for the period.
- a period summary, one line per figure ("Gross pay", "£6,450.00"): read when no table header is
  found.

Gross pay is required (the error names the headings looked for); the other figures are None
when the file has no column for them. Employees are counted once each, by name or reference,
when the file has an employee column; by rows otherwise; 0 when the file gives only period
totals and does not say how many were paid.

What was checked against published material, and what was assumed: BrightPay's summary shows
EE/ER columns for NIC and pension and exports to CSV (BrightPay's help; a client handbook);
Sage 50 Payroll's export names ("Gross Pay", "Total Tax TD", "Ees NIC TD", "Ers NIC TD",
Staffology's Sage import notes); Staffology's gross-to-net report has "Gross Total" and
employee pension columns. Xero Payroll's "Earnings", "Deductions", "Reimbursements",
"Employee Tax" columns are as an acceptance tester's Xero export showed them, not checked against
a layout Xero publishes. The other headings are the usual UK payroll terms and are assumed,
as is the title wording the period end is read from ("Pay date", "Period ending", "Tax period",
"For the period"), and which package wrote the file: named from the file name or title
(Xero's "Payroll Employee Summary" and "Payroll Activity Summary" report names included), else
from headings only one package is known to use (Sage's "Ees NIC", Staffology's "Gross Total").

Pure: bytes in, facts out, no database.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal

from documents.spreadsheets import Cell, SpreadsheetError, cell_text, read_table
from reporting.trial_balance import ZERO, Rejected, money, rows_not_read

HEADER_SEARCH_ROWS = 25

FIGURES = (
    "gross_pay",
    "paye",
    "employee_ni",
    "employer_ni",
    "employee_pension",
    "employer_pension",
    "student_loan",
    "net_pay",
)
FIGURE_NAMES = {
    "gross_pay": "gross pay",
    "paye": "PAYE",
    "employee_ni": "employee NI",
    "employer_ni": "employer NI",
    "employee_pension": "employee pension",
    "employer_pension": "employer pension",
    "student_loan": "student loan",
    "net_pay": "net pay",
}
# Headings after normalising (lower case, no punctuation, "(£)" and "contribution(s)" gone),
# best first: a bare "NI" or "Pension" is the employee's only when nothing more exact is there.
HEADINGS = {
    "gross_pay": (
        "gross pay",
        "total gross pay",
        "gross",
        "gross total",
        "total gross",
        "gross earnings",
        "total gross earnings",
        "gross wages",
        "total pay",
        # Xero Payroll: "Earnings" beside "Deductions" and "Reimbursements". Last, so that a
        # file with "Gross Pay" too reads that.
        "total earnings",
        "earnings",
    ),
    "paye": (
        "paye",
        "paye tax",
        "income tax",
        "paye income tax",
        "tax",
        "total tax",
        "tax deducted",
        "paye deducted",
        "employee tax",  # Xero Payroll
        "employees tax",
    ),
    "employer_ni": (
        "er ni",
        "er nic",
        "er nics",
        "ers ni",
        "ers nic",
        "ers nics",
        "employer ni",
        "employer nic",
        "employer nics",
        "employers ni",
        "employers nic",
        "employers nics",
        "employer national insurance",
        "employers national insurance",
        "ni employer",
        "nic employer",
        "ni er",
        "nic er",
    ),
    "employee_ni": (
        "ee ni",
        "ee nic",
        "ee nics",
        "ees ni",
        "ees nic",
        "ees nics",
        "employee ni",
        "employee nic",
        "employee nics",
        "employees ni",
        "employees nic",
        "employees nics",
        "employee national insurance",
        "employees national insurance",
        "ni employee",
        "nic employee",
        "ni ee",
        "nic ee",
        "ni",
        "nic",
        "national insurance",
    ),
    "employer_pension": (
        "er pension",
        "ers pension",
        "employer pension",
        "employers pension",
        "pension er",
        "pension employer",
    ),
    "employee_pension": (
        "ee pension",
        "ees pension",
        "employee pension",
        "employees pension",
        "pension ee",
        "pension employee",
        "pension",
    ),
    "student_loan": ("student loan", "student loans", "sl", "sld", "student loan plan"),
    "net_pay": ("net pay", "total net pay", "net", "net wages", "take home pay", "net payment"),
}
NAME_HEADINGS = ("employee", "employee name", "name", "full name", "employee full name")
REFERENCE_HEADINGS = ("employee reference", "employee ref", "employee id", "employee number")
REFERENCE_HEADINGS += ("works number", "works no", "payroll id", "reference", "ref", "emp no")
FORENAME_HEADINGS = ("forename", "first name", "forenames")
SURNAME_HEADINGS = ("surname", "last name", "family name")
PAY_DATE_HEADINGS = ("pay date", "payment date", "date paid", "period end", "period ending")
HEADCOUNT_HEADINGS = ("employees", "number of employees", "no of employees", "employees paid")
HEADCOUNT_HEADINGS += ("headcount", "employee count")
_FILLER = ("contribution", "contributions", "deduction", "deductions", "repayment", "repayments")
_FILLER += ("amount", "paid", "this period", "current period", "for period")
_GRAND_TOTALS = ("total", "totals", "grand total", "payroll total", "payroll totals")
_GRAND_TOTALS += ("company total", "company totals", "all employees", "total all employees")
_TITLE_PHRASES = ("pay date", "payment date", "period ending", "period end", "tax period")
_TITLE_PHRASES += ("pay period", "for the period", "week ending", "month ending", "paid on")

_MONTH = (
    r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_NUMERIC_DATE = re.compile(r"\b(\d{1,2})[/.](\d{1,2})[/.](\d{4})\b")
_DAY_MONTH_YEAR = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH}\s+(\d{{4}})\b")


class PayrollSummaryError(SpreadsheetError):
    """A file that cannot be read as a payroll summary at all (not a table, no gross pay)."""


@dataclass
class PayrollSummary:
    gross_pay: Decimal
    paye: Decimal | None
    employee_ni: Decimal | None
    employer_ni: Decimal | None
    employee_pension: Decimal | None
    employer_pension: Decimal | None
    net_pay: Decimal | None
    employees: int
    period_end: datetime.date | None
    layout: str  # "BrightPay", "Sage Payroll", ..., "payroll table" or "payroll summary"
    student_loan: Decimal | None = None
    filename: str = ""
    columns: dict[str, str] = field(default_factory=dict)  # figure → the heading it came from
    stated: dict[str, Decimal] = field(default_factory=dict)  # the file's own total row
    stated_row: int | None = None
    rejected: list[Rejected] = field(default_factory=list)

    def figures(self) -> dict[str, Decimal | None]:
        return {name: getattr(self, name) for name in FIGURES}

    def problems(self) -> list[str]:
        """Why the figures cannot be trusted: rows not read, or a total row that disagrees."""
        found = []
        if self.rejected:
            found.append(rows_not_read(self.rejected))
        for name, stated in self.stated.items():
            summed = getattr(self, name)
            if summed is not None and stated != summed:
                found.append(
                    f"The file's total row (row {self.stated_row}) says {FIGURE_NAMES[name]} "
                    f"{stated:,.2f}, but the employee rows add up to {summed:,.2f}: a "
                    f"difference of {abs(stated - summed):,.2f}."
                )
        return found


def read_payroll_summary(data: bytes, filename: str) -> PayrollSummary:
    rows = _rows(data, filename)
    texts = [[cell_text(c) for c in row] for row in rows]
    header_at, roles = _find_header(texts)
    if header_at is not None:
        return _read_table(rows, texts, filename, header_at, roles)
    summary = _read_lines(rows, texts, filename)
    if summary is not None:
        return summary
    looked_for = ", ".join(f"“{_title(h)}”" for h in HEADINGS["gross_pay"])
    raise PayrollSummaryError(
        filename,
        "",
        f"no gross pay column was found in the first {HEADER_SEARCH_ROWS} rows (looked for "
        f"the headings {looked_for}, beside at least one other payroll column such as PAYE, "
        "NI or net pay, or a “Gross pay” line in a period summary): export the payroll "
        "summary as CSV or Excel",
    )


def _rows(data: bytes, filename: str) -> list[list[Cell]]:
    try:
        return read_table(data, filename, literal_formulas=True)
    except SpreadsheetError as error:
        raise PayrollSummaryError(error.filename, error.where, error.problem) from None


# --- a table: one row per employee ------------------------------------------------------------


def _find_header(texts) -> tuple[int | None, dict[str, int]]:
    for index, row in enumerate(texts[:HEADER_SEARCH_ROWS]):
        names = [_heading(t) for t in row]
        roles = _figure_columns(names)
        if "gross_pay" not in roles or len(roles) < 2:
            continue
        for role, headings in (
            ("name", NAME_HEADINGS),
            ("reference", REFERENCE_HEADINGS),
            ("forename", FORENAME_HEADINGS),
            ("surname", SURNAME_HEADINGS),
            ("pay_date", PAY_DATE_HEADINGS),
            ("headcount", HEADCOUNT_HEADINGS),
        ):
            column = _first(names, headings, roles.values())
            if column is not None:
                roles[role] = column
        return index, roles
    return None, {}


def _figure_columns(names: list[str]) -> dict[str, int]:
    roles: dict[str, int] = {}
    for figure, headings in HEADINGS.items():
        column = _first(names, headings, roles.values())
        if column is not None:
            roles[figure] = column
    return roles


def _read_table(rows, texts, filename: str, header_at: int, roles: dict[str, int]):
    figures = [f for f in FIGURES if f in roles]
    amount_columns = {roles[f] for f in figures}
    key_columns = [roles[r] for r in ("name", "forename", "surname") if r in roles]
    key_columns = key_columns or [roles[r] for r in ("reference",) if r in roles]
    totals = dict.fromkeys(figures, ZERO)
    stated: dict[str, Decimal] = {}
    stated_row = None
    rejected: list[Rejected] = []
    employees: set[str] = set()
    employee_rows = 0
    pay_dates: list[datetime.date] = []
    headcount = 0
    filled = [i for i in range(header_at + 1, len(texts)) if any(texts[i])]
    for index in filled:
        row, number = texts[index], index + 1
        label = next(
            (t.strip() for i, t in enumerate(row) if t.strip() and i not in amount_columns), ""
        )
        key = " ".join(_get(row, c) for c in key_columns).strip()
        has_amounts = any(_get(row, c) for c in amount_columns)
        words = label.casefold().strip(" :")
        # A spreadsheet's SUM row often has no label: the last row, under several employees.
        unlabelled_last = not label and has_amounts and index == filled[-1] and employee_rows > 1
        if words in _GRAND_TOTALS or unlabelled_last:
            stated, problem = _amounts(row, roles, figures)
            stated_row = number
            if problem:
                rejected.append(Rejected(number, _row_text(row), f"the total row: {problem}"))
                stated = {}
            continue
        if words.startswith("total") or not has_amounts:
            continue  # a department's subtotal, or a heading
        if not label:
            rejected.append(Rejected(number, _row_text(row), "the row has amounts but no employee"))
            continue
        amounts, problem = _amounts(row, roles, figures)
        if problem:
            rejected.append(Rejected(number, _row_text(row), problem))
            continue
        for figure, value in amounts.items():
            totals[figure] += value
        employee_rows += 1
        employees.add(" ".join((key or label).casefold().split()))
        paid_on = _dates_in(_get(row, roles.get("pay_date")))
        pay_dates.extend(paid_on)
        headcount = max(headcount, _count(_get(row, roles.get("headcount"))))
    if not employee_rows and not stated:
        raise PayrollSummaryError(
            filename,
            f"row {header_at + 1}",
            "the header names the payroll columns, but no row under it could be read as an "
            "employee's pay",
        )
    if not employee_rows:  # a summary that gives only its totals
        totals = dict(stated)
    if key_columns:
        count = len(employees)
    elif "headcount" in roles:
        count = headcount
    elif "pay_date" in roles:
        count = 0  # rows are pay runs, and the file does not say how many were paid
    else:
        count = employee_rows
    title_rows = rows[:header_at]
    period_end = _title_period_end(title_rows) or (max(pay_dates) if pay_dates else None)
    header = [cell_text(c) for c in rows[header_at]]
    return PayrollSummary(
        **{f: totals.get(f) for f in FIGURES},
        employees=count,
        period_end=period_end,
        layout=_layout(filename, title_rows, [_heading(h) for h in header], "payroll table"),
        filename=filename,
        columns={f: header[roles[f]] for f in figures},
        stated=stated if employee_rows else {},
        stated_row=stated_row,
        rejected=rejected,
    )


def _amounts(row, roles, figures) -> tuple[dict[str, Decimal], str]:
    amounts = {}
    for figure in figures:
        text = _get(row, roles[figure])
        try:
            amounts[figure] = money(text)
        except ValueError as problem:
            return {}, f"{FIGURE_NAMES[figure]}: {problem}"
    return amounts, ""


# --- a period summary: one line per figure ----------------------------------------------------


def _read_lines(rows, texts, filename: str) -> PayrollSummary | None:
    found: dict[str, Decimal] = {}
    columns: dict[str, str] = {}
    rejected: list[Rejected] = []
    headcount = 0
    first_at = None
    for index, row in enumerate(texts):
        filled = [i for i, t in enumerate(row) if t.strip()]
        if len(filled) < 2:
            continue
        label = row[filled[0]]
        name = _heading(label)
        figure = next((f for f, h in HEADINGS.items() if name in h and f not in found), None)
        value_text = row[filled[1]]
        if figure is None:
            if name in HEADCOUNT_HEADINGS:
                headcount = _count(value_text)
            continue
        if first_at is None:
            first_at = index
        try:
            found[figure] = money(value_text)  # the first figure: this period, not the year
        except ValueError as problem:
            rejected.append(Rejected(index + 1, _row_text(row), f"{label}: {problem}"))
            continue
        columns[figure] = label
    if "gross_pay" not in found or len(found) < 2:
        return None
    title_rows = rows[:first_at]
    return PayrollSummary(
        **{f: found.get(f) for f in FIGURES},
        employees=headcount,
        period_end=_title_period_end(title_rows),
        layout=_layout(filename, title_rows, [], "payroll summary"),
        filename=filename,
        columns=columns,
        rejected=rejected,
    )


# --- the period and the package ---------------------------------------------------------------


def _title_period_end(title_rows) -> datetime.date | None:
    """The last date on the first title row that says what it is: "Pay date: 30/11/2026",
    "Period ending 30 November 2026", "Tax period 8 (06/11/2026 - 05/12/2026)"."""
    for row in title_rows:
        text = " ".join(cell_text(c) for c in row).casefold()
        if not any(phrase in text for phrase in _TITLE_PHRASES):
            continue
        dates = [c.date() if isinstance(c, datetime.datetime) else c for c in row]
        dates = [d for d in dates if isinstance(d, datetime.date)]
        dates += [d for c in row if isinstance(c, str) for d in _dates_in(c)]
        if dates:
            return max(dates)
    return None


def _dates_in(text: str) -> list[datetime.date]:
    text = text.casefold().replace(",", " ")
    found = []
    for pattern, order in (
        (_ISO_DATE, (0, 1, 2)),
        (_NUMERIC_DATE, (2, 1, 0)),
        (_DAY_MONTH_YEAR, (2, 1, 0)),
    ):
        for match in pattern.finditer(text):
            year, month, day = (match.groups()[i] for i in order)
            month = month if month.isdigit() else _month(month)
            try:
                found.append(datetime.date(int(year), int(month), int(day)))
            except ValueError:
                continue
    return found


def _month(name: str) -> int:
    return "janfebmaraprmayjunjulaugsepoctnovdec".index(name[:3]) // 3 + 1


def _layout(filename: str, title_rows, headings: list[str], generic: str) -> str:
    named = " ".join([filename, *(cell_text(c) for row in title_rows for c in row)]).casefold()
    for marks, vendor in (
        (("brightpay", "bright pay"), "BrightPay"),
        (("staffology", "moneysoft"), "Staffology"),
        (("xero", "payroll employee summary", "payroll activity summary"), "Xero Payroll"),
        (("quickbooks", "intuit"), "QuickBooks Payroll"),
        (("sage",), "Sage Payroll"),
    ):
        if any(mark in named for mark in marks):
            return vendor
    if any(h.startswith(("ees ", "ers ")) for h in headings):
        return "Sage Payroll"
    if "gross total" in headings or "gross taxable" in headings:
        return "Staffology"
    return generic


# --- cells ------------------------------------------------------------------------------------


def _heading(text: str) -> str:
    """A heading as the words that matter: "Employer's NI (£)" is "employers ni", "EE Pension
    Contribution" is "ee pension", "Student Loan Deduction" is "student loan"."""
    text = text.casefold().replace("’", "").replace("'", "").replace(".", "")
    text = re.sub(r"\((?:gbp|£)\)|£|\bgbp\b", " ", text)
    text = " ".join(re.sub(r"[^a-z0-9/]+", " ", text).split())
    changed = True
    while changed:
        changed = False
        for filler in _FILLER:
            if text.endswith(" " + filler):
                text, changed = text[: -len(filler) - 1], True
    return text


def _first(names: list[str], headings, taken) -> int | None:
    taken = set(taken)
    for heading in headings:
        for index, name in enumerate(names):
            if name == heading and index not in taken:
                return index
    return None


def _title(heading: str) -> str:
    return " ".join(w.capitalize() for w in heading.split())


def _get(row: list[str], index: int | None) -> str:
    if index is None or index >= len(row):
        return ""
    return row[index].strip()


def _count(text: str) -> int:
    try:
        return int(Decimal(text.replace(",", "").strip()))
    except (ArithmeticError, ValueError):
        return 0


def _row_text(row: list[str]) -> str:
    return " | ".join(t for t in row if t)[:200]
