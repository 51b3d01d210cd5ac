"""Guessing a ``ColumnMapping`` from a bank's spreadsheet: the encoding, the delimiter, the header
row (under any title rows), which column is what, the date format and the decimal separator.

The guess is a proposal for the bookkeeper to confirm in the preview; when a required column
cannot be found the StatementError names it and the header words that would have worked."""

from __future__ import annotations

import datetime
import re

from reconciliation.importers.tabular_headers import EXAMPLES, HEADER_WORDS
from reconciliation.importers.tabular_mapping import ColumnMapping
from reconciliation.importers.tabular_rows import (
    check_readable,
    decode,
    guess_delimiter,
    guess_encoding,
    is_xlsx,
    text_rows,
    xlsx_rows,
)
from reconciliation.importers.tabular_values import (
    Cell,
    cell_text,
    compact_header,
    normalize_header,
    parse_amount,
    parse_date,
)
from reconciliation.statements import StatementError

_AMOUNT_ROLES = ("amount_column", "debit_column", "credit_column", "balance_column")
DATE_FORMATS = (
    "%d/%m/%Y", "%m/%d/%Y", "%d/%m/%y", "%m/%d/%y", "%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y",
    "%d-%m-%Y", "%m-%d-%Y", "%d-%m-%y", "%Y/%m/%d", "%Y%m%d", "%Y.%m.%d", "%d %b %Y",
    "%d-%b-%Y", "%d %b %y", "%d-%b-%y", "%d %B %Y", "%b %d, %Y", "%B %d, %Y", "%d/%b/%Y",
)  # fmt: skip
_HEADER_SEARCH_ROWS = 50
_SAMPLE_ROWS = 200


def guess_mapping(data: bytes, filename: str) -> ColumnMapping:
    """A mapping for this file, or StatementError naming what could not be found."""
    check_readable(data, filename)
    if is_xlsx(data):
        encoding, delimiter = "utf-8", ","
        rows = xlsx_rows(data, filename)
    else:
        encoding = guess_encoding(data)
        text = decode(data, filename, encoding)
        delimiter = guess_delimiter(text)
        rows = text_rows(text, filename, delimiter)
    if not any(cell_text(value) for row in rows for value in row):
        raise StatementError(filename, "", "the file has no rows")
    return guess_from_rows(rows, filename, encoding=encoding, delimiter=delimiter)


def guess_from_rows(
    rows: list[list[Cell]], filename: str, encoding: str = "utf-8", delimiter: str = ","
) -> ColumnMapping:
    header_row, roles = find_header(rows)
    if header_row is None:
        headerless = _guess_headerless(rows)
        if headerless is None:
            _raise_missing(rows, filename)
        header_row, roles = None, headerless
    body = rows[(header_row + 1) if header_row is not None else 0 :][:_SAMPLE_ROWS]
    dates = [row[roles["date_column"]] for row in body if len(row) > roles["date_column"]]
    numbers = [
        row[roles[role]]
        for row in body
        for role in _AMOUNT_ROLES
        if role in roles and len(row) > roles[role]
    ]
    decimal, thousands = guess_separators(numbers)
    header = rows[header_row] if header_row is not None else []
    names = {role: _column_name(header, index) for role, index in roles.items()}
    return ColumnMapping(
        header_row=header_row,
        date_format=guess_date_format(dates),
        decimal_separator=decimal,
        thousands_separator=thousands,
        encoding=encoding,
        delimiter=delimiter,
        **names,
    )


def _column_name(header: list[Cell], index: int) -> str:
    """The header text, or the position ("#3") when there is no header or the text repeats."""
    if index < len(header):
        text = cell_text(header[index])
        repeats = [compact_header(cell_text(value)) for value in header].count(compact_header(text))
        if text and repeats == 1:
            return text
    return f"#{index + 1}"


def header_roles(row: list[Cell]) -> dict[str, int]:
    """Role -> column index for the cells of ``row`` that are known header words."""
    keys = [normalize_header(cell_text(value)) for value in row]
    roles: dict[str, int] = {}
    taken: set[int] = set()
    for role, words in HEADER_WORDS.items():
        for word in words:
            index = next((i for i, key in enumerate(keys) if key == word and i not in taken), None)
            if index is not None:
                roles[role] = index
                taken.add(index)
                break
    if "amount_column" in roles:
        # A signed amount wins over Money out / Money in beside it (Monzo has all three).
        roles.pop("debit_column", None)
        roles.pop("credit_column", None)
    elif not ("debit_column" in roles and "credit_column" in roles):
        roles.pop("debit_column", None)
        roles.pop("credit_column", None)
    if "direction_column" in roles and "amount_column" not in roles:
        roles.pop("direction_column")
    if "description_column" not in roles and "counterparty_column" in roles:
        roles["description_column"] = roles["counterparty_column"]
    return roles


def find_header(rows: list[list[Cell]]) -> tuple[int | None, dict[str, int]]:
    """The first row naming a date column and an amount (or debit and credit) column."""
    for index, row in enumerate(rows[:_HEADER_SEARCH_ROWS]):
        roles = header_roles(row)
        if "date_column" in roles and ("amount_column" in roles or "debit_column" in roles):
            return index, roles
    return None, {}


def _raise_missing(rows: list[list[Cell]], filename: str):
    best_index, best = None, {}
    for index, row in enumerate(rows[:_HEADER_SEARCH_ROWS]):
        roles = header_roles(row)
        if len(roles) > len(best):
            best_index, best = index, roles
    if best_index is None:  # no header word at all: point at the first row with text
        best_index = next(i for i, row in enumerate(rows) if any(cell_text(v) for v in row))
    where = f"row {best_index + 1}"
    if "date_column" not in best:
        raise StatementError(
            filename,
            where,
            f"no date column: the header row should name one of {EXAMPLES['date_column']}",
        )
    raise StatementError(
        filename,
        where,
        f"no amount column: the header row should name one of {EXAMPLES['amount_column']}, "
        "or both a money-out and a money-in column (Debit and Credit, Paid out and Paid in)",
    )


def _guess_headerless(rows: list[list[Cell]]) -> dict[str, int] | None:
    """Roles by position for a file without a header row (HSBC UK: date, description, amount)."""
    body = [row for row in rows[:_SAMPLE_ROWS] if any(cell_text(value) for value in row)]
    if not body:
        return None
    width = max(len(row) for row in body)
    columns = [[row[i] if i < len(row) else "" for row in body] for i in range(width)]
    date_index = next((i for i, column in enumerate(columns) if _all_dates(column)), None)
    if date_index is None:
        return None
    numeric = [i for i, column in enumerate(columns) if i != date_index and _all_amounts(column)]
    if not numeric:
        return None
    roles = {"date_column": date_index, "amount_column": numeric[0]}
    texts = [i for i in range(width) if i not in roles.values() and i not in numeric]
    if texts:
        roles["description_column"] = max(
            texts, key=lambda i: sum(len(cell_text(value)) for value in columns[i])
        )
    return roles


def _all_dates(column: list[Cell]) -> bool:
    values = [value for value in column if cell_text(value)]
    if not values:
        return False
    if all(isinstance(value, datetime.date) for value in values):
        return True
    best = guess_date_format(values)
    return all(_parses(value, best) for value in values)


def _all_amounts(column: list[Cell]) -> bool:
    values = [value for value in column if cell_text(value)]
    if not values:
        return False
    decimal, thousands = guess_separators(values)
    try:
        return all(parse_amount(value, decimal, thousands) is not None for value in values)
    except ValueError:
        return False


def _parses(value: Cell, date_format: str) -> bool:
    if isinstance(value, datetime.date):
        return True
    try:
        parse_date(value, date_format)
    except ValueError:
        return False
    return True


def guess_date_format(values: list[Cell]) -> str:
    """The format that reads the most values; ties go to the earlier (day-first) format, so
    month-first is chosen only when some day is above 12."""
    texts = [value for value in values if isinstance(value, str) and value.strip()]
    if not texts:
        return DATE_FORMATS[0]
    texts = [cell_text(value) for value in texts[:_SAMPLE_ROWS]]
    counts = [sum(_parses(text, date_format) for text in texts) for date_format in DATE_FORMATS]
    return DATE_FORMATS[counts.index(max(counts))]


def guess_separators(values: list[Cell]) -> tuple[str, str]:
    """(decimal, thousands) separators from amounts written as text.

    A separator followed by one, two or four-plus digits at the end is the decimal one; one
    that repeats, or comes before the other, groups thousands. "1,234" alone says nothing."""
    votes = {".": 0, ",": 0}
    groupings: set[str] = set()
    for value in values:
        if not isinstance(value, str):
            continue
        text = re.sub(r"[^\d.,'\s]", "", value).strip()
        text = re.sub(r"(?<=\d)[\s\u00a0\u202f](?=\d{3})", " ", text)
        if " " in text.strip():
            groupings.add(" ")
        if "'" in text:
            groupings.add("'")
        marks = [char for char in text if char in ".,"]
        if not marks:
            continue
        last = marks[-1]
        other = "," if last == "." else "."
        if other in marks:
            votes[last] += 1
            groupings.add(other)
        elif marks.count(last) > 1:
            votes[other] += 1
            groupings.add(last)
        elif len(text) - text.rindex(last) - 1 != 3:
            votes[last] += 1
    decimal = "," if votes[","] > votes["."] else "."
    for thousands in (("." if decimal == "," else ","), " ", "'"):
        if thousands in groupings:
            return decimal, thousands
    return decimal, ("." if decimal == "," else ",")
