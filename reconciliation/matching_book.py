"""Both sides of a reconciliation prepared for the matcher's passes: integer minor units,
day numbers, party text and reference tokens, and the client's rules in the same units."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from decimal import Decimal, localcontext

from reconciliation.matching_text import parse
from reconciliation.matching_types import Line, MatchRules

# A reference token on more lines than this (a customer's account number quoted every month,
# a card's last four digits) does not tell one line from another.
COMMON_REFERENCE = 3


class Entry:
    """A line as the passes see it: minor units, day numbers, party text, references."""

    __slots__ = ("side", "id", "key", "day", "cents", "party", "refs", "text", "taken")

    def __init__(self, side: str, line: Line, cents: int):
        self.side = side
        self.id = line.id
        self.day = line.date.toordinal()
        self.cents = cents
        self.text = line.text
        party, refs = parse(line.text) if line.text else ("", frozenset())
        if line.reference:
            refs = refs | parse(line.reference)[1]
        self.party = party
        self.refs = refs
        self.key = (self.day, cents, id_key(line.id))
        self.taken = False


def id_key(line_id) -> tuple:
    return (0, line_id, "") if isinstance(line_id, int) else (1, 0, str(line_id))


def decimal_places(amount: Decimal) -> int:
    if not amount.is_finite():
        raise ValueError(f"amount {amount} is not a number")
    exponent = amount.as_tuple().exponent
    return -exponent if exponent < 0 else 0


def to_minor(amount: Decimal, places: int) -> int:
    """``amount`` in units of 10**-places, exactly (the finest unit of the input, so never
    rounded)."""
    with localcontext() as context:
        context.prec = 100
        return int(amount.scaleb(places))


def to_decimal(minor: int, places: int) -> Decimal:
    with localcontext() as context:
        context.prec = 100
        return Decimal(minor).scaleb(-places) if places else Decimal(minor)


class Book:
    """Both sides prepared for the passes, with the rules in minor units."""

    def __init__(self, bank: Sequence[Line], ledger: Sequence[Line], rules: MatchRules):
        exponents = {line.amount.as_tuple().exponent for line in bank}
        exponents.update(line.amount.as_tuple().exponent for line in ledger)
        exponents.add(rules.tolerance.as_tuple().exponent)
        if any(isinstance(e, str) for e in exponents):
            raise ValueError("an amount is not a number")
        places = max(2, -min(exponents))
        self.rules = rules
        self.places = places
        self.window = rules.date_window_days
        with localcontext() as context:
            context.prec = 100
            self.bank = [Entry("bank", line, int(line.amount.scaleb(places))) for line in bank]
            self.ledger = [
                Entry("ledger", line, int(line.amount.scaleb(places))) for line in ledger
            ]
        self.bank.sort(key=_by_key)
        self.ledger.sort(key=_by_key)
        for side, entries in (("bank", self.bank), ("ledger", self.ledger)):
            if len({entry.id for entry in entries}) < len(entries):
                seen: set = set()
                twice = next(e.id for e in entries if e.id in seen or seen.add(e.id))
                raise ValueError(f"{side} line id {twice!r} appears twice")
        self.tolerance = to_minor(rules.tolerance, places)
        self.percent = rules.tolerance_percent or Decimal(0)
        self.unit = 10**places
        self.bank_amounts = Counter(e.cents for e in self.bank)
        self.ledger_amounts = Counter(e.cents for e in self.ledger)
        self._drop_common_references()

    def _drop_common_references(self):
        bank = Counter(token for entry in self.bank for token in entry.refs)
        ledger = Counter(token for entry in self.ledger for token in entry.refs)
        common = {t for t, n in bank.items() if n > COMMON_REFERENCE}
        common.update(t for t, n in ledger.items() if n > COMMON_REFERENCE)
        if common:
            for entry in self.bank + self.ledger:
                if entry.refs and not entry.refs.isdisjoint(common):
                    entry.refs = entry.refs - common

    def tolerance_between(self, cents_a: int, cents_b: int) -> int:
        if not self.percent:
            return self.tolerance
        larger = max(abs(cents_a), abs(cents_b))
        return max(self.tolerance, int(larger * self.percent / 100))

    def money(self, minor: int) -> Decimal:
        return to_decimal(minor, self.places)

    def is_round(self, cents: int) -> bool:
        return cents % self.unit == 0

    def recurs(self, cents: int) -> bool:
        """Whether the amount comes back on either side (a subscription, a salary)."""
        return self.bank_amounts[cents] > 1 or self.ledger_amounts[cents] > 1


def _by_key(entry: Entry):
    return entry.key


def days_apart(days: int) -> str:
    if days == 0:
        return "same day"
    return "1 day apart" if days == 1 else f"{days} days apart"
