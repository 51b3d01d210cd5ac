"""MT940 customer statements and MT942 interim reports, as SWIFT defines them and as banks export
them.

Our own tokenizer (not the ``mt-940`` library) so every refusal can name the file line. A file
holds one or more messages, wrapped in SWIFT blocks (``{1:...}{2:...}{4:`` ... ``-}``) or plain
and separated by a line ``-``. A message is a run of fields: a tag such as ``:61:`` at the start
of a line, then continuation lines without a tag. Each ``:20:`` starts a statement.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation

from reconciliation.importers.mt940_account import read_account
from reconciliation.importers.mt940_details import NO_REFERENCE, read_details
from reconciliation.statements import Statement, StatementError, StatementLine

_TAG = re.compile(r":(\d{2}[A-Z]?|NS):")
_BLOCK_2_MT942 = re.compile(r"\{2:[IO]942")
_LOOKS_LIKE_START = re.compile(rb"(?m)(?:^|\{4:)\s*:20:")
_LOOKS_LIKE_FIELD = re.compile(rb"(?m)^:(?:25|28C?|60[FM]|61|34F|13D?):")

_BALANCE = re.compile(r"(?P<mark>[CD])(?P<date>\d{6})(?P<currency>[A-Z]{3})(?P<amount>\d[\d,.]*)")
_STATEMENT_LINE = re.compile(
    r"(?P<value_date>\d{6})"
    r"(?P<entry_date>\d{4}| {4})?"
    r"(?P<mark>RC|RD|EC|ED|C|D)"
    r"(?P<funds_code>[A-Z])?"
    r" ?(?P<amount>\d[\d,.]*)"
    r"(?P<type>[A-Z][A-Z0-9]{3}|[A-Z] {3})?"
    r"(?P<references>.*)"
)
# Not a reference but a pointer to one in :86: (Rabobank and ING "EREF", German "KREF+").
_POINTER = re.compile(r"EREF|PREF|MARF|[A-Z]{4}\+")
# RC is the reversal of a credit, so it takes money out; RD puts it back.
_SIGNS = {"C": 1, "D": -1, "RC": -1, "RD": 1, "EC": 1, "ED": -1}


def looks_like(head: bytes) -> bool:
    head = head.removeprefix(b"\xef\xbb\xbf")
    return bool(_LOOKS_LIKE_START.search(head) and _LOOKS_LIKE_FIELD.search(head))


def read(data: bytes, filename: str) -> list[Statement]:
    text = _decode(data)
    if not text.strip():
        raise StatementError(filename, "", "the file is empty")
    messages, is_942 = _split(_fields(text))
    if not messages:
        raise StatementError(filename, "", "no MT940 statement found: the file has no ':20:' field")
    return [_Builder(filename, fields, is_942).build() for fields in messages]


@dataclass
class _Field:
    tag: str
    line: int  # where the tag stands, for error messages
    lines: list[str] = dataclasses.field(
        default_factory=list
    )  # the text after the tag, then continuations

    @property
    def value(self) -> str:
        return "\n".join(self.lines)


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    data = data.removeprefix(b"\xef\xbb\xbf")
    # SWIFT itself is ASCII; banks export in UTF-8 or Windows-1252. Bytes Windows-1252 leaves
    # undefined (0x81 'ü', 0x8D, 0x90...) are DOS Latin-2, what Hungarian and Czech bank
    # software writes (Raiffeisen HU): read as ISO-8859-1 they would be control characters.
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("cp852")


def _fields(text: str) -> list[_Field]:
    fields: list[_Field] = []
    current: _Field | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip()
        if line.startswith("{"):
            block_4 = line.find("{4:")
            current = None
            if block_4 == -1:
                continue  # a SWIFT header or trailer block on its own line
            if _BLOCK_2_MT942.search(line[:block_4]):
                fields.append(_Field("942", number))
            line = line[block_4 + 3 :].strip()
            if not line:
                continue
        if line == "-" or line.startswith("-}"):
            current = None
            continue
        match = _TAG.match(line)
        if match:
            current = _Field(match.group(1), number, [line[match.end() :]])
            fields.append(current)
        elif current is not None:
            current.lines.append(line)
        # else: a bank's header lines before the first tag (ABN AMRO "ABNANL2A / 940", ":940:")
    return fields


def _split(fields: list[_Field]) -> tuple[list[list[_Field]], bool]:
    messages: list[list[_Field]] = []
    is_942 = False
    for tagged in fields:
        if tagged.tag in ("942", "34F", "13D", "90D", "90C"):
            is_942 = True
        if tagged.tag == "942" or (tagged.tag == "NS" and not messages):
            continue
        if tagged.tag == "20" or not messages:
            messages.append([])
        messages[-1].append(tagged)
    return messages, is_942


@dataclass
class _Balance:
    amount: Decimal
    date: datetime.date
    currency: str


@dataclass
class _PendingLine:
    line: StatementLine
    supplementary: str
    details: str | None = None


class _Builder:
    """Turns the fields of one statement into a ``Statement``."""

    def __init__(self, filename: str, fields: list[_Field], is_942: bool):
        self.filename = filename
        self.fields = fields
        self.format = "mt942" if is_942 else "mt940"

    def error(self, field: _Field, problem: str) -> StatementError:
        return StatementError(self.filename, f"line {field.line}", problem)

    def build(self) -> Statement:
        account, currency_in_account = None, ""
        opening = closing = None
        floor_currency = ""
        pending: list[_PendingLine] = []
        previous_tag = ""
        for field in self.fields:
            value = field.value.strip()
            if field.tag == "25":
                account, currency_in_account = read_account(value)
            elif field.tag in ("60F", "60M", "60"):
                opening = self.balance(field)
            elif field.tag in ("62F", "62M", "62"):
                closing = self.balance(field)
            elif field.tag == "34F":
                floor_currency = value[:3]
            elif field.tag == "61":
                pending.append(self.statement_line(field))
            elif field.tag == "86" and previous_tag == "61":
                pending[-1].details = field.value
            elif field.tag == "NS" and previous_tag == "61" and pending:
                pending[-1].supplementary = _non_swift_text(field.value, pending[-1].supplementary)
            # An :86: after :62F:, :64: or :65: is about the statement, not the last line.
            previous_tag = field.tag
        if account is None:
            raise self.error(self.fields[0], "the statement has no account (':25:' field)")
        balance = opening or closing
        currency = (balance.currency if balance else floor_currency) or currency_in_account
        lines = [_finish(item) for item in pending]
        line_dates = [line.booking_date for line in lines]
        # The closing balance is dated the statement day; without lines it is all there is.
        end_dates = line_dates + ([closing.date] if closing else [])
        statement_day = (closing or opening).date if balance else None
        return Statement(
            account=account,
            currency=currency,
            lines=lines,
            period_start=min(line_dates, default=statement_day),
            period_end=max(end_dates, default=statement_day),
            opening_balance=opening.amount if opening else None,
            closing_balance=closing.amount if closing else None,
            format=self.format,
        )

    def balance(self, field: _Field) -> _Balance:
        value = "".join(field.value.split())
        match = _BALANCE.fullmatch(value)
        if not match:
            raise self.error(
                field,
                f"balance '{value}' is not readable: expected C or D, a date YYMMDD, "
                "a currency and an amount, like C240131EUR1234,56",
            )
        amount = self.amount(field, match["amount"])
        sign = 1 if match["mark"] == "C" else -1
        return _Balance(sign * amount, self.date(field, match["date"]), match["currency"])

    def statement_line(self, field: _Field) -> _PendingLine:
        first, _, supplementary = field.value.partition("\n")
        match = _STATEMENT_LINE.fullmatch(first.strip())
        if not match:
            raise self.error(
                field,
                f"statement line ':61:{first.strip()}' is not readable: expected a value date "
                "YYMMDD, an optional entry date MMDD, C, D, RC or RD, an amount and a "
                "transaction type",
            )
        value_date = self.date(field, match["value_date"])
        booking_date = value_date
        if match["entry_date"] and match["entry_date"].strip():
            booking_date = self.entry_date(field, match["entry_date"], value_date)
        amount = _SIGNS[match["mark"]] * self.amount(field, match["amount"])
        customer_reference, _, bank_reference = match["references"].partition("//")
        customer_reference = customer_reference.strip()
        if customer_reference.upper() in NO_REFERENCE or _POINTER.fullmatch(customer_reference):
            customer_reference = ""
        line = StatementLine(
            booking_date=booking_date,
            amount=amount,
            value_date=value_date,
            reference=customer_reference,
            bank_id=bank_reference.strip(),
        )
        return _PendingLine(line, " ".join(supplementary.split()))

    def amount(self, field: _Field, text: str) -> Decimal:
        normal = text.replace(",", ".") if "," in text and "." not in text else text
        try:
            if normal.count(".") > 1:
                raise InvalidOperation
            return Decimal(normal)
        except InvalidOperation:
            raise self.error(field, f"amount '{text}' is not a number") from None

    def date(self, field: _Field, text: str) -> datetime.date:
        year, month, day = int(text[:2]), int(text[2:4]), int(text[4:6])
        year += 1900 if year >= 80 else 2000
        return self._valid_date(field, text, year, month, day)

    def entry_date(self, field: _Field, text: str, value_date: datetime.date) -> datetime.date:
        month, day = int(text[:2]), int(text[2:])
        # MMDD has no year: take the one that puts the entry nearest to the value date, so a
        # value date of 31 December with an entry date 0102 books in the new year.
        candidates = [
            self._valid_date(field, text, year, month, day)
            for year in (value_date.year - 1, value_date.year, value_date.year + 1)
        ]
        return min(candidates, key=lambda date: abs((date - value_date).days))

    def _valid_date(
        self, field: _Field, text: str, year: int, month: int, day: int
    ) -> datetime.date:
        if 1 <= month <= 12 and 28 < day <= 31:
            # German banks value interest on 30 February (30/360 day count): use the month end.
            next_month = datetime.date(year + month // 12, month % 12 + 1, 1)
            day = min(day, (next_month - datetime.timedelta(days=1)).day)
        try:
            return datetime.date(year, month, day)
        except ValueError:
            raise self.error(field, f"date '{text}' is not a valid date") from None


def _non_swift_text(value: str, supplementary: str) -> str:
    """The text of a bank's own ':NS:' sub-fields after ':61:' (Sberbank and OTP Hungary):
    "09" the booking text, "15"/"16" the counterparty's name, wrapped."""
    codes: dict[str, str] = {}
    for line in value.splitlines():
        if len(line) > 2 and line[:2].isdigit():
            codes[line[:2]] = line[2:].strip()
    name = (codes.get("15", "") + codes.get("16", "")).strip()
    text = " ".join(part for part in (name, codes.get("09", ""), supplementary) if part)
    return " ".join(text.split())


def _finish(pending: _PendingLine) -> StatementLine:
    line = pending.line
    if pending.details is None:
        return replace(line, description=pending.supplementary)
    details = read_details(pending.details)
    return replace(
        line,
        description=details.description or pending.supplementary,
        counterparty=details.counterparty,
        reference=details.reference or line.reference,
    )
