from datetime import date

import holidays
import pytest

from cycle import workdays
from cycle.periods import Recurrence
from cycle.stages import DEFAULT_DUE_DAYS
from cycle.workdays import WorkCalendar, pack_release_date, stage_due_dates

ENGLAND = WorkCalendar()
SCOTLAND = WorkCalendar("GB", "SCT")


def test_weekends_are_not_working_days():
    assert ENGLAND.is_working_day(date(2026, 11, 6))  # Friday
    assert not ENGLAND.is_working_day(date(2026, 11, 7))  # Saturday
    assert not ENGLAND.is_working_day(date(2026, 11, 8))  # Sunday
    assert ENGLAND.is_working_day(date(2026, 11, 9))  # Monday


def test_christmas_2026_and_its_boxing_day_substitute_are_skipped_in_england():
    # Christmas is a Friday; Boxing Day a Saturday, so its bank holiday moves to Monday 28th.
    assert ENGLAND.is_working_day(date(2026, 12, 24))
    assert not ENGLAND.is_working_day(date(2026, 12, 25))
    assert not ENGLAND.is_working_day(date(2026, 12, 26))
    assert not ENGLAND.is_working_day(date(2026, 12, 28))
    assert ENGLAND.is_working_day(date(2026, 12, 29))
    assert ENGLAND.first_working_day_after(date(2026, 12, 24)) == date(2026, 12, 29)
    assert ENGLAND.holidays_in(2026)[date(2026, 12, 28)] == "Boxing Day (observed)"


def test_a_practice_in_gb_follows_english_bank_holidays_unless_it_says_otherwise():
    assert WorkCalendar("GB") == WorkCalendar("GB", "ENG")
    assert WorkCalendar("GB").subdivision == "ENG"


def test_2_january_is_a_holiday_in_scotland_but_not_in_england():
    assert ENGLAND.is_working_day(date(2026, 1, 2))  # Friday
    assert not SCOTLAND.is_working_day(date(2026, 1, 2))
    # Summer bank holiday: first Monday of August in Scotland, last in England.
    assert not SCOTLAND.is_working_day(date(2026, 8, 3))
    assert ENGLAND.is_working_day(date(2026, 8, 3))
    assert not ENGLAND.is_working_day(date(2026, 8, 31))


def test_holidays_in_lists_the_year_in_date_order():
    days = list(ENGLAND.holidays_in(2027))
    assert days == sorted(days)
    assert days[0] == date(2027, 1, 1)
    assert {date(2027, 3, 26), date(2027, 3, 29)} <= set(days)  # Good Friday, Easter Monday


def test_an_unknown_country_fails_when_the_calendar_is_made():
    with pytest.raises(NotImplementedError):
        WorkCalendar("XX")
    with pytest.raises(NotImplementedError):
        WorkCalendar("GB", "ZZZ")


def test_friday_plus_one_working_day_is_monday():
    assert ENGLAND.add_working_days(date(2026, 11, 6), 1) == date(2026, 11, 9)


def test_adding_working_days_skips_easter_2027():
    # Good Friday 26 March, Easter Monday 29 March.
    assert ENGLAND.add_working_days(date(2027, 3, 25), 1) == date(2027, 3, 30)
    assert ENGLAND.add_working_days(date(2027, 3, 24), 3) == date(2027, 3, 31)


def test_adding_zero_working_days_keeps_a_working_day_or_moves_to_the_next():
    assert ENGLAND.add_working_days(date(2026, 11, 4), 0) == date(2026, 11, 4)
    assert ENGLAND.add_working_days(date(2026, 11, 7), 0) == date(2026, 11, 9)  # Saturday
    assert ENGLAND.add_working_days(date(2027, 3, 26), 0) == date(2027, 3, 30)  # Good Friday


def test_negative_working_days_count_back():
    assert ENGLAND.add_working_days(date(2027, 3, 30), -1) == date(2027, 3, 25)
    assert ENGLAND.add_working_days(date(2026, 11, 9), -1) == date(2026, 11, 6)


def test_working_days_between_counts_the_half_open_interval():
    assert ENGLAND.working_days_between(date(2026, 11, 6), date(2026, 11, 6)) == 0
    assert ENGLAND.working_days_between(date(2026, 11, 6), date(2026, 11, 9)) == 1
    assert ENGLAND.working_days_between(date(2026, 11, 6), date(2026, 11, 8)) == 0
    assert ENGLAND.working_days_between(date(2026, 12, 24), date(2026, 12, 31)) == 3
    assert ENGLAND.working_days_between(date(2026, 11, 9), date(2026, 11, 6)) == -1


def test_working_days_between_undoes_add_working_days_across_a_year():
    start = date(2026, 11, 30)
    for n in range(1, 60):
        assert ENGLAND.working_days_between(start, ENGLAND.add_working_days(start, n)) == n


def test_holiday_sets_are_computed_once_per_country_subdivision_and_year(monkeypatch):
    calls = []
    real = holidays.country_holidays

    def counting(country, subdiv=None, years=None, **kwargs):
        calls.append((country, subdiv, years))
        return real(country, subdiv=subdiv, years=years, **kwargs)

    monkeypatch.setattr(workdays.holidays, "country_holidays", counting)
    workdays._holidays.cache_clear()
    workdays._holiday_dates.cache_clear()
    try:
        day = date(2026, 12, 1)
        for _ in range(2_000):
            ENGLAND.add_working_days(day, 30)  # runs into January 2027
        assert sorted(call for call in calls if call[2] is not None) == [
            ("GB", "ENG", 2026),
            ("GB", "ENG", 2027),
        ]
    finally:
        workdays._holidays.cache_clear()
        workdays._holiday_dates.cache_clear()


def test_october_2026_due_dates_for_the_standard_days():
    # 31 October 2026 is a Saturday; the first working day after is Monday 2 November.
    assert stage_due_dates(date(2026, 10, 1), Recurrence.MONTHLY, DEFAULT_DUE_DAYS, ENGLAND) == {
        "collect": date(2026, 11, 6),  # Fri, working day 5
        "capture": date(2026, 11, 11),  # Wed, working day 8
        "reconcile": date(2026, 11, 13),  # Fri, working day 10
        "prepare": date(2026, 11, 17),  # Tue, working day 12
        "review": date(2026, 11, 19),  # Thu, working day 14
        "deliver": date(2026, 11, 20),  # Fri, working day 15
    }


def test_december_2026_due_dates_skip_new_years_day_in_england_and_2_january_in_scotland():
    due_days = {**DEFAULT_DUE_DAYS, "collect": 1}
    period = date(2026, 12, 1)
    # 1 January 2027 is a Friday; in Scotland 2 January (Saturday) moves to Monday 4th.
    assert stage_due_dates(period, Recurrence.MONTHLY, due_days, ENGLAND)["collect"] == date(
        2027, 1, 4
    )
    assert stage_due_dates(period, Recurrence.MONTHLY, due_days, SCOTLAND)["collect"] == date(
        2027, 1, 5
    )


def test_quarterly_due_dates_count_from_the_end_of_the_quarter():
    # The July quarter ends Wednesday 30 September 2026.
    due = stage_due_dates(date(2026, 7, 1), Recurrence.QUARTERLY, DEFAULT_DUE_DAYS, ENGLAND)
    assert due["collect"] == date(2026, 10, 7)
    assert due["deliver"] == date(2026, 10, 21)


def test_due_dates_need_every_stage():
    due_days = {stage: day for stage, day in DEFAULT_DUE_DAYS.items() if stage != "review"}
    with pytest.raises(ValueError, match="review"):
        stage_due_dates(date(2026, 10, 1), Recurrence.MONTHLY, due_days, ENGLAND)


def test_october_2026_pack_appears_on_monday_2_november():
    assert pack_release_date(date(2026, 10, 1), Recurrence.MONTHLY, ENGLAND) == date(2026, 11, 2)


def test_the_release_offset_counts_working_days():
    assert pack_release_date(date(2026, 10, 1), Recurrence.MONTHLY, ENGLAND, 2) == date(2026, 11, 4)
    with pytest.raises(ValueError):
        pack_release_date(date(2026, 10, 1), Recurrence.MONTHLY, ENGLAND, -1)


def test_a_period_ending_on_the_friday_before_a_bank_holiday_monday_appears_on_tuesday():
    # April 2027 ends Friday 30 April; Monday 3 May 2027 is the early May bank holiday.
    assert pack_release_date(date(2027, 4, 1), Recurrence.MONTHLY, ENGLAND) == date(2027, 5, 4)
