"""The tests' side of the clock seam (``atlasos.clock``).

Every test runs at a fixed moment (``DEFAULT_NOW``, set by the autouse ``clock`` fixture in
``tests/conftest.py``), never at the real date. Date-sensitive tests run over ``MONTH_DAYS``:
the days of the month where date logic breaks.
"""

import datetime

import pytest
from django.conf import settings

from atlasos import clock as wall_clock

UTC = datetime.UTC

# A Wednesday in the middle of November: the October packs are half-way through their stages.
DEFAULT_NOW = datetime.datetime(2026, 11, 18, 10, 30, tzinfo=UTC)

# The 1st; the day before the first due date (collect is due on working day 5: Monday
# 7 December 2026); mid-month; the last working day, which is also the 31st; New Year's Day (a
# holiday); the first working day of the new year; and a 31st that is a quarter end.
MONTH_DAYS = [
    pytest.param(datetime.datetime(2026, 12, 1, 9, 0, tzinfo=UTC), id="1st"),
    pytest.param(datetime.datetime(2026, 12, 4, 9, 0, tzinfo=UTC), id="before-first-due"),
    pytest.param(datetime.datetime(2026, 12, 16, 14, 0, tzinfo=UTC), id="mid-month"),
    pytest.param(datetime.datetime(2026, 12, 31, 16, 0, tzinfo=UTC), id="last-working-day-31st"),
    pytest.param(datetime.datetime(2027, 1, 1, 11, 0, tzinfo=UTC), id="new-years-day"),
    pytest.param(datetime.datetime(2027, 1, 4, 9, 0, tzinfo=UTC), id="after-year-end"),
    pytest.param(datetime.datetime(2027, 3, 31, 12, 0, tzinfo=UTC), id="31st-march"),
]


class TestClock:
    """What the ``clock`` fixture hands a test: read, set and move the one clock."""

    def now(self) -> datetime.datetime:
        return wall_clock.now()

    def today(self) -> datetime.date:
        return wall_clock.local_date(settings.TIME_ZONE)

    def set(self, moment: datetime.datetime) -> datetime.datetime:
        wall_clock.set_now(moment)
        return moment

    def advance(self, **delta) -> datetime.datetime:
        return self.set(wall_clock.now() + datetime.timedelta(**delta))


def current_date() -> datetime.date:
    """The date at the test's moment, in the site's timezone (the practices' default)."""
    return wall_clock.local_date(settings.TIME_ZONE)
