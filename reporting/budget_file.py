"""Reading a budget spreadsheet: the figures a client planned for each month, by account or by
report line.

Two layouts, whichever the file has:
- **months across** (Xero's Budget Manager export, QuickBooks Online's budget export, most
  hand-made budgets): one row per account or line, one column per month ("Jan-26", "Jan 2026",
  "January 2026", "2026-01", "01/2026", or a date cell), a "Total" column ignored;
- **one row per month**: an account or line column, a month column and an amount column.

The account or line is a code column and/or a name column ("Sales (200)", "4000 Sales" and
"200 - Sales" carry the code inside the name, as in the trial balance exports), or the name of
a report line ("Turnover", "Staff costs"). Section rows without amounts and total rows ("Total
Income", "Gross Profit" is a total of the lines) are skipped: the pack adds its own totals.

Amounts are the natural figures a budget is written in: income and costs both positive (a
negative is a reduction). Each figure a row cannot give is rejected with its reason. Pure:
bytes in, rows out, no database.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal

from documents.spreadsheets import Cell, SpreadsheetError, cell_text, read_table
from reporting.trial_balance import (
    _MONTHS,
    CODE_HEADERS,
    NAME_HEADERS,
    Rejected,
    _code_and_name,
    money,
)

HEADER_SEARCH_ROWS = 25
LINE_HEADERS = {"line", "report line", "budget line", "category"}
MONTH_HEADERS = {"month", "period", "date", "month end", "month starting"}
AMOUNT_HEADERS = {"amount", "budget", "value", "budget amount", "figure"}
TOTAL_HEADERS = {"total", "totals", "year total", "annual total", "full year"}
TOTAL_ROWS = {"net profit", "net loss", "net income", "net operating income", "net other income"}
TOTAL_ROWS |= {"gross profit", "operating profit", "profit", "profit before tax"}


class BudgetFileError(SpreadsheetError):
    """A file that cannot be read as a budget."""


@dataclass(frozen=True)
class BudgetRow:
    code: str
    name: str
    month: datetime.date  # the first of the month
    amount: Decimal
    row: int


@dataclass
class ReadBudget:
    filename: str
    layout: str  # "months across" or "one row per month"
    rows: list[BudgetRow] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)

    @property
    def months(self) -> list[datetime.date]:
        return sorted({row.month for row in self.rows})


def month_in(value: Cell) -> datetime.date | None:
    """The month a header or cell names, or None: "Jan-26", "Jan 2026", "January 2026",
    "2026-01", "01/2026", "31 Jan 2026", "31/01/2026", a date cell."""
    if isinstance(value, datetime.datetime):
        return value.date().replace(day=1)
    if isinstance(value, datetime.date):
        return value.replace(day=1)
    text = cell_text(value).casefold().strip()
    if not text:
        return None
    match = re.fullmatch(r"(\d{4})[-/.](\d{1,2})(?:[-/.]\d{1,2})?", text)
    if match:
        return _month(int(match[1]), int(match[2]))
    match = re.fullmatch(r"(?:\d{1,2}[-/.])?(\d{1,2})[-/.](\d{4})", text)
    if match:
        return _month(int(match[2]), int(match[1]))
    match = re.fullmatch(r"(?:\d{1,2}[\s-]+)?([a-z]+)\.?[\s\-']*(\d{2}|\d{4})", text)
    if match and match[1] in _MONTHS:
        year = int(match[2])
        return _month(year + 2000 if year < 100 else year, _MONTHS[match[1]])
    return None


def _month(year: int, month: int) -> datetime.date | None:
    if 1 <= month <= 12 and 1900 <= year <= 2200:
        return datetime.date(year, month, 1)
    return None


def _norm(value: Cell) -> str:
    return " ".join(cell_text(value).casefold().replace("_", " ").split()).strip(" :")


@dataclass
class _Header:
    index: int
    code: int | None
    name: int | None
    months: dict[int, datetime.date]  # column -> month (months across)
    month: int | None = None  # one row per month
    amount: int | None = None


def _find_header(rows: list[list[Cell]]) -> _Header | None:
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        names = [_norm(cell) for cell in row]
        code = next((i for i, n in enumerate(names) if n in CODE_HEADERS), None)
        name = next(
            (i for i, n in enumerate(names) if n in NAME_HEADERS | LINE_HEADERS and i != code),
            None,
        )
        months = {i: m for i, cell in enumerate(row) if (m := month_in(cell)) is not None}
        if len(months) >= 2:
            first = min(months)
            if code is None and name is None and first > 0:
                name = 0  # QuickBooks leaves the account column's header blank
            if code is not None or name is not None:
                return _Header(index, code, name, months)
        month = next((i for i, n in enumerate(names) if n in MONTH_HEADERS), None)
        amount = next((i for i, n in enumerate(names) if n in AMOUNT_HEADERS), None)
        if month is not None and amount is not None and (code is not None or name is not None):
            return _Header(index, code, name, {}, month, amount)
    return None


def _account(texts: list[str], header: _Header) -> tuple[str, str]:
    """The account as the trial balance reader reads it ("Sales (200)", "4000 Sales",
    QuickBooks' "6000 Office:6010 Stationery"), so a budget row meets its account."""
    code = texts[header.code].strip() if header.code is not None else ""
    name = texts[header.name].strip() if header.name is not None else ""
    return _code_and_name(code, name)


def _is_total(code: str, name: str) -> bool:
    words = name.casefold()
    return not code and (words in TOTAL_HEADERS | TOTAL_ROWS or words.startswith("total "))


def read_budget(data: bytes, filename: str) -> ReadBudget:
    try:
        rows = read_table(data, filename, literal_formulas=True)
    except SpreadsheetError as error:
        raise BudgetFileError(error.filename, error.where, error.problem) from None
    header = _find_header(rows)
    if header is None:
        raise BudgetFileError(
            filename,
            "",
            'no header row with an account or line column and month columns ("Jan-26", '
            '"2026-01"…), or an account, a "Month" and an "Amount" column, in the first '
            f"{HEADER_SEARCH_ROWS} rows. Is this the budget?",
        )
    read = ReadBudget(filename, "months across" if header.months else "one row per month")
    for number, row in enumerate(rows[header.index + 1 :], start=header.index + 2):
        texts = [cell_text(cell) for cell in row]
        texts += [""] * (len(rows[header.index]) - len(texts))
        code, name = _account(texts, header)
        if not code and not name:
            continue
        if _is_total(code, name):
            continue
        shown = " · ".join(t for t in texts if t)[:200]
        if header.months:
            cells = [(month, texts[i], i) for i, month in sorted(header.months.items())]
        else:
            month = month_in(row[header.month] if header.month < len(row) else None)
            if month is None:
                if texts[header.amount]:
                    read.rejected.append(
                        Rejected(number, shown, f"'{texts[header.month]}' is not a month.")
                    )
                continue
            cells = [(month, texts[header.amount], header.amount)]
        for month, text, _ in cells:
            if not text.strip():
                continue
            try:
                amount = money(text)
            except ValueError as error:
                read.rejected.append(Rejected(number, shown, f"{month:%b %Y}: {error}."))
                continue
            read.rows.append(BudgetRow(code, name, month, amount, number))
    return read
