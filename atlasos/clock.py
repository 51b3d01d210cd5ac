"""The one place that reads the wall clock.

Everything that needs "now" or "today" asks this module, so time is an input: the tests set it
(``tests/clock.py``), and so can a tool that must act as of another moment. Production never
sets it. The setting is process-wide on purpose, not a ``ContextVar``: a browser test's live
server answers in another thread and must see the same moment as the test.
"""

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from zoneinfo import ZoneInfo

from django.utils import timezone

_fixed: datetime.datetime | None = None
_offset = datetime.timedelta(0)


def now() -> datetime.datetime:
    """The current moment (aware, UTC), or the moment the clock was set to."""
    return _fixed if _fixed is not None else timezone.now() + _offset


def local_date(tz_name: str, moment: datetime.datetime | None = None) -> datetime.date:
    """The calendar date in ``tz_name`` at ``moment`` (default: now).

    At 13:30 UTC on 30 November a Sydney practice is already on 1 December.
    """
    moment = moment if moment is not None else now()
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("local_date needs an aware datetime (e.g. atlasos.clock.now()).")
    return moment.astimezone(ZoneInfo(tz_name)).date()


def practice_today(practice, moment: datetime.datetime | None = None) -> datetime.date:
    """Today for ``practice`` (anything with a ``timezone`` name): its local date."""
    return local_date(practice.timezone, moment)


def set_now(moment: datetime.datetime | None) -> None:
    """Fix the clock at ``moment`` (aware), or give it back to the wall clock with None."""
    global _fixed
    if moment is not None and (moment.tzinfo is None or moment.utcoffset() is None):
        raise ValueError("The clock needs an aware datetime.")
    _fixed = moment.astimezone(datetime.UTC) if moment is not None else None


def run_from(moment: datetime.datetime) -> None:
    """Let the clock run on from ``moment``: seconds pass as on the wall clock (a separate
    process that must share a test's moment, and time out claims as it would)."""
    global _offset
    set_now(None)
    _offset = moment - timezone.now()


def reset() -> None:
    """Give the clock back to the wall clock."""
    global _offset
    set_now(None)
    _offset = datetime.timedelta(0)


@contextmanager
def fixed_at(moment: datetime.datetime) -> Iterator[None]:
    """Run a block as of ``moment``; the previous setting comes back afterwards."""
    previous = _fixed
    set_now(moment)
    try:
        yield
    finally:
        set_now(previous)
