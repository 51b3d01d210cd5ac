"""Bank statements downloaded as a spreadsheet (CSV, TSV or XLSX), read through a column mapping.

    mapping = guess_mapping(data, filename)        # a proposal; the bookkeeper confirms it
    result = preview(data, filename, mapping)      # accepted lines, rejected rows and why
    statements = read(data, filename, mapping)     # [Statement], for the matcher

Every bank lays its export out differently, so nothing here knows a bank by name: the mapping
says which column is what and how dates and amounts are written, and is saved per bank account.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from reconciliation.importers.tabular_extras import balance_rows, column_account, title_facts
from reconciliation.importers.tabular_guess import guess_mapping
from reconciliation.importers.tabular_mapping import ColumnMapping, column_index
from reconciliation.importers.tabular_rows import load_rows, looks_like
from reconciliation.importers.tabular_values import (
    Cell,
    cell_text,
    currency_in_header,
    parse_amount,
    parse_date,
    parse_direction,
)
from reconciliation.statements import Account, Statement, StatementError, StatementLine

__all__ = [
    "ColumnMapping",
    "Preview",
    "RejectedRow",
    "guess_mapping",
    "looks_like",
    "preview",
    "read",
]

# Rows that summarise rather than record a transaction ("Closing balance", "Total for ...").
SUMMARY_WORDS = (
    "total",
    "opening balance",
    "closing balance",
    "beginning balance",
    "ending balance",
    "balance brought forward",
    "balance carried forward",
    "kontostand",
    "anfangssaldo",
    "endsaldo",
    "solde",
    "balance",
)
NOT_A_TRANSACTION = "a total or balance row, not a transaction"


@dataclass(frozen=True)
class RejectedRow:
    row_number: int  # 1-based, as the spreadsheet shows it
    values: list[str]
    reason: str


@dataclass
class Preview:
    lines: list[StatementLine] = field(default_factory=list)
    rejected: list[RejectedRow] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    opening_balance: Decimal | None = None
    closing_balance: Decimal | None = None
    currency: str = ""
    format: str = "csv"  # or "xlsx"
    account: Account = field(default_factory=Account)
    # Per accepted line, in step with ``lines``: its currency and its running balance.
    line_currencies: list[str] = field(default_factory=list)
    line_balances: list[Decimal | None] = field(default_factory=list)


def preview(data: bytes, filename: str, mapping: ColumnMapping) -> Preview:
    """Every row below the header read through ``mapping``: accepted as a line or rejected with
    the reason. Raises StatementError only when the file or the mapping does not fit at all."""
    rows, file_format = load_rows(data, filename, mapping.encoding, mapping.delimiter)
    result = preview_rows(rows, filename, mapping)
    result.format = file_format
    return result


def read(data: bytes, filename: str, mapping: ColumnMapping | None = None) -> list[Statement]:
    """One Statement, or one per currency when the rows name several (PayPal's activity
    download). The account is whatever the file names (a column or a title row), else
    ``Account()``."""
    if mapping is None:
        mapping = guess_mapping(data, filename)
    result = preview(data, filename, mapping)
    if not result.lines:
        if result.rejected:
            first = result.rejected[0]
            raise StatementError(
                filename,
                f"row {first.row_number}",
                f"no row could be read as a transaction; the first was rejected: {first.reason}",
            )
        raise StatementError(filename, "", "the file has no transactions below the header row")
    currencies = list(dict.fromkeys(result.line_currencies))
    if len(currencies) < 2:
        return [
            Statement(
                account=result.account,
                currency=result.currency,
                lines=result.lines,
                opening_balance=result.opening_balance,
                closing_balance=result.closing_balance,
                format=result.format,
            )
        ]
    statements = []
    for currency in currencies:
        picked = [i for i, code in enumerate(result.line_currencies) if code == currency]
        lines = [result.lines[i] for i in picked]
        opening, closing = running_balances(lines, [result.line_balances[i] for i in picked])
        statements.append(
            Statement(
                account=result.account,
                currency=currency,
                lines=lines,
                opening_balance=opening,
                closing_balance=closing,
                format=result.format,
            )
        )
    return statements


def preview_rows(rows: list[list[Cell]], filename: str, mapping: ColumnMapping) -> Preview:
    if mapping.header_row is None:
        first_data_row = 0
        width = max((len(row) for row in rows), default=0)
        columns = [f"#{position + 1}" for position in range(width)]
    else:
        if mapping.header_row >= len(rows):
            raise StatementError(
                filename,
                f"row {mapping.header_row + 1}",
                f"there is no header row {mapping.header_row + 1}: the file has {len(rows)} rows",
            )
        first_data_row = mapping.header_row + 1
        columns = [cell_text(value) for value in rows[mapping.header_row]]
    indexes = _column_indexes(mapping, columns, filename)
    result = Preview(columns=columns)
    balances: list[Decimal | None] = []
    currencies: set[str] = set()
    for offset, row in enumerate(rows[first_data_row:]):
        texts = [cell_text(value) for value in row]
        if not any(texts):
            continue
        row_number = first_data_row + offset + 1
        try:
            line, balance, currency = _read_row(row, indexes, mapping)
            if line.amount == 0 and _is_summary(texts):
                raise ValueError(NOT_A_TRANSACTION)  # Starling's "Opening Balance" 0.00 row
        except ValueError as problem:
            result.rejected.append(RejectedRow(row_number, texts, _reason(texts, problem)))
            continue
        result.lines.append(line)
        balances.append(balance)
        result.line_currencies.append(currency)
        if currency:
            currencies.add(currency)
    result.line_balances = balances
    result.opening_balance, result.closing_balance = running_balances(result.lines, balances)
    if result.opening_balance is None and result.closing_balance is None:
        result.opening_balance, result.closing_balance = balance_rows(
            rows, mapping.decimal_separator, mapping.thousands_separator
        )
    titles = rows[: mapping.header_row] if mapping.header_row else []
    title_account, title_currency = title_facts(titles)
    result.currency = _currency(mapping, columns, currencies) or title_currency
    data_rows = rows[first_data_row:]
    result.account = column_account(
        data_rows, indexes.get("account_column"), indexes.get("sort_code_column")
    )
    if result.account == Account():
        result.account = title_account
    return result


def _column_indexes(mapping: ColumnMapping, columns: list[str], filename: str) -> dict[str, int]:
    indexes = {}
    for role, name in mapping.columns().items():
        index = column_index(name, columns)
        if index is None:
            where = f"row {mapping.header_row + 1}" if mapping.header_row is not None else ""
            shown = ", ".join(column for column in columns if column) or "none"
            raise StatementError(
                filename, where, f"there is no column '{name}' (the columns are: {shown})"
            )
        indexes[role] = index
    return indexes


def _cell(row: list[Cell], indexes: dict[str, int], role: str) -> Cell:
    index = indexes.get(role)
    return row[index] if index is not None and index < len(row) else None


def _read_row(
    row: list[Cell], indexes: dict[str, int], mapping: ColumnMapping
) -> tuple[StatementLine, Decimal | None, str]:
    """The row as a line, its running balance and its currency; ValueError with the reason."""
    booking_date = parse_date(_cell(row, indexes, "date_column"), mapping.date_format)
    value_date = None
    if cell_text(_cell(row, indexes, "value_date_column")):
        value_date = parse_date(_cell(row, indexes, "value_date_column"), mapping.date_format)
    amount = _amount(row, indexes, mapping)
    balance = None
    if cell_text(_cell(row, indexes, "balance_column")):
        try:
            balance = _number(_cell(row, indexes, "balance_column"), mapping)
        except ValueError as problem:
            raise ValueError(str(problem).replace("amount", "balance", 1)) from None
    counterparty = cell_text(_cell(row, indexes, "counterparty_column"))
    description = " ".join(cell_text(_cell(row, indexes, "description_column")).split())
    line = StatementLine(
        booking_date=booking_date,
        amount=amount,
        description=description or " ".join(counterparty.split()),
        value_date=value_date,
        counterparty=counterparty,
        reference=_reference(cell_text(_cell(row, indexes, "reference_column"))),
        bank_id=cell_text(_cell(row, indexes, "bank_id_column")),
    )
    return line, balance, cell_text(_cell(row, indexes, "currency_column")).upper()


def _reference(text: str) -> str:
    # Placeholders banks write for "no reference" (Sparkasse, SEPA, MT940 habits).
    return "" if text.upper() in ("NOTPROVIDED", "NONREF", "NONE", "N/A") else text


def _number(value: Cell, mapping: ColumnMapping) -> Decimal | None:
    return parse_amount(value, mapping.decimal_separator, mapping.thousands_separator)


def _amount(row: list[Cell], indexes: dict[str, int], mapping: ColumnMapping) -> Decimal:
    if mapping.amount_column:
        amount = _number(_cell(row, indexes, "amount_column"), mapping)
        if amount is None:
            raise ValueError("no amount")
        if mapping.direction_column:
            amount = abs(amount) * parse_direction(_cell(row, indexes, "direction_column"))
    else:
        money_out = _number(_cell(row, indexes, "debit_column"), mapping)
        money_in = _number(_cell(row, indexes, "credit_column"), mapping)
        if money_out is None and money_in is None:
            raise ValueError("no amount")
        if money_out and money_in:
            raise ValueError("both debit and credit filled")
        # Some banks print money out as negative in its own column (Deutsche Bank's "Soll").
        amount = abs(money_in) if money_in else -abs(money_out or Decimal(0))
    return -amount if mapping.amount_sign == "inverted" else amount


def _reason(texts: list[str], problem: ValueError) -> str:
    first = next((text for text in texts if text), "").casefold()
    if first.startswith(SUMMARY_WORDS):
        return NOT_A_TRANSACTION
    return str(problem)


def _is_summary(texts: list[str]) -> bool:
    return any(text.casefold().startswith(SUMMARY_WORDS) for text in texts)


def running_balances(
    lines: list[StatementLine], balances: list[Decimal | None]
) -> tuple[Decimal | None, Decimal | None]:
    """Opening and closing balance from a running-balance column, in whichever order the bank
    lists its rows (newest first is common). None, None when no row has a balance."""
    if not any(balance is not None for balance in balances):
        return None, None
    pairs = list(zip(lines, balances, strict=True))
    if _newest_first(pairs):
        pairs.reverse()
    first = next(i for i, (_, balance) in enumerate(pairs) if balance is not None)
    last = max(i for i, (_, balance) in enumerate(pairs) if balance is not None)
    opening = pairs[first][1] - sum((line.amount for line, _ in pairs[: first + 1]), Decimal(0))
    closing = pairs[last][1] + sum((line.amount for line, _ in pairs[last + 1 :]), Decimal(0))
    return opening, closing


def _newest_first(pairs: list[tuple[StatementLine, Decimal | None]]) -> bool:
    first_date, last_date = pairs[0][0].booking_date, pairs[-1][0].booking_date
    if first_date != last_date:
        return first_date > last_date
    # All on one day: follow the balances (each row's balance = the previous one + its amount).
    known = [(line.amount, balance) for line, balance in pairs if balance is not None]
    forwards = sum(b2 == b1 + a2 for (_, b1), (a2, b2) in zip(known, known[1:], strict=False))
    backwards = sum(b1 == b2 + a1 for (a1, b1), (_, b2) in zip(known, known[1:], strict=False))
    return backwards > forwards


def _currency(mapping: ColumnMapping, columns: list[str], currencies: set[str]) -> str:
    if len(currencies) == 1:
        return next(iter(currencies))
    if currencies:
        return ""  # several currencies in one file: the bookkeeper chooses the account's
    for role in ("amount_column", "credit_column", "balance_column"):
        name = getattr(mapping, role)
        index = column_index(name, columns) if name else None
        if index is not None and currency_in_header(columns[index]):
            return currency_in_header(columns[index])
    return ""
