"""The rules the month-days tests compute their expectations from, written out here on their own
(not through ``cycle.workdays`` or ``cycle.periods``, which are what those tests check):
working days are the weekdays that are not public holidays in the practice's country, a stage
is due on the n-th working day after its period ends, and a period's packs appear on the first
working day after it ends plus the practice's offset.

Every date is the practice's local date at a moment of ``tests.clock.MONTH_DAYS``.
"""

import datetime
import functools
from zoneinfo import ZoneInfo

import holidays
from django.test import Client as HttpClient

from tests.factories.accounts import UserFactory

ONE_DAY = datetime.timedelta(days=1)
LONDON = "Europe/London"
# The standard template's targets: working days after the period ends (DESIGN §4).
STANDARD_DUE_DAYS = {
    "collect": 5,
    "capture": 8,
    "reconcile": 10,
    "prepare": 12,
    "review": 14,
    "deliver": 15,
}
# England's bank holidays for a GB practice (the country names no nation).
SUBDIVISIONS = {"GB": "ENG"}


def local_today(moment: datetime.datetime, tz_name: str = LONDON) -> datetime.date:
    return moment.astimezone(ZoneInfo(tz_name)).date()


@functools.lru_cache(maxsize=64)
def _public_holidays(country: str, year: int) -> frozenset[datetime.date]:
    return frozenset(
        holidays.country_holidays(country, subdiv=SUBDIVISIONS.get(country), years=year)
    )


def is_working_day(day: datetime.date, country: str = "GB") -> bool:
    return day.weekday() < 5 and day not in _public_holidays(country, day.year)


def nth_working_day_after(day: datetime.date, n: int, country: str = "GB") -> datetime.date:
    """The n-th working day after ``day`` (n >= 1)."""
    while n:
        day += ONE_DAY
        if is_working_day(day, country):
            n -= 1
    return day


def month_first(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def add_months(first: datetime.date, months: int) -> datetime.date:
    index = first.year * 12 + first.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def last_day(first: datetime.date, months: int = 1) -> datetime.date:
    """The last day of the period of ``months`` months starting on ``first``."""
    return add_months(first, months) - ONE_DAY


def release_day(
    period: datetime.date, months: int = 1, country: str = "GB", offset: int = 0
) -> datetime.date:
    """When the period's packs appear."""
    return nth_working_day_after(last_day(period, months), 1 + offset, country)


def released_month(today: datetime.date, country: str = "GB", offset: int = 0) -> datetime.date:
    """The latest month whose packs have appeared by ``today``."""
    month = add_months(month_first(today), -1)
    while release_day(month, country=country, offset=offset) > today:
        month = add_months(month, -1)
    return month


def stage_dues(
    period: datetime.date,
    months: int = 1,
    country: str = "GB",
    due_days: dict[str, int] | None = None,
) -> dict[str, datetime.date]:
    end = last_day(period, months)
    days = due_days or STANDARD_DUE_DAYS
    return {stage: nth_working_day_after(end, n, country) for stage, n in days.items()}


def month_label(first: datetime.date) -> str:
    return f"{first:%B} {first.year}"


def short_date(day: datetime.date) -> str:
    """ "Mon 7 Dec", as the product writes a date in a sentence."""
    return f"{day:%a} {day.day} {day:%b}"


def browser_of(user) -> HttpClient:
    """A signed-in test client (the session, without the sign-in form: not what is tested)."""
    http = HttpClient()
    http.force_login(user)
    return http


def member(practice, role: str, name: str):
    return UserFactory(practice=practice, role=role, full_name=name)
