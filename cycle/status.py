"""The status of a pack at a date: one pure function, first match wins (DESIGN §4).

1. complete     the pack is delivered (even if an earlier stage was never ticked off);
2. overdue      some stage that is not complete was due before today;
3. in_progress  work has started and the current stage is due within two working days;
4. on_track     work has started and the current stage is due later than that;
5. not_started  nothing ticked and nothing behind.

Decisions on the edges:
- A stage due today is not overdue: it is due by the end of the day. It becomes overdue tomorrow
  (the next calendar day, weekend or not).
- Any incomplete stage can make a pack overdue, not only the current one: with review ticked and
  capture not, capture's date still counts.
- Until the pack is delivered the deliver stage counts as outstanding, even with all its items
  ticked: only delivery completes a pack, and a pack left undelivered past its deliver date is
  overdue.
- A pack with nothing ticked stays `not_started` when its current stage is due soon; it only
  turns `overdue` once a date has passed. A completed stage means something was ticked, so it
  counts as started whatever `started` says.
- A stage with no due date in `due` (absent or None) is never overdue, and as the current stage
  it gives `on_track`.
"""

import datetime
from dataclasses import dataclass

from django.db import models

from cycle.stages import STAGES, Stage
from cycle.workdays import WorkCalendar

# The current stage needs attention when due within this many working days.
ATTENTION_WORKING_DAYS = 2


class Status(models.TextChoices):
    COMPLETE = "complete", "Complete"
    OVERDUE = "overdue", "Overdue"
    IN_PROGRESS = "in_progress", "In progress"
    ON_TRACK = "on_track", "On track"
    NOT_STARTED = "not_started", "Not started"


@dataclass(frozen=True)
class PackProgress:
    due: dict[str, datetime.date]  # stage -> due date
    completed: frozenset[str] = frozenset()  # stages whose mandatory items are all done
    started: bool = False  # any checklist item ticked
    delivered: bool = False

    def __post_init__(self):
        # Callers often hold a set or a list; keep the dataclass immutable either way.
        object.__setattr__(self, "completed", frozenset(self.completed))


def current_stage(completed) -> str | None:
    """The first stage not complete; None when all six are complete."""
    return next((stage for stage in STAGES if stage not in completed), None)


def _outstanding_completed(progress: PackProgress) -> frozenset[str]:
    # Only delivery completes a pack, so until then the deliver stage is outstanding.
    return progress.completed - {Stage.DELIVER.value}


def overdue_stages(progress: PackProgress, today: datetime.date) -> list[str]:
    """Stages, in cycle order, due before today and not complete; [] once delivered."""
    if progress.delivered:
        return []
    completed = _outstanding_completed(progress)
    return [
        stage
        for stage in STAGES
        if stage not in completed
        and progress.due.get(stage) is not None
        and progress.due[stage] < today
    ]


def pack_status(progress: PackProgress, today: datetime.date, calendar: WorkCalendar) -> Status:
    if progress.delivered:
        return Status.COMPLETE
    if overdue_stages(progress, today):
        return Status.OVERDUE
    if not (progress.started or progress.completed):
        return Status.NOT_STARTED
    # Never None here: deliver is outstanding until delivered.
    stage = current_stage(_outstanding_completed(progress))
    due = progress.due.get(stage)
    if due is not None and due <= calendar.add_working_days(today, ATTENTION_WORKING_DAYS):
        return Status.IN_PROGRESS
    return Status.ON_TRACK


def days_behind(progress: PackProgress, today: datetime.date, calendar: WorkCalendar) -> int:
    """Working days since the earliest missed due date; 0 when not behind.

    An overdue pack is at least 1 day behind, even on the weekend straight after a Friday due
    date, when no working day has passed yet.
    """
    late = overdue_stages(progress, today)
    if not late:
        return 0
    earliest_missed = min(progress.due[stage] for stage in late)
    return max(1, calendar.working_days_between(earliest_missed, today))
