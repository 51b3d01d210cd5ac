"""The MT940 ':25:' account identification, which banks fill in many shapes.

Seen in real files: an IBAN (``NL81ASNB0123456789``), an IBAN with the currency appended (ING:
``NL69INGB0123456789EUR``), ``BIC/IBAN``, German ``BLZ/account`` (``50880050/0194774600``), a UK
sort code and account (``20-00-00 12345678``), or the bank's own number (``517852257``,
``TRIODOSBANK/0390123456``).
"""

from __future__ import annotations

import re

from reconciliation.statements import Account

_UK = re.compile(r"(\d{2})-?(\d{2})-?(\d{2})[ /-]?(\d{8})")
_BANK_CODE_AND_ACCOUNT = re.compile(r"(\d{8})/(\d{1,16})(?:[A-Z]{3})?")
_CURRENCY_SUFFIX = re.compile(r"(.*?)([A-Z]{3})")


def read_account(value: str) -> tuple[Account, str]:
    """The account, and the currency when the bank appended one to the account number."""
    compact = "".join(value.split())
    written = " ".join(value.split())
    for candidate in [compact, *compact.split("/")]:
        iban = candidate.upper()
        if is_iban(iban):
            return Account(iban=iban, bank_id=compact), ""
        with_currency = _CURRENCY_SUFFIX.fullmatch(iban)
        if with_currency and is_iban(with_currency.group(1)):
            return Account(iban=with_currency.group(1), bank_id=compact), with_currency.group(2)
    uk = _UK.fullmatch(written)
    if uk:
        sort_code = "".join(uk.groups()[:3])
        return Account(sort_code=sort_code, account_number=uk.group(4), bank_id=written), ""
    german = _BANK_CODE_AND_ACCOUNT.fullmatch(compact)
    if german:
        return Account(account_number=german.group(2), bank_id=compact), ""
    account_number = compact if compact.isdigit() else ""
    return Account(account_number=account_number, bank_id=compact), ""


def is_iban(text: str) -> bool:
    """ISO 13616: two letters, two check digits, up to 30 alphanumerics; mod 97 equals 1."""
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}", text):
        return False
    rearranged = text[4:] + text[:4]
    return int("".join(str(int(char, 36)) for char in rearranged)) % 97 == 1
