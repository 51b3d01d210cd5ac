"""Overdue alerts: notice when a stage of an open pack passes its due date incomplete, and tell
the preparer and the reviewer — exactly once per pack and stage.

Run by the beat job ``tasks.raise_overdue_alerts`` every 15 minutes, once per practice inside its
context. Safe to run twice, concurrently, or again after a crash:

- the ``OverdueAlert`` row is the claim: unique per (practice, pack, stage), inserted in a
  savepoint, so a second run (or a concurrent one, which waits on the unique index) skips it;
- the notifications are created in the same transaction as their alert, so there are never
  notifications without their alert or an alert whose notifications were lost;
- emails are enqueued once the transaction commits, and the job ends with a sweep that sends
  what the queue lost and finishes claims abandoned by a dead worker (``atlasos.outbox``).
"""

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q

from atlasos import clock, outbox
from cycle.clock import Clock
from cycle.stages import STAGES, Stage
from cycle.status import overdue_stages
from notifications.models import Notification, OverdueAlert
from notifications.services import (
    NOTIFICATION_EMAILS,
    email_choices_of_practice,
    initial_email_state,
    send_due_emails,
)
from tasks.models import Pack
from tasks.status_sql import stage_overdue_q


@dataclass
class AlertRun:
    alerts: int = 0
    notifications: int = 0
    emails: int = 0


def short_date(day: datetime.date) -> str:
    """ "Fri 6 Nov" (spelled out, not strftime("%-d"), which is not portable)."""
    return f"{day:%a} {day.day} {day:%b}"


def _alerted(stage: str) -> Exists:
    return Exists(OverdueAlert.objects.filter(pack=OuterRef("pk"), stage=stage))


def packs_to_alert(today: datetime.date):
    """Open packs with a stage past due, incomplete and not alerted yet (one query), each
    annotated ``alerted_<stage>`` for the stages already alerted."""
    new_late = Q()
    for stage in STAGES:
        new_late |= stage_overdue_q(stage, today) & ~Q(**{f"alerted_{stage}": True})
    return (
        Pack.objects.annotate(**{f"alerted_{stage}": _alerted(stage) for stage in STAGES})
        .filter(new_late)
        .select_related("client", "template", "preparer", "reviewer")
        .order_by("pk")
    )


def recipients(pack: Pack) -> list:
    """The preparer and the reviewer (the manager answering for the pack), once each, active
    members of the pack's practice only."""
    people = []
    for person in (pack.preparer, pack.reviewer):
        if person is None or not person.is_active or person.practice_id != pack.practice_id:
            continue
        if person.pk not in {p.pk for p in people}:
            people.append(person)
    return people


def alert_text(pack: Pack, alerts: list[OverdueAlert]) -> tuple[str, str]:
    """Title and body of the notification for the alerts just raised on one pack (several when
    the job first sees a pack already behind on more than one stage)."""
    latest = alerts[-1]
    title = f"{pack.client.name} — {Stage(latest.stage).label} was due {short_date(latest.due)}"
    lines = [
        f"The {pack.period_label} pack ({pack.template.name}) is behind: "
        f"{Stage(latest.stage).label} was due {short_date(latest.due)} and is not complete."
    ]
    earlier = alerts[:-1]
    if earlier:
        behind = ", ".join(f"{Stage(a.stage).label} (due {short_date(a.due)})" for a in earlier)
        lines.append(f"Also behind: {behind}.")
    people = [
        f"Preparer: {pack.preparer.full_name if pack.preparer else 'nobody assigned'}.",
        f"Reviewer: {pack.reviewer.full_name if pack.reviewer else 'nobody assigned'}.",
    ]
    lines.append(" ".join(people))
    return title, "\n".join(lines)


def _raise_for_pack(
    pack: Pack, today: datetime.date, now, choices: dict
) -> tuple[list[OverdueAlert], list[Notification]]:
    """One pack, one transaction: the new alert rows, then their notifications."""
    already = {stage for stage in STAGES if getattr(pack, f"alerted_{stage}")}
    late = [stage for stage in overdue_stages(pack.progress(), today) if stage not in already]
    with transaction.atomic():
        alerts = []
        for stage in late:
            try:
                with transaction.atomic():
                    alerts.append(
                        OverdueAlert.objects.create(
                            pack=pack,
                            stage=stage,
                            due=getattr(pack, f"{stage}_due"),
                            created_at=now,
                        )
                    )
            except IntegrityError:
                # Another run raised this one first: exactly once per pack and stage.
                continue
        if not alerts:
            return [], []
        title, body = alert_text(pack, alerts)
        notifications = Notification.objects.bulk_create(
            [
                Notification(
                    recipient=person,
                    kind=Notification.Kind.OVERDUE,
                    title=title,
                    body=body,
                    url=pack.get_absolute_url(),
                    pack=pack,
                    alert=alerts[-1],
                    created_at=now,
                    email_state=initial_email_state(choices.get(person.pk, "")),
                )
                for person in recipients(pack)
            ]
        )
        # Sent from a worker once this transaction commits; if the queue loses them, the sweep
        # at the end of this job (or the next run) sends them.
        outbox.queue(
            NOTIFICATION_EMAILS,
            [n for n in notifications if n.email_state == Notification.EmailState.PENDING],
        )
    return alerts, notifications


def raise_overdue_alerts(
    practice, now: datetime.datetime | None = None, *, sweep: bool = True
) -> AlertRun:
    """Alert every stage of the practice's open packs that has just gone overdue, then (unless
    ``sweep`` is off) send the emails still owed. Runs inside ``practice_context(practice.pk)``."""
    now = now or clock.now()
    today = Clock.for_practice(practice, now).today
    choices = email_choices_of_practice()
    run = AlertRun()
    for pack in packs_to_alert(today):
        alerts, notifications = _raise_for_pack(pack, today, now, choices)
        run.alerts += len(alerts)
        run.notifications += len(notifications)
    if sweep:
        run.emails = send_due_emails(now)
    return run
