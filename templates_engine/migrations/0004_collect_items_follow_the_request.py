"""The standard template's collect items follow the document request: each gets the automatic
tick of its kind of document. Every practice's template items with the standard titles are
updated (the bank statements item carried ``documents_received``, the others nothing); a
practice's own items and other keys are left alone. Open packs follow in tasks 0005."""

from django.db import migrations, models

from atlasos.tenancy.context import unscoped

# (title, new key): the standard collect items, as they were named when this ran.
KEYS = {
    "Bank statements received": "bank_statements",
    "Sales invoices received": "sales_invoices",
    "Purchase invoices received": "purchase_invoices",
    "Receipts received": "receipts",
    "Petty cash records received": "petty_cash",
    "Payroll report received": "payroll_report",
}
BEFORE = {"Bank statements received": "documents_received"}


def give_keys(apps, schema_editor):
    TemplateItem = apps.get_model("templates_engine", "TemplateItem")
    with unscoped("migration: standard collect items follow the request"):
        for title, key in KEYS.items():
            TemplateItem.objects.filter(
                stage="collect", title=title, auto_key__in=("", BEFORE.get(title, ""))
            ).update(auto_key=key)


def take_keys(apps, schema_editor):
    TemplateItem = apps.get_model("templates_engine", "TemplateItem")
    with unscoped("migration: standard collect items no longer follow the request"):
        for title, key in KEYS.items():
            TemplateItem.objects.filter(stage="collect", title=title, auto_key=key).update(
                auto_key=BEFORE.get(title, "")
            )


class Migration(migrations.Migration):
    dependencies = [
        ("templates_engine", "0003_times_from_the_clock"),
    ]

    operations = [
        migrations.AlterField(
            model_name="templateitem",
            name="auto_key",
            field=models.CharField(
                blank=True,
                choices=[
                    ("documents_received", "All requested documents received"),
                    ("bank_statements", "Requested bank statements received"),
                    ("sales_invoices", "Requested sales invoices received"),
                    ("purchase_invoices", "Requested purchase invoices received"),
                    ("receipts", "Requested receipts received"),
                    ("petty_cash", "Requested petty cash records received"),
                    ("payroll_report", "Requested payroll report received"),
                    ("bank_reconciled", "All bank accounts reconciled"),
                    ("accounts_rendered", "Management accounts rendered"),
                    ("pack_delivered", "Pack delivered to the client"),
                ],
                max_length=24,
                verbose_name="ticks itself when",
            ),
        ),
        migrations.RunPython(give_keys, take_keys),
    ]
