"""What a bank's spreadsheet says outside its transaction rows: the account (in a column repeated
on every row, or in the title rows above the header: "IBAN;DE12 3456 ...", "Numéro de compte :
0123"), the currency ("Devise : EUR") and balance rows ("Solde en début de période;;;;500,00").

Pure functions over rows of cells; the column mapping says how numbers are written."""

from __future__ import annotations

import re
from decimal import Decimal

from reconciliation.importers.tabular_values import (
    Cell,
    cell_text,
    normalize_header,
    parse_amount,
)
from reconciliation.statements import Account

_IBAN = re.compile(r"[A-Z]{2}\d{2}[A-Z0-9]{10,30}")
# "20-32-06 13152170", "560036-12345678", "30-91-74 02344812"
_UK_ACCOUNT = re.compile(r"(\d{2})-?(\d{2})-?(\d{2})[\s-]+(\d{6,10})")
_CURRENCY = re.compile(r"[A-Z]{3}")

# Labels of the title rows above a header (normalised), and what they give.
ACCOUNT_LABELS = (
    "iban",
    "account number",
    "account",
    "numero de compte",
    "kontonummer",
    "konto",
    "rekeningnummer",
    "rekening",
    "numer rachunku",
    "cuenta",
)
CURRENCY_LABELS = ("currency", "devise", "wahrung", "waehrung", "valuta", "moneda", "divisa")
OPENING_WORDS = (
    "opening balance",
    "beginning balance",
    "balance brought forward",
    "solde en debut de periode",
    "solde initial",
    "solde precedent",
    "anfangssaldo",
    "alter kontostand",
    "saldo inicial",
    "saldo iniziale",
    "beginsaldo",
    "saldo poczatkowe",
    "ingaende saldo",
)
CLOSING_WORDS = (
    "closing balance",
    "ending balance",
    "balance carried forward",
    "solde en fin de periode",
    "solde final",
    "endsaldo",
    "neuer kontostand",
    "saldo final",
    "saldo finale",
    "eindsaldo",
    "saldo koncowe",
    "utgaende saldo",
)


def parse_account(text: str, sort_code: str = "") -> Account:
    """An account as the bank writes it: an IBAN, a UK sort code and number, or a number."""
    compact = "".join(cell_text(text).split()).upper()
    code = re.sub(r"\D", "", cell_text(sort_code))
    if not compact:
        return Account()
    if _IBAN.fullmatch(compact):
        return Account(iban=compact)
    if len(code) == 6:
        return Account(sort_code=code, account_number=compact)
    uk = _UK_ACCOUNT.fullmatch(cell_text(text).strip())
    if uk:
        return Account(sort_code="".join(uk.groups()[:3]), account_number=uk.group(4))
    return Account(account_number=compact)


def column_account(
    rows: list[list[Cell]], account_index: int | None, sort_code_index: int | None
) -> Account:
    """The account from a column repeated on every row, when every row names the same one."""
    if account_index is None:
        return Account()
    found = set()
    for row in rows:
        number = cell_text(row[account_index]) if account_index < len(row) else ""
        code = ""
        if sort_code_index is not None and sort_code_index < len(row):
            code = cell_text(row[sort_code_index])
        if number:
            found.add(parse_account(number, code))
    return found.pop() if len(found) == 1 else Account()


def title_facts(rows: list[list[Cell]]) -> tuple[Account, str]:
    """The account and currency named in title rows ("IBAN;DE12 ...", "Devise : EUR")."""
    account, currency = Account(), ""
    for label, value in _labelled_values(rows):
        if account == Account() and label in ACCOUNT_LABELS and re.search(r"\d", value):
            account = parse_account(value)
        if not currency and label in CURRENCY_LABELS and _CURRENCY.fullmatch(value.upper()):
            currency = value.upper()
    return account, currency


def _labelled_values(rows: list[list[Cell]]):
    """(label, value) pairs: a cell "Label : value", or a label cell followed by its value."""
    for row in rows:
        texts = [cell_text(value) for value in row]
        for position, text in enumerate(texts):
            if ":" in text:
                label, _, value = text.partition(":")
                if value.strip():
                    yield normalize_header(label), value.strip()
                    continue
            following = next((t for t in texts[position + 1 :] if t), "")
            if text and following:
                yield normalize_header(text), following


def balance_rows(
    rows: list[list[Cell]], decimal: str, thousands: str
) -> tuple[Decimal | None, Decimal | None]:
    """Opening and closing balance from rows labelled as such (above or below the table)."""
    opening = closing = None
    for row in rows:
        texts = [cell_text(value) for value in row]
        label = normalize_header(next((text for text in texts if text), ""))
        is_opening = label.startswith(OPENING_WORDS)
        is_closing = label.startswith(CLOSING_WORDS)
        if not (is_opening or is_closing):
            continue
        amount = _last_amount(texts[1:], decimal, thousands)
        if amount is None:
            continue
        if is_opening and opening is None:
            opening = amount
        elif is_closing and closing is None:
            closing = amount
    return opening, closing


def _last_amount(texts: list[str], decimal: str, thousands: str) -> Decimal | None:
    for text in reversed(texts):
        if not re.search(r"\d", text):
            continue
        try:
            return parse_amount(text, decimal, thousands)
        except ValueError:
            continue
    return None
