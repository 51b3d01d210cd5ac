"""Figures imported beside the trial balance: the client's budget by report line and month, its
VAT returns, and its payroll summaries. Each import is recorded; a later import of the same
months (the same VAT period, the same pay month) replaces the figures, the record stays."""

from django.conf import settings
from django.db import models

from atlasos import clock
from atlasos.tenancy.models import TenantModel
from clients.models import Client
from reporting.models.trial_balances import LINE_CHOICES, MONEY


class Imported(TenantModel):
    """What every imported file records: the client, the file, who imported it and when."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
    filename = models.CharField(max_length=255)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    imported_at = models.DateTimeField(default=clock.now)

    class Meta:
        abstract = True


class BudgetImport(Imported):
    first_month = models.DateField()
    last_month = models.DateField()
    figure_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-imported_at", "-pk"]

    def __str__(self) -> str:
        return self.filename


class BudgetFigure(TenantModel):
    """What the client budgeted on a report line for a month: the month's amount for an income
    statement line, the month end's for a balance sheet line; natural sign (income and costs
    both positive)."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
    period = models.DateField()
    line = models.CharField(max_length=40, choices=LINE_CHOICES)
    amount = models.DecimalField(**MONEY)
    source = models.ForeignKey(BudgetImport, on_delete=models.CASCADE, related_name="figures")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "client", "period", "line"], name="reporting_budget_once"
            )
        ]
        indexes = [models.Index(fields=["practice", "client", "period"], name="reporting_budget")]

    def __str__(self) -> str:
        return f"{self.line} {self.period:%Y-%m}: {self.amount}"


class VatReturn(Imported):
    """A VAT period's nine boxes, from the return (or worked out from a VAT detail export)."""

    period_start = models.DateField()
    period_end = models.DateField()
    box1 = models.DecimalField(**MONEY, null=True, blank=True)
    box2 = models.DecimalField(**MONEY, null=True, blank=True)
    box3 = models.DecimalField(**MONEY, null=True, blank=True)
    box4 = models.DecimalField(**MONEY, null=True, blank=True)
    box5 = models.DecimalField(**MONEY, null=True, blank=True)
    box6 = models.DecimalField(**MONEY, null=True, blank=True)
    box7 = models.DecimalField(**MONEY, null=True, blank=True)
    box8 = models.DecimalField(**MONEY, null=True, blank=True)
    box9 = models.DecimalField(**MONEY, null=True, blank=True)
    layout = models.CharField(max_length=60)

    class Meta:
        ordering = ["-period_end"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "client", "period_start", "period_end"],
                name="reporting_vat_return_once",
            )
        ]

    def __str__(self) -> str:
        return f"VAT {self.period_start:%b %Y}–{self.period_end:%b %Y}"

    def box(self, number: int):
        return getattr(self, f"box{number}")


class PayrollSummary(Imported):
    """A month's payroll totals from the payroll software's summary."""

    period = models.DateField()
    gross_pay = models.DecimalField(**MONEY)
    paye = models.DecimalField(**MONEY, null=True, blank=True)
    employee_ni = models.DecimalField(**MONEY, null=True, blank=True)
    employer_ni = models.DecimalField(**MONEY, null=True, blank=True)
    employee_pension = models.DecimalField(**MONEY, null=True, blank=True)
    employer_pension = models.DecimalField(**MONEY, null=True, blank=True)
    student_loan = models.DecimalField(**MONEY, null=True, blank=True)
    net_pay = models.DecimalField(**MONEY, null=True, blank=True)
    employees = models.PositiveIntegerField(default=0)
    layout = models.CharField(max_length=60)

    class Meta:
        ordering = ["-period"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "client", "period"], name="reporting_payroll_once"
            )
        ]

    def __str__(self) -> str:
        return f"Payroll {self.period:%b %Y}"
