"""Time the recurrence job for a large practice (issue: 2,000 clients with 30-item templates;
one month's packs in under 10 s on PostgreSQL, a second run in under 2 s)."""

import argparse
import os
import sys
import time
import uuid
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "atlasos.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only-key")
os.environ.setdefault("DEBUG", "true")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=2000)
    parser.add_argument("--items", type=int, default=30)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from atlasos.tenancy.context import practice_context, unscoped
    from atlasos.tenancy.models import Practice
    from clients.models import Client
    from cycle.stages import STAGES
    from demo.seed import seed_practice
    from tasks.models import Pack, PackItem
    from tasks.recurrence import ensure_packs
    from templates_engine.models import ClientTemplate, TaskTemplate, TemplateItem

    call_command("migrate", verbosity=0)
    name = f"Bench Recurrence {uuid.uuid4().hex[:8]}"
    email = f"bench-{uuid.uuid4().hex[:8]}@bench.example.com"
    now = datetime(2026, 11, 25, 9, tzinfo=ZoneInfo("Europe/London"))
    print(f"database: {connection.vendor}; clients: {args.clients}; items per pack: {args.items}")
    try:
        seeded = seed_practice(name=name, email=email, password="bench", clients=args.clients)
        practice = seeded.practice
        with practice_context(practice.pk):
            template = TaskTemplate.objects.create(name="Bench monthly pack")
            TemplateItem.objects.bulk_create(
                [
                    TemplateItem(
                        template=template,
                        stage=STAGES[i % len(STAGES)],
                        title=f"Checklist item {i + 1}",
                        mandatory=i % 4 != 3,
                        position=(i + 1) * 10,
                    )
                    for i in range(args.items)
                ]
            )
            ClientTemplate.objects.filter(template__name__startswith="Monthly").delete()
            ClientTemplate.objects.bulk_create(
                [ClientTemplate(client=c, template=template) for c in Client.objects.all()]
            )
            started = time.perf_counter()
            first = ensure_packs(practice, now)
            first_s = time.perf_counter() - started
            started = time.perf_counter()
            second = ensure_packs(practice, now)
            second_s = time.perf_counter() - started
            packs, items = Pack.objects.count(), PackItem.objects.count()
        print(
            f"first run:  {first_s:6.2f} s  ({first.packs_created} packs, "
            f"{first.items_created} checklist items)"
        )
        print(f"second run: {second_s:6.2f} s  ({second.packs_created} packs created)")
        print(f"in the database: {packs} packs, {items} items")
    finally:
        with unscoped("bench: remove the benchmark practice"):
            Practice.objects.filter(name=name).delete()


if __name__ == "__main__":
    main()
