"""Email to client contacts, recorded: request sent, reminders, delivery.

Each ``PortalEmail`` row is one message to one contact, rendered when it is queued (so a retry
sends exactly what was recorded) and sent exactly once by claiming the row first
(``atlasos.outbox``). One that cannot be sent is ``failed`` with its reason, never retried
again and never shown as sent. Reminders add one ``Reminder`` row per request and step in the
message: unique per request, contact and step, so a step can never be queued twice; reminders
of unanswered queries do the same with ``QueryReminder``."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from atlasos import clock
from atlasos.tenancy.models import TenantModel
from clients.models import Client, Contact


class PortalEmail(TenantModel):
    class Kind(models.TextChoices):
        REQUEST = "request", "Request sent"
        REMINDER = "reminder", "Reminder"
        DELIVERY = "delivery", "Delivery"
        QUERY = "query", "Query"
        QUERY_REMINDER = "query_reminder", "Query reminder"
        INVITATION = "invitation", "Portal invitation"
        SIGN_IN = "sign_in", "Sign-in link"

    class State(models.TextChoices):
        PENDING = "pending", "Waiting to send"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Not sent"

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="portal_emails")
    kind = models.CharField(max_length=16, choices=Kind)
    day = models.DateField(help_text="The practice's local date it was queued on.")
    to_address = models.EmailField()
    reply_to = models.EmailField(blank=True)
    subject = models.CharField(max_length=250)
    body_text = models.TextField()
    body_html = models.TextField()
    state = models.CharField(max_length=10, choices=State, default=State.PENDING)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(
        default=0, help_text="How many times a worker claimed it to send it."
    )
    failure = models.CharField(
        max_length=500,
        blank=True,
        help_text="Why the last attempt failed (the reason it was not sent, once failed).",
    )
    request = models.ForeignKey(
        "portal.DocumentRequest",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="emails",
    )
    delivery = models.ForeignKey(
        "portal.Delivery", on_delete=models.CASCADE, null=True, blank=True, related_name="emails"
    )
    query = models.ForeignKey(
        "portal.ClientQuery", on_delete=models.CASCADE, null=True, blank=True, related_name="emails"
    )
    queued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One reminder email per contact per day, however many clients it covers.
            models.UniqueConstraint(
                fields=["practice", "contact", "day"],
                condition=Q(kind="reminder"),
                name="portal_email_one_reminder_a_day",
            ),
            # One query reminder email per contact per day, however many queries it covers.
            models.UniqueConstraint(
                fields=["practice", "contact", "day"],
                condition=Q(kind="query_reminder"),
                name="portal_email_one_query_reminder_a_day",
            ),
        ]
        indexes = [
            models.Index(
                fields=["practice", "state", "claimed_at"], name="portal_email_practice_state"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.to_address}"

    @property
    def message_id(self) -> str:
        return f"<portal-email-{self.code}@{settings.NOTIFICATION_MESSAGE_ID_DOMAIN}>"


class Reminder(TenantModel):
    """One reminder step of one request, to one contact: which items were still missing."""

    email = models.ForeignKey(PortalEmail, on_delete=models.CASCADE, related_name="reminders")
    request = models.ForeignKey(
        "portal.DocumentRequest", on_delete=models.CASCADE, related_name="reminders"
    )
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="+")
    step = models.PositiveSmallIntegerField()
    items = models.JSONField(default=list, help_text="Titles of the items still missing.")
    created_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "request", "contact", "step"], name="portal_reminder_step_once"
            ),
        ]


class QueryReminder(TenantModel):
    """One reminder step of one unanswered query, to one contact (``portal.query_reminders``)."""

    email = models.ForeignKey(PortalEmail, on_delete=models.CASCADE, related_name="query_reminders")
    query = models.ForeignKey(
        "portal.ClientQuery", on_delete=models.CASCADE, related_name="reminders"
    )
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="+")
    step = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "query", "contact", "step"],
                name="portal_query_reminder_step_once",
            ),
        ]


class ReminderSettings(TenantModel):
    """The practice's reminder policy (``client`` empty: one per practice) or one client's
    override and pause (``client`` set)."""

    client = models.OneToOneField(
        Client,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminder_settings",
    )
    days_before = models.PositiveSmallIntegerField(
        "first reminder, days before the due date", default=3
    )
    every_days = models.PositiveSmallIntegerField("then every (days)", default=3)
    max_reminders = models.PositiveSmallIntegerField("at most (reminders)", default=4)
    escalate = models.BooleanField(
        "escalate to the assigned staff member after the last reminder", default=True
    )
    own_policy = models.BooleanField(
        "use its own policy", default=False, help_text="Clients only: override the practice's."
    )
    paused = models.BooleanField("pause reminders", default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["practice"],
                condition=Q(client__isnull=True),
                name="portal_reminder_settings_practice_once",
            ),
        ]
