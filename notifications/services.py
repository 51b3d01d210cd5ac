"""Notifications: the bell's count, marking read, preferences, and their emails.

A notification's email and a member's daily digest are sent exactly once through the outbox
(``atlasos.outbox``): ``NOTIFICATION_EMAILS`` over ``Notification``'s ``email_*`` fields,
``DIGESTS`` over ``Digest`` rows (unique per member and day). Each row is claimed, sent with a
Message-ID derived from its code and marked sent; the alert job's sweep (``send_due_emails``)
and the digest job finish what the queue lost or a dead worker left, with the same Message-ID.
An email that can never go is marked failed with the reason and never retried. Subjects are
always one line (``atlasos.mail_headers``), so an old title with a line break still goes.
"""

import datetime
import secrets
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse

from atlasos import clock, outbox
from atlasos.accounts.models import hash_token
from atlasos.mail_headers import one_line
from atlasos.tenancy.context import unscoped
from notifications.models import (
    CalendarFeed,
    Digest,
    EmailChoice,
    Notification,
    NotificationPreference,
)

BADGE_MAX = 99


# --- the bell and the list ----------------------------------------------------------------------


@dataclass(frozen=True)
class Bell:
    unread: int

    @property
    def badge(self) -> str:
        return f"{BADGE_MAX}+" if self.unread > BADGE_MAX else str(self.unread)

    @property
    def label(self) -> str:
        if not self.unread:
            return "Notifications, none unread"
        return f"Notifications, {self.unread} unread"


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def mark_read(notification: Notification, now: datetime.datetime | None = None) -> bool:
    """Mark one notification read; False if it already was."""
    if notification.read_at is not None:
        return False
    now = now or clock.now()
    updated = Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
        read_at=now
    )
    notification.read_at = now
    return bool(updated)


def mark_all_read(user, now: datetime.datetime | None = None, **only) -> int:
    """Mark the user's unread notifications read (``only``: e.g. ``pack=pack``); how many."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True, **only).update(
        read_at=now or clock.now()
    )


# --- preferences --------------------------------------------------------------------------------


def email_choice(user) -> str:
    choice = (
        NotificationPreference.objects.filter(user=user).values_list("email", flat=True).first()
    )
    return choice or EmailChoice.EACH


def email_choices_of_practice() -> dict[int, str]:
    """user id → email choice, for every member with a saved preference (one query)."""
    return dict(NotificationPreference.objects.values_list("user_id", "email"))


def save_email_choice(user, choice: str) -> NotificationPreference:
    preference, _ = NotificationPreference.objects.update_or_create(
        user=user, defaults={"email": choice}
    )
    return preference


def initial_email_state(choice: str) -> str:
    return {
        EmailChoice.EACH: Notification.EmailState.PENDING,
        EmailChoice.DIGEST: Notification.EmailState.DIGEST,
        EmailChoice.NONE: Notification.EmailState.NONE,
    }.get(choice, Notification.EmailState.PENDING)


# --- sending one email per notification ---------------------------------------------------------


def absolute_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def notification_email(notification: Notification) -> EmailMultiAlternatives | None:
    """The email of one notification; None when its member was deactivated since the alert
    (they no longer get the practice's email)."""
    if not notification.recipient.is_active:
        return None
    context = {
        "notification": notification,
        "recipient": notification.recipient,
        "pack": notification.pack,
        "link": absolute_url(notification.url),
        "settings_link": absolute_url(reverse("notification_settings")),
        "practice": notification.recipient.practice,
    }
    title = one_line(notification.title)
    message = EmailMultiAlternatives(
        subject=f"Overdue: {title}" if notification.kind == Notification.Kind.OVERDUE else title,
        body=render_to_string("notifications/email/notification.txt", context),
        to=[notification.recipient.email],
    )
    message.attach_alternative(
        render_to_string("notifications/email/notification.html", context), "text/html"
    )
    return message


NOTIFICATION_EMAILS = outbox.Outbox(
    name="notification",
    rows=lambda: Notification.objects,
    build=notification_email,
    state_field="email_state",
    pending=Notification.EmailState.PENDING,
    sending=Notification.EmailState.SENDING,
    sent=Notification.EmailState.SENT,
    failed=Notification.EmailState.FAILED,
    nothing_to_send=Notification.EmailState.NONE,
    claimed_at_field="email_claimed_at",
    attempts_field="email_attempts",
    sent_at_field="email_sent_at",
    failure_field="email_failure",
    select_related=("recipient__practice", "pack"),
)


def claim_notification(pk: int, now: datetime.datetime) -> bool:
    """Claim one notification's email (``atlasos.outbox.claim``). True for exactly one caller."""
    return outbox.claim(NOTIFICATION_EMAILS, pk, now)


def send_notification_email(pk: int, now: datetime.datetime | None = None) -> bool:
    """Claim, send, mark sent one notification's email (``atlasos.outbox.send_one``)."""
    return outbox.send_one(NOTIFICATION_EMAILS, pk, now)


def send_due_emails(now: datetime.datetime | None = None) -> int:
    """The sweep run with every alert job: emails never sent (the queue lost them) and claims
    abandoned by a dead worker. Never a row already sent or freshly claimed."""
    return outbox.sweep(NOTIFICATION_EMAILS, now)


# --- the daily digest ---------------------------------------------------------------------------


def digest_day(practice, now: datetime.datetime) -> datetime.date | None:
    """The local date whose digest is due at ``now``, or None before the digest hour."""
    local = now.astimezone(ZoneInfo(practice.timezone))
    if local.hour < settings.NOTIFICATION_DIGEST_HOUR:
        return None
    return local.date()


def _open_digests(practice, day: datetime.date, now: datetime.datetime) -> None:
    """Make today's Digest row for every member with notifications waiting for one, and give it
    those notifications. A member whose digest for today exists already keeps any newer
    notifications for tomorrow's: the row is created once and its content fixed with it."""
    waiting = (
        Notification.objects.filter(
            email_state=Notification.EmailState.DIGEST,
            digest__isnull=True,
            created_at__lte=now,
            recipient__is_active=True,
        )
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    already = set(Digest.objects.filter(day=day).values_list("user_id", flat=True))
    for user_id in sorted(set(waiting) - already):
        try:
            with transaction.atomic():
                digest = Digest.objects.create(user_id=user_id, day=day, created_at=now)
                Notification.objects.filter(
                    recipient_id=user_id,
                    email_state=Notification.EmailState.DIGEST,
                    digest__isnull=True,
                    created_at__lte=now,
                ).update(digest=digest)
        except IntegrityError:
            # Another run made this member's digest for today first: theirs stands.
            continue


def digest_email(digest: Digest) -> EmailMultiAlternatives | None:
    """The day's digest of one member; None when nothing is left to send (the member was
    deactivated since): the row is then closed as sent, nothing being owed."""
    notifications = list(
        Notification.objects.filter(digest=digest).select_related("pack").order_by("created_at")
    )
    if not notifications or not digest.user.is_active:
        return None
    count = len(notifications)
    context = {
        "digest": digest,
        "recipient": digest.user,
        "practice": digest.user.practice,
        "items": [(n, absolute_url(n.url)) for n in notifications],
        "count": count,
        "list_link": absolute_url(reverse("notification_list")),
        "settings_link": absolute_url(reverse("notification_settings")),
    }
    noun = "alert" if count == 1 else "alerts"
    message = EmailMultiAlternatives(
        subject=one_line(
            f"AtlasOS daily digest for {digest.day.strftime('%a')} {digest.day.day} "
            f"{digest.day.strftime('%b')}: {count} overdue {noun}"
        ),
        body=render_to_string("notifications/email/digest.txt", context),
        to=[digest.user.email],
    )
    message.attach_alternative(
        render_to_string("notifications/email/digest.html", context), "text/html"
    )
    return message


DIGESTS = outbox.Outbox(
    name="digest",
    rows=lambda: Digest.objects,
    build=digest_email,
    nothing_to_send=Digest.State.SENT,
    select_related=("user__practice",),
)


def send_daily_digests(practice, now: datetime.datetime | None = None) -> int:
    """Hourly: from the digest hour on, one email per member per day listing the notifications
    that wait for a digest. Idempotent: a second run finds today's digests made and sent."""
    now = now or clock.now()
    day = digest_day(practice, now)
    if day is not None:
        _open_digests(practice, day, now)
    return outbox.sweep(DIGESTS, now)


# --- the calendar feed --------------------------------------------------------------------------


def active_feed(user) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).first()


@transaction.atomic
def revoke_feeds(user, now: datetime.datetime | None = None) -> int:
    """Turn off the member's feed: its address becomes a 404 for every calendar app."""
    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=now or clock.now()
    )


@transaction.atomic
def create_feed(user) -> str:
    """A new secret address for the member (the old one, if any, stops working). Returns the
    token: it is stored only as a hash, so this is the one time it can be shown."""
    revoke_feeds(user)
    token = secrets.token_urlsafe(32)
    CalendarFeed.objects.create(user=user, token_hash=hash_token(token))
    return token


def find_feed(token: str) -> CalendarFeed | None:
    """The active feed behind a secret address, across practices (the address carries no
    practice), with its member and their practice; None if unknown, revoked, or the member
    can no longer sign in."""
    if not token or len(token) > 200:
        return None
    with unscoped("calendar feed by secret token"):
        feed = (
            CalendarFeed.unscoped_objects.select_related("user__practice")
            .filter(token_hash=hash_token(token), revoked_at__isnull=True)
            .first()
        )
    if feed is None:
        return None
    user = feed.user
    if not user.is_active or not user.is_practice_staff or user.practice_id != feed.practice_id:
        return None
    return feed
