"""The Smart Inbox's rows: where mail can be sent, what arrived, what became of each attachment,
the rules triage taught, the practice's mailbox and the webhook calls that were refused.

``InboxAddress`` and ``RefusedDelivery`` are deliberately outside row-level security
(DESIGN.md §3): mail has no practice until its recipient address is looked up, and a refused
webhook call never had one. Everything else is a tenant row.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from atlasos import clock
from atlasos.tenancy.models import Practice, TenantModel
from clients.models import Client
from documents.models import DocType, Document


class InboxAddress(models.Model):
    """One local part under ``ATLAS_INBOX_DOMAIN``: the practice's own (``client`` empty) or a
    client's (``<practice-slug>+<token>``). A rotated client address keeps working until 30
    days after ``retired_at``; then its mail goes to triage."""

    local_part = models.CharField(max_length=64, unique=True)
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now, editable=False)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["practice", "client"], name="inbox_address_practice")]

    def __str__(self) -> str:
        return self.local_part


class Channel(models.TextChoices):
    WEBHOOK = "webhook", "Email provider"
    SMTP = "smtp", "SMTP listener"
    IMAP = "imap", "Mailbox"
    FILE = "file", "File drop"


class Confidence(models.TextChoices):
    CERTAIN = "certain", "Certain"
    HIGH = "high", "High"
    SUGGESTION = "suggestion", "Suggestion"
    NONE = "", "None"


class InboundMessage(TenantModel):
    """One email as it arrived. The raw bytes are stored before the row is written; the row is
    unique on their SHA-256 per practice and on Message-ID + recipient, so the same message
    delivered twice (a provider's retry, SMTP and IMAP both) is one message."""

    class Status(models.TextChoices):
        RECEIVED = "received", "Received"
        PARSED = "parsed", "Parsed"
        ROUTED = "routed", "Filed"
        TRIAGE = "triage", "Waiting in triage"
        IGNORED = "ignored", "Ignored"
        REJECTED = "rejected", "Rejected"
        FAILED = "failed", "Failed"

    channel = models.CharField(max_length=10, choices=Channel.choices)
    provider = models.CharField(max_length=30, blank=True)
    recipient = models.CharField(max_length=254, help_text="The inbox address it came to.")
    address = models.ForeignKey(
        InboxAddress, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    raw_key = models.CharField(max_length=255, unique=True)
    raw_size = models.PositiveBigIntegerField()
    sha256 = models.CharField("SHA-256", max_length=64)
    message_id = models.CharField("Message-ID", max_length=255, blank=True)
    envelope_from = models.CharField(max_length=254, blank=True)
    # Filled by parsing.
    from_address = models.CharField(max_length=254, blank=True)
    from_name = models.CharField(max_length=200, blank=True)
    subject = models.CharField(max_length=500, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    text_body = models.TextField(blank=True)
    html_body = models.TextField(blank=True)
    headers = models.JSONField(default=list, blank=True)
    defects = models.JSONField(default=list, blank=True)
    authenticated = models.BooleanField(
        default=False, help_text="The receiving server says DMARC (or SPF and DKIM) passed."
    )
    # Where it stands.
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RECEIVED)
    reason = models.CharField(max_length=500, blank=True)
    client = models.ForeignKey(
        Client, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confidence = models.CharField(max_length=10, choices=Confidence.choices, blank=True)
    route_reasons = models.JSONField(default=list, blank=True)
    candidates = models.JSONField(
        default=list, blank=True, help_text="Ranked: client id, confidence, score, reasons."
    )
    received_at = models.DateTimeField(default=clock.now, editable=False)
    claimed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    processed_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who cleared it from triage.",
    )

    class Meta:
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "sha256"], name="inbound_message_practice_sha256_uniq"
            ),
            models.UniqueConstraint(
                fields=["practice", "message_id", "recipient"],
                condition=~Q(message_id=""),
                name="inbound_message_practice_msgid_uniq",
            ),
        ]
        indexes = [
            models.Index(
                fields=["practice", "status", "-received_at"], name="inbound_practice_status"
            ),
            models.Index(fields=["practice", "client"], name="inbound_practice_client"),
        ]

    def __str__(self) -> str:
        return self.subject or "(no subject)"

    def get_absolute_url(self) -> str:
        return reverse("inbox:message", args=[self.code])


class InboundAttachment(TenantModel):
    """One document a message carried: its bytes (kept under the practice's inbox prefix
    until filed), where it went and why."""

    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting"
        FILED = "filed", "Filed"
        DUPLICATE = "duplicate", "Already in the store"
        REFUSED = "refused", "Refused"
        NOT_DOCUMENT = "not_document", "Not a document"

    message = models.ForeignKey(
        InboundMessage, on_delete=models.CASCADE, related_name="attachments"
    )
    position = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=150, help_text="The name in the email (display only).")
    origin = models.CharField(
        max_length=60, blank=True, help_text="e.g. a forwarded message, winmail.dat"
    )
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField("SHA-256", max_length=64)
    storage_key = models.CharField(max_length=255, blank=True)
    text = models.TextField(blank=True, help_text="Text read from it, for routing.")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.WAITING)
    reason = models.CharField(max_length=500, blank=True)
    client = models.ForeignKey(
        Client, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confidence = models.CharField(max_length=10, choices=Confidence.choices, blank=True)
    route_reasons = models.JSONField(default=list, blank=True)
    doc_type = models.CharField(max_length=32, choices=DocType, default=DocType.OTHER)
    period = models.DateField(null=True, blank=True)
    document = models.ForeignKey(
        Document, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["message", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "message", "position"],
                name="inbound_attachment_practice_position_uniq",
            )
        ]
        indexes = [
            models.Index(fields=["practice", "document"], name="inbound_attachment_document"),
        ]

    def __str__(self) -> str:
        return self.name


class RoutingRule(TenantModel):
    """Taught by triage: mail from this sender address (or ``@domain``) belongs to this client.
    ``times_used`` counts messages it routed or suggested; ``times_right`` those that staff
    confirmed or that were filed without correction."""

    pattern = models.CharField(max_length=254, help_text="alice@example.com or @example.com")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
    times_used = models.PositiveIntegerField(default=0)
    times_right = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=clock.now, editable=False)
    updated_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["pattern"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "pattern"], name="routing_rule_practice_pattern_uniq"
            )
        ]

    def __str__(self) -> str:
        return f"{self.pattern} → {self.client_id}"


class Mailbox(TenantModel):
    """The practice's own mailbox, polled over IMAP. The password is encrypted at rest
    (``inbox.secrets``); a message taken is moved to ``processed_folder`` or, without one,
    flagged, so it is taken once."""

    host = models.CharField(max_length=253)
    port = models.PositiveIntegerField(default=993)
    security = models.CharField(
        max_length=10,
        choices=[("ssl", "SSL/TLS"), ("starttls", "STARTTLS"), ("none", "None (loopback only)")],
        default="ssl",
    )
    username = models.CharField(max_length=254)
    password_encrypted = models.TextField(editable=False)
    folder = models.CharField(max_length=200, default="INBOX")
    processed_folder = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField("poll this mailbox", default=True)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["practice"], name="mailbox_one_per_practice")
        ]

    def __str__(self) -> str:
        return f"{self.username}@{self.host}"


class RefusedDelivery(models.Model):
    """A webhook call that failed the provider's signature or basic-auth check, or a delivery
    to an address no practice has: recorded, never stored as mail."""

    channel = models.CharField(max_length=10, choices=Channel.choices)
    provider = models.CharField(max_length=30, blank=True)
    remote_addr = models.GenericIPAddressField(null=True, blank=True)
    recipient = models.CharField(max_length=254, blank=True)
    reason = models.CharField(max_length=500)
    created_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.reason
