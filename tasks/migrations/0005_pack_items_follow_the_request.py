"""Pack items remember what the document request still misses of the documents they cover
(``documents_missing``), and OPEN packs' collect items take the new automatic tick of the
template item they were copied from (templates_engine 0004). Delivered packs keep their
history: nothing of theirs changes. No tick changes here either: the next change to a pack's
request brings its items in line (``tasks.services.follow_documents``)."""

from django.db import migrations, models

from atlasos.tenancy.context import unscoped

DOCUMENT_KEYS = (
    "bank_statements",
    "sales_invoices",
    "purchase_invoices",
    "receipts",
    "petty_cash",
    "payroll_report",
)


def follow_template(apps, schema_editor):
    PackItem = apps.get_model("tasks", "PackItem")
    with unscoped("migration: open packs' collect items follow the request"):
        for key in DOCUMENT_KEYS:
            PackItem.objects.filter(
                pack__completed_at__isnull=True,
                template_item__auto_key=key,
                auto_key__in=("", "documents_received"),
            ).update(auto_key=key)


def unfollow_template(apps, schema_editor):
    PackItem = apps.get_model("tasks", "PackItem")
    with unscoped("migration: open packs' collect items no longer follow the request"):
        for key in DOCUMENT_KEYS:
            PackItem.objects.filter(pack__completed_at__isnull=True, auto_key=key).update(
                auto_key="documents_received" if key == "bank_statements" else ""
            )


class Migration(migrations.Migration):
    dependencies = [
        ("tasks", "0004_times_from_the_clock"),
        ("templates_engine", "0004_collect_items_follow_the_request"),
    ]

    operations = [
        migrations.AddField(
            model_name="packitem",
            name="documents_missing",
            field=models.JSONField(blank=True, null=True),
        ),
        migrations.RunPython(follow_template, unfollow_template),
    ]
