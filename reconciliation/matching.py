"""Bank reconciliation matching: which bank lines are which ledger entries.

Pure: no Django. ``match(bank, ledger, rules)`` runs four passes, each over what the earlier
passes left:

1. ``reference``: an equal amount and a reference both sides quote, within the date window;
   the pair must be each other's only such candidate. Auto.
2. ``amount_date``: an equal amount within the date window, scored by date, party text
   (rapidfuzz) and references, assigned globally (best pairs first, each line once). Auto only
   when the pair is each other's best by a clear margin and something besides the amount says
   so; an equal round amount (rent, a subscription) with nothing else to go on is suggested.
3. ``group``: several lines on one side adding up exactly to one line on the other (a batch
   deposit, a bulk payment run, an invoice paid in parts), by bounded subset sums. Suggested.
4. ``tolerance``: amounts apart by no more than the client's tolerance (a card fee netted off,
   bank charges taken from a transfer), with the difference to write off. Suggested.

Near amounts whose party or reference agrees are taken just before the groups: a card payout
with its fee netted off is otherwise often claimed by a chance sum of three or four unrelated
entries of the same week. Near amounts on the amount alone come last, after the groups: an
exact sum is stronger evidence than a near amount.

Amounts are integer minor units inside (the unit is the finest one the input uses, so 0.001
is never rounded away) and ``Decimal`` at the edges. Every tie is broken by the lines' dates,
amounts and ids, never by their order in the input: shuffling the input changes nothing."""

from __future__ import annotations

import gc
from collections.abc import Sequence
from time import perf_counter

from reconciliation.matching_book import Book
from reconciliation.matching_groups import group_pass
from reconciliation.matching_hints import leftovers
from reconciliation.matching_pairs import (
    amount_date_pass,
    near_amounts,
    reference_pass,
    tolerance_pass,
)
from reconciliation.matching_types import Leftover, Line, Match, MatchResult, MatchRules

__all__ = ["Leftover", "Line", "Match", "MatchResult", "MatchRules", "match", "timed_match"]

DEFAULT_RULES = MatchRules()


def match(
    bank: Sequence[Line], ledger: Sequence[Line], rules: MatchRules = DEFAULT_RULES
) -> MatchResult:
    """Match ``bank`` lines to ``ledger`` entries under ``rules``; see the module docstring."""
    return timed_match(bank, ledger, rules)[0]


def timed_match(
    bank: Sequence[Line], ledger: Sequence[Line], rules: MatchRules = DEFAULT_RULES
) -> tuple[MatchResult, dict[str, float]]:
    """``match``, with the seconds each step took (``prepare``, the passes, ``leftovers``)."""
    # The passes make some 100,000 small objects and no reference cycles; the cyclic garbage
    # collector would walk all of them, and the caller's lines, again and again (a quarter
    # of the time at 10,000 lines a side).
    collecting = gc.isenabled()
    gc.disable()
    seconds: dict[str, float] = {}
    started = perf_counter()

    def lap(step: str) -> None:
        nonlocal started
        now = perf_counter()
        seconds[step] = seconds.get(step, 0.0) + now - started
        started = now

    try:
        book = Book(bank, ledger, rules)
        lap("prepare")
        matches: list[Match] = reference_pass(book)
        lap("reference")
        matches += amount_date_pass(book)
        lap("amount_date")
        near = near_amounts(book)
        matches += tolerance_pass(book, near, evidence_only=True)
        lap("tolerance")
        matches += group_pass(book)
        lap("group")
        matches += tolerance_pass(book, near)
        lap("tolerance")
        unmatched_bank, unmatched_ledger = leftovers(book)
        lap("leftovers")
        return MatchResult(matches, unmatched_bank, unmatched_ledger), seconds
    finally:
        if collecting:
            gc.enable()
