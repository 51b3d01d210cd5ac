from datetime import date

from django.conf import settings
from django.db import models
from django.urls import reverse

from atlasos import clock
from atlasos.tenancy.models import TenantModel
from cycle.periods import Recurrence, period_label
from cycle.stages import STAGES, Stage
from cycle.status import PackProgress


def due_field(stage: str):
    return models.DateField(f"{Stage(stage).label} due")


def done_field(stage: str):
    return models.DateTimeField(f"{Stage(stage).label} completed", null=True, blank=True)


class Pack(TenantModel):
    """One client's cycle for one period under one template ("the October pack").

    The due dates are fixed when the pack is created. Stage completion, the current stage and
    the start and completion times are derived from the checklist by
    ``tasks.progress.refresh_progress`` in the same transaction as every tick.
    """

    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="packs")
    template = models.ForeignKey(
        "templates_engine.TaskTemplate", on_delete=models.RESTRICT, related_name="packs"
    )
    period = models.DateField(help_text="First day of the period the pack covers.")
    recurrence = models.CharField(max_length=10, choices=Recurrence.choices)
    preparer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    collect_due = due_field(Stage.COLLECT)
    capture_due = due_field(Stage.CAPTURE)
    reconcile_due = due_field(Stage.RECONCILE)
    prepare_due = due_field(Stage.PREPARE)
    review_due = due_field(Stage.REVIEW)
    deliver_due = due_field(Stage.DELIVER)
    collect_done_at = done_field(Stage.COLLECT)
    capture_done_at = done_field(Stage.CAPTURE)
    reconcile_done_at = done_field(Stage.RECONCILE)
    prepare_done_at = done_field(Stage.PREPARE)
    review_done_at = done_field(Stage.REVIEW)
    deliver_done_at = done_field(Stage.DELIVER)
    current_stage = models.CharField(
        max_length=10, choices=Stage.choices, blank=True, default=Stage.COLLECT
    )
    current_due = models.DateField(
        null=True, blank=True, help_text="Due date of the current stage (none once complete)."
    )
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        ordering = ["-period", "client__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "client", "template", "period"],
                name="pack_practice_client_template_period_uniq",
            )
        ]
        indexes = [
            models.Index(fields=["practice", "period"], name="pack_practice_period_idx"),
            models.Index(
                fields=["practice", "preparer", "completed_at"], name="pack_practice_preparer_idx"
            ),
            models.Index(
                fields=["practice", "reviewer", "completed_at"], name="pack_practice_reviewer_idx"
            ),
            models.Index(
                fields=["practice", "completed_at", "current_due"], name="pack_practice_open_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client.name} — {self.period_label}"

    def get_absolute_url(self) -> str:
        return reverse("pack_detail", args=[self.code])

    @property
    def period_label(self) -> str:
        return period_label(self.period, self.recurrence)

    @property
    def due_dates(self) -> dict[str, date]:
        return {stage: getattr(self, f"{stage}_due") for stage in STAGES}

    @property
    def completed_stages(self) -> frozenset[str]:
        return frozenset(s for s in STAGES if getattr(self, f"{s}_done_at") is not None)

    @property
    def is_complete(self) -> bool:
        return self.completed_at is not None

    def progress(self) -> PackProgress:
        return PackProgress(
            due=self.due_dates,
            completed=self.completed_stages,
            started=self.started_at is not None,
            delivered=self.completed_at is not None,
        )


class PackItem(TenantModel):
    """A checklist line copied into the pack when it was created: history never changes when
    the template does."""

    pack = models.ForeignKey(Pack, on_delete=models.CASCADE, related_name="items")
    stage = models.CharField(max_length=10, choices=Stage.choices)
    title = models.CharField(max_length=200)
    guidance = models.TextField(blank=True)
    mandatory = models.BooleanField(default=True)
    position = models.PositiveIntegerField(default=0)
    auto_key = models.CharField(max_length=24, blank=True)
    template_item = models.ForeignKey(
        "templates_engine.TemplateItem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    extra_item = models.ForeignKey(
        "templates_engine.ClientExtraItem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    done_automatically = models.BooleanField(default=False)
    note = models.TextField(blank=True)
    # For an item that follows the pack's document request (a document ``auto_key``): what the
    # request still missed of the documents it covers when last heard from. None: no request
    # answers for it (yet); []: every one is in; else the missing items' titles.
    documents_missing = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["position", "pk"]
        indexes = [models.Index(fields=["practice", "pack", "stage"], name="packitem_pack_idx")]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def from_spec(cls, pack: Pack, spec, **fields) -> "PackItem":
        """An item copied from a checklist line (``templates_engine.services.ItemSpec``)."""
        return cls(
            pack=pack,
            stage=spec.stage,
            title=spec.title,
            guidance=spec.guidance,
            mandatory=spec.mandatory,
            position=spec.position,
            auto_key=spec.auto_key,
            template_item_id=spec.template_item_id,
            extra_item_id=spec.extra_item_id,
            **fields,
        )

    @property
    def is_done(self) -> bool:
        return self.done_at is not None

    @property
    def hand_override(self) -> str:
        """ "ticked" when the item is ticked by hand while the request still misses documents
        it covers, "unticked" when it is unticked although every one of them is in; else "".
        """
        missing = self.documents_missing
        if missing is None:
            return ""
        if self.is_done and missing and not self.done_automatically:
            return "ticked"
        if not self.is_done and missing == []:
            return "unticked"
        return ""


class PackEvent(TenantModel):
    """The audit trail: every tick, untick, note, stage change and reassignment."""

    class Action(models.TextChoices):
        CREATED = "created", "Pack created"
        TICKED = "ticked", "Ticked"
        UNTICKED = "unticked", "Unticked"
        NOTE = "note", "Note"
        STAGE_COMPLETED = "stage_completed", "Stage completed"
        STAGE_REOPENED = "stage_reopened", "Stage reopened"
        REASSIGNED = "reassigned", "Reassigned"
        COMPLETED = "completed", "Pack complete"
        REOPENED = "reopened", "Pack reopened"
        ITEMS_UPDATED = "items_updated", "Checklist updated from the template"

    pack = models.ForeignKey(Pack, on_delete=models.CASCADE, related_name="events")
    item = models.ForeignKey(
        PackItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    stage = models.CharField(max_length=10, choices=Stage.choices, blank=True)
    detail = models.CharField(max_length=500, blank=True)
    automatic = models.BooleanField(default=False)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["practice", "pack", "created_at"], name="packevent_pack_idx"),
            models.Index(fields=["practice", "action", "created_at"], name="packevent_action_idx"),
            # Days spent in each stage (the board) read a pack's stage completions only.
            models.Index(fields=["practice", "pack", "action"], name="packevent_pack_action_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.detail}".strip()
