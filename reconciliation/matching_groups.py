"""The matcher's group pass: several lines on one side that add up exactly to one line on the
other (a batch deposit of cheques, a bulk payment run, an invoice paid in instalments).

Bounded subset sums: the pool is the free lines of the same sign, smaller than the target,
within the date window, nearest dates first and at most ``rules.group_pool_size`` of them;
groups have 2 to ``rules.max_group_size`` lines; the search is meet-in-the-middle (the sums of
the last ``k - k // 2`` lines of a group in a dict, the first ``k // 2`` enumerated). Always
suggested: an exact sum of a few amounts can be chance."""

from __future__ import annotations

import bisect
from itertools import combinations

from reconciliation.matching_book import Book, Entry, days_apart
from reconciliation.matching_text import similarity
from reconciliation.matching_types import Match

MAX_SOLUTIONS = 2  # enough to know a target's group is not the only one
# Five-line groups only among this many lines: the sums of three of forty lines are 9,880
# (too slow), and five of forty add up to almost any amount by chance.
FIVE_POOL = 20


ROUNDS = 3


def group_pass(book: Book) -> list[Match]:
    """Every free line as a target, its group searched among the other side's free lines;
    the candidates taken best first (fewest lines, nearest dates), each line once. A target
    whose group lost a line to a better one is searched again, up to ``ROUNDS`` times."""
    matches = []
    free = [e for e in book.bank + book.ledger if not e.taken and e.cents]
    targets = free
    for _ in range(ROUNDS):
        free = [e for e in free if not e.taken]
        candidates = _candidates(book, targets, free)
        candidates.sort(key=lambda c: c[0])
        blocked = []
        for _, target, members, score, reason in candidates:
            if target.taken:
                continue
            if any(m.taken for m in members):
                blocked.append(target)
                continue
            target.taken = True
            for member in members:
                member.taken = True
            ids = tuple(m.id for m in members)
            if target.side == "bank":
                bank_ids, ledger_ids = (target.id,), ids
            else:
                bank_ids, ledger_ids = ids, (target.id,)
            matches.append(Match(bank_ids, ledger_ids, "suggested", score, "group", reason))
        targets = [t for t in blocked if not t.taken]
        if not targets:
            break
    return matches


def _candidates(book: Book, targets: list[Entry], free: list[Entry]) -> list[tuple]:
    """The best group of each target, among ``free`` (the free lines, each side in date
    order)."""
    pools: dict[tuple[str, bool], list[Entry]] = {
        ("bank", True): [],
        ("bank", False): [],
        ("ledger", True): [],
        ("ledger", False): [],
    }
    for entry in free:
        pools[(entry.side, entry.cents > 0)].append(entry)
    # each pool with its days (to find the window) and its amounts, made positive
    sized = {
        key: (entries, [e.day for e in entries], [abs(e.cents) for e in entries])
        for key, entries in pools.items()
    }
    candidates = []
    for target in targets:
        if target.taken:
            continue
        other = "ledger" if target.side == "bank" else "bank"
        found = _best_group(book, target, sized[(other, target.cents > 0)])
        if found:
            candidates.append(found)
    return candidates


def _by_size(entry: Entry):
    return (abs(entry.cents), entry.rank)


def _best_group(book: Book, target: Entry, free: tuple):
    """The target's pool (free lines of its sign, smaller than it, in the window: the
    nearest dates first, at most ``rules.group_pool_size``), searched size by size."""
    entries, days, sizes = free
    day = target.day
    low = bisect.bisect_left(days, day - book.window)
    high = bisect.bisect_right(days, day + book.window, low)
    if high - low < 2:
        return None
    goal = abs(target.cents)
    amounts = [size for size in sizes[low:high] if size < goal]
    nearest = None
    if len(amounts) > book.rules.group_pool_size:
        nearest = [i for i in range(low, high) if sizes[i] < goal]
        nearest.sort(key=lambda i: (abs(days[i] - day), entries[i].rank))
        del nearest[book.rules.group_pool_size :]
        amounts = [sizes[i] for i in nearest]
    if len(amounts) < 2:
        return None
    amounts.sort()
    largest = book.rules.max_group_size
    if sum(amounts[-largest:]) < goal:
        return None
    sums: dict[int, set[int]] = {1: set(amounts)}
    for size in range(2, largest + 1):
        if sum(amounts[:size]) > goal or size == 5 and len(amounts) > FIVE_POOL:
            break
        if _may_reach(amounts, goal, size, sums):
            if nearest is None:
                pool = [
                    e for e, x in zip(entries[low:high], sizes[low:high], strict=True) if x < goal
                ]
            else:
                pool = [entries[i] for i in nearest]
            # Sorted by amount, as ``amounts`` (the exact search stops once the sums pass
            # the target).
            pool.sort(key=_by_size)
            solutions = _subsets(amounts, goal, size, sums)
            if solutions:
                return _candidate(book, target, pool, solutions)
    return None


def _may_reach(amounts: list[int], goal: int, size: int, sums: dict[int, set[int]]) -> bool:
    """Whether some ``size`` amounts may add up to ``goal``, ignoring that they must be
    different lines: a quick test on sets of sums (C speed) before the exact search."""
    if size == 2:
        return not sums[1].isdisjoint([goal - a for a in amounts])
    if 2 not in sums:
        sums[2] = {a + b for a, b in combinations(amounts, 2)}
    if size == 3:
        return not sums[2].isdisjoint([goal - a for a in amounts])
    if size == 4:
        # two pair sums, the smaller at most half the goal
        half = goal // 2
        return not sums[2].isdisjoint([goal - s for s in sums[2] if s <= half])
    if 3 not in sums:
        sums[3] = set(map(sum, combinations(amounts, 3)))
    return not sums[3].isdisjoint([goal - s for s in sums[2]])


def _subsets(amounts: list[int], goal: int, size: int, sums) -> list[tuple[int, ...]]:
    """Index sets of ``size`` amounts adding up to ``goal`` (at most MAX_SOLUTIONS + 1): the
    sums that can meet (found on the sets of sums) are split back into index pairs."""
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
    if first == size - first:
        # Halves of one size: every set is found from the split whose first half is the
        # smaller, so the larger first halves (which would find them again) are skipped.
        half, sums_first = goal // 2, sums[first]
        meeting = sorted([s for s in sums_first if s <= half and goal - s in sums_first])
    else:
        rest = sums[size - first]
        meeting = sorted([s for s in sums[first] if goal - s in rest])
    found: set[tuple[int, ...]] = set()
    for value in meeting:
        for left in parts[first](value):
            for right in parts[size - first](goal - value):
                if set(left).isdisjoint(right):
                    found.add(tuple(sorted(left + right)))
                    if len(found) > MAX_SOLUTIONS:
                        return sorted(found)
    return sorted(found)


def _candidate(book: Book, target: Entry, pool: list[Entry], solutions):
    def quality(solution):
        members = [pool[i] for i in solution]
        spread = max(abs(m.day - target.day) for m in members)
        text = sum(similarity(target.party, m.party) for m in members) / len(members)
        return (spread, -text, tuple(m.key for m in members)), members, spread, text

    ranked = sorted(quality(s) for s in solutions)
    _, members, spread, text = ranked[0]
    members.sort(key=lambda m: m.key)
    size = len(members)
    score = round(60 - 5 * (size - 2) + 20 * (1 - spread / (book.window + 1)) + 20 * text / 100, 1)
    if len(solutions) > 1:
        score = round(score - 20, 1)
    many, one = ("ledger entries", "bank") if target.side == "bank" else ("bank lines", "ledger")
    reason = f"{size} {many} add up to the {one} amount, " + (
        "all on the same day" if spread == 0 else f"at most {days_apart(spread)}"
    )
    if len(solutions) > 1:
        reason += "; another set adds up too"
    order = (len(solutions) > 1, size, spread, -text, target.key)
    return order, target, members, score, reason
