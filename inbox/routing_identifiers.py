"""Evidence from identifiers in the text (``inbox.routing``): a VAT number, company number,
IBAN or sort code + account number that passes its checks (``inbox.identifiers``) and belongs
to exactly one client is *high*; one stored on several clients is a suggestion for each. A GB
IBAN and a sort code + account pair are the same account (the IBAN carries both), so both
are keyed as the account. Identifiers on the practice's own letterhead belong to no client,
so they match nothing.
"""

from inbox import identifiers
from inbox.routing_evidence import (
    SCORE_IDENTIFIER,
    SCORE_IDENTIFIER_SHARED,
    ClientFacts,
    Item,
    Level,
)


def _vat_key(number: str) -> str:
    """GB and XI numbers by their nine digits (a branch suffix is the same registration);
    others compact."""
    number = "".join(number.split()).replace("-", "").replace(".", "").upper()
    if number[:2] in ("GB", "XI"):
        number = number[2:]
    if number.isdigit() and len(number) in (9, 12):
        return "GB" + number[:9]
    return number


def _company_key(number: str) -> str:
    number = "".join(number.split()).upper()
    return number.zfill(8) if number.isdigit() else number


def _iban_key(number: str) -> str:
    return "".join(number.split()).replace("-", "").upper()


def _account_key(sort_code: str, account: str) -> tuple[str, str]:
    return (
        "".join(ch for ch in sort_code if ch.isdigit()),
        "".join(ch for ch in account if ch.isdigit()).zfill(8),
    )


def _gb_account(iban: str) -> tuple[str, str] | None:
    """The sort code and account number a GB IBAN carries (GBkk BANK ssssss aaaaaaaa)."""
    if len(iban) == 22 and iban.startswith("GB") and iban[8:].isdigit():
        return iban[8:14], iban[14:]
    return None


def _format_account(key: tuple[str, str]) -> str:
    sort_code, account = key
    if len(sort_code) == 6:
        sort_code = f"{sort_code[:2]}-{sort_code[2:4]}-{sort_code[4:]}"
    return f"{sort_code} {account}"


def client_keys(client: ClientFacts) -> set[tuple[str, object]]:
    """The keys of every identifier stored on ``client``, as the text's are keyed."""
    keys: set[tuple[str, object]] = set()
    if client.vat_number:
        keys.add(("vat", _vat_key(client.vat_number)))
    if client.company_number:
        keys.add(("company", _company_key(client.company_number)))
    for iban in client.ibans:
        iban = _iban_key(iban)
        account = _gb_account(iban)
        keys.add(("account", account) if account else ("iban", iban))
    for pair in client.uk_accounts:
        keys.add(("account", _account_key(*pair)))
    return keys


def identifier_items(found: identifiers.Found, owners, add) -> None:
    """One item per identifier in the text that belongs to a client (``owners``: key → client
    ids): high when it belongs to that client alone."""
    # What the text carries, each with the words staff read.
    in_text: dict[tuple[str, object], str] = {}
    for number in sorted(found.vat_numbers):
        in_text.setdefault(("vat", _vat_key(number)), f"VAT number {number} in the text")
    for number in sorted(found.company_numbers):
        in_text.setdefault(("company", number), f"Company number {number} in the text")
    for number in sorted(found.ibans):
        account = _gb_account(number)
        key = ("account", account) if account else ("iban", number)
        in_text.setdefault(key, f"IBAN {number} in the text")
    for pair in sorted(found.uk_accounts):
        key = ("account", _account_key(*pair))
        in_text.setdefault(key, f"Bank account {_format_account(key[1])} in the text")
    if not in_text:
        return
    for key, reason in in_text.items():
        client_ids = owners.get(key)
        if not client_ids:
            continue
        if len(client_ids) == 1:
            (client_id,) = client_ids
            add(
                client_id,
                Item("identifier", Level.HIGH, SCORE_IDENTIFIER, reason, detail=key[0]),
            )
            continue
        for client_id in sorted(client_ids):
            add(
                client_id,
                Item(
                    "identifier",
                    Level.SUGGESTION,
                    SCORE_IDENTIFIER_SHARED,
                    f"{reason}, but it is on {len(client_ids)} clients: a suggestion only",
                    detail=key[0],
                ),
            )
