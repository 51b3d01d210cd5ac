"""A member's due dates as an iCalendar feed (Outlook, Google Calendar, Apple Calendar).

One all-day event per stage due date of the member's packs: as preparer the four preparation
stages and delivery, as reviewer the review. Open packs and the packs of the last three months
(so last month's finished work stays visible). Two queries whatever the number of packs: the
packs with their clients, and nothing per pack.
"""

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q
from icalendar import Calendar, Event

from atlasos import clock
from cycle.clock import Clock
from cycle.periods import Recurrence, previous_period
from cycle.stages import PREPARATION_STAGES, STAGES, Stage
from cycle.status import overdue_stages
from tasks.models import Pack

HISTORY_MONTHS = 3
PREPARER_STAGES = (*PREPARATION_STAGES, Stage.DELIVER.value)
REVIEWER_STAGES = (Stage.REVIEW.value,)


def _short(day) -> str:
    return f"{day:%a} {day.day} {day:%b}"


def feed_packs(user, today: datetime.date):
    start = today.replace(day=1)
    for _ in range(HISTORY_MONTHS):
        start = previous_period(start, Recurrence.MONTHLY)
    return (
        Pack.objects.filter(Q(preparer=user) | Q(reviewer=user))
        .filter(Q(completed_at__isnull=True) | Q(period__gte=start))
        .select_related("client")
        .order_by("period", "pk")
    )


def stages_for(pack: Pack, user) -> list[str]:
    mine = set()
    if pack.preparer_id == user.pk:
        mine.update(PREPARER_STAGES)
    if pack.reviewer_id == user.pk:
        mine.update(REVIEWER_STAGES)
    return [stage for stage in STAGES if stage in mine]


def _stage_state(pack: Pack, stage: str, late: set[str], tz: ZoneInfo) -> str:
    done_at = getattr(pack, f"{stage}_done_at")
    if stage == Stage.DELIVER and pack.completed_at is not None:
        done_at = pack.completed_at
    if done_at is not None:
        return f"Complete (done {_short(done_at.astimezone(tz).date())})"
    if stage in late:
        return "Overdue"
    return "To do"


def build_calendar(user, practice, now: datetime.datetime | None = None) -> Calendar:
    now = now or clock.now()
    practice_clock = Clock.for_practice(practice, now)
    site = settings.SITE_URL.rstrip("/")
    calendar = Calendar()
    calendar.add("prodid", "-//AtlasOS//Due dates//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"AtlasOS — {user.full_name or user.email}")
    calendar.add("x-wr-caldesc", f"Your due dates at {practice.name}")
    calendar.add("refresh-interval", datetime.timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    stamp = now.astimezone(datetime.UTC)
    tz = ZoneInfo(practice.timezone)
    for pack in feed_packs(user, practice_clock.today):
        link = site + pack.get_absolute_url()
        status = practice_clock.status(pack)
        late = set(overdue_stages(pack.progress(), practice_clock.today))
        client = pack.client.short_code or pack.client.name
        for stage in stages_for(pack, user):
            due = getattr(pack, f"{stage}_due")
            label = Stage(stage).label
            event = Event()
            event.add("uid", f"{pack.code}-{stage}@atlasos")
            event.add("dtstamp", stamp)
            event.add("dtstart", due)
            event.add("dtend", due + datetime.timedelta(days=1))
            event.add("summary", f"{client} · {label} due ({pack.period_label})")
            event.add(
                "description",
                "\n".join(
                    [
                        f"{pack.client.name} — {pack.period_label}",
                        f"{label}: {_stage_state(pack, stage, late, tz)}",
                        f"Pack status: {status.label}",
                        link,
                    ]
                ),
            )
            event.add("url", link)
            event.add("transp", "TRANSPARENT")
            event.add("categories", [status.label])
            calendar.add_component(event)
    return calendar
