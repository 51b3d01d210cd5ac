"""Both sides of a reconciliation prepared for the matcher's passes: integer minor units,
day numbers, party text and reference tokens, and the client's rules in the same units."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from decimal import Decimal, localcontext
from itertools import chain

from reconciliation.matching_text import forget as forget_text
from reconciliation.matching_text import parse_all, references_all
from reconciliation.matching_types import Line, MatchRules

# A reference token on more lines than this (a customer's account number quoted every month,
# a card's last four digits) does not tell one line from another.
COMMON_REFERENCE = 3
HUNDREDTH = Decimal("0.01")


class Entry:
    """A line as the passes see it: minor units, day numbers, party text, references.
    ``rank`` is the line's place among its side's lines sorted by ``sort_key`` (date, amount,
    id): comparing ranks orders two lines of one side as their keys do, for less."""

    __slots__ = ("side", "id", "day", "cents", "party", "refs", "text", "taken", "rank")

    def __init__(self, side: str, line: Line, cents: int, party: str, refs: frozenset[str]):
        self.side = side
        self.id = line.id
        self.day = line.date.toordinal()
        self.cents = cents
        self.text = line.text
        self.party = party
        self.refs = refs
        self.taken = False
        self.rank = 0

    @property
    def key(self) -> tuple:
        """``(day, amount, id)``: what orders the lines of a side, whatever their ids' types."""
        return sort_key(self)


def sort_key(entry: Entry) -> tuple:
    line_id = entry.id
    return (
        entry.day,
        entry.cents,
        (0, line_id, "") if isinstance(line_id, int) else (1, 0, str(line_id)),
    )


def _plain_key(entry: Entry) -> tuple:
    """``sort_key`` when a side's ids are all strings or all integers: they order as their
    ``sort_key`` does."""
    return (entry.day, entry.cents, entry.id)


def forget() -> None:
    """Empty the caches: parsed texts and references, name similarities."""
    forget_text()


def _entries(side: str, lines: Sequence[Line], places: int) -> list[Entry]:
    """The lines as entries; their texts and references parsed all at once."""
    parsed = parse_all([line.text for line in lines])
    referenced = references_all([line.reference for line in lines])
    entries = []
    with localcontext() as context:
        context.prec = 100
        for line in lines:
            party, refs = parsed[line.text]
            if line.reference:
                more = referenced[line.reference]
                if more:
                    refs = refs | more if refs else more
            cents = int(line.amount.scaleb(places))
            entries.append(Entry(side, line, cents, party, refs))
    return entries


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
        # Almost every amount is in hundredths: only the others are looked at closer.
        exponents = {
            line.amount.as_tuple().exponent
            for line in chain(bank, ledger)
            if not line.amount.same_quantum(HUNDREDTH)
        }
        exponents.add(HUNDREDTH.as_tuple().exponent)
        exponents.add(rules.tolerance.as_tuple().exponent)
        if any(isinstance(e, str) for e in exponents):
            raise ValueError("an amount is not a number")
        places = max(2, -min(exponents))
        self.rules = rules
        self.places = places
        self.window = rules.date_window_days
        self.bank = _entries("bank", bank, places)
        self.ledger = _entries("ledger", ledger, places)
        for side, entries in (("bank", self.bank), ("ledger", self.ledger)):
            types = {type(entry.id) for entry in entries}
            entries.sort(key=_plain_key if types == {str} or types == {int} else sort_key)
            for rank, entry in enumerate(entries):
                entry.rank = rank
            if len({entry.id for entry in entries}) < len(entries):
                seen: set = set()
                twice = next(e.id for e in entries if e.id in seen or seen.add(e.id))
                raise ValueError(f"{side} line id {twice!r} appears twice")
        self.tolerance = to_minor(rules.tolerance, places)
        self.percent = rules.tolerance_percent or Decimal(0)
        self.percent_ratio = self.percent.as_integer_ratio()
        self.unit = 10**places
        self.date_scores: dict[int, float] = {}  # the date's share of a pair's score, by lag
        self.bank_amounts = Counter([e.cents for e in self.bank])
        self.ledger_amounts = Counter([e.cents for e in self.ledger])
        self._drop_common_references()

    def _drop_common_references(self):
        common = set()
        for entries in (self.bank, self.ledger):
            counts = Counter(chain.from_iterable([e.refs for e in entries if e.refs]))
            common.update([t for t, n in counts.items() if n > COMMON_REFERENCE])
        if common:
            # Lines of the same words share one set of references: each set is cut once.
            kept: dict[frozenset[str], frozenset[str]] = {}
            for entry in chain(self.bank, self.ledger):
                refs = entry.refs
                if refs:
                    cut = kept.get(refs)
                    if cut is None:
                        cut = kept[refs] = refs - common if not refs.isdisjoint(common) else refs
                    entry.refs = cut

    def tolerance_between(self, cents_a: int, cents_b: int) -> int:
        if not self.percent:
            return self.tolerance
        larger = max(abs(cents_a), abs(cents_b))
        numerator, denominator = self.percent_ratio  # exact, and integers only
        return max(self.tolerance, larger * numerator // (denominator * 100))

    def money(self, minor: int) -> Decimal:
        return to_decimal(minor, self.places)

    def is_round(self, cents: int) -> bool:
        return cents % self.unit == 0

    def recurs(self, cents: int) -> bool:
        """Whether the amount comes back on either side (a subscription, a salary)."""
        return self.bank_amounts[cents] > 1 or self.ledger_amounts[cents] > 1


def days_apart(days: int) -> str:
    if days == 0:
        return "same day"
    return "1 day apart" if days == 1 else f"{days} days apart"
