"""Bank reconciliation's rows: what was imported (bank statements and ledger exports, each line
once), the reconciliation of one bank account for one month, the matches between its lines and
what the bookkeeper said about the lines left over.

A reconciliation covers the account's lines dated up to the end of its month that no earlier
reconciliation matched: an item still open at one month end (an unpresented cheque) is there
again the next month, until it clears.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.urls import reverse

from atlasos import clock
from atlasos.tenancy.models import TenantModel
from clients.models import BankAccount, Client
from documents.models import Document

MONEY = {"max_digits": 19, "decimal_places": 5}  # camt amounts carry up to 5 decimals


class Side(models.TextChoices):
    BANK = "bank", "Bank statement"
    LEDGER = "ledger", "Ledger"


class StatementImport(TenantModel):
    """One file read into one bank account: a bank statement or the ledger's transactions."""

    bank_account = models.ForeignKey(
        BankAccount, on_delete=models.CASCADE, related_name="statement_imports"
    )
    side = models.CharField(max_length=6, choices=Side.choices)
    period = models.DateField(help_text="First day of the month it was imported for.")
    filename = models.CharField(max_length=255)
    file_format = models.CharField(max_length=20)
    document = models.ForeignKey(
        Document, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    account_label = models.CharField(max_length=80, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    opening_balance = models.DecimalField(**MONEY, null=True, blank=True)
    closing_balance = models.DecimalField(**MONEY, null=True, blank=True)
    line_count = models.PositiveIntegerField(default=0)
    skipped_count = models.PositiveIntegerField(
        default=0, help_text="Lines already imported from an overlapping file."
    )
    warning = models.CharField(max_length=300, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    imported_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        ordering = ["-imported_at", "-pk"]
        indexes = [
            models.Index(fields=["practice", "bank_account", "period"], name="recon_import_acct")
        ]

    def __str__(self) -> str:
        return self.filename


class Reason(models.TextChoices):
    """Why a line is still unmatched at the month end."""

    TIMING = "timing", "Timing difference"
    MISSING_FROM_LEDGER = "missing_ledger", "Missing from the ledger"
    MISSING_FROM_BANK = "missing_bank", "Not yet through the bank"
    BANK_ERROR = "bank_error", "Bank error"
    LEDGER_ERROR = "ledger_error", "Ledger error"
    QUERY = "query", "Query to the client"


class Line(TenantModel):
    """One transaction: a bank statement line or a ledger entry of a bank account."""

    bank_account = models.ForeignKey(BankAccount, on_delete=models.CASCADE, related_name="+")
    side = models.CharField(max_length=6, choices=Side.choices)
    statement_import = models.ForeignKey(
        StatementImport, on_delete=models.CASCADE, related_name="lines"
    )
    date = models.DateField()
    value_date = models.DateField(null=True, blank=True)
    amount = models.DecimalField(**MONEY)
    description = models.CharField(max_length=500, blank=True)
    counterparty = models.CharField(max_length=200, blank=True)
    reference = models.CharField(max_length=140, blank=True)
    bank_ref = models.CharField(max_length=140, blank=True)
    fingerprint = models.CharField(
        max_length=64, help_text="The same line from an overlapping file has the same one."
    )
    match = models.ForeignKey(
        "Match", on_delete=models.SET_NULL, null=True, blank=True, related_name="lines"
    )
    hint = models.CharField(
        max_length=120, blank=True, help_text="What the matcher saw, when it left it unmatched."
    )
    # What the bookkeeper found out about a line left unmatched.
    reason = models.CharField(max_length=20, choices=Reason.choices, blank=True)
    note = models.CharField(max_length=500, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    explained_at = models.DateTimeField(null=True, blank=True)
    query_item = models.ForeignKey(
        "portal.RequestItem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The item of the client's document request that asks about it.",
    )

    class Meta:
        ordering = ["date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "bank_account", "side", "fingerprint"], name="recon_line_once"
            )
        ]
        indexes = [
            models.Index(
                fields=["practice", "bank_account", "side", "date"], name="recon_line_account"
            )
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.amount} {self.description}"

    @property
    def text(self) -> str:
        return " ".join(p for p in (self.counterparty, self.description) if p)


class Reconciliation(TenantModel):
    """One bank account, one month."""

    class State(models.TextChoices):
        OPEN = "open", "In progress"
        RENDERING = "rendering", "Rendering the statement"
        FINISHED = "finished", "Finished, waiting for sign-off"
        SIGNED_OFF = "signed_off", "Signed off"

    bank_account = models.ForeignKey(
        BankAccount, on_delete=models.CASCADE, related_name="reconciliations"
    )
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
    period = models.DateField(help_text="First day of the month.")
    state = models.CharField(max_length=12, choices=State.choices, default=State.OPEN)
    statement_balance = models.DecimalField(
        "balance per bank statement", **MONEY, null=True, blank=True
    )
    ledger_balance = models.DecimalField("balance per ledger", **MONEY, null=True, blank=True)
    balances_entered = models.BooleanField(
        default=False, help_text="Someone entered the balances: imports leave them as they are."
    )
    render_error = models.CharField(max_length=300, blank=True)
    report = models.ForeignKey(
        Document, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    finished_at = models.DateTimeField(null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    reopened_reason = models.CharField(max_length=300, blank=True)
    matched_at = models.DateTimeField(null=True, blank=True, help_text="The matcher last ran.")
    created_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        ordering = ["-period", "bank_account__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "bank_account", "period"], name="recon_once_a_month"
            )
        ]
        indexes = [models.Index(fields=["practice", "client", "period"], name="recon_client")]

    def __str__(self) -> str:
        return f"{self.bank_account} {self.period:%B %Y}"

    def get_absolute_url(self) -> str:
        return reverse("reconciliation:workspace", args=[self.code])

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN


class Match(TenantModel):
    """Bank lines and ledger lines that belong together: found by the matcher (``auto``, or
    ``suggested`` until someone accepts it) or made by hand."""

    class Kind(models.TextChoices):
        AUTO = "auto", "Matched automatically"
        SUGGESTED = "suggested", "Suggested"
        MANUAL = "manual", "Matched by hand"

    class State(models.TextChoices):
        SUGGESTED = "suggested", "Waiting"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"

    reconciliation = models.ForeignKey(
        Reconciliation, on_delete=models.CASCADE, related_name="matches"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    state = models.CharField(max_length=10, choices=State.choices)
    score = models.FloatField(default=0)
    pass_name = models.CharField(max_length=20, blank=True)
    reason = models.CharField(max_length=300, blank=True)
    difference = models.DecimalField(
        **MONEY, default=0, help_text="Bank minus ledger: the amount to write off."
    )
    bank_ids = models.JSONField(default=list, help_text="The bank lines (Line ids).")
    ledger_ids = models.JSONField(default=list, help_text="The ledger lines (Line ids).")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        ordering = ["-score", "pk"]
        indexes = [
            models.Index(fields=["practice", "reconciliation", "state"], name="recon_match_state")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.bank_ids} ↔ {self.ledger_ids}"


class MatchSettings(TenantModel):
    """The client's matching rules (reconciliation.matching.MatchRules)."""

    client = models.OneToOneField(Client, on_delete=models.CASCADE, related_name="+")
    date_window_days = models.PositiveSmallIntegerField(
        "date window (days)",
        default=7,
        help_text="How many days apart a bank line and its ledger entry may be.",
    )
    tolerance = models.DecimalField(
        "tolerance (amount)",
        max_digits=12,
        decimal_places=2,
        default=Decimal("1.00"),
        help_text="Amounts this close are suggested as a match, the difference to write off.",
    )
    tolerance_percent = models.DecimalField(
        "tolerance (%)",
        max_digits=5,
        decimal_places=2,
        default=Decimal("2.50"),
        help_text="Or this share of the amount, when larger: card takings arrive less the "
        "processor's fee.",
    )
    references_must_agree = models.BooleanField(
        default=False,
        help_text="Match automatically only when the references agree.",
    )

    def __str__(self) -> str:
        return f"Matching rules for {self.client}"


class ColumnMap(TenantModel):
    """How a bank account's spreadsheet exports read (reconciliation.importers.tabular
    .ColumnMapping as a dict), saved by the first import that needed one."""

    bank_account = models.ForeignKey(BankAccount, on_delete=models.CASCADE, related_name="+")
    side = models.CharField(max_length=6, choices=Side.choices)
    mapping = models.JSONField()
    updated_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "bank_account", "side"], name="recon_columns_once"
            )
        ]
