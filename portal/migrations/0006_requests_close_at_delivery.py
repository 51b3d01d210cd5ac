"""Requests close when their pack is delivered (status "closed", with when and why), and each
request item says which collect item of the pack it counts for (``covers``): existing items
get it from their document type, the standard "Petty cash records" item from its title."""

from django.db import migrations, models

from atlasos.tenancy.context import unscoped

COVERS_BY_TYPE = {
    "bank_statement": "bank_statements",
    "sales_invoice": "sales_invoices",
    "purchase_invoice": "purchase_invoices",
    "receipt": "receipts",
    "payroll_report": "payroll_report",
}


def give_covers(apps, schema_editor):
    RequestItem = apps.get_model("portal", "RequestItem")
    with unscoped("migration: request items say which collect item they count for"):
        for doc_type, key in COVERS_BY_TYPE.items():
            RequestItem.objects.filter(doc_type=doc_type).update(covers=key)
        RequestItem.objects.filter(doc_type="other", title="Petty cash records").update(
            covers="petty_cash"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0005_emails_fail_with_a_reason"),
    ]

    operations = [
        migrations.AddField(
            model_name="documentrequest",
            name="closed_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="documentrequest",
            name="closed_reason",
            field=models.CharField(blank=True, max_length=500),
        ),
        migrations.AddField(
            model_name="requestitem",
            name="covers",
            field=models.CharField(
                blank=True,
                help_text="The pack's collect item it counts for (a document key of "
                "templates_engine.models.AutoTick); blank: only for “all requested documents "
                "received”.",
                max_length=24,
            ),
        ),
        migrations.AlterField(
            model_name="documentrequest",
            name="status",
            field=models.CharField(
                choices=[
                    ("draft", "Draft"),
                    ("sent", "Sent"),
                    ("complete", "Complete"),
                    ("cancelled", "Cancelled"),
                    ("closed", "Closed"),
                ],
                default="draft",
                max_length=10,
            ),
        ),
        migrations.RunPython(give_covers, migrations.RunPython.noop),
    ]
