import uuid
import zoneinfo

from django.core.exceptions import ValidationError
from django.db import models

from atlasos import clock
from atlasos.tenancy.context import PracticeContextError, current_practice_id, is_unscoped
from atlasos.tenancy.managers import TenantManager, UnscopedManager


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"“{value}” is not a known time zone (e.g. Europe/London).")


class Practice(models.Model):
    """The accounting firm: the tenant. Not itself a tenant row."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200, unique=True)
    country = models.CharField(
        max_length=2, default="GB", help_text="ISO country code; decides public holidays."
    )
    timezone = models.CharField(
        max_length=64, default="Europe/London", validators=[validate_timezone]
    )
    require_mfa = models.BooleanField(
        "require two-factor authentication",
        default=False,
        help_text="Every team member must set up an authenticator app before using AtlasOS.",
    )
    pack_release_offset = models.PositiveSmallIntegerField(
        "packs appear after",
        default=0,
        help_text="Working days after the first working day after a period ends (0: that day).",
    )
    reply_to_email = models.EmailField(
        "reply-to address",
        blank=True,
        help_text="Where clients' replies to the practice's emails go (requests, reminders, "
        "deliveries). Empty: the client's preparer.",
    )
    created_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TenantModel(models.Model):
    """A row that belongs to one practice.

    Scoped by ``objects`` in Python and by a row-level security policy in PostgreSQL (add
    ``EnableRowLevelSecurity`` to the migration that creates the table; a test checks it).
    """

    practice = models.ForeignKey(
        Practice, on_delete=models.CASCADE, related_name="+", editable=False
    )
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    objects = TenantManager()
    unscoped_objects = UnscopedManager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        practice_id = current_practice_id()
        if self.practice_id is None:
            if practice_id is None:
                raise PracticeContextError(f"Saving a {type(self).__name__} without a practice.")
            self.practice_id = practice_id
        elif practice_id is not None and self.practice_id != practice_id:
            raise PracticeContextError(f"Saving another practice's {type(self).__name__}.")
        elif practice_id is None and not is_unscoped():
            raise PracticeContextError(f"Saving a {type(self).__name__} outside a practice.")
        super().save(*args, **kwargs)
