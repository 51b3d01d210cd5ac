"""The practice's clock: today in its timezone and its working-day calendar, the two things
every date rule of the cycle (due dates, status, overdue) is worked out from.

Built from the wall-clock seam (``atlasos.clock``), so a test or a tool that sets that moment
sets this one too.
"""

import datetime
from dataclasses import dataclass

from atlasos import clock
from cycle.status import Status, pack_status
from cycle.workdays import WorkCalendar


@dataclass(frozen=True)
class Clock:
    """Today in the practice's timezone, and its working-day calendar."""

    today: datetime.date
    calendar: WorkCalendar

    @classmethod
    def for_practice(cls, practice, now: datetime.datetime | None = None) -> "Clock":
        return cls(
            today=clock.local_date(practice.timezone, now or clock.now()),
            calendar=WorkCalendar(practice.country),
        )

    def status(self, pack) -> Status:
        """The status of ``pack`` (anything with ``progress()``, like ``tasks.models.Pack``)."""
        return pack_status(pack.progress(), self.today, self.calendar)
