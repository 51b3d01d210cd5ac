"""The demo's story played in order of time, through the services a practice uses.

Each action runs with the clock set to its moment (``atlasos.clock.fixed_at``), so every row a
service writes — a tick and its audit trail, an upload, a sent request and its email, a
reminder, a delivery — carries the moment it happened, and the reminder job run on a past day
sees what had arrived by then. Nothing is scheduled at or after *now*.
"""

import datetime
from collections.abc import Callable

from atlasos import clock
from tasks.models import Pack, PackItem
from tasks.services import set_item_done

# Successive clicks of one person within an action.
CLICK = datetime.timedelta(seconds=2)


class Timeline:
    """Actions at moments, run in order of time (then in the order they were added)."""

    def __init__(self, now: datetime.datetime):
        self.now = now
        self._actions: list[tuple] = []

    def add(self, moment: datetime.datetime | None, action: Callable, *args) -> bool:
        """Schedule ``action(*args)`` at ``moment``; False (nothing scheduled) when there is
        no moment or it is not in the past."""
        if moment is None or moment >= self.now:
            return False
        self._actions.append((moment, len(self._actions), action, args))
        return True

    def run(self, after: Callable | None = None) -> None:
        """Run every action at its moment; ``after()`` follows each one, at the same moment."""
        for moment, _, action, args in sorted(self._actions, key=lambda entry: entry[:2]):
            with clock.fixed_at(moment):
                action(*args)
                if after is not None:
                    after()


def clicks(items: list, start: datetime.datetime | None = None):
    """``(item, moment)`` for a person working down a list, a click every two seconds from
    ``start`` (default: the clock's moment)."""
    start = start or clock.now()
    return [(item, start + n * CLICK) for n, item in enumerate(items)]


def tick_stage(pack: Pack, stage: str, user, rng) -> None:
    """``user`` ticks the stage's open mandatory items and most optional ones."""
    items = PackItem.objects.filter(pack=pack, stage=stage, done_at__isnull=True).order_by(
        "position"
    )
    chosen = [item for item in items if item.mandatory or rng.random() < 0.6]
    for item, moment in clicks(chosen):
        with clock.fixed_at(moment):
            set_item_done(item, user, True)
