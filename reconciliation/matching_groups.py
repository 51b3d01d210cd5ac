"""The matcher's group pass: several lines on one side that add up exactly to one line on the
other (a batch deposit of cheques, a bulk payment run, an invoice paid in instalments).

Bounded subset sums: the pool is the free lines of the same sign, smaller than the target,
within the date window, nearest dates first and at most ``rules.group_pool_size`` of them;
groups have 2 to ``rules.max_group_size`` lines; the search is meet-in-the-middle
(``matching_sums``), the targets of one date window sharing its sums of pairs. Always
suggested: an exact sum of a few amounts can be chance."""

from __future__ import annotations

import bisect

from reconciliation.matching_book import Book, Entry, days_apart
from reconciliation.matching_sums import Sums, meeting, subsets
from reconciliation.matching_text import similarity
from reconciliation.matching_types import Match

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
    window_days = book.window
    pool_size = book.rules.group_pool_size
    largest = book.rules.max_group_size
    windows: dict[tuple, Window] = {}
    searches = []
    for target in targets:
        if target.taken:
            continue
        key = ("ledger" if target.side == "bank" else "bank", target.cents > 0)
        entries, days, sizes = sized[key]
        day = target.day
        low = bisect.bisect_left(days, day - window_days)
        high = bisect.bisect_right(days, day + window_days, low)
        if high - low < 2:
            continue
        window = windows.get((key, low, high))
        if window is None:
            window = windows[(key, low, high)] = Window(entries, days, sizes, low, high)
        goal = abs(target.cents)
        # the lines smaller than the target: the first of the window's amounts in order
        smaller = bisect.bisect_left(window.amounts, goal)
        if smaller <= pool_size:
            if smaller < 2 or sum(window.amounts[max(0, smaller - largest) : smaller]) < goal:
                continue
            window.reach = max(window.reach, smaller)
        searches.append((target, window, smaller))
    # Window by window, each window's sums let go once its targets are searched; the
    # candidates in the targets' order.
    found: list = [None] * len(searches)
    by_window: dict[Window, list[int]] = {}
    for number, (_, window, _) in enumerate(searches):
        by_window.setdefault(window, []).append(number)
    for window, numbers in by_window.items():
        for number in numbers:
            target, _, smaller = searches[number]
            if smaller > pool_size:
                found[number] = _best_of_nearest(book, target, window)
            else:
                found[number] = _search(
                    book,
                    target,
                    window.amounts[:smaller],
                    window.sums(),
                    lambda w=window, n=smaller: [w.entries[i] for i in w.order[:n]],
                )
        window.let_go()
    return [candidate for candidate in found if candidate]


class Window:
    """The free lines of one side and sign within a target's date window, sorted by amount
    (then rank); its targets share the sums of its ``reach`` smallest amounts."""

    __slots__ = ("entries", "days", "sizes", "low", "high", "order", "amounts", "reach", "_sums")

    def __init__(self, entries: list[Entry], days: list[int], sizes: list[int], low, high):
        self.entries, self.days, self.sizes, self.low, self.high = entries, days, sizes, low, high
        # a pool is in rank order: sorting by (amount, index) sorts by (amount, rank)
        ordered = sorted(zip(sizes[low:high], range(low, high), strict=True))
        self.amounts = [size for size, _ in ordered]
        self.order = [index for _, index in ordered]
        self.reach = 0  # the most amounts a target of this window searches among
        self._sums: Sums | None = None

    def sums(self) -> Sums:
        if self._sums is None:
            self._sums = Sums(self.amounts[: self.reach])
        return self._sums

    def let_go(self) -> None:
        self._sums = None


def _best_of_nearest(book: Book, target: Entry, window: Window):
    """The search when more than ``rules.group_pool_size`` lines are smaller than the target:
    the pool is the nearest dates first, at most that many."""
    entries, days, sizes = window.entries, window.days, window.sizes
    day = target.day
    goal = abs(target.cents)
    nearest = [i for i in range(window.low, window.high) if sizes[i] < goal]
    nearest.sort(key=lambda i: (abs(days[i] - day), entries[i].rank))
    del nearest[book.rules.group_pool_size :]
    amounts = sorted([sizes[i] for i in nearest])
    if len(amounts) < 2 or sum(amounts[-book.rules.max_group_size :]) < goal:
        return None

    def pool() -> list[Entry]:
        # Sorted by amount, as ``amounts`` (the exact search stops once the sums pass the
        # target).
        return sorted([entries[i] for i in nearest], key=_by_size)

    return _search(book, target, amounts, Sums(amounts), pool)


def _by_size(entry: Entry):
    return (abs(entry.cents), entry.rank)


def _search(book: Book, target: Entry, amounts: list[int], sums: Sums, pool):
    """The target's best group among ``amounts`` (its pool's, sorted; ``pool()`` gives their
    lines in the same order), searched size by size: the fewest lines first."""
    goal = abs(target.cents)
    for size in range(2, book.rules.max_group_size + 1):
        if sum(amounts[:size]) > goal or size == 5 and len(amounts) > FIVE_POOL:
            break
        meets = meeting(amounts, goal, size, sums)
        if meets:
            solutions = subsets(amounts, goal, size, meets)
            if solutions:
                return _candidate(book, target, pool(), solutions)
    return None


def _by_rank(entry: Entry) -> int:
    return entry.rank


def _candidate(book: Book, target: Entry, pool: list[Entry], solutions):
    def quality(solution):
        members = [pool[i] for i in solution]
        spread = max(abs(m.day - target.day) for m in members)
        text = sum(similarity(target.party, m.party) for m in members) / len(members)
        # the members are of one side, where ranks order as keys do
        return (spread, -text, tuple(m.rank for m in members)), members, spread, text

    ranked = sorted(quality(s) for s in solutions)
    _, members, spread, text = ranked[0]
    members.sort(key=_by_rank)
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
