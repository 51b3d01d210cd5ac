"""ISO 20022 camt.053 statements, camt.052 account reports and camt.054 debit/credit
notifications, any version from .001.02 on.

Our own reader (see ``camt_xml``): elements are matched on local names, so the namespace
version does not matter. Each ``Stmt`` (``Rpt``, ``Ntfctn``) becomes one ``Statement``; entries
become lines (see ``camt_entries``). Errors name the element path, such as
``Stmt[2]/Ntry[5]/Amt``."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from typing import NamedTuple
from xml.etree.ElementTree import Element

from reconciliation.importers.camt_entries import entry_lines, is_booked
from reconciliation.importers.camt_xml import Reader, children, find, local, parse, text
from reconciliation.statements import Account, Statement, StatementError

# message element -> (statement element, format name)
_MESSAGES = {
    "BkToCstmrStmt": ("Stmt", "camt.053"),
    "BkToCstmrAcctRpt": ("Rpt", "camt.052"),
    "BkToCstmrDbtCdtNtfctn": ("Ntfctn", "camt.054"),
}
_LOOKS_LIKE = re.compile(rb"camt\.05[234]|BkToCstmr(?:Stmt|AcctRpt|DbtCdtNtfctn)")
_OPENING = ("OPBD", "PRCD")  # opening booked; else the previous statement's closing
_CLOSING = ("CLBD",)


class _Balance(NamedTuple):
    amount: Decimal
    date: datetime.date | None
    currency: str


def looks_like(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", errors="ignore").encode("utf-8")
    head = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    return head.startswith(b"<") and bool(_LOOKS_LIKE.search(head))


def read(data: bytes, filename: str) -> list[Statement]:
    root = parse(data, filename)
    message = root if local(root) in _MESSAGES else None
    for child in root if message is None else ():
        if local(child) in _MESSAGES:
            message = child
            break
    if message is None:
        raise StatementError(
            filename,
            local(root),
            "not a camt.052, camt.053 or camt.054 file: no BkToCstmrStmt, BkToCstmrAcctRpt "
            "or BkToCstmrDbtCdtNtfctn element",
        )
    name, format_name = _MESSAGES[local(message)]
    reader = Reader(filename)
    statements = [
        _statement(element, f"{name}[{number}]", format_name, reader)
        for number, element in enumerate(children(message, name), start=1)
    ]
    if not statements:
        raise StatementError(filename, local(message), f"the file has no {name} element")
    return statements


def _statement(element: Element, where: str, format_name: str, reader: Reader) -> Statement:
    account_element = find(element, "Acct")
    account = Account(
        iban="".join(text(account_element, "Id/IBAN").split()).upper(),
        bank_id=text(account_element, "Id/Othr/Id"),
        name=text(account_element, "Nm") or text(account_element, "Ownr/Nm"),
    )
    if not (account.iban or account.bank_id):
        raise reader.error(f"{where}/Acct/Id", "the statement does not name its account")

    balances: dict[str, _Balance] = {}
    for number, balance in enumerate(children(element, "Bal"), start=1):
        balance_where = f"{where}/Bal[{number}]"
        kind = text(balance, "Tp/CdOrPrtry/Cd") or text(balance, "Tp/CdOrPrtry/Prtry")
        if kind in _OPENING + _CLOSING and kind not in balances:
            amount = reader.signed_amount(balance, balance_where)
            date = reader.date(find(balance, "Dt"), f"{balance_where}/Dt")
            currency = find(balance, "Amt").get("Ccy", "")
            balances[kind] = _Balance(amount, date, currency)
    opening = next((balances[kind] for kind in _OPENING if kind in balances), None)
    closing = balances.get("CLBD")

    lines = []
    entry_currency = ""
    for number, entry in enumerate(children(element, "Ntry"), start=1):
        if is_booked(entry):
            lines.extend(entry_lines(entry, f"{where}/Ntry[{number}]", reader))
            entry_currency = entry_currency or (find(entry, "Amt").get("Ccy") or "")

    period = find(element, "FrToDt")
    period_start = reader.date(find(period, "FrDtTm"), f"{where}/FrToDt/FrDtTm")
    period_end = reader.date(find(period, "ToDtTm"), f"{where}/FrToDt/ToDtTm")
    if not lines and (opening or closing):
        period_start = period_start or (opening or closing).date
        period_end = period_end or (closing or opening).date
    balance_currency = (opening or closing).currency if (opening or closing) else ""
    currency = text(account_element, "Ccy") or balance_currency or entry_currency
    return Statement(
        account=account,
        currency=currency.upper(),
        lines=lines,
        period_start=period_start,
        period_end=period_end,
        opening_balance=opening.amount if opening else None,
        closing_balance=closing.amount if closing else None,
        format=format_name,
    )
