"""``Document`` now belongs to the documents app (documents/migrations/0001_initial.py): the
portal's foreign keys point there and the model leaves the portal's state. No table changes:
the foreign keys already point at ``portal_document``, which the documents app keeps."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0001_initial"),
        ("portal", "0006_requests_close_at_delivery"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="requestitemdocument",
                    name="document",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="item_links",
                        to="documents.document",
                    ),
                ),
                migrations.AlterField(
                    model_name="deliverydocument",
                    name="document",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="delivery_links",
                        to="documents.document",
                    ),
                ),
                migrations.AlterField(
                    model_name="delivery",
                    name="documents",
                    field=models.ManyToManyField(
                        related_name="deliveries",
                        through="portal.DeliveryDocument",
                        to="documents.document",
                    ),
                ),
                migrations.AlterField(
                    model_name="requestitem",
                    name="documents",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="request_items",
                        through="portal.RequestItemDocument",
                        to="documents.document",
                    ),
                ),
                migrations.DeleteModel(
                    name="Document",
                ),
            ],
            database_operations=[],
        ),
    ]
