"""How each demo pack's month went, and how much of it has happened by now: a pure module.

Every pack follows a *profile*: on time (each stage done by its due date, up to two working days
early), late (from one stage on, everything slips a few working days), or stuck (one stage never
got done: the client has not sent the documents, the review waits for a partner...). The seed
cuts that schedule off at *now*: seeded on the 1st of a month the newest packs are hours old,
seeded on the 20th they are mostly through review.

Which profiles a period's packs get (``period_profiles``) keeps the demo mid-flight on any day:
the newest period as it comes; the period before it with stragglers in every stage, all
overdue since every one of its dates has passed (so early in a month, before anything of the
newest period is due, the practice still has late and in-review work); and a handful of older
packs never finished. The month history on the board is therefore never all 100 %.
"""

import datetime
import math
import random
from dataclasses import dataclass

from cycle.periods import Recurrence, previous_period
from cycle.stages import STAGES, Stage
from cycle.workdays import WorkCalendar, pack_release_date, released_period

MINUTE = datetime.timedelta(minutes=1)
# The recurrence job runs hourly: a period's packs appear in its first run of the release day.
RELEASE_TIME = datetime.time(0, 5)

# Newest period: the share of packs stuck on a stage, and of packs running late.
NEWEST_STUCK = 0.10
NEWEST_LATE = 0.25
# The period before: the share of stragglers (at least one per stage) and of late packs.
STRAGGLERS = 0.15
BEFORE_LATE = 0.25
# Older periods: the share of packs still open, by age, and the stages they are stuck in.
OLDER_OPEN = {
    2: (0.03, (Stage.REVIEW, Stage.DELIVER, Stage.PREPARE)),
    3: (0.015, (Stage.REVIEW,)),
}
HISTORY_LATE = 0.15


@dataclass(frozen=True)
class Profile:
    late_from: int | None = None  # the first stage that slipped (index in STAGES)
    slip: int = 0  # by this many working days
    stuck_at: int | None = None  # the stage never completed (index in STAGES)
    started: bool = True  # whether the stage in progress may have items ticked


ON_TIME = Profile()
# As the recurrence made it: nothing ticked (the demo's scripted packs start here).
UNTOUCHED = Profile(stuck_at=0, started=False)


def stuck_on(stage: str, *, started: bool = True) -> Profile:
    return Profile(stuck_at=STAGES.index(stage), started=started)


@dataclass(frozen=True)
class PackPlan:
    """What has happened to one pack by now."""

    created: datetime.datetime  # when the recurrence made it
    done: dict[str, datetime.datetime]  # completed stages, in cycle order: when
    working: str | None = None  # the stage in progress, if some of its items are ticked ...
    working_at: datetime.datetime | None = None  # ... at this moment

    @property
    def current_stage(self) -> str:
        return next((stage for stage in STAGES if stage not in self.done), "")

    @property
    def completed_at(self) -> datetime.datetime | None:
        return self.done.get(Stage.DELIVER)

    def stage_start(self, stage: str) -> datetime.datetime:
        """When work on ``stage`` could begin: the previous stage's completion, or creation."""
        index = STAGES.index(stage)
        return self.done[STAGES[index - 1]] if index else self.created


def release_moment(period: datetime.date, calendar: WorkCalendar, tz, offset: int, now):
    """When the recurrence created the period's packs (``tasks.recurrence.due_period``): its
    first run on the release day, or a minute ago when that day is today and it is earlier."""
    day = pack_release_date(period, Recurrence.MONTHLY, calendar, offset)
    return min(datetime.datetime.combine(day, RELEASE_TIME, tzinfo=tz), now - MINUTE)


def released_periods(today: datetime.date, calendar: WorkCalendar, offset: int, history: int):
    """The newest period whose packs have appeared by ``today`` (the board's current period)
    and the ``history`` periods before it, oldest first. On New Year's Day, a holiday,
    December's packs do not exist yet: the newest period is November."""
    periods = [released_period(today, Recurrence.MONTHLY, calendar, offset)]
    for _ in range(history):
        periods.insert(0, previous_period(periods[0], Recurrence.MONTHLY))
    return periods


def work_moment(rng: random.Random, day: datetime.date, after, now, tz):
    """A time in working hours on ``day``, kept strictly after ``after`` and before ``now``
    (None when there is no room between them)."""
    low, high = after + MINUTE, now - MINUTE
    if low >= high:
        return None
    moment = datetime.datetime.combine(
        day, datetime.time(rng.randint(8, 17), rng.randint(0, 59)), tzinfo=tz
    )
    if moment > high:
        moment = high - rng.randint(0, 89) * MINUTE
    return max(moment, low)


def plan_pack(
    rng: random.Random, profile: Profile, due: dict, created, now, calendar: WorkCalendar, tz
) -> PackPlan:
    """The pack's schedule under ``profile``, cut off at ``now``."""
    today = now.astimezone(tz).date()
    done = {}
    last_day, last_moment = created.astimezone(tz).date(), created
    for index, stage in enumerate(STAGES):
        if profile.stuck_at is not None and index >= profile.stuck_at:
            break
        if profile.late_from is not None and index >= profile.late_from:
            day = calendar.add_working_days(due[stage], profile.slip + rng.choice([0, 0, 1]))
        else:
            early = rng.choice([0, 0, 1, 1, 2])
            day = calendar.add_working_days(due[stage], -early) if early else due[stage]
        day = max(day, last_day)
        if day > today:
            break
        moment = work_moment(rng, day, last_moment, now, tz)
        if moment is None:
            break
        done[stage] = moment
        last_day, last_moment = day, moment
    working = next((stage for stage in STAGES if stage not in done), None)
    if working is None or working == Stage.DELIVER or not profile.started:
        return PackPlan(created, done)
    if rng.random() >= 0.6:
        return PackPlan(created, done)
    day = min(today, calendar.add_working_days(last_day, 1))
    working_at = work_moment(rng, day, last_moment, now, tz)
    if working_at is None:
        return PackPlan(created, done)
    return PackPlan(created, done, working, working_at)


def _late_or_on_time(rng: random.Random, share: float) -> Profile:
    if rng.random() < share:
        return Profile(late_from=rng.randrange(len(STAGES)), slip=rng.randint(1, 6))
    return ON_TIME


def period_profiles(rng: random.Random, keys: list, age: int) -> dict:
    """A profile for each client key of one period; ``age`` 0 is the newest period, 1 the one
    before, and so on."""
    profiles = {}
    if age == 0:
        weights = [3, 1, 1, 1, 1, 1]  # a stuck pack most often waits for documents
        for key in keys:
            draw = rng.random()
            if draw < NEWEST_STUCK:
                profiles[key] = stuck_on(rng.choices(STAGES, weights)[0])
            else:
                profiles[key] = _late_or_on_time(rng, NEWEST_LATE / (1 - NEWEST_STUCK))
        return profiles
    if age == 1:
        count = min(len(keys), max(len(STAGES), round(STRAGGLERS * len(keys))))
        stages, late = STAGES, BEFORE_LATE
    else:
        share, stages = OLDER_OPEN.get(age, (0, ()))
        count = min(len(keys), math.ceil(share * len(keys)))
        late = HISTORY_LATE
    stragglers = rng.sample(keys, count)
    for index, key in enumerate(stragglers):
        profiles[key] = stuck_on(stages[index % len(stages)])
    for key in keys:
        if key not in profiles:
            profiles[key] = _late_or_on_time(rng, late)
    return profiles


def practice_profiles(rng: random.Random, keys: list, ages: int, forced: dict) -> list[dict]:
    """Profiles for ``ages`` periods (index 0 the newest), ``forced[(key, age)]`` taking the
    place of a drawn one; the clients drawn for the stragglers are never forced ones.

    The straggler of the period before that is stuck in collect is the client who has not sent
    documents for two months: its newest pack is stuck in collect too, with nothing in.
    """
    by_age = []
    for age in range(ages):
        free = [key for key in keys if (key, age) not in forced]
        profiles = period_profiles(rng, free, age)
        profiles.update({key: forced[(key, age)] for key in keys if (key, age) in forced})
        by_age.append(profiles)
    if ages > 1:
        silent = [
            key
            for key, profile in by_age[1].items()
            if profile.stuck_at == 0 and (key, 1) not in forced and (key, 0) not in forced
        ]
        if silent:
            by_age[1][silent[0]] = by_age[0][silent[0]] = UNTOUCHED
    return by_age
