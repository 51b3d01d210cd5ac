"""What the preparer decides and writes about a month: when a variance is material, the
comment on each, and the management commentary."""

from decimal import Decimal

from django.conf import settings
from django.db import models

from atlasos import clock
from atlasos.tenancy.models import TenantModel
from clients.models import Client


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
