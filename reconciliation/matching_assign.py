"""Choosing one-to-one pairs from scored candidate pairs, each line at most once: greedy from
the best score, then swaps of partners while a swap raises the total (two coffees of the same
price bought two days apart pair in date order, not crosswise).

Ties are broken by the lines' keys (date, amount, id), never by input order."""

from __future__ import annotations

from collections import defaultdict

from reconciliation.matching_book import Entry

SWEEPS = 4


def assign(edges: list[tuple]) -> list[tuple]:
    """``edges`` are ``(score, bank, ledger, ...)``; returns the chosen ones."""
    edges = sorted(edges, key=lambda e: (-e[0], e[1].key, e[2].key))
    chosen_by_bank: dict[Entry, tuple] = {}
    chosen_by_ledger: dict[Entry, tuple] = {}
    by_bank: dict[Entry, list[tuple]] = defaultdict(list)
    lookup: dict[tuple[Entry, Entry], tuple] = {}
    for edge in edges:
        bank_line, entry = edge[1], edge[2]
        by_bank[bank_line].append(edge)
        lookup[(bank_line, entry)] = edge
        if bank_line.taken or entry.taken:
            continue
        if bank_line in chosen_by_bank or entry in chosen_by_ledger:
            continue
        chosen_by_bank[bank_line] = chosen_by_ledger[entry] = edge
    for _ in range(SWEEPS):
        if not _improve(chosen_by_bank, chosen_by_ledger, by_bank, lookup):
            break
    return sorted(chosen_by_bank.values(), key=lambda e: (e[1].key, e[2].key))


def _improve(chosen_by_bank, chosen_by_ledger, by_bank, lookup) -> bool:
    improved = False
    for bank_line in sorted(chosen_by_bank, key=lambda e: e.key):
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
