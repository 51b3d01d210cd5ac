"""The client document store: every file of a client, whoever brought it (staff, the portal,
the inbox, the reports), and what it is."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from atlasos import clock
from atlasos.tenancy.managers import TenantManager, TenantQuerySet
from atlasos.tenancy.models import TenantModel
from clients.models import Client, Contact


class DocType(models.TextChoices):
    BANK_STATEMENT = "bank_statement", "Bank statement"
    SALES_INVOICE = "sales_invoice", "Sales invoice"
    PURCHASE_INVOICE = "purchase_invoice", "Purchase invoice"
    RECEIPT = "receipt", "Receipt"
    PAYROLL_REPORT = "payroll_report", "Payroll report"
    RECONCILIATION_REPORT = "reconciliation_report", "Reconciliation report"
    MANAGEMENT_ACCOUNTS = "management_accounts", "Management accounts"
    OTHER = "other", "Other"


class Source(models.TextChoices):
    PORTAL = "portal", "Portal"
    STAFF_UPLOAD = "staff_upload", "Staff upload"
    EMAIL = "email", "Email"
    GENERATED = "generated", "Generated"


class DocumentQuerySet(TenantQuerySet):
    def live(self):
        """Documents not deleted (deleted ones wait 30 days to be restored or purged)."""
        return self.filter(deleted_at__isnull=True)


class Document(TenantModel):
    """One stored file of a client. The bytes live in Django's storage under ``storage_key``
    (random, prefixed by the practice); the row says what they are. Soft-deleted rows keep
    their file for 30 days, then ``purge_deleted`` removes both."""

    # PROTECT: documents are the practice's records of a client; a client is archived, never
    # deleted while it has documents (deleting the practice still removes everything).
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="documents")
    period = models.DateField(null=True, blank=True, help_text="First day of the month.")
    doc_type = models.CharField("type", max_length=32, choices=DocType, default=DocType.OTHER)
    source = models.CharField(max_length=16, choices=Source, default=Source.STAFF_UPLOAD)
    original_name = models.CharField("name", max_length=150)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField("SHA-256", max_length=64)
    storage_key = models.CharField(max_length=255, unique=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_by_contact = models.ForeignKey(
        Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now, editable=False)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = TenantManager.from_queryset(DocumentQuerySet)()

    class Meta:
        # The table keeps the name it had when the store lived in the portal (moved without
        # a rebuild: documents/migrations/0001_initial.py).
        db_table = "portal_document"
        ordering = ["-created_at", "-pk"]
        constraints = [
            # Identical files are stored once per client (deleted ones do not count).
            models.UniqueConstraint(
                fields=["practice", "client", "sha256"],
                condition=Q(deleted_at__isnull=True),
                name="portal_document_one_live_copy",
            ),
        ]
        indexes = [
            models.Index(
                fields=["practice", "client", "-created_at"], name="document_practice_client_new"
            ),
            models.Index(fields=["practice", "deleted_at"], name="document_practice_deleted"),
        ]

    def __str__(self) -> str:
        return self.original_name

    @property
    def previewable(self) -> bool:
        from documents.uploads import is_previewable

        return is_previewable(self.content_type)

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")
