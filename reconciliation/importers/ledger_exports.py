"""The ledger side of a bank reconciliation: what the client's accounting system says happened
in the bank account, from a report exported as CSV or XLSX.

Recognised from the header row, under any title rows:

- Xero "Account Transactions": Date, Source, Description, Reference, Debit, Credit, Running
  Balance (or Gross). On a bank account a debit puts money in.
- QuickBooks Online "Transaction Detail by Account": Date, Transaction Type, Num, Name,
  Memo/Description, Split, Amount, Balance; the Amount is already signed for the bank.
- Sage 50 "Nominal Activity" (Type, Date, Ref, Details, Debit, Credit: a debit on the bank
  nominal is money in) and Sage Accounting bank transactions (Money in / Money out).

Anything else is read as a plain spreadsheet through the given (or guessed) column mapping.
Section headings, opening and closing balances and total rows are skipped; any other row that
cannot be read stops the import, because a silently dropped ledger entry would show up later as
an unexplained difference."""

from __future__ import annotations

from reconciliation.importers.tabular import NOT_A_TRANSACTION, Preview, preview, preview_rows
from reconciliation.importers.tabular_guess import (
    guess_date_format,
    guess_from_rows,
    guess_separators,
)
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
from reconciliation.importers.tabular_values import Cell, cell_text, normalize_header
from reconciliation.statements import Account, Statement, StatementError, StatementLine

LEDGER_FORMATS = ("xero", "quickbooks", "sage", "csv")
_HEADER_SEARCH_ROWS = 50

# Per export: the columns it must have (normalised header words) and, per mapping role, the
# header words that fill it, best first. "credit_column" is money in, "debit_column" money out.
_EXPORTS: dict[str, dict] = {
    "xero": {
        "required": ({"date", "source", "debit", "credit"},),
        "roles": {
            "date_column": ("date",),
            "description_column": ("description",),
            "reference_column": ("reference",),
            "counterparty_column": ("contact",),
            "credit_column": ("debit",),
            "debit_column": ("credit",),
            "balance_column": ("running balance",),
        },
    },
    "quickbooks": {
        "required": (
            {"date", "transaction type", "amount", "split"},
            {"date", "transaction type", "amount", "num"},
        ),
        "roles": {
            "date_column": ("date",),
            "description_column": ("memo/description", "memo", "description"),
            "reference_column": ("num", "no"),
            "counterparty_column": ("name",),
            "amount_column": ("amount",),
            "balance_column": ("balance",),
        },
    },
    "sage": {
        "required": (
            {"date", "type", "details", "debit", "credit"},
            {"date", "type", "ref", "debit", "credit"},
            {"date", "type", "money in", "money out"},
            {"date", "reference", "money in", "money out"},
        ),
        "roles": {
            "date_column": ("date",),
            "description_column": ("details", "description"),
            "reference_column": ("ref", "reference"),
            "counterparty_column": ("contact", "name", "account"),
            "credit_column": ("debit", "money in"),
            "debit_column": ("credit", "money out"),
            "balance_column": ("balance",),
        },
    },
}


def detect_ledger_format(data: bytes, filename: str) -> str:
    """ "xero", "quickbooks", "sage", or "csv" for any other spreadsheet."""
    rows = _rows(data, filename)
    export, _, _ = _find_export(rows)
    return export


def read_ledger(
    data: bytes, filename: str, mapping: ColumnMapping | None = None
) -> list[StatementLine]:
    """The ledger's bank-account entries, each signed as its effect on the bank balance."""
    return _read(data, filename, mapping).lines


def read_ledger_statement(
    data: bytes, filename: str, mapping: ColumnMapping | None = None
) -> Statement:
    """The entries as one statement of the ledger, with the opening and closing balance when
    the export's running balance gives them (Xero's Running Balance, QuickBooks' Balance)."""
    result = _read(data, filename, mapping)
    return Statement(
        account=Account(),
        currency=result.currency,
        lines=result.lines,
        opening_balance=result.opening_balance,
        closing_balance=result.closing_balance,
        format=detect_ledger_format(data, filename),
    )


def _read(data: bytes, filename: str, mapping: ColumnMapping | None) -> Preview:
    rows = _rows(data, filename)
    export, header_row, roles = _find_export(rows)
    if export != "csv":
        result = preview_rows(rows, filename, _export_mapping(rows, header_row, roles))
    elif mapping is not None:
        result = preview(data, filename, mapping)
    else:
        mapping = guess_from_rows(rows, filename, *_layout(data, filename))
        result = preview_rows(rows, filename, mapping)
    _check_rejected(result, filename)
    if not result.lines:
        raise StatementError(filename, "", "the export has no transactions")
    return result


def _rows(data: bytes, filename: str) -> list[list[Cell]]:
    check_readable(data, filename)
    if is_xlsx(data):
        return xlsx_rows(data, filename)
    encoding, delimiter = _layout(data, filename)
    return text_rows(decode(data, filename, encoding), filename, delimiter)


def _layout(data: bytes, filename: str) -> tuple[str, str]:
    """(encoding, delimiter) of a text file."""
    if is_xlsx(data):
        return "utf-8", ","
    encoding = guess_encoding(data)
    return encoding, guess_delimiter(decode(data, filename, encoding))


def _find_export(rows: list[list[Cell]]) -> tuple[str, int, dict[str, int]]:
    """(export name, header row index, role -> column index); ("csv", -1, {}) when none fits."""
    for index, row in enumerate(rows[:_HEADER_SEARCH_ROWS]):
        keys = [normalize_header(cell_text(value)) for value in row]
        for export, layout in _EXPORTS.items():
            if any(required <= set(keys) for required in layout["required"]):
                roles = {}
                for role, words in layout["roles"].items():
                    found = next((keys.index(word) for word in words if word in keys), None)
                    if found is not None:
                        roles[role] = found
                return export, index, roles
    return "csv", -1, {}


def _export_mapping(
    rows: list[list[Cell]], header_row: int, roles: dict[str, int]
) -> ColumnMapping:
    body = rows[header_row + 1 :]
    date_index = roles["date_column"]
    dates = [row[date_index] for row in body if date_index < len(row)]
    money_roles = ("amount_column", "credit_column", "debit_column", "balance_column")
    numbers = [
        row[roles[role]]
        for row in body
        for role in money_roles
        if role in roles and roles[role] < len(row)
    ]
    decimal, thousands = guess_separators(numbers)
    return ColumnMapping(
        header_row=header_row,
        date_format=guess_date_format(dates),
        decimal_separator=decimal,
        thousands_separator=thousands,
        **{role: f"#{index + 1}" for role, index in roles.items()},
    )


def _check_rejected(result: Preview, filename: str) -> None:
    """Skips headings, balances and totals; raises for the first row that is a real problem."""
    for rejected in result.rejected:
        if rejected.reason == NOT_A_TRANSACTION or _is_heading(rejected.values):
            continue
        raise StatementError(filename, f"row {rejected.row_number}", rejected.reason)


def _is_heading(values: list[str]) -> bool:
    """A row with text but no amount and no date: an account's name above its entries, or a
    report footer ("Accrual Basis Monday, 4 January 2027")."""
    filled = [value for value in values if value]
    return len(filled) == 1 or not any(any(char.isdigit() for char in value) for value in filled)
