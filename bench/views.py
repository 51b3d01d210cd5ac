"""Time the calendar, the task board and the kanban for a large practice (issue 4: 2,000
clients, 12 periods of history, 30 checklist items per pack, on PostgreSQL; each page under
150 ms median server time, with the same number of SQL queries as for 20 clients).

Server time is measured in-process through Django's test client: the whole request (middleware,
views, queries, templates), without a network hop. Prints, for each page and practice size, the
median and 90th percentile of ``--repeat`` requests and the number of SQL queries.

    DATABASE_URL=postgres://… .venv/bin/python bench/views.py [--clients 2000] [--history 12]
"""

import argparse
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "atlasos.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only-key")
os.environ.setdefault("DEBUG", "true")


def pages(month: str) -> dict[str, str]:
    return {
        "calendar (month)": f"/calendar/?month={month}",
        "calendar (rows)": f"/calendar/?month={month}&layout=rows",
        "calendar (filtered)": f"/calendar/?month={month}&status=overdue&assignee=me",
        "board": "/board/",
        "kanban": "/board/kanban/",
    }


def measure(client, url: str, repeat: int) -> tuple[float, float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm caches (templates, holidays)
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    timings.sort()
    p90 = timings[max(0, round(0.9 * len(timings)) - 1)]
    return statistics.median(timings), p90, len(queries)


def top_up_items(practice, items: int) -> None:
    """Give every pack ``items`` checklist lines: the standard template has fewer, so optional
    lines spread over the six stages are added (done when the pack is complete)."""
    from django.db import connection

    from atlasos.tenancy.context import practice_context
    from cycle.stages import STAGES
    from tasks.models import PackItem

    with practice_context(practice.pk):
        pack_ids = list(PackItem.objects.values_list("pack_id", flat=True)[:1])
        have = PackItem.objects.filter(pack_id__in=pack_ids).count()
        extra = items - have
        if extra <= 0:
            return
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    """
                    INSERT INTO tasks_packitem (practice_id, code, pack_id, stage, title,
                        guidance, mandatory, position, auto_key, done_at, done_automatically,
                        note)
                    SELECT p.practice_id, gen_random_uuid(), p.id, (%s::text[])[g %% 6 + 1],
                        'Extra checklist line ' || g, '', false, 1000 + g, '', p.completed_at,
                        false, ''
                    FROM tasks_pack p CROSS JOIN generate_series(1, %s) AS g
                    WHERE p.practice_id = %s
                    """,
                    [list(STAGES), extra, practice.pk],
                )
        else:
            from tasks.models import Pack

            PackItem.objects.bulk_create(
                [
                    PackItem(
                        pack=pack,
                        stage=STAGES[g % 6],
                        title=f"Extra checklist line {g}",
                        mandatory=False,
                        position=1000 + g,
                        done_at=pack.completed_at,
                    )
                    for pack in Pack.objects.only("pk", "completed_at")
                    for g in range(1, extra + 1)
                ],
                batch_size=5000,
            )
        print(f"topped up every pack to {items} checklist items ({extra} optional lines added)")


def analyze() -> None:
    """Fresh statistics after the bulk insert, as autovacuum would give a real database soon
    after; without them PostgreSQL plans the new rows as if the tables were empty."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE tasks_pack, tasks_packitem, tasks_packevent")


def seed(clients: int, history: int, items: int):
    from demo.seed import seed_practice

    name = f"Bench Views {clients} {uuid.uuid4().hex[:8]}"
    email = f"bench-{uuid.uuid4().hex[:8]}@bench.example.com"
    started = time.perf_counter()
    seeded = seed_practice(
        name=name, email=email, password="bench", clients=clients, history=history
    )
    print(
        f"seeded {clients} clients, {history} periods of history in "
        f"{time.perf_counter() - started:.1f} s"
    )
    from django.contrib.auth import get_user_model

    top_up_items(seeded.practice, items)
    analyze()
    return seeded.practice, get_user_model().objects.get(email=email)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=2000)
    parser.add_argument("--small", type=int, default=20, help="the small practice to compare")
    parser.add_argument("--history", type=int, default=12)
    parser.add_argument("--items", type=int, default=30, help="checklist items per pack")
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    from atlasos.tenancy.context import unscoped
    from atlasos.tenancy.models import Practice

    setup_test_environment()  # allows the test client's host, keeps email in memory
    call_command("migrate", verbosity=0)
    month = timezone.localdate().strftime("%Y-%m")
    print(f"database: {connection.vendor}; month shown: {month}; repeat: {args.repeat}")
    results: dict[int, dict[str, tuple]] = {}
    names = []
    try:
        for size in (args.small, args.clients):
            practice, partner = seed(size, args.history, args.items)
            names.append(practice.name)
            client = Client()
            client.force_login(partner)
            results[size] = {
                label: measure(client, url, args.repeat) for label, url in pages(month).items()
            }
    finally:
        with unscoped("bench: remove the benchmark practices"):
            Practice.objects.filter(name__in=names).delete()

    small, large = results[args.small], results[args.clients]
    print()
    print(
        f"{'page':<22} {'median ms':>10} {'p90 ms':>8} {'queries':>8} "
        f"{'queries @' + str(args.small):>12}"
    )
    for label, (median, p90, queries) in large.items():
        same = "" if queries == small[label][2] else "  (differs!)"
        print(f"{label:<22} {median:>10.1f} {p90:>8.1f} {queries:>8} {small[label][2]:>12}{same}")


if __name__ == "__main__":
    main()
