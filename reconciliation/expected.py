"""Expected lines that did not come: payments (or receipts) seen in each of the three months
before the period, to the same counterparty, for a similar amount on a similar day of the
month, that have nothing like them in the period. Listed before sign-off, so a missing direct
debit or an uncaptured bill is caught at the reconciliation, not at review.

Pure: no Django. ``expected_missing(history, current, period_start, period_end, side)``.

1. Each line's text is reduced to a counterparty key: upper case, no digits, dates or
   references, none of the words banks add (DD, SO, FPS, CARD PAYMENT TO, ...).
2. Keys that are variants of one name (``DD BRITISH GAS 123456``, ``BRITISH GAS PLC DD``) are
   grouped by rapidfuzz's token-set ratio, compared only within the keys sharing a first word.
3. Within a counterparty and a sign, a series is one line in each of the three prior months
   whose amounts are within 10 % or 5.00 of their median and whose days are within 4 days of
   their usual day (the 31st, 30th and 28th are all the last day of the month). A counterparty
   paid several times a month (weekly card payments) gives no series.
4. A series is missing when no line of the period has its counterparty, its sign and an
   amount within its tolerance, on any day. Before the period's end (``as_of``), only series
   whose usual day and 4 days' grace have passed are reported."""

from __future__ import annotations

import calendar
import datetime
import re
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from rapidfuzz import fuzz, process

from reconciliation.matching_types import Line

__all__ = ["Expected", "counterparty_key", "expected_missing", "tolerance"]

Side = Literal["bank", "ledger"]

SAME_NAME = 85  # token-set ratio from which two keys name the same counterparty
DAY_WINDOW = 4  # days either side of the usual day; also the grace after it
AMOUNT_PERCENT = Decimal("0.10")
AMOUNT_FLOOR = Decimal("5.00")

# How the money moved, not who was paid: banks add these to the name, differently each month.
BANK_WORDS = frozenset(
    word
    for row in (
        "AT BACS BGC BP CARD CHQ CONTACTLESS CR DD DDR DEB DEBIT DIRECT DR FASTER FPI FPO FPS",
        "FROM FT MANDATE NO ON ORDER PAYMENT PAYMENTS POS PURCHASE REF REFERENCE SO STANDING",
        "STO TFR TO TRANSFER VIA VIS VISA GBP EUR USD WWW COM HTTP HTTPS",
    )
    for word in row.split(" ")
)
# Not calendar.month_name: that follows the process's locale.
MONTH_NAMES = ("",) + tuple(
    word
    for row in (
        "January February March April May June",
        "July August September October November December",
    )
    for word in row.split(" ")
)
# A month's name changes every month ("RENT NOVEMBER", "RENT DECEMBER"): it names no one.
MONTH_WORDS = frozenset(
    [name.upper() for name in MONTH_NAMES[1:]]
    + [name[:3].upper() for name in MONTH_NAMES[1:]]
    + ["SEPT"]
)
_WORD = re.compile(r"[A-Z0-9]+")


@dataclass(frozen=True)
class Expected:
    """A recurring line with nothing like it in the period."""

    counterparty: str  # the name as most often written, bank words removed
    typical_amount: Decimal  # the median of the three months; signed like the lines
    usual_day: int  # day of the month
    side: Side
    seen: tuple[datetime.date, ...]  # one date in each prior month, oldest first
    reason: str


_keys: dict[str, str] = {}


def counterparty_key(text: str) -> str:
    """The words of ``text`` that name the counterparty: upper case, no token holding a digit
    (dates, references, store numbers), no bank words or month names.
    ``"DD BRITISH GAS 123456"`` gives ``"BRITISH GAS"``."""
    key = _keys.get(text)
    if key is None:
        if len(_keys) > 100_000:
            _keys.clear()
        words = _WORD.findall(text.upper())
        key = _keys[text] = " ".join(
            w for w in words if w.isalpha() and w not in BANK_WORDS and w not in MONTH_WORDS
        )
    return key


def _key_of(line: Line) -> str:
    return counterparty_key(line.text) or counterparty_key(line.reference)


def tolerance(amount: Decimal) -> Decimal:
    """How far a month's amount may be from the series' median: 10 % or 5.00, the larger."""
    return max(abs(amount) * AMOUNT_PERCENT, AMOUNT_FLOOR)


def _days_in_month(date: datetime.date) -> int:
    return calendar.monthrange(date.year, date.month)[1]


def _day_distance(date: datetime.date, usual_day: int) -> int:
    """Days between ``date`` and the usual day in its month; a usual day past the month's
    end is its last day (the 31st is the 28th in February)."""
    return abs(date.day - min(usual_day, _days_in_month(date)))


def _prior_months(period_start: datetime.date) -> list[tuple[int, int]]:
    """The three calendar months before ``period_start``'s month, oldest first."""
    months = []
    year, month = period_start.year, period_start.month
    for _ in range(3):
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
        months.append((year, month))
    return months[::-1]


def _representatives(keys: Counter[str]) -> dict[str, str]:
    """Each key's representative: the most common key of its name. Keys are compared only
    with those sharing their first word, which keeps thousands of keys cheap."""
    blocks: dict[str, list[str]] = defaultdict(list)
    for key in sorted(keys, key=lambda k: (-keys[k], k)):
        blocks[key.split(" ", 1)[0]].append(key)
    found: dict[str, str] = {}
    for block in blocks.values():
        chosen: list[str] = []
        for key in block:
            best = process.extractOne(
                key, chosen, scorer=fuzz.token_set_ratio, score_cutoff=SAME_NAME
            )
            if best is None:
                chosen.append(key)
                found[key] = key
            else:
                found[key] = best[0]
    return found


@dataclass(frozen=True)
class _Series:
    lines: tuple[Line, ...]  # one a month, oldest first
    keys: tuple[str, ...]  # the counterparty keys of its lines, oldest first
    amount: Decimal
    usual_day: int


def _order(line: Line) -> tuple:
    return (line.date, line.amount, str(line.id))


def _series_of(months: list[list[tuple[Line, str]]]) -> list[_Series]:
    """The monthly series among one counterparty's lines of one sign, by month."""
    # Paid three or more times in most months: a card merchant or a weekly payment, whose
    # amounts on "about the same day" line up by chance.
    if sum(len(month) >= 3 for month in months) >= 2:
        return []
    used: set[int] = set()
    found = []
    for seed, seed_key in sorted(months[-1], key=lambda pair: _order(pair[0])):
        if id(seed) in used:
            continue
        picked = [(seed, seed_key)]
        for month in months[-2::-1]:
            near = [
                pair
                for pair in month
                if id(pair[0]) not in used
                and abs(pair[0].amount - seed.amount) <= tolerance(seed.amount)
                and _day_distance(pair[0].date, seed.date.day) <= DAY_WINDOW
            ]
            if not near:
                break
            picked.append(
                min(
                    near,
                    key=lambda pair: (
                        _day_distance(pair[0].date, seed.date.day),
                        abs(pair[0].amount - seed.amount),
                        _order(pair[0]),
                    ),
                )
            )
        if len(picked) < len(months):
            continue
        picked.reverse()
        lines = tuple(line for line, _ in picked)
        used.update(id(line) for line in lines)
        amount = sorted(line.amount for line in lines)[1]
        usual_day = sorted(line.date.day for line in lines)[1]
        if any(
            abs(line.amount - amount) > tolerance(amount)
            or _day_distance(line.date, usual_day) > DAY_WINDOW
            for line in lines
        ):
            continue
        # Two lines like it in most months: weekly or twice-monthly, not a monthly series.
        alike = [
            sum(abs(line.amount - amount) <= tolerance(amount) for line, _ in month)
            for month in months
        ]
        if sum(count > 1 for count in alike) >= 2:
            continue
        found.append(_Series(lines, tuple(key for _, key in picked), amount, usual_day))
    return found


def _recurring(history: Sequence[Line], period_start: datetime.date) -> list[_Series]:
    months = _prior_months(period_start)
    index = {month: n for n, month in enumerate(months)}
    seen = []
    for line in history:
        n = index.get((line.date.year, line.date.month))
        key = _key_of(line) if n is not None and line.amount else ""
        if key:
            seen.append((line, key, n))
    representative = _representatives(Counter(key for _, key, _ in seen))
    groups: dict[tuple[str, bool], list[list[tuple[Line, str]]]] = defaultdict(
        lambda: [[] for _ in months]
    )
    for line, key, n in seen:
        groups[representative[key], line.amount > 0][n].append((line, key))
    found = []
    for by_month in groups.values():
        if all(by_month):
            found += _series_of(by_month)
    return found


class _Period:
    """The period's lines by sign, sorted by size, to find those near an amount quickly."""

    def __init__(self, current: Sequence[Line], start: datetime.date, end: datetime.date):
        by_sign: dict[bool, list[tuple[Decimal, str]]] = {True: [], False: []}
        for line in current:
            if start <= line.date <= end and line.amount:
                key = _key_of(line)
                if key:
                    by_sign[line.amount > 0].append((abs(line.amount), key))
        self.sizes = {sign: sorted(pairs) for sign, pairs in by_sign.items()}

    def has(self, series: _Series) -> bool:
        pairs = self.sizes[series.amount > 0]
        size, allowed = abs(series.amount), tolerance(series.amount)
        low = bisect_left(pairs, (size - allowed, ""))
        high = bisect_right(pairs, (size + allowed, "\uffff"))
        names = set(series.keys)
        return any(
            key in names or any(fuzz.token_set_ratio(key, n) >= SAME_NAME for n in names)
            for _, key in pairs[low:high]
        )


def _due_date(usual_day: int, start: datetime.date, end: datetime.date) -> datetime.date | None:
    """The first date in the period falling on the usual day (the month's last day when the
    usual day is past it)."""
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        due = datetime.date(year, month, min(usual_day, calendar.monthrange(year, month)[1]))
        if start <= due <= end:
            return due
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return None


def _day(date: datetime.date) -> str:
    return f"{date.day} {MONTH_NAMES[date.month]}"


def _ordinal(day: int) -> str:
    suffix = "th" if 11 <= day <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def _reason(
    series: _Series, start: datetime.date, end: datetime.date, as_of: datetime.date | None
) -> str:
    lines = series.lines
    verb = "received" if series.amount > 0 else "paid"
    names = [MONTH_NAMES[line.date.month] for line in lines]
    months = f"{', '.join(names[:-1])} and {names[-1]}"
    if all(line.date.day == _days_in_month(line.date) for line in lines):
        when = f"on the last day of each of {months}"
    else:
        when = f"on about the {_ordinal(series.usual_day)} in each of {months}"
    amounts = sorted(abs(line.amount) for line in lines)
    shown = (
        f"{amounts[0]:,.2f}"
        if amounts[0] == amounts[-1]
        else f"{amounts[0]:,.2f} to {amounts[-1]:,.2f}"
    )
    whole_month = start.day == 1 and end == start.replace(day=_days_in_month(start))
    period = MONTH_NAMES[start.month] if whole_month else f"{_day(start)} to {_day(end)}"
    so_far = f" up to {_day(as_of)}" if as_of is not None and as_of < end else ""
    return f"{verb} {when} ({shown}); nothing like it in {period}{so_far}"


def _label(keys: tuple[str, ...]) -> str:
    """The name as most often written; between equals, as written most recently."""
    counts = Counter(keys)
    return max(reversed(keys), key=lambda key: counts[key])


def expected_missing(
    history: Sequence[Line],
    current: Sequence[Line],
    period_start: datetime.date,
    period_end: datetime.date,
    side: Side,
    as_of: datetime.date | None = None,
) -> list[Expected]:
    """The recurring lines of one side (``"bank"`` or ``"ledger"``) missing from the period.

    ``history`` holds that side's lines of (at least) the three calendar months before
    ``period_start``; other dates are ignored. ``current`` holds the period's lines; lines
    outside the period are ignored. ``as_of``, before ``period_end``, is the date the period
    has been reconciled to: a series is then reported only when its usual day plus 4 days'
    grace is on or before it. Sorted by usual day, then counterparty."""
    if side not in ("bank", "ledger"):
        raise ValueError(f"side must be 'bank' or 'ledger', not {side!r}")
    if period_end < period_start:
        raise ValueError("the period ends before it starts")
    period = _Period(current, period_start, period_end)
    grace = datetime.timedelta(days=DAY_WINDOW)
    found = []
    for series in _recurring(history, period_start):
        due = _due_date(series.usual_day, period_start, period_end)
        if due is None:
            continue  # the usual day does not fall in this period
        if as_of is not None and as_of < period_end and due + grace > as_of:
            continue  # not due yet
        if period.has(series):
            continue
        found.append(
            Expected(
                counterparty=_label(series.keys),
                typical_amount=series.amount,
                usual_day=series.usual_day,
                side=side,
                seen=tuple(line.date for line in series.lines),
                reason=_reason(series, period_start, period_end, as_of),
            )
        )
    found.sort(key=lambda e: (e.usual_day, e.counterparty, e.typical_amount, e.seen))
    return found
