"""Queries to the client: a question the practice puts to a client's contacts (a reviewer's
point about the accounts, most often), answered in the portal with text and files."""

from django.conf import settings
from django.db import models
from django.urls import reverse

from atlasos import clock
from atlasos.tenancy.models import TenantModel
from clients.models import Client, Contact


class ClientQuery(TenantModel):
    class State(models.TextChoices):
        OPEN = "open", "Waiting for the client"
        ANSWERED = "answered", "Answered"
        WITHDRAWN = "withdrawn", "Withdrawn"

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="queries")
    pack = models.ForeignKey(
        "tasks.Pack", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    question = models.TextField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    asked_at = models.DateTimeField(default=clock.now)
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the reminders ran out unanswered and the person who asked was told.",
    )
    documents = models.ManyToManyField(
        "documents.Document", through="ClientQueryDocument", related_name="+"
    )

    class Meta:
        ordering = ["-asked_at", "-pk"]
        verbose_name_plural = "client queries"
        indexes = [models.Index(fields=["practice", "client", "state"], name="portal_query_client")]

    def __str__(self) -> str:
        return self.question[:60]

    def get_portal_url(self) -> str:
        return reverse("portal_query", args=[self.code])


class ClientQueryDocument(TenantModel):
    query = models.ForeignKey(ClientQuery, on_delete=models.CASCADE, related_name="links")
    document = models.ForeignKey("documents.Document", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "query", "document"], name="portal_query_doc_once"
            )
        ]
