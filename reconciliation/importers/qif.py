"""QIF (Quicken Interchange Format) bank, cash and credit-card transactions.

One ``Statement`` per account in the file (``!Account`` blocks; transactions before any of them
go to an unnamed account). QIF carries no balances and no currency, so those stay None and "".

QIF dates have no fixed order: ``D13/08/12`` is day first, ``D12/31'2003`` month first, and
``D3/4/12`` could be either. The caller passes ``day_first``, or it is decided from the file's
own dates; when the dates cannot decide it, the file is refused with a message asking which.

Pure: no Django."""

from __future__ import annotations

import calendar
import codecs
import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal

from reconciliation.statements import Account, Statement, StatementError, StatementLine

_HEADER = re.compile(r"!\s*(type|account|option|clear)\b", re.I)
_TYPE = re.compile(r"!\s*type\s*:?\s*(.*)", re.I)
_ISO_DATE = re.compile(r"(\d{4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})")
_DATE = re.compile(r"(\d{1,2})\s*[-/.]\s*(\d{1,2})\s*([-/.'])\s*(\d{1,4})")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_BANK_TYPES = ("bank", "ccard", "cash")
# Words Quicken and UK banks write in the cheque-number field: transaction types, not references.
_NOT_REFERENCE = re.compile(
    r"ATM|DEP|EFT|XFER|TXFR|PRINT|SEND|POS|CARD|DD|SO|BGC|BP|TFR|FPI|FPO|DEB|CHG", re.I
)


@dataclass
class _Record:
    """One ``^``-terminated record: its fields in order, with their line numbers."""

    section: str
    account: str
    line: int
    fields: list[tuple[str, str, int]] = field(default_factory=list)

    def first(self, *codes: str) -> tuple[str, int] | None:
        for code, value, line in self.fields:
            if code in codes:
                return value, line
        return None

    def text(self, code: str) -> str:
        found = self.first(code)
        return found[0] if found else ""


def looks_like(head: bytes) -> bool:
    """True when the first non-blank line is a QIF header (``!Type:``, ``!Account``, ...)."""
    text = head.decode("latin-1").lstrip("\ufeff\xef\xbb\xbf \t\r\n")
    return _HEADER.match(text) is not None


def read(data: bytes, filename: str, day_first: bool | None = None) -> list[Statement]:
    """The file's bank, cash and credit-card accounts, one Statement each, in file order."""
    records = _records(_text(data, filename))
    if not records:
        raise StatementError(filename, "", "the file has no bank, cash or credit-card transactions")
    if day_first is None:
        day_first = _date_order(records, filename)
    lines_by_account: dict[str, list[StatementLine]] = {}
    for record in records:
        lines = lines_by_account.setdefault(record.account, [])
        lines.append(_line(record, filename, day_first))
    return [
        Statement(account=Account(name=name), currency="", lines=lines, format="qif")
        for name, lines in lines_by_account.items()
    ]


def _text(data: bytes, filename: str) -> str:
    if not data.strip():
        raise StatementError(filename, "", "the file is empty")
    head = data[:4096]
    control = sum(1 for byte in head if byte < 32 and byte not in b"\t\n\r\f")
    if data.startswith(b"%PDF") or data.startswith(b"PK\x03\x04") or control > len(head) // 50:
        raise StatementError(filename, "", "this is not a text file (binary data), not QIF")
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("cp1252", "replace")  # Quicken for Windows writes cp1252
    if not any(_HEADER.match(line.strip()) for line in text.splitlines()):
        lowered = text[:4096].lower()
        if "<html" in lowered or "<!doctype html" in lowered:
            problem = (
                "this is a web page (HTML), not a QIF file: the bank's site probably showed a "
                "login or error page; download the statement again"
            )
        else:
            problem = "this is not a QIF file: it has no '!Type:' header"
        raise StatementError(filename, "", problem)
    return text


def _records(text: str) -> list[_Record]:
    """The transaction records of bank, cash and credit-card sections, with their account.
    Records before any ``!Type`` header are taken as bank transactions."""
    records: list[_Record] = []
    section, account = "bank", ""
    current: _Record | None = None

    def finish() -> None:
        nonlocal account
        if current is None or not current.fields:
            return
        if current.section == "account":
            account = current.text("N").strip()
        elif current.section in _BANK_TYPES:
            records.append(current)

    # Only CR, LF and CRLF end a line, so line numbers match what an editor shows.
    for number, raw in enumerate(re.split(r"\r\n|\r|\n", text), start=1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("!"):
            finish()
            current = None
            type_match = _TYPE.match(line)
            if type_match:
                section = " ".join(type_match.group(1).lower().split())
            elif line[1:].strip().lower() == "account":
                section = "account"
            continue  # !Option:AutoSwitch / !Clear:AutoSwitch change nothing we read
        if line.startswith("^"):
            finish()
            current = None
            continue
        if current is None:
            current = _Record(section, account, number)
        current.fields.append((line[0].upper(), line[1:].strip(), number))
    finish()  # a last record without its closing '^'
    return records


def _line(record: _Record, filename: str, day_first: bool) -> StatementLine:
    date_field = record.first("D")
    if date_field is None:
        raise StatementError(filename, f"line {record.line}", "the transaction has no date (D)")
    amount_field = record.first("T") or record.first("U")
    if amount_field is not None:
        amount = _amount(*amount_field, filename)
    else:
        splits = [(value, line) for code, value, line in record.fields if code == "$"]
        if not splits:
            raise StatementError(
                filename, f"line {record.line}", "the transaction has no amount (T)"
            )
        amount = sum((_amount(value, line, filename) for value, line in splits), Decimal(0))
    payee, memo = record.text("P"), record.text("M")
    number = record.text("N")
    return StatementLine(
        booking_date=_date(*date_field, filename, day_first),
        amount=amount,
        description=_describe(payee, memo),
        counterparty=payee,
        reference="" if _NOT_REFERENCE.fullmatch(number) else number,
    )


def _describe(payee: str, memo: str) -> str:
    # The same rule as the OFX importer's NAME + MEMO.
    if not memo or memo.casefold() in payee.casefold():
        return payee
    if not payee or payee.casefold() in memo.casefold():
        return memo
    return f"{payee} {memo}"


def _amount(raw: str, line: int, filename: str) -> Decimal:
    """``1,234.56``, ``-1.234,56``, ``1234``: the last of ',' and '.' is the decimal mark when
    both appear; a lone ',' before exactly three digits is a thousands separator."""
    text = re.sub(r"[\s\u00a0$£€]", "", raw)
    if "," in text and "." in text:
        if text.rfind(",") > text.rfind("."):
            text = text.replace(".", "").replace(",", ".")
        else:
            text = text.replace(",", "")
    elif "," in text:
        groups = text.split(",")
        thousands = all(len(group) == 3 and group.isdigit() for group in groups[1:])
        text = text.replace(",", "") if thousands else text.replace(",", ".")
    if not _NUMBER.fullmatch(text):
        raise StatementError(filename, f"line {line}", f"amount {raw!r} is not a number")
    return Decimal(text)


def _date_order(records: list[_Record], filename: str) -> bool:
    """True for day first, decided by the dates themselves: a first number above 12 means day
    first, a second number above 12 month first. Refuse when both appear, or when no date
    decides and some date would read differently either way."""
    day_first_at = month_first_at = undecided_at = None
    for record in records:
        found = record.first("D")
        if found is None or _ISO_DATE.fullmatch(found[0]):
            continue
        match = _DATE.fullmatch(found[0])
        if match is None:
            continue  # _date reports it with its line
        first, second = int(match.group(1)), int(match.group(2))
        if first > 12:
            day_first_at = day_first_at or found
        elif second > 12:
            month_first_at = month_first_at or found
        elif first != second:
            undecided_at = undecided_at or found
    if day_first_at and month_first_at:
        raise StatementError(
            filename,
            f"lines {day_first_at[1]} and {month_first_at[1]}",
            f"the dates mix day first ({day_first_at[0]!r}) and month first "
            f"({month_first_at[0]!r}); the file cannot be read reliably",
        )
    if day_first_at or month_first_at:
        return day_first_at is not None
    if undecided_at:
        raw, line = undecided_at
        readings = " or ".join(
            _spelled(_date(raw, line, filename, order)) for order in (True, False)
        )
        raise StatementError(
            filename,
            f"line {line}",
            f"the dates do not show their order ({raw!r} could be {readings}): "
            "choose whether they are day first (DD/MM/YY) or month first (MM/DD/YY)",
        )
    return True  # every date reads the same either way


def _spelled(date: datetime.date) -> str:
    return f"{date.day} {calendar.month_name[date.month]} {date.year}"


def _date(raw: str, line: int, filename: str, day_first: bool) -> datetime.date:
    iso = _ISO_DATE.fullmatch(raw)
    match = _DATE.fullmatch(raw)
    try:
        if iso:
            return datetime.date(*(int(part) for part in iso.groups()))
        if match:
            first, second = int(match.group(1)), int(match.group(2))
            day, month = (first, second) if day_first else (second, first)
            return datetime.date(_year(match.group(4), match.group(3)), month, day)
    except ValueError:
        order = "day first (DD/MM)" if day_first else "month first (MM/DD)"
        raise StatementError(
            filename, f"line {line}", f"date {raw!r} is not a valid {order} date"
        ) from None
    raise StatementError(filename, f"line {line}", f"date {raw!r} is not a date")


def _year(digits: str, separator: str) -> int:
    """Four digits as written; Quicken's apostrophe form (``'03``, ``' 0``) is 2000 onwards;
    other two-digit years pivot like strptime's %y (69-99 are 19xx)."""
    year = int(digits)
    if len(digits) > 2:
        return year
    if separator == "'":
        return 2000 + year
    return 2000 + year if year < 69 else 1900 + year
