"""What the matcher says about the lines it could not match: a hint for the bookkeeper's
investigation ("bank charge", "possible duplicate", "an entry with this amount exists 12 days
away (outside the window)", ...)."""

from __future__ import annotations

import re

from reconciliation.matching_book import Book, Entry
from reconciliation.matching_types import Leftover

CHARGE_WORDS = re.compile(r"\b(CHARGES?|FEES?|INTEREST|COMMISSION|OVERDRAFT)\b")
SMALL = 100  # a bank charge is at most this many whole units


def leftovers(book: Book) -> tuple[list[Leftover], list[Leftover]]:
    bank, ledger = _by_amount(book.bank), _by_amount(book.ledger)
    sides = []
    for entries, same_side, others, other_name in (
        (book.bank, bank, ledger, "ledger entry"),
        (book.ledger, ledger, bank, "bank line"),
    ):
        sides.append(
            [
                Leftover(entry.side, entry.id, _hint(book, entry, same_side, others, other_name))
                for entry in entries
                if not entry.taken
            ]
        )
    return sides[0], sides[1]


def _by_amount(entries: list[Entry]) -> dict[int, list[Entry]]:
    found: dict[int, list[Entry]] = {}
    for entry in entries:
        same = found.get(entry.cents)
        if same is None:
            found[entry.cents] = [entry]
        else:
            same.append(entry)
    return found


def _hint(book: Book, entry: Entry, same_side, by_amount, other_name: str) -> str:
    upper = entry.text.upper()
    if entry.side == "bank" and CHARGE_WORDS.search(upper):
        if entry.cents < 0 and -entry.cents <= SMALL * book.unit:
            return "bank charge"
        if entry.cents > 0 and "INTEREST" in upper:
            return "interest received"
    twins = [o for o in same_side[entry.cents] if o.day == entry.day and o.party == entry.party]
    if len(twins) > 1:
        return "possible duplicate"
    same_amount = by_amount.get(entry.cents, ())
    inside = [o for o in same_amount if abs(o.day - entry.day) <= book.window]
    if inside:
        return f"the {other_name} with this amount in the window is matched to another line"
    outside = [o for o in same_amount if not o.taken]
    if outside:
        nearest = min(abs(o.day - entry.day) for o in outside)
        return f"an entry with this amount exists {nearest} days away (outside the window)"
    if entry.side == "bank":
        return "no ledger entry in the window"
    return "no bank line in the window"
