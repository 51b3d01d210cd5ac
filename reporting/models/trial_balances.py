"""The trial balances imported for a client's months (each re-import a new version, the
earlier ones kept for the record), their account lines, and the client's own mapping of
accounts to report lines where the defaults do not say or say wrongly."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from atlasos import clock
from atlasos.tenancy.models import TenantModel
from clients.models import Client
from reporting.shape import UK_SMALL_COMPANY

MONEY = {"max_digits": 17, "decimal_places": 2}
LINE_CHOICES = [(line.key, line.label) for line in UK_SMALL_COMPANY.mappable()]
LINE_LABELS = [(line.key, line.label) for line in UK_SMALL_COMPANY.lines]


class Layout(models.TextChoices):
    XERO = "xero", "Xero Trial Balance"
    QUICKBOOKS = "quickbooks", "QuickBooks Online Trial Balance"
    SAGE = "sage", "Sage trial balance"
    MAPPED = "mapped", "Spreadsheet, by its column map"
    TABLE = "table", "Spreadsheet"


class TrialBalance(TenantModel):
    """A client's trial balance at the end of one month (``period``: its first day)."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="trial_balances")
    period = models.DateField()
    version = models.PositiveIntegerField(default=1)
    is_current = models.BooleanField(default=True)
    layout = models.CharField(max_length=12, choices=Layout.choices)
    filename = models.CharField(max_length=255)
    as_at = models.DateField(null=True, blank=True, help_text="The date the file says.")
    total_debit = models.DecimalField(**MONEY)
    total_credit = models.DecimalField(**MONEY)
    account_count = models.PositiveIntegerField(default=0)
    rejected_count = models.PositiveIntegerField(default=0)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    imported_at = models.DateTimeField(default=clock.now, editable=False)
    replaced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-period", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "client", "period", "version"], name="reporting_tb_version"
            ),
            models.UniqueConstraint(
                fields=["practice", "client", "period"],
                condition=Q(is_current=True),
                name="reporting_tb_one_current",
            ),
        ]
        indexes = [models.Index(fields=["practice", "client", "period"], name="reporting_tb")]

    def __str__(self) -> str:
        return f"{self.client} {self.period:%B %Y} (version {self.version})"

    def get_absolute_url(self) -> str:
        return reverse("reporting:trial_balance", args=[self.code])


class TrialBalanceLine(TenantModel):
    trial_balance = models.ForeignKey(TrialBalance, on_delete=models.CASCADE, related_name="lines")
    account_key = models.CharField(max_length=200)
    account_code = models.CharField(max_length=20, blank=True)
    account_name = models.CharField(max_length=200)
    account_type = models.CharField(max_length=60, blank=True)
    section = models.CharField(max_length=60, blank=True)
    debit = models.DecimalField(**MONEY, default=Decimal("0.00"))
    credit = models.DecimalField(**MONEY, default=Decimal("0.00"))

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "trial_balance", "account_key"], name="reporting_tb_account"
            )
        ]

    def __str__(self) -> str:
        return f"{self.account_code} {self.account_name}".strip()

    @property
    def balance(self) -> Decimal:
        return self.debit - self.credit


class AccountMapping(TenantModel):
    """The practice's decision for one of a client's accounts: which report line it is on."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="account_mappings")
    account_key = models.CharField(max_length=200)
    line = models.CharField(max_length=40, choices=LINE_CHOICES)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    set_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "client", "account_key"], name="reporting_mapping_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.account_key} → {self.get_line_display()}"


class TrialBalanceColumns(TenantModel):
    """The column map a client's spreadsheet trial balances are read with, once chosen."""

    client = models.OneToOneField(Client, on_delete=models.CASCADE, related_name="+")
    columns = models.JSONField(default=dict)
    updated_at = models.DateTimeField(default=clock.now)

    def __str__(self) -> str:
        return f"Trial balance columns of {self.client}"
