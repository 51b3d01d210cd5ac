"""The group pass's exact search: which ``size`` of a target's pool amounts add up to it.

Meet in the middle: the sums of the first ``size // 2`` lines of a group that can meet the
sums of the rest (found on sets of sums, at C speed), then split back into lines. The sums of
one and of two amounts are a pool's or a larger pool's: the targets of one date window share
the sums of its amounts smaller than the largest of them (an amount not smaller than a target
is in no sum that reaches it, the amounts being positive, so a larger pool's sums say the same
of each target as its own would)."""

from __future__ import annotations

import bisect
from itertools import combinations

MAX_SOLUTIONS = 2  # enough to know a target's group is not the only one


class Sums:
    """The sums of one and of two of ``amounts`` (sorted), each made when first asked for.
    ``pairs`` lists the sums of two block by block (the second amount's index ascending), so
    the pairs of the first ``n`` amounts are its first ``n * (n - 1) // 2``."""

    __slots__ = ("amounts", "_singles", "_pairs", "_pair_set")

    def __init__(self, amounts: list[int]):
        self.amounts = amounts
        self._singles: set[int] | None = None
        self._pairs: list[int] | None = None
        self._pair_set: set[int] | None = None

    def singles(self) -> set[int]:
        if self._singles is None:
            self._singles = set(self.amounts)
        return self._singles

    def pairs(self) -> list[int]:
        if self._pairs is None:
            amounts = self.amounts
            self._pairs = [b + a for k, b in enumerate(amounts) for a in amounts[:k]]
        return self._pairs

    def pair_set(self) -> set[int]:
        if self._pair_set is None:
            self._pair_set = set(self.pairs())
        return self._pair_set


def meeting(amounts: list[int], goal: int, size: int, sums: Sums) -> list[int]:
    """The sums of the first ``size // 2`` amounts of a group (of ``amounts``, sorted, the
    target's pool; ``sums`` of these or of more) that meet a sum of the rest at ``goal``:
    empty when no ``size`` of them can add up to it (ignoring that they must be different
    lines), which most targets learn from one test on a set."""
    if size == 2:
        singles = sums.singles()
        if singles.isdisjoint([goal - a for a in amounts]):
            return []
        half = goal // 2
        return sorted({a for a in amounts if a <= half and goal - a in singles})
    pair_set = sums.pair_set()
    if size == 3:
        if pair_set.isdisjoint([goal - a for a in amounts]):
            return []
        return sorted({a for a in amounts if goal - a in pair_set})
    pairs = sums.pairs()
    if size == 4:
        # In a group a <= b <= c <= d, c + d >= 2 b gives b <= (goal - a) / 3: the pair of
        # the two smallest is among the blocks of amounts up to a third of the goal less the
        # smallest (a test that finds every group); the meeting sums are every pair sum of
        # at most half the goal whose rest is a pair sum, among the blocks of amounts up to
        # half the goal less the smallest.
        least = amounts[0]
        third = min(len(amounts), bisect.bisect_right(amounts, (goal - least) // 3))
        if pair_set.isdisjoint([goal - s for s in pairs[: third * (third - 1) // 2]]):
            return []
        half = goal // 2
        below = min(len(amounts), bisect.bisect_right(amounts, half - least))
        return sorted(
            {s for s in pairs[: below * (below - 1) // 2] if s <= half and goal - s in pair_set}
        )
    # five: two and three (the pool is small)
    own_pairs = set(pairs[: len(amounts) * (len(amounts) - 1) // 2])
    triples = set(map(sum, combinations(amounts, 3)))
    return sorted([s for s in own_pairs if goal - s in triples])


def subsets(amounts: list[int], goal: int, size: int, meets: list[int]) -> list[tuple[int, ...]]:
    """Index sets of ``size`` amounts adding up to ``goal`` (at most MAX_SOLUTIONS + 1): the
    sums that meet (``meeting``) split back into index pairs."""
    where: dict[int, list[int]] = {}
    for index, amount in enumerate(amounts):
        where.setdefault(amount, []).append(index)

    def singles(value: int) -> list[tuple[int, ...]]:
        return [(i,) for i in where.get(value, ())]

    by_sum: dict[int, list[tuple[int, ...]]] = {}

    def pairs(value: int) -> list[tuple[int, ...]]:
        # Only the sums asked for, each found by looking its other half up (the amounts are
        # sorted, so the first half stops at half the value): not every pair of the pool.
        found = by_sum.get(value)
        if found is None:
            found = by_sum[value] = []
            for i, amount in enumerate(amounts):
                rest = value - amount
                if rest < amount:
                    break
                others = where.get(rest)
                if others:
                    found += [(i, j) for j in others if j > i]
        return found

    def triples(value: int) -> list[tuple[int, ...]]:
        found = []
        for i, amount in enumerate(amounts):
            if amount * 3 > value:
                break
            split = pairs(value - amount)
            if split:
                found += [(i, *pair) for pair in split if pair[0] > i]
        return found

    parts = {1: singles, 2: pairs, 3: triples}
    first = size // 2
    found: set[tuple[int, ...]] = set()
    for value in meets:
        for left in parts[first](value):
            for right in parts[size - first](goal - value):
                if set(left).isdisjoint(right):
                    found.add(tuple(sorted(left + right)))
                    if len(found) > MAX_SOLUTIONS:
                        return sorted(found)
    return sorted(found)
