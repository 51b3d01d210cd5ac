"""Portal accounts: which client contacts can sign in to the portal, and for which clients."""

from django.conf import settings
from django.db import models

from atlasos import clock
from atlasos.tenancy.models import TenantModel
from clients.models import Client, Contact


class PortalAccount(TenantModel):
    """A client contact's sign-in. The ``user`` has the practice but no staff role, so every
    staff view refuses it; the portal's own views see only the clients in its grants."""

    contact = models.OneToOneField(Contact, on_delete=models.CASCADE, related_name="portal_account")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="portal_account"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    invited_at = models.DateTimeField(default=clock.now, editable=False)
    activated_at = models.DateTimeField(
        null=True, blank=True, help_text="First sign-in (password set or sign-in link used)."
    )
    last_sign_in_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-invited_at"]

    def __str__(self) -> str:
        return f"Portal account of {self.contact}"


class PortalGrant(TenantModel):
    """A portal account may see this client."""

    account = models.ForeignKey(PortalAccount, on_delete=models.CASCADE, related_name="grants")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="portal_grants")
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    granted_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        ordering = ["client__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "account", "client"], name="portal_grant_once"
            ),
        ]


class PortalLink(TenantModel):
    """A single-use, expiring link sent by email: set a password (an invitation) or sign in
    without one. Only the SHA-256 of the token is stored."""

    class Purpose(models.TextChoices):
        SET_PASSWORD = "set_password", "Set a password"
        SIGN_IN = "sign_in", "Sign in"

    account = models.ForeignKey(PortalAccount, on_delete=models.CASCADE, related_name="links")
    purpose = models.CharField(max_length=16, choices=Purpose)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=clock.now, editable=False)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
