"""The document store leaves the portal for an app of its own without touching the table:
``Document`` enters this app's state over the existing ``portal_document`` table (its rows,
constraints, indexes and row-level security policy stay as they are), and its content type
follows it so permissions and admin links keep pointing at the same rows. The portal's
migration 0007 then drops ``Document`` from the portal's state.
"""

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import atlasos.clock


def _move(apps, old_label: str, new_label: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    old = ContentType.objects.filter(app_label=old_label, model="document").first()
    if old is None:
        return
    if ContentType.objects.filter(app_label=new_label, model="document").exists():
        old.delete()  # a later ``migrate`` made the new one already: the old one is stale
    else:
        old.app_label = new_label
        old.save(update_fields=["app_label"])


def move_content_type(apps, schema_editor):
    _move(apps, "portal", "documents")


def move_content_type_back(apps, schema_editor):
    _move(apps, "documents", "portal")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("portal", "0006_requests_close_at_delivery"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("clients", "0002_times_from_the_clock"),
        ("tenancy", "0004_times_from_the_clock"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Document",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("code", models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                        (
                            "period",
                            models.DateField(
                                blank=True, help_text="First day of the month.", null=True
                            ),
                        ),
                        (
                            "doc_type",
                            models.CharField(
                                choices=[
                                    ("bank_statement", "Bank statement"),
                                    ("sales_invoice", "Sales invoice"),
                                    ("purchase_invoice", "Purchase invoice"),
                                    ("receipt", "Receipt"),
                                    ("payroll_report", "Payroll report"),
                                    ("reconciliation_report", "Reconciliation report"),
                                    ("management_accounts", "Management accounts"),
                                    ("other", "Other"),
                                ],
                                default="other",
                                max_length=32,
                                verbose_name="type",
                            ),
                        ),
                        (
                            "source",
                            models.CharField(
                                choices=[
                                    ("portal", "Portal"),
                                    ("staff_upload", "Staff upload"),
                                    ("email", "Email"),
                                    ("generated", "Generated"),
                                ],
                                default="staff_upload",
                                max_length=16,
                            ),
                        ),
                        ("original_name", models.CharField(max_length=150, verbose_name="name")),
                        ("content_type", models.CharField(max_length=100)),
                        ("size", models.PositiveBigIntegerField()),
                        ("sha256", models.CharField(max_length=64, verbose_name="SHA-256")),
                        ("storage_key", models.CharField(max_length=255, unique=True)),
                        (
                            "created_at",
                            models.DateTimeField(default=atlasos.clock.now, editable=False),
                        ),
                        ("deleted_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "client",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="documents",
                                to="clients.client",
                            ),
                        ),
                        (
                            "deleted_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "practice",
                            models.ForeignKey(
                                editable=False,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="tenancy.practice",
                            ),
                        ),
                        (
                            "uploaded_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "uploaded_by_contact",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to="clients.contact",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "portal_document",
                        "ordering": ["-created_at", "-pk"],
                        "indexes": [
                            models.Index(
                                fields=["client", "-created_at"], name="portal_doc_client_created"
                            ),
                            models.Index(fields=["deleted_at"], name="portal_doc_deleted_at"),
                        ],
                        "constraints": [
                            models.UniqueConstraint(
                                condition=models.Q(("deleted_at__isnull", True)),
                                fields=("practice", "client", "sha256"),
                                name="portal_document_one_live_copy",
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
