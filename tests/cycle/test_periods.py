from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cycle.periods import (
    Recurrence,
    last_completed_period,
    next_period,
    period_end,
    period_label,
    period_start,
    periods_between,
    previous_period,
)

MONTHLY, QUARTERLY, ANNUAL = Recurrence.MONTHLY, Recurrence.QUARTERLY, Recurrence.ANNUAL


@pytest.mark.parametrize(
    "day, recurrence, year_start_month, start",
    [
        (date(2026, 10, 31), MONTHLY, 1, date(2026, 10, 1)),
        (date(2028, 2, 29), MONTHLY, 1, date(2028, 2, 1)),
        (date(2026, 8, 15), QUARTERLY, 1, date(2026, 7, 1)),
        (date(2026, 12, 31), QUARTERLY, 1, date(2026, 10, 1)),
        (date(2027, 1, 1), QUARTERLY, 1, date(2027, 1, 1)),
        (date(2026, 8, 15), QUARTERLY, 2, date(2026, 8, 1)),
        (date(2027, 1, 31), QUARTERLY, 2, date(2026, 11, 1)),
        (date(2026, 6, 30), ANNUAL, 1, date(2026, 1, 1)),
        (date(2027, 3, 31), ANNUAL, 4, date(2026, 4, 1)),
        (date(2027, 4, 1), ANNUAL, 4, date(2027, 4, 1)),
        (date(2026, 12, 31), ANNUAL, 4, date(2026, 4, 1)),
    ],
    ids=[
        "the last day of October is in October",
        "29 February 2028 is in February 2028",
        "mid August is in the July quarter",
        "new year's eve is in the October quarter",
        "new year's day starts the January quarter",
        "quarters counted from February put August in the August quarter",
        "quarters counted from February put January in the November quarter",
        "a calendar year runs from January",
        "31 March is the last day of a year starting in April",
        "1 April starts a year starting in April",
        "December is mid-way through a year starting in April",
    ],
)
def test_period_start(day, recurrence, year_start_month, start):
    assert period_start(day, recurrence, year_start_month) == start


@pytest.mark.parametrize(
    "start, recurrence, end",
    [
        (date(2026, 10, 1), MONTHLY, date(2026, 10, 31)),
        (date(2026, 11, 1), MONTHLY, date(2026, 11, 30)),
        (date(2027, 2, 1), MONTHLY, date(2027, 2, 28)),
        (date(2028, 2, 1), MONTHLY, date(2028, 2, 29)),
        (date(2026, 12, 1), MONTHLY, date(2026, 12, 31)),
        (date(2026, 7, 1), QUARTERLY, date(2026, 9, 30)),
        (date(2026, 10, 1), QUARTERLY, date(2026, 12, 31)),
        (date(2027, 12, 1), QUARTERLY, date(2028, 2, 29)),
        (date(2026, 4, 1), ANNUAL, date(2027, 3, 31)),
        (date(2027, 3, 1), ANNUAL, date(2028, 2, 29)),
        (date(2026, 1, 1), ANNUAL, date(2026, 12, 31)),
    ],
    ids=[
        "October has 31 days",
        "November has 30 days",
        "February 2027 has 28 days",
        "February 2028 has 29 days",
        "December ends on new year's eve",
        "the July quarter ends on 30 September",
        "the October quarter ends on new year's eve",
        "a December quarter crosses the year into a leap February",
        "a year from April ends on 31 March",
        "a year from March 2027 ends on 29 February 2028",
        "a calendar year ends on 31 December",
    ],
)
def test_period_end(start, recurrence, end):
    assert period_end(start, recurrence) == end


def test_next_and_previous_period_cross_the_year():
    assert next_period(date(2026, 12, 1), MONTHLY) == date(2027, 1, 1)
    assert previous_period(date(2027, 1, 1), MONTHLY) == date(2026, 12, 1)
    assert next_period(date(2026, 10, 1), QUARTERLY) == date(2027, 1, 1)
    assert previous_period(date(2027, 1, 1), QUARTERLY) == date(2026, 10, 1)
    assert next_period(date(2026, 4, 1), ANNUAL) == date(2027, 4, 1)
    assert previous_period(date(2026, 4, 1), ANNUAL) == date(2025, 4, 1)


@pytest.mark.parametrize(
    "today, recurrence, year_start_month, period",
    [
        (date(2026, 11, 1), MONTHLY, 1, date(2026, 10, 1)),
        (date(2026, 10, 31), MONTHLY, 1, date(2026, 9, 1)),
        (date(2027, 1, 1), MONTHLY, 1, date(2026, 12, 1)),
        (date(2026, 10, 1), QUARTERLY, 1, date(2026, 7, 1)),
        (date(2026, 9, 30), QUARTERLY, 1, date(2026, 4, 1)),
        (date(2027, 4, 1), ANNUAL, 4, date(2026, 4, 1)),
        (date(2027, 3, 31), ANNUAL, 4, date(2025, 4, 1)),
        (date(2027, 1, 15), ANNUAL, 1, date(2026, 1, 1)),
    ],
    ids=[
        "on 1 November October has ended",
        "on 31 October October has not ended yet",
        "on new year's day December has ended",
        "on 1 October the July quarter has ended",
        "on 30 September the July quarter has not ended yet",
        "on 1 April the year to 31 March has ended",
        "on 31 March the year to 31 March has not ended yet",
        "in January last calendar year has ended",
    ],
)
def test_last_completed_period(today, recurrence, year_start_month, period):
    assert last_completed_period(today, recurrence, year_start_month) == period


@pytest.mark.parametrize(
    "start, recurrence, label",
    [
        (date(2026, 10, 1), MONTHLY, "October 2026"),
        (date(2028, 2, 1), MONTHLY, "February 2028"),
        (date(2026, 7, 1), QUARTERLY, "Q3 2026 (Jul–Sep)"),
        (date(2027, 1, 1), QUARTERLY, "Q1 2027 (Jan–Mar)"),
        (date(2026, 11, 1), QUARTERLY, "Quarter to 31 January 2027 (Nov–Jan)"),
        (date(2026, 4, 1), ANNUAL, "Year to 31 March 2027"),
        (date(2026, 1, 1), ANNUAL, "Year to 31 December 2026"),
        (date(2027, 3, 1), ANNUAL, "Year to 29 February 2028"),
    ],
)
def test_period_label(start, recurrence, label):
    assert period_label(start, recurrence) == label


def test_periods_between_lists_every_period_inclusive_across_the_year():
    assert periods_between(date(2026, 11, 1), date(2027, 2, 1), MONTHLY) == [
        date(2026, 11, 1),
        date(2026, 12, 1),
        date(2027, 1, 1),
        date(2027, 2, 1),
    ]
    assert periods_between(date(2026, 7, 1), date(2027, 1, 1), QUARTERLY) == [
        date(2026, 7, 1),
        date(2026, 10, 1),
        date(2027, 1, 1),
    ]
    assert periods_between(date(2026, 10, 1), date(2026, 10, 1), MONTHLY) == [date(2026, 10, 1)]


def test_periods_between_is_empty_when_last_is_before_first():
    assert periods_between(date(2026, 10, 1), date(2026, 9, 1), MONTHLY) == []


def test_a_mid_month_date_is_not_a_period():
    with pytest.raises(ValueError, match="first of a month"):
        period_end(date(2026, 10, 15), MONTHLY)
    with pytest.raises(ValueError, match="first of a month"):
        period_label(date(2026, 10, 15), MONTHLY)


def test_bad_recurrence_and_year_start_month_fail_loudly():
    with pytest.raises(ValueError, match="Unknown recurrence"):
        period_start(date(2026, 10, 15), "weekly")
    with pytest.raises(ValueError, match="year_start_month"):
        period_start(date(2026, 10, 15), ANNUAL, year_start_month=13)


@given(
    day=st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)),
    recurrence=st.sampled_from(list(Recurrence)),
    year_start_month=st.integers(1, 12),
)
def test_every_day_lies_in_its_period_and_periods_tile_the_calendar(
    day, recurrence, year_start_month
):
    start = period_start(day, recurrence, year_start_month)
    assert start <= day <= period_end(start, recurrence)
    assert previous_period(next_period(start, recurrence), recurrence) == start
    assert period_end(previous_period(start, recurrence), recurrence).toordinal() + 1 == (
        start.toordinal()
    )
    assert last_completed_period(day, recurrence, year_start_month) < start
