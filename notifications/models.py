"""Notifications: what the overdue-alert job tells people, in the app and by email.

Sending email is the one thing here the world outside sees, so every email is claimed through a
row first (``Notification.email_state`` or a ``Digest``) and carries a Message-ID derived from
that row: a retry after a crash finishes the claim with the same identifier instead of sending a
second, different email (DESIGN.md §9). An email that cannot be sent is marked failed with its
reason (``atlasos.mail_failures``): never retried again, never shown as sent.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from atlasos import clock
from atlasos.tenancy.models import TenantModel
from cycle.stages import Stage


def message_id(kind: str, code) -> str:
    """``<notification-<code>@atlasos.example>``: the same row always gives the same id."""
    return f"<{kind}-{code}@{settings.NOTIFICATION_MESSAGE_ID_DOMAIN}>"


class EmailChoice(models.TextChoices):
    EACH = "each", "An email for each alert"
    DIGEST = "digest", "One daily digest email"
    NONE = "none", "No email (the bell in AtlasOS only)"


class NotificationPreference(TenantModel):
    """How one member wants to hear about alerts. No row means the default: an email each."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email = models.CharField(
        "email me",
        max_length=10,
        choices=EmailChoice.choices,
        default=EmailChoice.EACH,
        help_text="The bell in the top bar shows every alert whatever you choose here.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.user}: {self.get_email_display()}"


class OverdueAlert(TenantModel):
    """A stage of a pack went past its due date incomplete. One row per pack and stage, ever:
    the unique constraint is what makes the alert job safe to run twice or concurrently."""

    pack = models.ForeignKey("tasks.Pack", on_delete=models.CASCADE, related_name="+")
    stage = models.CharField(max_length=10, choices=Stage.choices)
    due = models.DateField()
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "pack", "stage"], name="overduealert_pack_stage_uniq"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} overdue (due {self.due:%d %b %Y})"


class Digest(TenantModel):
    """One day's digest email for one member, claimed through this row (unique per day)."""

    class State(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Not sent"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField(help_text="The practice's local date the digest is for.")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    created_at = models.DateTimeField(default=clock.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    failure = models.CharField(max_length=500, blank=True, help_text="Why it was not sent.")

    class Meta:
        ordering = ["-day", "user_id"]
        constraints = [
            models.UniqueConstraint(fields=["practice", "user", "day"], name="digest_user_day_uniq")
        ]
        indexes = [models.Index(fields=["practice", "state"], name="digest_practice_state_idx")]

    def __str__(self) -> str:
        return f"Digest for {self.user} on {self.day:%d %b %Y}"

    @property
    def message_id(self) -> str:
        return message_id("digest", self.code)


class Notification(TenantModel):
    """Something one member should know, with its email's state.

    ``email_state``: pending (to send) → sending (claimed by a worker at ``email_claimed_at``)
    → sent, or failed (``email_failure`` says why); or digest (goes out in the day's digest); or
    none (the member asked for no email).
    """

    class Kind(models.TextChoices):
        OVERDUE = "overdue", "Overdue"
        DOCUMENTS = "documents", "Documents received"
        REVIEW = "review", "Review"

    class EmailState(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Not sent"
        DIGEST = "digest", "In the daily digest"
        NONE = "none", "No email"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OVERDUE)
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, help_text="Where the notification leads (a path).")
    pack = models.ForeignKey(
        "tasks.Pack", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    alert = models.ForeignKey(
        OverdueAlert, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    created_at = models.DateTimeField(default=clock.now)
    read_at = models.DateTimeField(null=True, blank=True)
    email_state = models.CharField(
        max_length=10, choices=EmailState.choices, default=EmailState.PENDING
    )
    email_claimed_at = models.DateTimeField(null=True, blank=True)
    email_sent_at = models.DateTimeField(null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(default=0)
    email_failure = models.CharField(
        max_length=500, blank=True, help_text="Why the email was not sent."
    )
    digest = models.ForeignKey(
        Digest, on_delete=models.SET_NULL, null=True, blank=True, related_name="notifications"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One notification per person per alert, whatever runs the job.
            models.UniqueConstraint(
                fields=["practice", "alert", "recipient"],
                condition=Q(alert__isnull=False),
                name="notification_practice_alert_recipient_uniq",
            )
        ]
        indexes = [
            models.Index(
                fields=["practice", "recipient", "read_at"], name="notification_unread_idx"
            ),
            models.Index(
                fields=["practice", "recipient", "created_at"], name="notification_list_idx"
            ),
            models.Index(
                fields=["practice", "email_state", "email_claimed_at"],
                name="notification_email_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def message_id(self) -> str:
        return message_id("notification", self.code)


class CalendarFeed(TenantModel):
    """A member's secret calendar address. Only a hash of the token is stored: the full address
    is shown once, when it is made; revoking it makes the address a 404."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=clock.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["practice", "user"], name="calendarfeed_user_idx")]

    def __str__(self) -> str:
        return f"Calendar feed of {self.user}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
