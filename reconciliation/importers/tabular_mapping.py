"""How one bank's spreadsheet is laid out: which column holds what, and how values are written.

A ``ColumnMapping`` is saved per bank account (as JSON, via ``to_dict``/``from_dict``) so the next
statement from the same bank imports without questions. Columns are named by their header text
(case and spaces ignored) or, in a file without a header row, by position: "#1", "#2", ..."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from reconciliation.importers.tabular_values import compact_header, normalize_header

DECIMAL_SEPARATORS = (".", ",")
THOUSANDS_SEPARATORS = (",", ".", " ", "'", "")
DELIMITERS = (",", ";", "\t", "|")
AMOUNT_SIGNS = ("as is", "inverted")

# The optional columns, in the order a preview shows them.
OPTIONAL_COLUMNS = (
    "description_column",
    "value_date_column",
    "reference_column",
    "counterparty_column",
    "balance_column",
    "currency_column",
    "direction_column",
    "bank_id_column",
    "account_column",
    "sort_code_column",
)


@dataclass(frozen=True)
class ColumnMapping:
    date_column: str
    date_format: str = "%d/%m/%Y"
    # 0-based index of the header row (rows above it are skipped); None: the file has no
    # header row and columns are named "#1", "#2", ...
    header_row: int | None = 0
    description_column: str = ""
    amount_column: str = ""  # one signed amount, or:
    debit_column: str = ""  # money out ("Paid out", "Debit Amount", "Soll")
    credit_column: str = ""  # money in ("Paid in", "Credit Amount", "Haben")
    value_date_column: str = ""
    reference_column: str = ""
    counterparty_column: str = ""
    balance_column: str = ""
    currency_column: str = ""
    # A column saying which way an unsigned amount goes (ING's "Af Bij": Af = out, Bij = in).
    direction_column: str = ""
    bank_id_column: str = ""  # the bank's own transaction id (Monzo's "Transaction ID")
    # The statement's own account, repeated on every row (ING's "Rekening", Lloyds' "Account
    # Number" beside "Sort Code"); never the counterparty's account.
    account_column: str = ""
    sort_code_column: str = ""
    decimal_separator: str = "."
    thousands_separator: str = ","
    encoding: str = "utf-8"
    delimiter: str = ","
    amount_sign: str = "as is"  # "inverted" for card exports where spending is positive

    def __post_init__(self):
        problems = []
        if not self.date_column:
            problems.append("a date column is required")
        if not self.date_format or "%" not in self.date_format:
            problems.append(f"date format '{self.date_format}' is not a strftime pattern")
        has_pair = bool(self.debit_column and self.credit_column)
        if bool(self.amount_column) == has_pair:
            problems.append("give either an amount column or both a debit and a credit column")
        if (self.debit_column or self.credit_column) and not has_pair:
            problems.append("a debit column needs a credit column (and the other way round)")
        if self.decimal_separator not in DECIMAL_SEPARATORS:
            problems.append(f"decimal separator '{self.decimal_separator}' is not . or ,")
        if self.thousands_separator not in THOUSANDS_SEPARATORS:
            problems.append(f"thousands separator '{self.thousands_separator}' is not allowed")
        if self.thousands_separator == self.decimal_separator:
            problems.append("the thousands and decimal separators must differ")
        if self.delimiter not in DELIMITERS:
            problems.append(f"delimiter {self.delimiter!r} is not one of , ; tab |")
        if self.amount_sign not in AMOUNT_SIGNS:
            problems.append(f"amount sign '{self.amount_sign}' is not 'as is' or 'inverted'")
        if self.header_row is not None and self.header_row < 0:
            problems.append("the header row cannot be negative")
        try:
            "".encode(self.encoding)
        except LookupError:
            problems.append(f"unknown encoding '{self.encoding}'")
        if problems:
            raise ValueError("; ".join(problems))

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> ColumnMapping:
        """Ignores keys it does not know, so a mapping saved by a later version still loads."""
        names = {field.name for field in dataclasses.fields(cls)}
        return cls(**{key: value for key, value in data.items() if key in names})

    def columns(self) -> dict[str, str]:
        """Role -> column name, for every column the mapping uses."""
        roles = ["date_column", "amount_column", "debit_column", "credit_column"]
        roles += list(OPTIONAL_COLUMNS)
        return {role: getattr(self, role) for role in roles if getattr(self, role)}


def column_index(name: str, header: list[str]) -> int | None:
    """Where the column called ``name`` is in the header row (None when absent).

    "#3" is the third column. Otherwise the header text is compared with case and spaces
    ignored, then with accents and a "(GBP)" suffix ignored too."""
    if name.startswith("#") and name[1:].isdigit():
        position = int(name[1:]) - 1
        return position if 0 <= position < len(header) else None
    for key in (compact_header, normalize_header):
        wanted = key(name)
        found = [index for index, text in enumerate(header) if key(text) == wanted]
        if found:
            return found[0]
    return None
