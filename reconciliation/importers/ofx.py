"""OFX and QFX bank and credit-card statements (OFX 1.x SGML and 2.x XML).

One ``Statement`` per ``STMTRS`` (bank account) or ``CCSTMTRS`` (credit card) in the file.
OFX gives a closing balance (``LEDGERBAL``) but no opening balance, so ``opening_balance`` stays
None: the file does not say it.

Pure: no Django."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

from reconciliation.importers.ofx_markup import Document, Element, decode, parse
from reconciliation.statements import Account, Statement, StatementError, StatementLine

_OFX_TAG = re.compile(rb"<OFX[\s>]", re.I)
_DATE = re.compile(r"(\d{4})-?(\d{2})-?(\d{2})")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_IBAN = re.compile(r"[A-Z]{2}\d{2}[A-Z0-9]{10,30}")
_UK_SORT_CODE_AND_ACCOUNT = re.compile(r"(\d{6})[ -]?(\d{8})")
_STATEMENT_TAGS = ("STMTRS", "CCSTMTRS")


def looks_like(head: bytes) -> bool:
    """True when the first few KB carry an OFX header or an ``<OFX>`` element."""
    head = head.replace(b"\x00", b"")  # UTF-16 files: the ASCII letters survive
    return b"OFXHEADER" in head.upper() or _OFX_TAG.search(head) is not None


def read(data: bytes, filename: str) -> list[Statement]:
    """Every statement in an OFX/QFX file, in file order; StatementError when the file is not
    a readable OFX statement."""
    _refuse_non_ofx(data, filename)
    document = parse(decode(data))
    if document.open_at_end:
        path = document.open_at_end[-1].path
        raise StatementError(
            filename,
            f"line {document.last_line}",
            f"the file ends inside {path}: it looks cut short, download it again",
        )
    if not _is_ofx(document):
        raise StatementError(filename, "", _not_ofx_problem(data))
    statements = [_statement(element, filename) for element in document.root.iter(*_STATEMENT_TAGS)]
    if not statements:
        raise StatementError(filename, *_why_no_statement(document))
    return statements


def _refuse_non_ofx(data: bytes, filename: str) -> None:
    if not data.strip():
        raise StatementError(filename, "", "the file is empty")
    if data.startswith(b"%PDF"):
        raise StatementError(filename, "", "this is a PDF, not an OFX file")
    if data.startswith(b"PK\x03\x04"):
        raise StatementError(
            filename, "", "this is a zip archive or spreadsheet (xlsx), not an OFX file"
        )
    head = data[:4096]
    utf16 = head.startswith((b"\xff\xfe", b"\xfe\xff"))
    control = sum(1 for byte in head if byte < 32 and byte not in b"\t\n\r\f")
    if not utf16 and control > len(head) // 50:
        raise StatementError(filename, "", "this is not a text file (binary data), not OFX")


def _is_ofx(document: Document) -> bool:
    return "OFXHEADER" in document.header or any(
        True for _ in document.root.iter("OFX", *_STATEMENT_TAGS)
    )


def _not_ofx_problem(data: bytes) -> str:
    head = data[:4096].lower()
    if b"<html" in head or b"<!doctype html" in head:
        return (
            "this is a web page (HTML), not an OFX file: the bank's site probably showed a "
            "login or error page; download the statement again"
        )
    return "this is not an OFX file: it has no OFX header and no <OFX> element"


def _why_no_statement(document: Document) -> tuple[str, str]:
    for status in document.root.iter("STATUS"):
        code = status.text("CODE")
        if code and code != "0":
            message = status.text("MESSAGE") or status.text("SEVERITY")
            return (
                f"line {status.line}, {status.path}",
                f"the bank sent an error instead of a statement: code {code} {message!r}",
            )
    for element in document.root.iter("INVSTMTRS"):
        return (
            f"line {element.line}, {element.path}",
            "this is an investment statement; only bank and credit-card statements can be imported",
        )
    return ("", "the file has no bank or credit-card statement (no STMTRS or CCSTMTRS element)")


def _statement(element: Element, filename: str) -> Statement:
    currency = element.text("CURDEF").upper()
    transactions = element.find("BANKTRANLIST")
    lines = []
    period_start = period_end = None
    if transactions is not None:
        period_start = _date(transactions.find("DTSTART"), filename)
        period_end = _date(transactions.find("DTEND"), filename)
        lines = [_line(trn, filename) for trn in transactions.iter("STMTTRN")]
    closing_balance = None
    ledger_balance = element.find("LEDGERBAL")
    if ledger_balance is not None:
        closing_balance = _amount(ledger_balance.find("BALAMT"), filename)
        period_end = period_end or _date(ledger_balance.find("DTASOF"), filename)
    return Statement(
        account=_account(element, currency),
        currency=currency,
        lines=lines,
        period_start=period_start,
        period_end=period_end,
        closing_balance=closing_balance,
        format="ofx",
    )


def _account(element: Element, currency: str) -> Account:
    """The account as OFX names it. A UK bank puts the sort code in BANKID; some put sort code
    and account number together in ACCTID. An IBAN in ACCTID is recognised as such."""
    is_card = element.tag == "CCSTMTRS"
    source = element.find("CCACCTFROM" if is_card else "BANKACCTFROM")
    if source is None:
        return Account(name="credit card" if is_card else "")
    account_id = re.sub(r"\s", "", source.text("ACCTID"))
    bank_code = re.sub(r"[\s-]", "", source.text("BANKID"))
    sort_code = bank_code if len(bank_code) == 6 and bank_code.isdigit() else ""
    account_number = account_id
    combined = _UK_SORT_CODE_AND_ACCOUNT.fullmatch(source.text("ACCTID"))
    if not sort_code and currency == "GBP" and combined:
        sort_code, account_number = combined.groups()
    iban = account_id.upper() if _is_iban(account_id) else ""
    return Account(
        iban=iban,
        sort_code=sort_code,
        account_number="" if iban else account_number,
        bank_id=account_id,
        # Account has no type: the OFX account type (CHECKING, SAVINGS, ...) is its name.
        name="credit card" if is_card else source.text("ACCTTYPE").upper(),
    )


def _is_iban(value: str) -> bool:
    value = value.upper()
    if not _IBAN.fullmatch(value):
        return False
    digits = "".join(str(int(char, 36)) for char in value[4:] + value[:4])
    return int(digits) % 97 == 1


def _line(trn: Element, filename: str) -> StatementLine:
    posted = trn.find("DTPOSTED")
    if posted is None or not posted.text_value():
        raise StatementError(
            filename, _where(trn), "the transaction has no posting date (DTPOSTED)"
        )
    amount_element = trn.find("TRNAMT")
    amount = _amount(amount_element, filename)
    if amount is None:
        raise StatementError(filename, _where(trn), "the transaction has no amount (TRNAMT)")
    payee = trn.find("PAYEE")
    name = (
        trn.text("NAME")
        or (payee.text("NAME") if payee is not None else "")
        or trn.text("EXTDNAME")
    )
    memo = trn.text("MEMO")
    return StatementLine(
        booking_date=_date(posted, filename),
        amount=amount,
        description=_describe(name, memo),
        value_date=_date(trn.find("DTUSER"), filename),
        counterparty=name,
        reference=trn.text("CHECKNUM") or trn.text("REFNUM"),
        bank_id=trn.text("FITID"),
    )


def _describe(name: str, memo: str) -> str:
    """One line of text from the payee's name and the memo: banks cut NAME at 32 characters
    and carry on in MEMO, or repeat NAME in MEMO."""
    if not memo or memo.casefold() in name.casefold():
        return name
    if not name or name.casefold() in memo.casefold():
        return memo
    return f"{name} {memo}"


def _where(element: Element) -> str:
    return f"line {element.line}, {element.path}"


def _date(element: Element | None, filename: str) -> datetime.date | None:
    """The date part of an OFX date ``YYYYMMDD[HHMMSS[.XXX]][[+-]h:TZ]``; the time and zone
    are dropped, as the bank's own day is the booking day."""
    raw = element.text_value() if element is not None else ""
    if not raw:
        return None
    match = _DATE.match(raw)
    if match:
        try:
            return datetime.date(*(int(part) for part in match.groups()))
        except ValueError:
            pass
    raise StatementError(
        filename, _where(element), f"date {raw!r} is not a valid OFX date (YYYYMMDD)"
    )


def _amount(element: Element | None, filename: str) -> Decimal | None:
    raw = element.text_value() if element is not None else ""
    if not raw:
        return None
    amount = _parse_amount(raw)
    if amount is None:
        raise StatementError(filename, _where(element), f"amount {raw!r} is not a number")
    return amount


def _parse_amount(raw: str) -> Decimal | None:
    """An OFX amount as Decimal, or None when it is not a number. OFX allows no thousands
    separators, so a single ',' is a decimal comma (some European banks write one)."""
    text = re.sub(r"[\s\u00a0]", "", raw)
    if "," in text and "." in text:
        if text.rfind(",") > text.rfind("."):
            text = text.replace(".", "").replace(",", ".")
        else:
            text = text.replace(",", "")
    elif text.count(",") == 1:
        text = text.replace(",", ".")
    if not _NUMBER.fullmatch(text):
        return None
    return Decimal(text)
