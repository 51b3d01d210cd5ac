from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse

from atlasos import clock
from atlasos.tenancy.managers import TenantManager, TenantQuerySet
from atlasos.tenancy.models import TenantModel
from clients import validators
from clients.choices import (
    MONTHS,
    AccountingSystem,
    ClientStatus,
    EntityType,
    PayrollFrequency,
    VatFrequency,
)


class Tag(TenantModel):
    name = models.CharField(max_length=40)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint("practice", Lower("name"), name="tag_practice_name_uniq"),
        ]

    def __str__(self) -> str:
        return self.name


class ClientQuerySet(TenantQuerySet):
    def active(self):
        return self.filter(status=ClientStatus.ACTIVE)


class Client(TenantModel):
    """One entity the practice keeps books for."""

    name = models.CharField(max_length=200)
    short_code = models.CharField(
        "code",
        max_length=20,
        validators=[validators.validate_client_code],
        help_text="Short and unique in the practice, e.g. ACME01.",
    )
    entity_type = models.CharField(max_length=20, choices=EntityType.choices)
    company_number = models.CharField(
        max_length=8, blank=True, validators=[validators.validate_company_number]
    )
    vat_number = models.CharField(
        "VAT number", max_length=14, blank=True, validators=[validators.validate_vat_number]
    )
    vat_frequency = models.CharField(
        "VAT returns",
        max_length=10,
        choices=VatFrequency.choices,
        default=VatFrequency.NONE,
    )
    payroll_frequency = models.CharField(
        "payroll", max_length=10, choices=PayrollFrequency.choices, default=PayrollFrequency.NONE
    )
    year_end_month = models.PositiveSmallIntegerField(
        "year end month", choices=MONTHS, null=True, blank=True
    )
    year_end_day = models.PositiveSmallIntegerField("year end day", null=True, blank=True)
    accounting_system = models.CharField(
        max_length=12, choices=AccountingSystem.choices, default=AccountingSystem.XERO
    )
    currency = models.CharField(
        max_length=3, default="GBP", validators=[validators.validate_currency]
    )
    preparer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    notes = models.TextField(blank=True)
    tags = models.ManyToManyField(Tag, through="ClientTag", blank=True, related_name="clients")
    status = models.CharField(
        max_length=10, choices=ClientStatus.choices, default=ClientStatus.ACTIVE
    )
    archived_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=clock.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager.from_queryset(ClientQuerySet)()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "short_code"], name="client_practice_code_uniq"
            ),
        ]
        indexes = [
            models.Index(fields=["practice", "status", "name"], name="client_practice_status_idx"),
            models.Index(fields=["practice", "preparer"], name="client_practice_preparer_idx"),
            models.Index(fields=["practice", "reviewer"], name="client_practice_reviewer_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.short_code})"

    def get_absolute_url(self) -> str:
        return reverse("client_detail", args=[self.code])

    @property
    def is_archived(self) -> bool:
        return self.status == ClientStatus.ARCHIVED

    @property
    def year_end_display(self) -> str:
        if not self.year_end_month or not self.year_end_day:
            return ""
        return f"{self.year_end_day} {MONTHS[self.year_end_month - 1][1]}"


class ClientTag(TenantModel):
    client = models.ForeignKey(Client, on_delete=models.CASCADE)
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "client", "tag"], name="clienttag_practice_uniq"
            ),
        ]


class Contact(TenantModel):
    """A person at one or more clients (one director, three companies)."""

    name = models.CharField(max_length=150)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    clients = models.ManyToManyField(Client, through="ClientContact", related_name="contacts")
    created_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                "practice",
                Lower("email"),
                condition=~models.Q(email=""),
                name="contact_practice_email_uniq",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ClientContact(TenantModel):
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="client_contacts")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="client_links")
    position = models.CharField(max_length=80, blank=True, help_text="e.g. Director")
    created_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        ordering = ["contact__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "client", "contact"], name="clientcontact_practice_uniq"
            ),
        ]


class BankAccount(TenantModel):
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="bank_accounts")
    name = models.CharField(max_length=100, help_text="e.g. Business Current Account")
    bank_name = models.CharField("bank", max_length=100)
    sort_code = models.CharField(
        max_length=6, blank=True, validators=[validators.validate_sort_code]
    )
    account_number = models.CharField(
        max_length=8, blank=True, validators=[validators.validate_account_number]
    )
    iban = models.CharField(
        "IBAN", max_length=34, blank=True, validators=[validators.validate_iban]
    )
    currency = models.CharField(
        max_length=3, default="GBP", validators=[validators.validate_currency]
    )
    is_active = models.BooleanField("active", default=True)
    created_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        ordering = ["-is_active", "name"]
        indexes = [models.Index(fields=["practice", "client"], name="bankaccount_practice_idx")]

    def __str__(self) -> str:
        return f"{self.name} ({self.masked_number})"

    @property
    def masked_number(self) -> str:
        if self.iban:
            return f"…{self.iban[-4:]}"
        return f"…{self.account_number[-4:]}" if self.account_number else ""

    @property
    def sort_code_display(self) -> str:
        s = self.sort_code
        return f"{s[0:2]}-{s[2:4]}-{s[4:6]}" if len(s) == 6 else s


class ClientImport(TenantModel):
    """A CSV file of clients awaiting confirmation, then the record of its import."""

    class State(models.TextChoices):
        PREVIEW = "preview", "Awaiting confirmation"
        IMPORTED = "imported", "Imported"

    file_name = models.CharField(max_length=255)
    storage_key = models.CharField(max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.PREVIEW)
    row_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=clock.now, editable=False)
    imported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.file_name
