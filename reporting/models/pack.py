"""The pack: the practice's branding, each render of a client's pack PDF, and the review
points raised on it."""

from django.conf import settings
from django.db import models

from atlasos import clock
from atlasos.tenancy.models import TenantModel
from clients.models import Client
from reporting.models.trial_balances import LINE_LABELS, TrialBalance


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
