"""Periods: the month, quarter or year a pack covers, identified by its first day.

Pure module: dates in, dates out. Every function taking a period `start` insists it is the first
of a month, so a stray mid-month date fails loudly instead of shifting a whole cycle.
"""

import datetime
import re

from django.db import models


class Recurrence(models.TextChoices):
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"
    ANNUAL = "annual", "Annual"


_MONTHS_IN = {Recurrence.MONTHLY: 1, Recurrence.QUARTERLY: 3, Recurrence.ANNUAL: 12}

# Spelled out rather than strftime("%B"), which follows the process locale.
MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def _months_in(recurrence: str) -> int:
    try:
        return _MONTHS_IN[Recurrence(recurrence)]
    except ValueError:
        raise ValueError(f"Unknown recurrence {recurrence!r}.") from None


def _check_start(start: datetime.date) -> None:
    if start.day != 1:
        raise ValueError(f"A period starts on the first of a month, not {start.isoformat()}.")


def _check_year_start_month(year_start_month: int) -> None:
    if not 1 <= year_start_month <= 12:
        raise ValueError(f"year_start_month must be 1 to 12, not {year_start_month!r}.")


def add_months(start: datetime.date, months: int) -> datetime.date:
    """The first of the month ``months`` after (or before) ``start``'s."""
    years, month_index = divmod(start.month - 1 + months, 12)
    return datetime.date(start.year + years, month_index + 1, 1)


def period_start(day: datetime.date, recurrence: str, year_start_month: int = 1) -> datetime.date:
    """First day of the period containing `day`.

    Monthly: the first of the month. Annual: the first of `year_start_month` (4 for a financial
    year ending 31 March). Quarterly: calendar quarters (Jan/Apr/Jul/Oct) by default; the quarters
    are counted from `year_start_month`, so 2 gives Feb/May/Aug/Nov (a VAT stagger) while 4, 7
    and 10 give calendar quarters too.
    """
    _check_year_start_month(year_start_month)
    months = _months_in(recurrence)
    if months == 1:
        return day.replace(day=1)
    months_since_year_start = (day.month - year_start_month) % 12
    return add_months(day.replace(day=1), -(months_since_year_start % months))


def next_period(start: datetime.date, recurrence: str) -> datetime.date:
    _check_start(start)
    return add_months(start, _months_in(recurrence))


def previous_period(start: datetime.date, recurrence: str) -> datetime.date:
    _check_start(start)
    return add_months(start, -_months_in(recurrence))


def period_end(start: datetime.date, recurrence: str) -> datetime.date:
    """Last day of the period (handles month lengths and 29 February)."""
    return next_period(start, recurrence) - datetime.timedelta(days=1)


def last_completed_period(
    today: datetime.date, recurrence: str, year_start_month: int = 1
) -> datetime.date:
    """The most recent period that ended before `today` (on 1 November, that is October)."""
    return previous_period(period_start(today, recurrence, year_start_month), recurrence)


def period_label(start: datetime.date, recurrence: str) -> str:
    """ "October 2026", "Q3 2026 (Jul–Sep)", "Year to 31 March 2027"."""
    months = _months_in(recurrence)
    _check_start(start)
    if months == 1:
        return f"{MONTH_NAMES[start.month - 1]} {start.year}"
    end = period_end(start, recurrence)
    if months == 12:
        return f"Year to {end.day} {MONTH_NAMES[end.month - 1]} {end.year}"
    span = f"{MONTH_NAMES[start.month - 1][:3]}–{MONTH_NAMES[end.month - 1][:3]}"
    if start.month in (1, 4, 7, 10):
        return f"Q{(start.month - 1) // 3 + 1} {start.year} ({span})"
    # A staggered quarter has no calendar quarter number; name it by its end, like a year.
    return f"Quarter to {end.day} {MONTH_NAMES[end.month - 1]} {end.year} ({span})"


def periods_between(
    first: datetime.date, last: datetime.date, recurrence: str
) -> list[datetime.date]:
    """Period starts from `first` to `last` inclusive; [] when `last` is before `first`."""
    _check_start(first)
    _check_start(last)
    periods = []
    period = first
    while period <= last:
        periods.append(period)
        period = next_period(period, recurrence)
    return periods


_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(value: str) -> datetime.date | None:
    """ "2026-11" (an ``<input type="month">``) → 1 November 2026; None for anything else."""
    found = _MONTH.match((value or "").strip())
    if not found:
        return None
    year, month = int(found[1]), int(found[2])
    if not 1 <= month <= 12 or not 2000 <= year <= 2100:
        return None
    return datetime.date(year, month, 1)
