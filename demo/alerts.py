"""The demo's bell: the overdue alerts the job (``tasks.alerts``) would have raised had it run
every day of the practice's history, with their notifications, none emailed.

The job raises a pack's alerts one transaction at a time, which for a 2,000-client practice
would take minutes; the seed writes the same rows in bulk. For each open pack and each stage
now overdue (``cycle.status.overdue_stages``, the job's own rule), an alert on the day after the
stage fell due, in the job's first run of that day; stages due the same day share a
notification, worded by the job's ``alert_text`` and sent to its ``recipients``. The alert job
run after the seed therefore finds nothing new to raise.
"""

import datetime
from itertools import groupby
from zoneinfo import ZoneInfo

from django.db.models import F

from atlasos import clock
from cycle.status import overdue_stages
from notifications.models import Notification, OverdueAlert
from tasks.alerts import alert_text, recipients
from tasks.models import Pack

BATCH = 5000
# The job runs every 15 minutes: a stage due on Monday is alerted early on Tuesday.
FIRST_RUN = datetime.time(0, 15)
# Notifications older than this have been read (a day after they came); newer ones wait in
# the bell.
READ_AFTER = datetime.timedelta(days=21)
READ_DELAY = datetime.timedelta(days=1)


def seed_overdue_alerts(practice, now: datetime.datetime) -> int:
    """Raise the alerts of every open pack (in the practice's context); how many."""
    tz = ZoneInfo(practice.timezone)
    today = clock.practice_today(practice, now)
    alerts, notifications = [], []
    packs = (
        Pack.objects.filter(completed_at__isnull=True)
        .select_related("client", "template", "preparer", "reviewer")
        .order_by("pk")
    )
    for pack in packs:
        late = overdue_stages(pack.progress(), today)
        for due, stages in groupby(late, key=lambda stage: getattr(pack, f"{stage}_due")):
            raised = datetime.datetime.combine(due + datetime.timedelta(days=1), FIRST_RUN, tz)
            raised = max(pack.created_at, min(raised, now))
            run = [OverdueAlert(pack=pack, stage=s, due=due, created_at=raised) for s in stages]
            alerts += run
            title, body = alert_text(pack, run)
            read_at = raised + READ_DELAY if raised < now - READ_AFTER else None
            notifications += [
                Notification(
                    recipient=person,
                    kind=Notification.Kind.OVERDUE,
                    title=title,
                    body=body,
                    url=pack.get_absolute_url(),
                    pack=pack,
                    alert=run[-1],
                    created_at=raised,
                    read_at=read_at,
                    email_state=Notification.EmailState.NONE,
                )
                for person in recipients(pack)
            ]
    OverdueAlert.objects.bulk_create(alerts, batch_size=BATCH)
    Notification.objects.bulk_create(notifications, batch_size=BATCH)
    return len(alerts)


def settle_notifications(now: datetime.datetime) -> None:
    """Nothing in the demo is emailed to the team (their addresses are made up), and what
    came more than ``READ_AFTER`` ago has been read. Run before the seed commits, when the
    emails queued by the services would be claimed."""
    Notification.objects.exclude(email_state=Notification.EmailState.NONE).update(
        email_state=Notification.EmailState.NONE, email_claimed_at=None, email_sent_at=None
    )
    Notification.objects.filter(read_at__isnull=True, created_at__lt=now - READ_AFTER).update(
        read_at=F("created_at") + READ_DELAY
    )
