"""The matcher's one-to-one passes: ``reference`` (equal amount and a shared reference),
``amount_date`` (equal amount in the window, assigned globally) and ``tolerance`` (near
amounts, with the difference to write off)."""

from __future__ import annotations

import bisect
from collections import defaultdict

from reconciliation.matching_assign import assign
from reconciliation.matching_book import Book, Entry, days_apart
from reconciliation.matching_text import near_reference, similarity
from reconciliation.matching_types import Match

TEXT_AGREES = 80.0  # party texts this alike name the same party
TEXT_DISAGREES = 50.0


def _take(*entries: Entry) -> None:
    for entry in entries:
        entry.taken = True


def bucket(entries: list[Entry]) -> dict[int, tuple[list[int], list[Entry]]]:
    """Free entries by amount, each bucket sorted by day (with the days alongside)."""
    buckets: dict[int, tuple[list[int], list[Entry]]] = {}
    for entry in entries:
        if not entry.taken:
            found = buckets.get(entry.cents)
            if found is None:
                buckets[entry.cents] = ([entry.day], [entry])
            else:
                found[0].append(entry.day)
                found[1].append(entry)
    return buckets


def reference_pass(book: Book) -> list[Match]:
    """Equal amount and a shared reference, each the other's only such candidate."""
    index: dict[tuple[int, str], list[Entry]] = defaultdict(list)
    for entry in book.ledger:
        for token in entry.refs:
            index[(entry.cents, token)].append(entry)
    candidates: dict[Entry, set[Entry]] = {}
    claimed: dict[Entry, int] = defaultdict(int)
    window = book.window
    for bank_line in book.bank:
        if not bank_line.refs:
            continue
        found = None
        for token in bank_line.refs:
            entries = index.get((bank_line.cents, token))
            if entries is None:
                continue
            for entry in entries:
                if abs(entry.day - bank_line.day) <= window:
                    if found is None:
                        found = candidates[bank_line] = set()
                    found.add(entry)
        if found:
            for entry in found:
                claimed[entry] += 1
    matches = []
    for bank_line, found in candidates.items():
        if len(found) != 1:
            continue
        (entry,) = found
        if claimed[entry] != 1:
            continue
        _take(bank_line, entry)
        apart = abs(entry.day - bank_line.day)
        shared = min(bank_line.refs & entry.refs, key=lambda t: (-len(t), t))
        score = round(95 + 5 * (1 - apart / (book.window + 1)), 1)
        reason = f"same amount, {days_apart(apart)}, reference {shared} agrees"
        matches.append(Match((bank_line.id,), (entry.id,), "auto", score, "reference", reason))
    return matches


def _edge(book: Book, bank_line: Entry, entry: Entry) -> tuple:
    """``(score, bank line, ledger entry, days apart, text similarity, reference)`` where the
    reference is "agrees", "nearly agrees" or "". The date's share of the score falls with
    the square of the distance (so that, of two equal lines, pairs in date order beat crossed
    pairs), and a bank line dated before its entry counts as half as far again: money clears
    after it is booked far more often than before."""
    lag = bank_line.day - entry.day
    apart = lag if lag >= 0 else -lag
    text = similarity(bank_line.party, entry.party) if bank_line.party and entry.party else 0.0
    mine, theirs = bank_line.refs, entry.refs
    if not mine or not theirs:
        reference, weight = "", 0.0
    elif not mine.isdisjoint(theirs):
        reference, weight = "agrees", 1.0
    elif near_reference(mine, theirs):
        reference, weight = "nearly agrees", 0.6
    else:
        reference, weight = "", 0.0
    dated = book.date_scores.get(lag)
    if dated is None:
        distance = (apart if lag >= 0 else 1.5 * apart) / (1.5 * book.window + 1)
        dated = book.date_scores[lag] = 20 * (1 - distance * distance)
    return (
        round(45 * text / 100 + 35 * weight + dated, 3),
        bank_line,
        entry,
        apart,
        text,
        reference,
    )


def amount_date_pass(book: Book) -> list[Match]:
    """Equal amounts within the window, assigned globally; auto only when clear."""
    buckets = bucket(book.ledger)
    window = book.window
    edges: list[tuple] = []
    scores: dict[Entry, list[float]] = {}
    for bank_line in book.bank:
        if bank_line.taken:
            continue
        found = buckets.get(bank_line.cents)
        if found is None:
            continue
        days, entries = found
        day = bank_line.day
        if len(days) == 1:
            if abs(days[0] - day) > window:
                continue
        else:
            low = bisect.bisect_left(days, day - window)
            high = bisect.bisect_right(days, day + window, low)
            if low == high:
                continue
            entries = entries[low:high]
        mine = scores[bank_line] = []
        for entry in entries:
            edge = _edge(book, bank_line, entry)
            edges.append(edge)
            mine.append(edge[0])
            theirs = scores.get(entry)
            if theirs is None:
                scores[entry] = [edge[0]]
            else:
                theirs.append(edge[0])
    matches = []
    for edge in assign(edges):
        score, bank_line, entry = edge[0], edge[1], edge[2]
        bank_line.taken = entry.taken = True
        mine, theirs = scores[bank_line], scores[entry]
        options = max(len(mine), len(theirs))
        margin = None if options == 1 else score - _best_rival(mine + theirs, score)
        kind, reason = _judge(book, edge, margin, options)
        matches.append(
            Match((bank_line.id,), (entry.id,), kind, round(score, 1), "amount_date", reason)
        )
    return matches


def _best_rival(scores: list[float], score: float) -> float:
    """The best of ``scores`` but the pair's own (``score`` is in them twice: once among the
    bank line's candidates, once among the entry's): any other candidate of either line."""
    top = max(scores)
    if top > score or scores.count(score) > 2:
        return top
    return max([s for s in scores if s != score])


def _judge(book: Book, edge: tuple, margin: float | None, options: int):
    """Auto or suggested, and why, for an equal-amount pair."""
    _, bank_line, entry, apart, text, reference = edge
    said = [f"same amount, {days_apart(apart)}"]
    if reference:
        said.append(f"reference {reference}")
    contradicted = bank_line.party and entry.party and text < TEXT_DISAGREES
    if text >= TEXT_AGREES:
        said.append("names alike")
    elif contradicted:
        said.append("names differ")
    sole = margin is None
    if not sole and margin < book.rules.auto_margin:
        others = options - 1
        entries = "entry" if others == 1 else "entries"
        said.append(f"{others} other {entries} with this amount in the window")
        return "suggested", ", ".join(said)
    if book.rules.references_must_agree and reference != "agrees":
        said.append("the references must agree")
        return "suggested", ", ".join(said)
    if reference or text >= TEXT_AGREES:
        return "auto", ", ".join(said)
    distinct = not book.is_round(bank_line.cents) and not book.recurs(bank_line.cents)
    if sole and distinct and not contradicted:
        said.append("the only line with this amount on either side")
        return "auto", ", ".join(said)
    if book.is_round(bank_line.cents):
        said.append("a round amount with nothing else to tell it by")
    elif book.recurs(bank_line.cents):
        said.append("an amount that recurs, with nothing else to tell it by")
    else:
        said.append("nothing but the amount to go on")
    return "suggested", ", ".join(said)


def near_amounts(book: Book) -> list[tuple]:
    """Candidate pairs for the tolerance pass: free lines of the same sign, amounts apart by
    more than nothing and no more than the tolerance, within the window; scored."""
    if not book.tolerance and not book.percent:
        return []
    ledger = sorted((e for e in book.ledger if not e.taken), key=lambda e: (e.cents, e.rank))
    amounts = [e.cents for e in ledger]
    days = [e.day for e in ledger]
    window = book.window
    wide = book.percent > 50
    edges = []
    for bank_line in book.bank:
        if bank_line.taken:
            continue
        cents, day = bank_line.cents, bank_line.day
        # |l - b| <= p * max(|b|, |l|) puts l within p / (1 - p) of b: twice p covers p <= 50 %
        reach = abs(cents) * 10 if wide else book.tolerance_between(cents, 2 * cents)
        low = bisect.bisect_left(amounts, cents - reach)
        high = bisect.bisect_right(amounts, cents + reach, low)
        first, last = day - window, day + window
        for i in [i for i in range(low, high) if first <= days[i] <= last]:
            entry = ledger[i]
            if entry.cents == cents:
                continue
            if (entry.cents > 0) != (cents > 0):
                continue
            difference = cents - entry.cents
            allowed = book.tolerance_between(cents, entry.cents)
            if abs(difference) > allowed:
                continue
            edge = _edge(book, bank_line, entry)
            # Fees and charges always cost money: the bank short of the entry is the usual
            # difference (a card payout net of its fee, a transfer less the bank's charge).
            closeness = 1 - abs(difference) / (allowed + 1)
            usual = 1.0 if difference < 0 else 0.0
            score = round(0.8 * edge[0] + 10 * closeness + 10 * usual, 3)
            edges.append((score, bank_line, entry, edge, difference))
    return edges


def tolerance_pass(book: Book, edges: list[tuple], evidence_only: bool = False) -> list[Match]:
    """Near amounts (``edges`` from ``near_amounts``) as suggestions, with the difference to
    write off. With ``evidence_only``, only pairs whose party or reference agrees (the near
    amount alone is weaker evidence than an exact group sum)."""
    if evidence_only:
        edges = [e for e in edges if e[3][5] or e[3][4] >= TEXT_AGREES]
    matches = []
    for score, bank_line, entry, edge, difference in assign(edges):
        _take(bank_line, entry)
        share = abs(difference) * 100 / abs(entry.cents)
        said = [
            f"amounts differ by {book.money(abs(difference))} ({share:.1f} %), "
            "within the tolerance",
            days_apart(edge[3]),
        ]
        if edge[5]:
            said.append(f"reference {edge[5]}")
        if edge[4] >= TEXT_AGREES:
            said.append("names alike")
        match = Match(
            (bank_line.id,),
            (entry.id,),
            "suggested",
            round(score, 1),
            "tolerance",
            ", ".join(said),
            book.money(difference),
        )
        matches.append(match)
    return matches
