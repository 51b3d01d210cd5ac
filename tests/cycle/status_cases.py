"""The pack-status cases: ``tests/cycle/test_status.py`` checks the status computed in Python
against them, ``tests/tasks/test_overview.py`` the status computed in SQL, so both say the same."""

from datetime import date

import pytest

from cycle.stages import STAGES
from cycle.status import PackProgress, Status
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
