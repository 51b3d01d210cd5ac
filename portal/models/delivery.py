"""Delivery: the final documents of a pack, published to the client's portal."""

from django.conf import settings
from django.db import models

from atlasos.tenancy.models import TenantModel
from clients.models import Client, Contact


class Delivery(TenantModel):
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="deliveries")
    pack = models.OneToOneField(
        "tasks.Pack", on_delete=models.SET_NULL, null=True, blank=True, related_name="delivery"
    )
    title = models.CharField(max_length=200)
    message = models.TextField(blank=True)
    documents = models.ManyToManyField(
        "documents.Document", through="DeliveryDocument", related_name="deliveries"
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    published_at = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name_plural = "deliveries"

    def __str__(self) -> str:
        return self.title


class DeliveryDocument(TenantModel):
    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="links")
    document = models.ForeignKey(
        "documents.Document", on_delete=models.PROTECT, related_name="delivery_links"
    )

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "delivery", "document"], name="portal_delivery_doc_once_uniq"
            ),
        ]
