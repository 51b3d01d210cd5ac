"""Choosing one-to-one pairs from scored candidate pairs, each line at most once: greedy from
the best score, then swaps of partners while a swap raises the total (two coffees of the same
price bought two days apart pair in date order, not crosswise).

A pair whose two lines have no other candidate is chosen as it is (greedy and swaps could
only choose it); the rest go through the greedy choice and the swaps. Ties are broken by the
lines' keys (date, amount, id), never by input order."""

from __future__ import annotations

from collections import Counter

from reconciliation.matching_book import Entry

SWEEPS = 4


def _best_first(edge: tuple):
    return (-edge[0], edge[1].rank, edge[2].rank)


def _by_bank(edge: tuple):
    return edge[1].rank


def assign(edges: list[tuple]) -> list[tuple]:
    """``edges`` are ``(score, bank, ledger, ...)``, at most one per pair of lines; returns
    the chosen ones, in the bank lines' order."""
    bank_count = Counter([edge[1] for edge in edges])
    ledger_count = Counter([edge[2] for edge in edges])
    chosen: list[tuple] = []
    contested: list[tuple] = []
    for edge in edges:
        if bank_count[edge[1]] == 1 and ledger_count[edge[2]] == 1:
            if not (edge[1].taken or edge[2].taken):
                chosen.append(edge)
        else:
            contested.append(edge)
    if contested:
        chosen += _contested(contested)
    chosen.sort(key=_by_bank)
    return chosen


def _contested(edges: list[tuple]) -> list[tuple]:
    edges.sort(key=_best_first)
    chosen_by_bank: dict[Entry, tuple] = {}
    chosen_by_ledger: dict[Entry, tuple] = {}
    by_bank: dict[Entry, list[tuple]] = {}
    lookup: dict[tuple[Entry, Entry], tuple] = {}
    for edge in edges:
        bank_line, entry = edge[1], edge[2]
        found = by_bank.get(bank_line)
        if found is None:
            by_bank[bank_line] = [edge]
        else:
            found.append(edge)
        lookup[(bank_line, entry)] = edge
        if bank_line.taken or entry.taken:
            continue
        if bank_line in chosen_by_bank or entry in chosen_by_ledger:
            continue
        chosen_by_bank[bank_line] = chosen_by_ledger[entry] = edge
    # Swaps exchange partners between chosen bank lines: the set of them, and so their order,
    # stays the same from sweep to sweep.
    order = sorted(chosen_by_bank, key=lambda line: line.rank)
    for _ in range(SWEEPS):
        if not _improve(order, chosen_by_bank, chosen_by_ledger, by_bank, lookup):
            break
    return list(chosen_by_bank.values())


def _improve(order, chosen_by_bank, chosen_by_ledger, by_bank, lookup) -> bool:
    improved = False
    for bank_line in order:
        mine = chosen_by_bank[bank_line]
        for other in by_bank[bank_line]:
            entry = other[2]
            theirs = chosen_by_ledger.get(entry)
            if theirs is None or theirs is mine:
                continue
            crossed = lookup.get((theirs[1], mine[2]))
            if crossed is None or other[0] + crossed[0] <= mine[0] + theirs[0] + 1e-9:
                continue
            chosen_by_bank[bank_line] = chosen_by_ledger[entry] = other
            chosen_by_bank[theirs[1]] = chosen_by_ledger[mine[2]] = crossed
            mine = other
            improved = True
    return improved
