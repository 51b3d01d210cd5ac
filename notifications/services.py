"""Notifications: the bell's count, marking read, preferences, and sending email exactly once.

How an email is sent at most once per row, and at least once:

1. **Claim.** A conditional UPDATE moves the row from ``pending`` to ``sending`` and stamps
   ``email_claimed_at``. Only one worker's UPDATE matches; the others see 0 rows and stop.
2. **Send** with a Message-ID derived from the row's code, so the same row always gives the
   same id (mail clients and servers drop a second copy of one Message-ID).
3. **Mark sent** (``sending`` → ``sent``) — only if the claim is still ours.

A worker killed between 1 and 3 leaves the row in ``sending``. The next run takes over a claim
older than ``NOTIFICATION_CLAIM_TIMEOUT_MINUTES`` and finishes it — same Message-ID — and
never touches a row already ``sent`` or one claimed a moment ago (its worker is still at it).
Digests work the same way through their ``Digest`` row, unique per member and day.

An email that can never go (an invalid address, a header that cannot be written, a 5xx answer:
``atlasos.mail_failures``) is marked ``failed`` with the reason and never retried; a transient
failure keeps the claim for a retry, at most ``MAX_SEND_ATTEMPTS`` times. Subjects are always
one line (``atlasos.mail_headers``), so an old title with a line break still goes.
"""

import datetime
import logging
import secrets
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse

from atlasos import clock, mail_failures
from atlasos.accounts.models import hash_token
from atlasos.mail_headers import one_line
from atlasos.tenancy.context import current_practice_id, unscoped
from notifications.models import (
    CalendarFeed,
    Digest,
    EmailChoice,
    Notification,
    NotificationPreference,
)

logger = logging.getLogger(__name__)

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


def _stale_before(now: datetime.datetime) -> datetime.datetime:
    return now - datetime.timedelta(minutes=settings.NOTIFICATION_CLAIM_TIMEOUT_MINUTES)


def _claimable(now: datetime.datetime) -> Q:
    """Rows nobody is sending: pending, or claimed so long ago that the worker is gone."""
    pending = Q(email_state=Notification.EmailState.PENDING)
    abandoned = Q(
        email_state=Notification.EmailState.SENDING, email_claimed_at__lt=_stale_before(now)
    )
    return pending | abandoned


def claim_notification(pk: int, now: datetime.datetime) -> bool:
    """Step 1: the conditional UPDATE. True for exactly one caller."""
    claimed = Notification.objects.filter(_claimable(now), pk=pk).update(
        email_state=Notification.EmailState.SENDING,
        email_claimed_at=now,
        email_attempts=F("email_attempts") + 1,
    )
    return claimed == 1


def notification_email(notification: Notification) -> EmailMultiAlternatives:
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
        headers={"Message-ID": notification.message_id},
    )
    message.attach_alternative(
        render_to_string("notifications/email/notification.html", context), "text/html"
    )
    return message


def _send_or_judge(message: EmailMultiAlternatives, attempts: int):
    """Send; None when it went, else the failure (``mail_failures``) as it stands after
    ``attempts`` attempts."""
    try:
        mail_failures.check(message)
        message.send()
    except Exception as error:
        return mail_failures.gave_up(mail_failures.judge(error), attempts)
    return None


def send_notification_email(pk: int, now: datetime.datetime | None = None) -> bool:
    """Claim, send, mark sent. False when another worker has it, it is already sent, or it
    failed: for good (``failed``, with the reason) or for now (the claim stays, and the row is
    sent again with the same Message-ID once the claim is stale).
    """
    now = now or clock.now()
    if not claim_notification(pk, now):
        return False
    notification = Notification.objects.select_related("recipient__practice", "pack").get(pk=pk)
    ours = Notification.objects.filter(
        pk=pk, email_state=Notification.EmailState.SENDING, email_claimed_at=now
    )
    if not notification.recipient.is_active:
        # Deactivated since the alert: they no longer get the practice's email.
        ours.update(email_state=Notification.EmailState.NONE)
        return False
    failure = _send_or_judge(notification_email(notification), notification.email_attempts)
    if failure is None:
        ours.update(
            email_state=Notification.EmailState.SENT, email_sent_at=clock.now(), email_failure=""
        )
        return True
    if failure.permanent:
        ours.update(email_state=Notification.EmailState.FAILED, email_failure=failure.reason)
    else:
        ours.update(email_failure=failure.reason)
    logger.warning(
        "notification %s of practice %s: email %s: %s",
        pk,
        notification.practice_id,
        "failed" if failure.permanent else "not sent, retried after the claim expires",
        failure.reason,
    )
    return False


def send_notification_emails(pks, now: datetime.datetime | None = None) -> int:
    """Send each of these notifications' email (those still to send). Returns how many. One
    that fails never stops the others."""
    sent = 0
    for pk in pks:
        try:
            sent += send_notification_email(pk, now)
        except Exception:
            logger.exception(
                "notification %s of practice %s: email not sent, retried after the claim expires",
                pk,
                current_practice_id(),
            )
    return sent


def send_due_emails(now: datetime.datetime | None = None) -> int:
    """The sweep run with every alert job: emails never sent (the queue lost them) and claims
    abandoned by a dead worker. Never a row already sent or freshly claimed."""
    now = now or clock.now()
    pks = list(
        Notification.objects.filter(_claimable(now))
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)
    )
    return send_notification_emails(pks, now)


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


def _claim_digest(pk: int, now: datetime.datetime) -> bool:
    pending = Q(state=Digest.State.PENDING)
    abandoned = Q(state=Digest.State.SENDING, claimed_at__lt=_stale_before(now))
    return (
        Digest.objects.filter(pending | abandoned, pk=pk).update(
            state=Digest.State.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
        == 1
    )


def digest_email(digest: Digest, notifications: list[Notification]) -> EmailMultiAlternatives:
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
        headers={"Message-ID": digest.message_id},
    )
    message.attach_alternative(
        render_to_string("notifications/email/digest.html", context), "text/html"
    )
    return message


def _send_digest(pk: int, now: datetime.datetime) -> bool:
    if not _claim_digest(pk, now):
        return False
    digest = Digest.objects.select_related("user__practice").get(pk=pk)
    notifications = list(
        Notification.objects.filter(digest=digest).select_related("pack").order_by("created_at")
    )
    ours = Digest.objects.filter(pk=pk, state=Digest.State.SENDING, claimed_at=now)
    if notifications and digest.user.is_active:
        failure = _send_or_judge(digest_email(digest, notifications), digest.attempts)
        if failure is not None:
            if failure.permanent:
                ours.update(state=Digest.State.FAILED, failure=failure.reason)
            else:
                ours.update(failure=failure.reason)
            logger.warning(
                "digest %s of practice %s: %s: %s",
                pk,
                digest.practice_id,
                "failed" if failure.permanent else "not sent, retried after the claim expires",
                failure.reason,
            )
            return False
    ours.update(state=Digest.State.SENT, sent_at=clock.now(), failure="")
    return True


def send_daily_digests(practice, now: datetime.datetime | None = None) -> int:
    """Hourly: from the digest hour on, one email per member per day listing the notifications
    that wait for a digest. Idempotent: a second run finds today's digests made and sent."""
    now = now or clock.now()
    day = digest_day(practice, now)
    if day is not None:
        _open_digests(practice, day, now)
    stale = _stale_before(now)
    due = Digest.objects.filter(
        Q(state=Digest.State.PENDING) | Q(state=Digest.State.SENDING, claimed_at__lt=stale)
    ).values_list("pk", flat=True)
    sent = 0
    for pk in list(due):
        try:
            sent += _send_digest(pk, now)
        except Exception:
            logger.exception(
                "digest %s of practice %s: not sent, retried after the claim expires",
                pk,
                practice.pk,
            )
    return sent


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
