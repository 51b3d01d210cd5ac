"""Give every existing practice the standard monthly template (new practices get it when
they are created)."""

from django.db import migrations

from atlasos.tenancy.context import unscoped
from templates_engine.standard import STANDARD_DESCRIPTION, STANDARD_ITEMS, STANDARD_NAME


def create_standard_templates(apps, schema_editor):
    Practice = apps.get_model("tenancy", "Practice")
    TaskTemplate = apps.get_model("templates_engine", "TaskTemplate")
    TemplateItem = apps.get_model("templates_engine", "TemplateItem")
    with unscoped("migration: standard template for every practice"):
        for practice in Practice.objects.all():
            template, created = TaskTemplate.objects.get_or_create(
                practice=practice,
                name=STANDARD_NAME,
                defaults={"description": STANDARD_DESCRIPTION},
            )
            if not created:
                continue
            TemplateItem.objects.bulk_create(
                [
                    TemplateItem(
                        practice=practice,
                        template=template,
                        stage=stage,
                        title=title,
                        mandatory=mandatory,
                        auto_key=auto_key,
                        guidance=guidance,
                        position=(index + 1) * 10,
                    )
                    for index, (stage, title, mandatory, auto_key, guidance) in enumerate(
                        STANDARD_ITEMS
                    )
                ]
            )


class Migration(migrations.Migration):
    dependencies = [
        ("templates_engine", "0001_initial"),
        ("tenancy", "0002_practice_pack_release_offset"),
    ]

    operations = [migrations.RunPython(create_standard_templates, migrations.RunPython.noop)]
