"""Reading a trial balance exported from an accounting system: Xero's Trial Balance report,
QuickBooks Online's Trial Balance, Sage 50's and Sage Accounting's trial balance, or any
spreadsheet through a column map (account code and/or name, and debit and credit columns or
one signed balance).

What the exports have in common, and what this reads:
- title rows above the header (the organisation, "Trial Balance", "As at 30 November 2026"):
  the date, when there is one, is kept to check the period;
- a header row naming the columns; Xero's has "YTD Debit"/"YTD Credit" beside the month's
  columns: the year-to-date columns are the balances and are preferred; QuickBooks leaves the
  account column's header blank;
- the account as a code column (Sage's "N/C", "Account Code"), or inside the name: Xero's
  "Sales (200)", QuickBooks' "4000 Sales" or "4000 · Sales";
- section rows without amounts (Xero's "Revenue", "Assets"...), kept as a hint for mapping;
- a total row ("Total", "TOTAL", "Totals:"), read as the file's own totals: checked against
  the debit and credit columns as the file prints them (a negative left in the column it is in),
  and unknown, not zero, when a cell is a formula the spreadsheet never calculated;
- print stamps above the table (Sage 50's "Date: 07/12/2026" and "Time:", "Printed on...",
  "Run on...", a timestamp with its time of day) are when the report was made, not the date it is
  at, and are not read as it;
- amounts with a decimal point ("1,234.56") or a decimal comma ("1.234,56", "1 234,56"), see
  ``money``.

Each account row becomes an ``Account`` (debit and credit as ``Decimal``, pence exact); a row
that cannot be read is rejected with its reason. Pure: bytes in, facts out, no database.
"""

from __future__ import annotations

import calendar
import datetime
import io
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from documents.spreadsheets import Cell, SpreadsheetError, cell_text, is_xlsx, read_table

ZERO = Decimal("0.00")
PENNY = Decimal("0.01")
HEADER_SEARCH_ROWS = 25

CODE_HEADERS = {"account code", "code", "n/c", "nc", "nominal code", "account number", "acct no"}
CODE_HEADERS |= {"account no", "account no.", "nominal", "ledger code", "gl code", "no."}
NAME_HEADERS = {"account", "account name", "name", "description", "nominal name", "ledger"}
NAME_HEADERS |= {"ledger account", "account description", "nominal account", "gl account"}
TYPE_HEADERS = {"account type", "type", "account class", "class", "category"}
DEBIT_HEADERS = {"debit", "debits", "dr", "debit amount", "debit balance"}
CREDIT_HEADERS = {"credit", "credits", "cr", "credit amount", "credit balance"}
YTD = ("ytd ", "year to date ", "debit - year to date", "credit - year to date")
BALANCE_HEADERS = {"balance", "net", "amount", "closing balance", "net balance", "ytd balance"}

_CODE_IN_BRACKETS = re.compile(r"^(?P<name>.*\S)\s*\((?P<code>[A-Za-z0-9][\w.\-/]{0,19})\)$")
_CODE_IN_FRONT = re.compile(r"^(?P<code>\d[\w.\-/]{0,19})\s*(?:·|-|–|:|\s)\s*(?P<name>\S.*)$")
_MONTHS = {
    m: n
    for n, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for m in names
}


class TrialBalanceError(SpreadsheetError):
    """A file that cannot be read as a trial balance at all (no header row, not a table)."""


@dataclass(frozen=True)
class ColumnMap:
    """Which columns hold what, by header text, for a spreadsheet no known layout fits."""

    code: str = ""
    name: str = ""
    account_type: str = ""
    debit: str = ""
    credit: str = ""
    balance: str = ""
    credit_positive: bool = False  # the balance column shows credits as positive

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items()}

    @classmethod
    def from_dict(cls, data: dict) -> ColumnMap:
        if not isinstance(data, dict):
            return cls()
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


@dataclass(frozen=True)
class Account:
    code: str
    name: str
    account_type: str
    section: str
    debit: Decimal
    credit: Decimal
    row: int

    @property
    def balance(self) -> Decimal:
        """Debit minus credit."""
        return self.debit - self.credit

    @property
    def key(self) -> str:
        return account_key(self.code, self.name)


@dataclass(frozen=True)
class Rejected:
    row: int
    text: str
    reason: str


def rows_not_read(rejected: list[Rejected]) -> str | None:
    """The sentence a reader's ``problems()`` says about the rows it could not read, naming the
    first five; None when it read them all."""
    if not rejected:
        return None
    shown = "; ".join(f"row {r.row}: {r.reason}" for r in rejected[:5])
    more = f" and {len(rejected) - 5} more" if len(rejected) > 5 else ""
    rows = "1 row was" if len(rejected) == 1 else f"{len(rejected)} rows were"
    return f"{rows} not read ({shown}{more})."


@dataclass
class ReadTrialBalance:
    filename: str
    layout: str  # "xero", "quickbooks", "sage", "mapped" or "table"
    columns: list[str]
    accounts: list[Account] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    as_at: datetime.date | None = None
    stated_debit: Decimal | None = None
    stated_credit: Decimal | None = None
    # The accounts' debit and credit columns added up as the file prints them: a negative in
    # the credit column is a debit in ``accounts`` but stays a negative credit here, as in the
    # file's own total row.
    column_debit: Decimal = ZERO
    column_credit: Decimal = ZERO

    @property
    def total_debit(self) -> Decimal:
        return sum((a.debit for a in self.accounts), ZERO)

    @property
    def total_credit(self) -> Decimal:
        return sum((a.credit for a in self.accounts), ZERO)

    @property
    def difference(self) -> Decimal:
        return self.total_debit - self.total_credit

    @property
    def balances(self) -> bool:
        return self.difference == ZERO

    def problems(self) -> list[str]:
        """Why it cannot be saved: it does not balance, or holds no account."""
        found = []
        if not self.accounts:
            found.append("No account rows were found in the file.")
        if not self.balances:
            found.append(
                f"The trial balance does not balance: debits {self.total_debit:,.2f}, credits "
                f"{self.total_credit:,.2f}, a difference of {abs(self.difference):,.2f}."
            )
        for side, stated, printed in (
            ("debits", self.stated_debit, self.column_debit),
            ("credits", self.stated_credit, self.column_credit),
        ):
            # The total row adds up the columns as printed, negatives where they are.
            if stated is not None and stated != printed:
                found.append(
                    f"The file's own total row says {side} {stated:,.2f}, but its rows add up "
                    f"to {printed:,.2f}: some rows were not read."
                )
        return found


def account_key(code: str, name: str) -> str:
    """How an account is recognised from one month to the next: its code, or its name."""
    code = code.strip()
    return code.upper() if code else " ".join(name.casefold().split())


def read_trial_balance(
    data: bytes, filename: str, column_map: ColumnMap | None = None
) -> ReadTrialBalance:
    rows = _rows(data, filename)
    header_at, roles = _find_header(rows, column_map)
    if header_at is None and column_map is not None:
        raise TrialBalanceError(filename, "", _missing_columns(rows, column_map))
    if header_at is None:
        raise TrialBalanceError(
            filename,
            "",
            "no header row with debit and credit (or balance) columns was found in the first "
            f"{HEADER_SEARCH_ROWS} rows: export the Trial Balance report as CSV or Excel, or "
            "choose its columns",
        )
    header = [cell_text(c) for c in rows[header_at]]
    result = ReadTrialBalance(
        filename=filename,
        layout=_layout(rows[:header_at], header, roles, column_map),
        columns=header,
        as_at=_title_date(rows[:header_at]),
    )
    section = ""
    seen: dict[str, int] = {}
    for index in range(header_at + 1, len(rows)):
        number = index + 1
        texts = [cell_text(c) for c in rows[index]]
        if not any(texts):
            continue
        name_text = _get(texts, roles.get("name"))
        code_text = _get(texts, roles.get("code"))
        label = name_text or code_text or next((t for t in texts if t), "")
        amounts = [roles.get(k) for k in ("debit", "credit", "balance") if k in roles]
        has_amount = any(_get(texts, i) for i in amounts)
        if _is_grand_total(label, code_text):
            result.stated_debit, result.stated_credit = _stated(texts, roles)
            continue
        if _is_subtotal(label, code_text):
            continue
        if not has_amount:
            section = label if len(label) < 60 else section
            continue
        try:
            printed = _columns(texts, roles)
            debit, credit = _amounts(texts, roles, column_map)
        except ValueError as problem:
            result.rejected.append(Rejected(number, _row_text(texts), str(problem)))
            continue
        code, name = _code_and_name(code_text, name_text)
        if not code and not name:
            result.rejected.append(
                Rejected(number, _row_text(texts), "the row has amounts but no account")
            )
            continue
        key = account_key(code, name)
        if key in seen:
            result.rejected.append(
                Rejected(
                    number,
                    _row_text(texts),
                    f"account {code or name} is on row {seen[key]} already",
                )
            )
            continue
        seen[key] = number
        if printed is not None:
            result.column_debit += printed[0]
            result.column_credit += printed[1]
        result.accounts.append(
            Account(
                code=code[:20],
                name=(name or code)[:200],
                account_type=_get(texts, roles.get("type"))[:60],
                section=section[:60],
                debit=debit,
                credit=credit,
                row=number,
            )
        )
    return result


# --- rows and the header ----------------------------------------------------------------------


def _rows(data: bytes, filename: str) -> list[list[Cell]]:
    try:
        # QuickBooks writes its XLSX amounts as formulas ("=15000.00") with no cached value.
        rows = read_table(data, filename, literal_formulas=True)
    except SpreadsheetError as error:
        raise TrialBalanceError(error.filename, error.where, error.problem) from None
    if is_xlsx(data):
        _show_uncalculated_formulas(rows, data)
    return rows


def _show_uncalculated_formulas(rows: list[list[Cell]], data: bytes) -> None:
    """Puts back the formula of each cell that has one but no value saved with it
    ("=SUM(B6:B8)", in a workbook written by a program, not saved by Excel), where the
    spreadsheet reader leaves it empty: an amount that was never worked out is unknown, not
    zero. A plain number's formula ("=1500.00") has been read as that number already."""
    import openpyxl  # imported here: only XLSX uploads pay for it

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return  # read once already: never here, but then no formulas, as before
    try:
        written: list[list[Cell]] = []
        # The sheet the reader chose, by the same rule: the first with rows.
        for sheet in workbook.worksheets:
            written = [list(row) for row in sheet.iter_rows(values_only=True)]
            while written and all(value in (None, "") for value in written[-1]):
                written.pop()
            if written:
                break
    finally:
        workbook.close()
    for row, formulas in zip(rows, written, strict=False):
        for index, formula in enumerate(formulas[: len(row)]):
            if row[index] is None and isinstance(formula, str) and formula.startswith("="):
                row[index] = formula


def _norm(text: str) -> str:
    text = cell_text(text).casefold().replace("_", " ")
    text = re.sub(r"\((?:gbp|£|usd|\$|eur|€)\)", "", text)
    return " ".join(text.split()).strip(" :")


def _find_header(rows, column_map: ColumnMap | None) -> tuple[int | None, dict[str, int]]:
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        names = [_norm(c) for c in row]
        roles = _mapped_roles(names, column_map) if column_map else _guess_roles(names)
        if roles is not None:
            return index, roles
    return None, {}


def _missing_columns(rows, column_map: ColumnMap) -> str:
    """Which of the column map's columns the file lacks, beside the header row that has the
    most of them."""
    wanted = {
        role: getattr(column_map, role)
        for role in ("code", "name", "account_type", "debit", "credit", "balance")
        if _norm(getattr(column_map, role))
    }
    best: list = []
    for row in rows[:HEADER_SEARCH_ROWS]:
        names = [_norm(c) for c in row]
        found = [role for role, text in wanted.items() if _norm(text) in names]
        if len(found) > len(best) or not best:
            best, header = found, [cell_text(c) for c in row if cell_text(c)]
    missing = [f"'{wanted[role]}'" for role in wanted if role not in best]
    if not missing:
        return (
            "the columns chosen need an account (code or name) and debit and credit columns, "
            "or one balance column"
        )
    shown = ", ".join(f"'{name}'" for name in header[:12]) if best else "none that match"
    return (
        f"the column{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
        f"{'are' if len(missing) > 1 else 'is'} not in the file (its header row has {shown})"
    )


def _mapped_roles(names: list[str], column_map: ColumnMap) -> dict[str, int] | None:
    roles = {}
    for role in ("code", "name", "account_type", "debit", "credit", "balance"):
        wanted = _norm(getattr(column_map, role))
        if not wanted:
            continue
        if wanted not in names:
            return None
        roles["type" if role == "account_type" else role] = names.index(wanted)
    has_amounts = ("debit" in roles and "credit" in roles) or "balance" in roles
    if not has_amounts or not ({"code", "name"} & roles.keys()):
        return None
    return roles


def _guess_roles(names: list[str]) -> dict[str, int] | None:
    roles: dict[str, int] = {}

    def first(candidates: set[str], ytd: bool | None = None) -> int | None:
        for i, name in enumerate(names):
            bare = name
            is_ytd = any(name.startswith(p) or name.endswith("year to date") for p in YTD)
            for prefix in ("ytd ", "year to date "):
                bare = bare.removeprefix(prefix)
            bare = bare.removesuffix(" - year to date").removesuffix(" year to date").strip()
            if bare in candidates and (ytd is None or is_ytd == ytd):
                return i
        return None

    debit = first(DEBIT_HEADERS, ytd=True)
    credit = first(CREDIT_HEADERS, ytd=True)
    if debit is None or credit is None:
        debit, credit = first(DEBIT_HEADERS), first(CREDIT_HEADERS)
    if debit is not None and credit is not None:
        roles["debit"], roles["credit"] = debit, credit
    else:
        balance = first(BALANCE_HEADERS)
        if balance is None:
            return None
        roles["balance"] = balance
    code, name, kind = first(CODE_HEADERS), first(NAME_HEADERS), first(TYPE_HEADERS)
    if name is None and names and names[0] == "":
        name = 0  # QuickBooks: the account column has no header
    if code is None and name is None:
        return None
    for role, index in (("code", code), ("name", name), ("type", kind)):
        if index is not None:
            roles[role] = index
    return roles


def _layout(title_rows, header: list[str], roles: dict, column_map) -> str:
    if column_map:
        return "mapped"
    names = [_norm(h) for h in header]
    title = " ".join(cell_text(c) for row in title_rows for c in row).casefold()
    if "n/c" in names or "nominal code" in names or "sage" in title:
        return "sage"
    year_to_date = any(n.startswith("ytd ") or n.endswith("year to date") for n in names)
    year_to_date |= any(n.startswith("year to date ") for n in names)
    if year_to_date or "xero" in title:
        return "xero"
    if names and names[0] == "" and roles.get("name") == 0:
        return "quickbooks"
    return "table"


# When the report was printed or run, not the date it is at: a label starting a cell (Sage 50's
# "Date: 07/12/2026" and "Time:", "Printed on 7 December 2026", "Run on", "Report date:") ...
_PRINT_LABEL = re.compile(
    r"^(?:date|time|date\s+printed|print(?:ed)?(?:\s+(?:on|at|date|time))?"
    r"|run(?:\s+(?:on|at|date|time))?|report\s+(?:date|time|run(?:\s+(?:on|at))?)"
    r"|(?:generated|created|exported|downloaded)(?:\s+(?:on|at))?)"
    r"\s*(?::|$|(?=\d))",
    re.IGNORECASE,
)
# ... or inside one, after the date it is at: "Trial Balance as at 30/11/2026 - printed ...".
_PRINT_STAMP = re.compile(
    r"\b(?:printed|print date|run on|run date|report date|generated|exported|downloaded)\b",
    re.IGNORECASE,
)
# Sage 50's period: "To Period: Month 8, November 2026" (commas made spaces, lower case).
_TO_PERIOD = re.compile(r"\bto period:?\s+(?:month\s+\d{1,2}\s+)?([a-z]{3,9})\s+(\d{4})")
# A date with its time of day is a timestamp: "Monday, Dec 07, 2026 09:12:01 AM".
_TIME_OF_DAY = re.compile(r"\s*(?:at\s+)?\d{1,2}:\d{2}")


def _title_date(title_rows) -> datetime.date | None:
    for row in title_rows:
        cells = _without_print_stamps(row)
        for cell in cells:
            if isinstance(cell, datetime.datetime):
                if cell.time() == datetime.time(0):
                    return cell.date()
            elif isinstance(cell, datetime.date):
                return cell
        # "As of November 30, 2026" unquoted in a CSV is two cells.
        found = _date_in(" ".join(c for c in cells if isinstance(c, str)))
        if found:
            return found
    return None


def _without_print_stamps(row) -> list[Cell]:
    """The title row's cells less when it was printed: a cell that is a print label, the value
    beside a bare label ("Date:" | 07/12/2026), and a stamp at the end of a cell's text."""
    kept: list[Cell] = []
    beside_label = False
    for cell in row:
        text = cell_text(cell)
        if not text:
            continue
        if beside_label:
            beside_label = False
            continue
        if isinstance(cell, (datetime.date, datetime.datetime)):
            kept.append(cell)
            continue
        label = _PRINT_LABEL.match(text)
        if label:
            beside_label = not text[label.end() :].strip()
            continue
        stamp = _PRINT_STAMP.search(text)
        kept.append(text[: stamp.start()] if stamp else text)
    return kept


def _date_in(text: str) -> datetime.date | None:
    """The last date the text names: a trial balance "From 01/04/2026 To 30/11/2026" (Sage
    Accounting's range) is at the end of its range."""
    text = text.casefold().replace(",", " ")
    found: list[tuple[int, datetime.date]] = []
    patterns = (
        (r"(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]{3,9})\s+(\d{4})", (0, 1, 2)),  # 30 November 2026
        (r"([a-z]{3,9})\s+(\d{1,2})(?:st|nd|rd|th)?\s+(\d{4})", (1, 0, 2)),  # November 30 2026
        (r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b", (0, 1, 2)),  # 30/11/2026
    )
    for pattern, (d, m, y) in patterns:
        for match in re.finditer(pattern, text):
            if _TIME_OF_DAY.match(text, match.end()):
                continue  # when it was printed
            parts = match.groups()
            month = _MONTHS.get(parts[m]) if not parts[m].isdigit() else int(parts[m])
            if month:
                try:
                    found.append((match.end(), datetime.date(int(parts[y]), month, int(parts[d]))))
                except ValueError:
                    continue
    # Sage 50: "To Period: Month 8, November 2026", at the end of that month.
    for match in _TO_PERIOD.finditer(text):
        month, year = _MONTHS.get(match[1]), int(match[2])
        if month:
            last = calendar.monthrange(year, month)[1]
            found.append((match.end(), datetime.date(year, month, last)))
    return max(found)[1] if found else None


# --- cells ------------------------------------------------------------------------------------


def _get(texts: list[str], index: int | None) -> str:
    if index is None or index >= len(texts):
        return ""
    return texts[index].strip()


def _row_text(texts: list[str]) -> str:
    return " | ".join(t for t in texts if t)[:200]


def _is_grand_total(label: str, code: str) -> bool:
    words = label.casefold().strip(" :")
    return words in ("total", "totals", "grand total") or code.casefold().strip(" :") == "total"


def _is_subtotal(label: str, code: str) -> bool:
    """QuickBooks' and Xero's group totals ("Total for Assets", "Total Revenue")."""
    return not code and label.casefold().startswith("total ")


def _code_and_name(code_text: str, name_text: str) -> tuple[str, str]:
    if code_text:
        return code_text, name_text
    if ":" in name_text:  # QuickBooks' sub-account: "1500 Equipment:1510 Cost"
        segments = [_code_and_name("", part.strip())[1] for part in name_text.split(":")]
        code = _code_and_name("", name_text.rsplit(":", 1)[1].strip())[0]
        return code, ":".join(s for s in segments if s)
    match = _CODE_IN_BRACKETS.match(name_text)
    if match and any(ch.isdigit() for ch in match["code"]):  # not "Rent (Sydney)"
        return match["code"], match["name"]
    match = _CODE_IN_FRONT.match(name_text)
    if match:
        return match["code"], match["name"]
    return "", name_text


def money(text: str) -> Decimal:
    """An amount as accounting systems print it: "1,234.56", "£1,234.56", "(1,234.56)",
    "1,234.56 CR", "-", "" (nothing: zero), and with a decimal comma where that is the custom:
    "1.234,56", "1 234,56", "12,50". Raises ValueError saying what is wrong, and rather than
    guess, for "12.500": 12.50, or twelve thousand five hundred with a dot between the
    thousands?"""
    raw = text
    text = text.strip()
    for space in ("\u00a0", "\u202f", "\u2009", " "):
        text = text.replace(space, "")
    if text in ("", "-", "–", "—"):
        return ZERO
    if text.startswith("="):
        raise ValueError(
            f"'{raw}' is a formula with no saved value: open the file in Excel, save it and "
            "upload it again"
        )
    negative = False
    for mark in ("£", "$", "€", "GBP", "USD", "EUR"):
        text = text.replace(mark, "")
    if text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1]
    upper = text.upper()
    if upper.endswith("CR"):
        negative, text = not negative, text[:-2]
    elif upper.endswith("DR"):
        text = text[:-2]
    if text.startswith(("-", "\u2212")):
        negative, text = not negative, text[1:]
    sign = "-" if negative else ""
    try:
        value = Decimal(_decimal_point(text, raw, sign))
    except InvalidOperation:
        raise ValueError(f"'{raw}' is not an amount") from None
    if not value.is_finite():
        raise ValueError(f"'{raw}' is not an amount")
    # A spreadsheet's float (0.30000000000000004) is pence; "1,234.567" is not.
    if abs(value - value.quantize(PENNY)) > Decimal("0.000001"):
        raise ValueError(f"'{raw}' has more than two decimal places")
    value = value.quantize(PENNY)
    return -value if negative else value


def _decimal_point(text: str, raw: str, sign: str) -> str:
    """The number with its thousands separators gone and a point before the decimals.

    The separator written last is the decimal mark when both are there ("1,234.56",
    "1.234,56"). A comma alone separates thousands when three digits follow it ("1,234",
    "1,234,567"), else it is the decimal mark ("12,50"). A dot alone is the decimal point,
    unless it could as well separate thousands: "12.500" and "1.234.567" are refused."""
    not_amount = ValueError(f"'{raw}' is not an amount")
    comma, dot = text.rfind(","), text.rfind(".")
    if comma >= 0 and dot >= 0:
        mark, other = (",", ".") if comma > dot else (".", ",")
        whole, _, decimals = text.rpartition(mark)
        if mark in whole or other in decimals:
            raise not_amount
        return whole.replace(other, "") + "." + decimals
    if comma >= 0:
        groups = text.split(",")
        if len(groups) == 2 and len(groups[1]) != 3:
            return groups[0] + "." + groups[1]
        return text.replace(",", "")
    groups = text.split(".")
    thousands = (
        len(groups) > 1
        and groups[0].isdigit()
        and 1 <= len(groups[0]) <= 3
        and not groups[0].startswith("0")
        and all(len(g) == 3 and g.isdigit() for g in groups[1:])
    )
    if not thousands:
        return text
    as_thousands = f"{sign}{int(''.join(groups)):,}"
    if len(groups) > 2:
        raise ValueError(
            f"'{raw}' could be {as_thousands} with dots between the thousands, but has no "
            "decimals to say so: export the amounts with two decimal places"
        )
    as_decimal = Decimal(text)
    if as_decimal == as_decimal.quantize(PENNY):
        as_decimal = as_decimal.quantize(PENNY)
    raise ValueError(
        f"'{raw}' could be {sign}{as_decimal} or {as_thousands}: export the amounts with two "
        f"decimal places ({as_thousands}.00, or {as_thousands.replace(',', '.')},00 where the "
        "comma is the decimal mark)"
    )


def _columns(texts, roles) -> tuple[Decimal, Decimal] | None:
    """The debit and credit cells as the file prints them; None for one balance column."""
    if "debit" not in roles:
        return None
    return money(_get(texts, roles["debit"])), money(_get(texts, roles["credit"]))


def _amounts(texts, roles, column_map) -> tuple[Decimal, Decimal]:
    if "debit" in roles:
        debit, credit = _columns(texts, roles)
        if debit < 0 or credit < 0:  # a negative in one column is the other side
            net = debit - credit
            return (net, ZERO) if net >= 0 else (ZERO, -net)
        return debit, credit
    balance = money(_get(texts, roles["balance"]))
    if column_map and column_map.credit_positive:
        balance = -balance
    return (balance, ZERO) if balance >= 0 else (ZERO, -balance)


def _stated(texts, roles) -> tuple[Decimal | None, Decimal | None]:
    """The total row's debit and credit as printed: each None when its cell cannot be read
    (a formula never calculated), unknown rather than zero; None for one balance column."""
    if "debit" not in roles:
        return None, None
    stated = []
    for role in ("debit", "credit"):
        try:
            stated.append(money(_get(texts, roles[role])))
        except ValueError:
            stated.append(None)
    return stated[0], stated[1]
