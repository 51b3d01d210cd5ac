"""Document requests: what the practice asks a client for, item by item."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from atlasos import clock
from atlasos.tenancy.models import TenantModel
from clients.models import Client, Contact
from documents.models import DocType, Document


class RequestStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SENT = "sent", "Sent"
    COMPLETE = "complete", "Complete"
    CANCELLED = "cancelled", "Cancelled"
    # Still incomplete when its pack was delivered: no longer asked for, no more reminders.
    CLOSED = "closed", "Closed"


class DocumentRequest(TenantModel):
    """What the practice asks a client for: a checklist of documents with a due date.

    Made from a pack's collect stage when the recurrence creates the pack (one per pack), or by
    hand (no pack). It becomes complete when every required item is received or not applicable
    (``portal.requests.refresh_status``); "sent" is set when it goes to the client's portal
    contacts; "closed" when the pack of its period is delivered while it is still incomplete
    (``portal.closing``): it is no longer asked for, its reminders stop, and it is kept as it
    was, with when and why (``closed_at``, ``closed_reason``)."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="document_requests")
    pack = models.ForeignKey(
        "tasks.Pack",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="document_requests",
    )
    title = models.CharField(max_length=200)
    period = models.DateField(null=True, blank=True, help_text="First day of the month.")
    due = models.DateField()
    status = models.CharField(max_length=10, choices=RequestStatus, default=RequestStatus.DRAFT)
    sent_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(
        null=True, blank=True, help_text="When the missing documents went to the assigned staff."
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_reason = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        ordering = ["-due", "-pk"]
        constraints = [
            # One request per pack: creating requests for packs is idempotent.
            models.UniqueConstraint(
                fields=["practice", "pack"],
                condition=Q(pack__isnull=False),
                name="portal_request_one_per_pack",
            ),
        ]
        indexes = [
            models.Index(fields=["practice", "client", "-due"], name="portal_request_practice_due")
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("request_detail", args=[self.code])

    @property
    def is_open(self) -> bool:
        return self.status in (RequestStatus.DRAFT, RequestStatus.SENT)


class RequestItem(TenantModel):
    """One document asked for. Missing, received (a document is linked; ``received_at``), or
    not applicable this time (with the reason, who said so and when)."""

    request = models.ForeignKey(DocumentRequest, on_delete=models.CASCADE, related_name="items")
    title = models.CharField(max_length=200)
    doc_type = models.CharField("type", max_length=32, choices=DocType, default=DocType.OTHER)
    bank_account = models.ForeignKey(
        "clients.BankAccount",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="request_items",
    )
    required = models.BooleanField(default=True)
    covers = models.CharField(
        max_length=24,
        blank=True,
        help_text="The pack's collect item it counts for (a document key of "
        "templates_engine.models.AutoTick); blank: only for “all requested documents received”.",
    )
    position = models.PositiveIntegerField(default=0)
    received_at = models.DateTimeField(null=True, blank=True)
    not_applicable_reason = models.CharField(max_length=300, blank=True)
    marked_at = models.DateTimeField(
        null=True, blank=True, help_text="When it was marked not applicable."
    )
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    marked_by_contact = models.ForeignKey(
        Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    documents = models.ManyToManyField(
        Document, through="RequestItemDocument", related_name="request_items", blank=True
    )

    class Meta:
        ordering = ["position", "pk"]
        indexes = [
            models.Index(
                fields=["practice", "request", "position"], name="portal_reqitem_practice_pos"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_received(self) -> bool:
        return self.received_at is not None

    @property
    def is_not_applicable(self) -> bool:
        return self.marked_at is not None

    @property
    def state(self) -> str:
        if self.is_received:
            return "received"
        if self.is_not_applicable:
            return "not_applicable"
        return "missing"


class RequestItemDocument(TenantModel):
    """A document that satisfies a request item (several files can satisfy one item)."""

    item = models.ForeignKey(RequestItem, on_delete=models.CASCADE, related_name="links")
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="item_links")
    linked_at = models.DateTimeField(default=clock.now, editable=False)
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["linked_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "item", "document"], name="portal_item_document_once_uniq"
            ),
        ]
