"""Reporting's rows: the trial balances imported for a client's months (each re-import a new
version, the earlier ones kept for the record), their account lines, and the client's own
mapping of accounts to report lines where the defaults do not say or say wrongly."""

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


def validate_colour(value: str) -> None:
    import re

    from django.core.exceptions import ValidationError

    if not re.fullmatch(r"#[0-9a-fA-F]{6}", value or ""):
        raise ValidationError("Enter a colour as # and six hexadecimal digits, such as #1f4e79.")


class Branding(TenantModel):
    """How the practice's packs look: its logo and colours on the cover and the headings."""

    logo = models.BinaryField(blank=True, default=b"", editable=True)
    logo_type = models.CharField(max_length=20, blank=True)  # image/png or image/jpeg
    primary_colour = models.CharField(max_length=7, default="#1f4e79", validators=[validate_colour])
    accent_colour = models.CharField(max_length=7, default="#c8102e", validators=[validate_colour])
    updated_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["practice"], name="reporting_branding_once")]

    def __str__(self) -> str:
        return "Branding"


class AccountsRender(TenantModel):
    """One rendering of a client's management accounts pack for a month: a new version each
    time, its PDF kept in the client's documents; the reviewer approves one of them."""

    class State(models.TextChoices):
        RENDERING = "rendering", "Rendering"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
    period = models.DateField()
    version = models.PositiveIntegerField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.RENDERING)
    trial_balance = models.ForeignKey(
        TrialBalance, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    document = models.ForeignKey(
        "documents.Document", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    pages = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(default=clock.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-period", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "client", "period", "version"], name="reporting_render_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.client} {self.period:%B %Y} pack, version {self.version}"


class ReviewPoint(TenantModel):
    """The reviewer's point on a pack's management accounts: raised on a line (or on the pack
    as a whole), answered by the preparer, cleared by the reviewer. The review cannot be signed
    off while any is not cleared. A point can be put to the client as a query."""

    class State(models.TextChoices):
        OPEN = "open", "Open"
        ANSWERED = "answered", "Answered"
        CLEARED = "cleared", "Cleared"

    pack = models.ForeignKey("tasks.Pack", on_delete=models.CASCADE, related_name="+")
    line = models.CharField(max_length=40, blank=True, help_text="The report line, if any.")
    text = models.TextField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    raised_at = models.DateTimeField(default=clock.now)
    response = models.TextField(blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    cleared_at = models.DateTimeField(null=True, blank=True)
    client_query = models.ForeignKey(
        "portal.ClientQuery", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["raised_at", "pk"]
        indexes = [models.Index(fields=["practice", "pack", "state"], name="reporting_point_pack")]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def line_label(self) -> str:
        return dict(LINE_LABELS).get(self.line, "")


LINE_LABELS = [(line.key, line.label) for line in UK_SMALL_COMPANY.lines]


class ReportingSettings(TenantModel):
    """A client's reporting choices: when a variance is material, and whether its packs carry a
    management commentary."""

    client = models.OneToOneField(Client, on_delete=models.CASCADE, related_name="+")
    materiality_amount = models.DecimalField(
        "material from (amount)",
        max_digits=15,
        decimal_places=2,
        default=Decimal("1000.00"),
        help_text="A variance of at least this much…",
    )
    materiality_percent = models.DecimalField(
        "material from (%)",
        max_digits=6,
        decimal_places=1,
        default=Decimal("10.0"),
        help_text="…and at least this percentage is material: it needs a comment.",
    )
    commentary_required = models.BooleanField(
        "management commentary",
        default=False,
        help_text="The client's packs carry a management commentary, written before review.",
    )

    def __str__(self) -> str:
        return f"Reporting settings of {self.client}"


class VarianceComment(TenantModel):
    """The preparer's explanation of a material variance of a month's line."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
    period = models.DateField()
    line = models.CharField(max_length=40)
    against = models.CharField(max_length=40)  # "last month", "last year", "year to date…"
    text = models.TextField()
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    written_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "client", "period", "line", "against"],
                name="reporting_variance_comment_once",
            )
        ]

    def __str__(self) -> str:
        return self.text[:60]


class ManagementCommentary(TenantModel):
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
    period = models.DateField()
    text = models.TextField()
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    written_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "client", "period"], name="reporting_commentary_once"
            )
        ]

    def __str__(self) -> str:
        return self.text[:60]
