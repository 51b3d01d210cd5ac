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
from cycle.workdays import WorkCalendar

ENGLAND = WorkCalendar("GB", "ENG")

# The October 2026 pack on the standard days (see test_workdays).
OCTOBER = {
    "collect": date(2026, 11, 6),  # Fri
    "capture": date(2026, 11, 11),  # Wed
    "reconcile": date(2026, 11, 13),  # Fri
    "prepare": date(2026, 11, 17),  # Tue
    "review": date(2026, 11, 19),  # Thu
    "deliver": date(2026, 11, 20),  # Fri
}
# Collect due on Tuesday 29 December 2026, after Christmas (Fri), Boxing Day (Sat) and its
# substitute bank holiday (Mon 28th): two working days after Wednesday 23rd.
AFTER_CHRISTMAS = {
    "collect": date(2026, 12, 29),
    "capture": date(2027, 1, 6),
    "reconcile": date(2027, 1, 8),
    "prepare": date(2027, 1, 12),
    "review": date(2027, 1, 14),
    "deliver": date(2027, 1, 15),
}
PREPARED = ("collect", "capture", "reconcile")
ALL_BUT_DELIVERY = ("collect", "capture", "reconcile", "prepare", "review")


def pack(*completed, started=True, delivered=False, due=OCTOBER):
    return PackProgress(
        due=due, completed=frozenset(completed), started=started, delivered=delivered
    )


STATUS_CASES = [
    # complete
    pytest.param(
        date(2026, 11, 20),
        pack(*STAGES, delivered=True),
        Status.COMPLETE,
        id="a delivered pack is complete",
    ),
    pytest.param(
        date(2026, 11, 30),
        pack("collect", "reconcile", "prepare", "review", "deliver", delivered=True),
        Status.COMPLETE,
        id="a delivered pack is complete even though capture was never ticked off",
    ),
    pytest.param(
        date(2026, 11, 5),
        pack(*STAGES, delivered=True),
        Status.COMPLETE,
        id="a pack delivered early is complete before anything falls due",
    ),
    # not started
    pytest.param(
        date(2026, 11, 2),
        pack(started=False),
        Status.NOT_STARTED,
        id="a pack with nothing ticked before any due date is not started",
    ),
    pytest.param(
        date(2026, 11, 6),
        pack(started=False),
        Status.NOT_STARTED,
        id="a pack with nothing ticked and collect due today is not started",
    ),
    pytest.param(
        date(2026, 11, 5),
        pack(started=False),
        Status.NOT_STARTED,
        id="a pack with nothing ticked and collect due tomorrow is still not started",
    ),
    # overdue
    pytest.param(
        date(2026, 11, 7),
        pack(started=False),
        Status.OVERDUE,
        id="a pack with nothing ticked and collect due yesterday is overdue",
    ),
    pytest.param(
        date(2026, 11, 7),
        pack(),
        Status.OVERDUE,
        id="a started pack with collect due yesterday is overdue even on a saturday",
    ),
    pytest.param(
        date(2026, 11, 12),
        pack("collect"),
        Status.OVERDUE,
        id="a pack with collect done and capture due yesterday is overdue",
    ),
    pytest.param(
        date(2026, 11, 12),
        pack("collect", "review"),
        Status.OVERDUE,
        id="review done out of order does not hide a late capture",
    ),
    pytest.param(
        date(2026, 11, 23),
        pack(*STAGES),
        Status.OVERDUE,
        id="all stages ticked but not delivered after the delivery date is overdue",
    ),
    # in progress
    pytest.param(
        date(2026, 11, 6),
        pack(),
        Status.IN_PROGRESS,
        id="a started pack with collect due today is in progress",
    ),
    pytest.param(
        date(2026, 11, 5),
        pack(),
        Status.IN_PROGRESS,
        id="a started pack with collect due tomorrow is in progress",
    ),
    pytest.param(
        date(2026, 11, 4),
        pack(),
        Status.IN_PROGRESS,
        id="a started pack with collect due in exactly two working days is in progress",
    ),
    pytest.param(
        date(2026, 11, 13),
        pack(*PREPARED),
        Status.IN_PROGRESS,
        id="prepare due in exactly two working days across a weekend is in progress",
    ),
    pytest.param(
        date(2026, 11, 14),
        pack(*PREPARED),
        Status.IN_PROGRESS,
        id="on a saturday a stage due on tuesday is in progress",
    ),
    pytest.param(
        date(2026, 12, 23),
        pack(due=AFTER_CHRISTMAS),
        Status.IN_PROGRESS,
        id="a stage due in exactly two working days across christmas is in progress",
    ),
    pytest.param(
        date(2026, 11, 9),
        pack("collect", "review"),
        Status.IN_PROGRESS,
        id="with review done out of order capture is the current stage and due soon",
    ),
    pytest.param(
        date(2026, 11, 19),
        pack(*ALL_BUT_DELIVERY),
        Status.IN_PROGRESS,
        id="a reviewed pack with delivery due tomorrow is in progress",
    ),
    pytest.param(
        date(2026, 11, 20),
        pack(*STAGES),
        Status.IN_PROGRESS,
        id="all stages ticked but not delivered on the delivery date is in progress",
    ),
    # on track
    pytest.param(
        date(2026, 11, 3),
        pack(),
        Status.ON_TRACK,
        id="a started pack with collect due in three working days is on track",
    ),
    pytest.param(
        date(2026, 11, 12),
        pack(*PREPARED),
        Status.ON_TRACK,
        id="prepare due in three working days across a weekend is on track",
    ),
    pytest.param(
        date(2026, 12, 23),
        pack(due={**AFTER_CHRISTMAS, "collect": date(2026, 12, 30)}),
        Status.ON_TRACK,
        id="a stage due in three working days across christmas is on track",
    ),
    pytest.param(
        date(2026, 11, 6),
        pack("collect", "review"),
        Status.ON_TRACK,
        id="with review done out of order capture is the current stage and not yet close",
    ),
    pytest.param(
        date(2026, 11, 16),
        pack(*STAGES),
        Status.ON_TRACK,
        id="all stages ticked but not delivered is on track while delivery is days away",
    ),
    pytest.param(
        date(2026, 11, 6),
        pack("collect", started=False),
        Status.ON_TRACK,
        id="a completed stage counts as started even when no tick is reported",
    ),
]


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
