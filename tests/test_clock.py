"""The clock seam: the one place that reads the wall clock, and how tests set it."""

import time
from datetime import UTC, date, datetime, timedelta

import pytest

from atlasos import clock as wall_clock
from tests.clock import DEFAULT_NOW


def test_every_test_starts_at_the_default_moment_not_the_real_date(clock):
    assert wall_clock.now() == DEFAULT_NOW == clock.now()
    assert clock.today() == date(2026, 11, 18)


def test_local_date_follows_the_practice_timezone():
    now = datetime(2026, 11, 30, 13, 30, tzinfo=UTC)
    assert wall_clock.local_date("Australia/Sydney", now) == date(2026, 12, 1)
    assert wall_clock.local_date("Europe/London", now) == date(2026, 11, 30)
    late = now - timedelta(hours=13)
    assert wall_clock.local_date("America/Los_Angeles", late) == date(2026, 11, 29)


def test_local_date_refuses_a_naive_datetime():
    with pytest.raises(ValueError, match="aware"):
        wall_clock.local_date("Europe/London", datetime(2026, 11, 30, 13, 30))
    with pytest.raises(ValueError, match="aware"):
        wall_clock.set_now(datetime(2026, 11, 30, 13, 30))


def test_practice_today_reads_the_practice_timezone(clock):
    clock.set(datetime(2026, 11, 30, 13, 30, tzinfo=UTC))

    class Sydney:
        timezone = "Australia/Sydney"

    assert wall_clock.practice_today(Sydney()) == date(2026, 12, 1)


def test_fixed_at_restores_the_previous_setting(clock):
    with wall_clock.fixed_at(datetime(2027, 1, 1, tzinfo=UTC)):
        assert wall_clock.now() == datetime(2027, 1, 1, tzinfo=UTC)
    assert wall_clock.now() == DEFAULT_NOW
    assert clock.advance(days=2) == DEFAULT_NOW + timedelta(days=2)


def test_run_from_lets_time_pass_from_the_given_moment():
    start = datetime(2027, 3, 31, 12, tzinfo=UTC)
    try:
        wall_clock.run_from(start)
        first = wall_clock.now()
        time.sleep(0.01)
        assert start <= first < wall_clock.now() < start + timedelta(minutes=1)
    finally:
        wall_clock.reset()
    assert abs(wall_clock.now() - datetime.now(UTC)) < timedelta(seconds=5)
