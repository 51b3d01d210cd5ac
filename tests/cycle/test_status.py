from datetime import date

import pytest

from cycle.stages import STAGES
from cycle.status import (
    PackProgress,
    Status,
    current_stage,
    days_behind,
    overdue_stages,
    pack_status,
)
from tests.cycle.status_cases import (
    AFTER_CHRISTMAS,
    ENGLAND,
    OCTOBER,
    STATUS_CASES,
    pack,
)


@pytest.mark.parametrize("today, progress, expected", STATUS_CASES)
def test_pack_status(today, progress, expected):
    assert pack_status(progress, today, ENGLAND) == expected


def test_every_status_is_covered_by_the_table():
    assert {case.values[2] for case in STATUS_CASES} == set(Status)


def test_status_labels():
    assert Status.choices == [
        ("complete", "Complete"),
        ("overdue", "Overdue"),
        ("in_progress", "In progress"),
        ("on_track", "On track"),
        ("not_started", "Not started"),
    ]


def test_a_stage_without_a_due_date_is_never_overdue_and_leaves_the_pack_on_track():
    without_capture = {stage: day for stage, day in OCTOBER.items() if stage != "capture"}
    for due in (without_capture, {**OCTOBER, "capture": None}):
        progress = pack("collect", due=due)
        assert overdue_stages(progress, date(2026, 11, 12)) == []
        assert days_behind(progress, date(2026, 11, 12), ENGLAND) == 0
        assert pack_status(progress, date(2026, 11, 12), ENGLAND) == Status.ON_TRACK


def test_progress_accepts_any_collection_of_completed_stages():
    progress = PackProgress(due=OCTOBER, completed={"collect"}, started=True, delivered=False)
    assert progress.completed == frozenset({"collect"})


def test_current_stage_is_the_first_stage_not_complete():
    assert current_stage(frozenset()) == "collect"
    assert current_stage(frozenset({"collect", "capture"})) == "reconcile"
    assert current_stage(frozenset({"collect", "review"})) == "capture"
    assert current_stage(frozenset(STAGES)) is None


def test_overdue_stages_lists_every_late_stage_in_cycle_order():
    progress = pack("collect", "review")
    assert overdue_stages(progress, date(2026, 11, 18)) == ["capture", "reconcile", "prepare"]
    assert overdue_stages(progress, date(2026, 11, 17)) == ["capture", "reconcile"]


def test_a_delivered_pack_has_no_overdue_stages():
    progress = pack("collect", delivered=True)
    assert overdue_stages(progress, date(2026, 12, 1)) == []
    assert days_behind(progress, date(2026, 12, 1), ENGLAND) == 0


def test_days_behind_is_zero_when_not_behind():
    assert days_behind(pack(), date(2026, 11, 6), ENGLAND) == 0


def test_days_behind_counts_working_days_since_the_earliest_missed_date():
    # Capture was due Wednesday 11th: Thursday, Friday, Monday have passed.
    assert days_behind(pack("collect"), date(2026, 11, 16), ENGLAND) == 3
    # Collect (Friday 6th) is the earliest missed, capture too: counted from collect.
    assert days_behind(pack(), date(2026, 11, 16), ENGLAND) == 6


def test_a_pack_overdue_over_a_weekend_is_one_day_behind():
    # Collect was due Friday 6th; on Saturday no working day has passed, but it is late.
    assert days_behind(pack(), date(2026, 11, 7), ENGLAND) == 1
    assert days_behind(pack(), date(2026, 11, 9), ENGLAND) == 1


def test_days_behind_skips_bank_holidays():
    due = {**AFTER_CHRISTMAS, "collect": date(2026, 12, 24)}
    # 25th, 26th, 27th and 28th are not working days; Tuesday 29th is the first one missed.
    assert days_behind(pack(due=due), date(2026, 12, 29), ENGLAND) == 1
    assert days_behind(pack(due=due), date(2026, 12, 31), ENGLAND) == 3
