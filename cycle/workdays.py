"""Working days: weekends and the practice country's public holidays are skipped.

Pure module: plain dates in, plain dates out. Holiday sets come from the `holidays` package and are
cached per (country, subdivision, year), because the recurrence job computes due dates for
thousands of packs in one run.
"""

import datetime
import functools
from collections.abc import Iterator
from dataclasses import dataclass

import holidays

from cycle.periods import last_completed_period, period_end, previous_period
from cycle.stages import STAGES

# Subdivision used when a practice names only the country. For the UK the bank holidays differ
# between nations; England and Wales is where most practices are.
DEFAULT_SUBDIVISIONS = {"GB": "ENG"}


@functools.lru_cache(maxsize=64)
def _weekend(country: str, subdivision: str | None) -> frozenset[int]:
    # Also the place an unknown country or subdivision fails (NotImplementedError).
    return frozenset(holidays.country_holidays(country, subdiv=subdivision).weekend)


@functools.lru_cache(maxsize=1024)
def _holidays(
    country: str, subdivision: str | None, year: int
) -> tuple[tuple[datetime.date, str], ...]:
    calendar = holidays.country_holidays(country, subdiv=subdivision, years=year)
    return tuple(sorted(calendar.items()))


@functools.lru_cache(maxsize=1024)
def _holiday_dates(country: str, subdivision: str | None, year: int) -> frozenset[datetime.date]:
    return frozenset(day for day, _name in _holidays(country, subdivision, year))


@dataclass(frozen=True)
class WorkCalendar:
    country: str = "GB"
    subdivision: str | None = None

    def __post_init__(self):
        if self.subdivision is None and self.country in DEFAULT_SUBDIVISIONS:
            # Frozen dataclass: set once here so WorkCalendar("GB") == WorkCalendar("GB", "ENG").
            object.__setattr__(self, "subdivision", DEFAULT_SUBDIVISIONS[self.country])
        _weekend(self.country, self.subdivision)  # fail on construction, not mid-job

    def is_working_day(self, day: datetime.date) -> bool:
        if day.weekday() in _weekend(self.country, self.subdivision):
            return False
        return day not in _holiday_dates(self.country, self.subdivision, day.year)

    def holidays_in(self, year: int) -> dict[datetime.date, str]:
        """Public holidays of `year` in date order, substitute days included."""
        return dict(_holidays(self.country, self.subdivision, year))

    def working_days_after(self, day: datetime.date) -> Iterator[datetime.date]:
        """Every working day after `day`, in order (endless)."""
        one_day = datetime.timedelta(days=1)
        while True:
            day += one_day
            if self.is_working_day(day):
                yield day

    def add_working_days(self, day: datetime.date, n: int) -> datetime.date:
        """The n-th working day after `day` (n = 1 is the next working day).

        n = 0 gives `day` itself when it is a working day, else the next one; a negative n
        counts back: -1 is the last working day before `day`.
        """
        if n == 0:
            return day if self.is_working_day(day) else self.first_working_day_after(day)
        step = datetime.timedelta(days=1 if n > 0 else -1)
        remaining = abs(n)
        while remaining:
            day += step
            if self.is_working_day(day):
                remaining -= 1
        return day

    def first_working_day_after(self, day: datetime.date) -> datetime.date:
        return next(self.working_days_after(day))

    def working_days_between(self, start: datetime.date, end: datetime.date) -> int:
        """Working days in (start, end]; negative (the count in (end, start]) when end < start."""
        if end < start:
            return -self.working_days_between(end, start)
        count = 0
        day = start
        one_day = datetime.timedelta(days=1)
        while day < end:
            day += one_day
            if self.is_working_day(day):
                count += 1
        return count


def stage_due_dates(
    period_start: datetime.date,
    recurrence: str,
    due_days: dict[str, int],
    calendar: WorkCalendar,
) -> dict[str, datetime.date]:
    """Each stage's due date: the `due_days[stage]`-th working day after the period ends.

    Every stage needs a day (templates are validated by `validate_due_days`).
    """
    missing = [stage for stage in STAGES if stage not in due_days]
    if missing:
        raise ValueError(f"No target working day for: {', '.join(missing)}.")
    days = [due_days[stage] for stage in STAGES]
    if min(days) < 1:
        raise ValueError("Target working days start at 1, the first working day after the end.")
    # One walk through the calendar serves all six stages.
    working_days = calendar.working_days_after(period_end(period_start, recurrence))
    nth_working_day = [next(working_days) for _ in range(max(days))]
    return {stage: nth_working_day[due_days[stage] - 1] for stage in STAGES}


def pack_release_date(
    period_start: datetime.date,
    recurrence: str,
    calendar: WorkCalendar,
    offset_days: int = 0,
) -> datetime.date:
    """When a period's pack appears: the first working day after the period ends, then
    `offset_days` more working days (the practice's choice)."""
    if offset_days < 0:
        raise ValueError(
            "offset_days cannot be negative: a pack never appears before its period ends."
        )
    return calendar.add_working_days(period_end(period_start, recurrence), 1 + offset_days)


def released_period(
    today: datetime.date,
    recurrence: str,
    calendar: WorkCalendar,
    offset_days: int = 0,
    year_start_month: int = 1,
) -> datetime.date:
    """The latest period whose packs have appeared by `today`: the last period to have ended
    from its release date on (see `pack_release_date`), the one before it until then (on New
    Year's Day, a holiday, December's packs are not out yet: November is the current period)."""
    period = last_completed_period(today, recurrence, year_start_month)
    while today < pack_release_date(period, recurrence, calendar, offset_days):
        period = previous_period(period, recurrence)
    return period
