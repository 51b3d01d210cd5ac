from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from atlasos import clock
from atlasos.tenancy.models import TenantModel
from cycle.periods import Recurrence
from cycle.stages import DEFAULT_DUE_DAYS, STAGES, Stage

DAY_VALIDATORS = [MinValueValidator(1), MaxValueValidator(60)]


class AutoTick(models.TextChoices):
    """Checklist items the system can tick by itself when it knows the work is done.

    The document keys follow the pack's document request (``portal.requests``): an item with
    one ticks when the request items of that kind are all received or not applicable, and
    unticks when that stops being true. ``documents_received`` is the whole request (for a
    practice's own items); the others are one kind of document each.
    """

    DOCUMENTS_RECEIVED = "documents_received", "All requested documents received"
    BANK_STATEMENTS = "bank_statements", "Requested bank statements received"
    SALES_INVOICES = "sales_invoices", "Requested sales invoices received"
    PURCHASE_INVOICES = "purchase_invoices", "Requested purchase invoices received"
    RECEIPTS = "receipts", "Requested receipts received"
    PETTY_CASH = "petty_cash", "Requested petty cash records received"
    PAYROLL_REPORT = "payroll_report", "Requested payroll report received"
    BANK_RECONCILED = "bank_reconciled", "All bank accounts reconciled"
    ACCOUNTS_RENDERED = "accounts_rendered", "Management accounts rendered"
    PACK_DELIVERED = "pack_delivered", "Pack delivered to the client"


# The keys a document request answers (portal.requests.collect_answers).
DOCUMENT_KEYS = (
    AutoTick.DOCUMENTS_RECEIVED,
    AutoTick.BANK_STATEMENTS,
    AutoTick.SALES_INVOICES,
    AutoTick.PURCHASE_INVOICES,
    AutoTick.RECEIPTS,
    AutoTick.PETTY_CASH,
    AutoTick.PAYROLL_REPORT,
)


def due_day_field(stage: str, *, null: bool = False):
    label = f"{Stage(stage).label} due (working day)"
    if null:
        return models.PositiveSmallIntegerField(
            label, null=True, blank=True, validators=DAY_VALIDATORS
        )
    return models.PositiveSmallIntegerField(
        label, default=DEFAULT_DUE_DAYS[stage], validators=DAY_VALIDATORS
    )


class TaskTemplate(TenantModel):
    """A practice's standard pack: stages with due days and ordered checklist items."""

    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    recurrence = models.CharField(
        max_length=10, choices=Recurrence.choices, default=Recurrence.MONTHLY
    )
    collect_day = due_day_field(Stage.COLLECT)
    capture_day = due_day_field(Stage.CAPTURE)
    reconcile_day = due_day_field(Stage.RECONCILE)
    prepare_day = due_day_field(Stage.PREPARE)
    review_day = due_day_field(Stage.REVIEW)
    deliver_day = due_day_field(Stage.DELIVER)
    is_archived = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["is_archived", "name"]
        constraints = [
            models.UniqueConstraint(fields=["practice", "name"], name="template_practice_name_uniq")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("template_detail", args=[self.code])

    @property
    def due_days(self) -> dict[str, int]:
        return {stage: getattr(self, f"{stage}_day") for stage in STAGES}


class TemplateItem(TenantModel):
    template = models.ForeignKey(TaskTemplate, on_delete=models.CASCADE, related_name="items")
    stage = models.CharField(max_length=10, choices=Stage.choices)
    title = models.CharField(max_length=200)
    guidance = models.TextField(blank=True)
    mandatory = models.BooleanField(default=True)
    position = models.PositiveIntegerField(default=0)
    auto_key = models.CharField(
        "ticks itself when", max_length=24, choices=AutoTick.choices, blank=True
    )

    class Meta:
        ordering = ["position", "pk"]
        indexes = [
            models.Index(fields=["practice", "template", "stage"], name="templateitem_template_idx")
        ]

    def __str__(self) -> str:
        return self.title


class ClientTemplate(TenantModel):
    """A template assigned to a client, with the client's own due days where they differ."""

    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="client_templates"
    )
    template = models.ForeignKey(
        TaskTemplate, on_delete=models.CASCADE, related_name="client_templates"
    )
    is_active = models.BooleanField(default=True)
    collect_day = due_day_field(Stage.COLLECT, null=True)
    capture_day = due_day_field(Stage.CAPTURE, null=True)
    reconcile_day = due_day_field(Stage.RECONCILE, null=True)
    prepare_day = due_day_field(Stage.PREPARE, null=True)
    review_day = due_day_field(Stage.REVIEW, null=True)
    deliver_day = due_day_field(Stage.DELIVER, null=True)
    assigned_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        ordering = ["template__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "client", "template"], name="clienttemplate_practice_uniq"
            )
        ]
        indexes = [models.Index(fields=["practice", "is_active"], name="clienttemplate_active_idx")]

    def __str__(self) -> str:
        return f"{self.template} for {self.client}"

    @property
    def due_days(self) -> dict[str, int]:
        template_days = self.template.due_days
        return {stage: getattr(self, f"{stage}_day") or template_days[stage] for stage in STAGES}


class ClientExtraItem(TenantModel):
    """A checklist item only this client's packs have (board pack, cost-centre reporting)."""

    client_template = models.ForeignKey(
        ClientTemplate, on_delete=models.CASCADE, related_name="extra_items"
    )
    stage = models.CharField(max_length=10, choices=Stage.choices)
    title = models.CharField(max_length=200)
    guidance = models.TextField(blank=True)
    mandatory = models.BooleanField(default=True)
    position = models.PositiveIntegerField(default=1000)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title


class ClientDisabledItem(TenantModel):
    """An optional template item this client's packs leave out."""

    client_template = models.ForeignKey(
        ClientTemplate, on_delete=models.CASCADE, related_name="disabled_items"
    )
    template_item = models.ForeignKey(TemplateItem, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "client_template", "template_item"],
                name="clientdisabled_practice_uniq",
            )
        ]
