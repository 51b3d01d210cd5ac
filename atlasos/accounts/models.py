import hashlib
import secrets
import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.urls import reverse

from atlasos import clock
from atlasos.tenancy.models import Practice, TenantModel


class Role(models.TextChoices):
    """The role of a member of a practice's staff. A client contact has no role (``""``): they
    sign in to the client portal, never to the practice's own pages."""

    PARTNER = "partner", "Partner"
    MANAGER = "manager", "Manager"
    STAFF = "staff", "Staff"


REVIEWER_ROLES = (Role.PARTNER, Role.MANAGER)
# The staff roles as a person picks one: from the fewest rights to the most, so that a
# selector's first option (what a browser shows when nothing matches) is never "Partner".
STAFF_ROLE_CHOICES = [(role.value, role.label) for role in (Role.STAFF, Role.MANAGER, Role.PARTNER)]
NO_ROLE = ""  # a client contact's role: not a member of staff


class UserQuerySet(models.QuerySet):
    """Two kinds of user share this table: practice staff (with a role) and client contacts
    (without). Every list of the team goes through ``staff_of``; the portal's people through
    ``contacts_of``."""

    def of_practice(self, practice_id: int):
        return self.filter(practice_id=practice_id)

    def staff_of(self, practice_id: int):
        """The practice's team: partners, managers and staff, active or not."""
        return self.filter(practice_id=practice_id, role__in=Role.values)

    def contacts_of(self, practice_id: int):
        """The sign-ins of the practice's client contacts."""
        return self.filter(practice_id=practice_id).exclude(role__in=Role.values)


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    """Users are looked up by email before any practice is known (sign-in), so this table is
    outside row-level security; team views scope it by practice through ``access_member``."""

    use_in_migrations = True

    def get_queryset(self):
        return super().get_queryset().select_related("practice")

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.update(is_superuser=True, is_staff=True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=150)
    practice = models.ForeignKey(
        Practice, on_delete=models.CASCADE, null=True, blank=True, related_name="members"
    )
    role = models.CharField(max_length=16, choices=Role.choices, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(
        "platform admin access", default=False, help_text="Django admin only; not practice staff."
    )
    date_joined = models.DateTimeField(default=clock.now)
    deactivated_at = models.DateTimeField(null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name", "email"]
        indexes = [models.Index(fields=["practice", "role"], name="user_practice_role_idx")]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def is_practice_staff(self) -> bool:
        """A member of a practice's team (partner, manager or staff)."""
        return self.practice_id is not None and self.role in Role.values

    @property
    def is_client_contact(self) -> bool:
        """A client's contact, signing in to the practice's client portal only."""
        return self.practice_id is not None and self.role not in Role.values

    @property
    def is_partner(self) -> bool:
        return self.is_practice_staff and self.role == Role.PARTNER

    @property
    def can_review(self) -> bool:
        return self.is_practice_staff and self.role in REVIEWER_ROLES

    @property
    def initials(self) -> str:
        parts = [p for p in self.full_name.split() if p]
        return "".join(p[0] for p in parts[:2]).upper() or self.email[:2].upper()


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Invitation(TenantModel):
    """An invitation to join a practice's team: a single-use, expiring link."""

    email = models.EmailField()
    full_name = models.CharField(max_length=150, blank=True)
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.STAFF)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now, editable=False)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["practice", "email"], name="invitation_practice_email_idx")]

    def __str__(self) -> str:
        return f"Invitation for {self.email}"

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(32)

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and not self.is_expired

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= clock.now()

    @property
    def state(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.is_expired:
            return "expired"
        return "pending"

    def get_revoke_url(self) -> str:
        return reverse("team_invitation_revoke", args=[self.code])
