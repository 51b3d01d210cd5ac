"""Time `seed_demo` for a large practice (issue: 2,000 clients in under 30 s on PostgreSQL)."""

import argparse
import os
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "atlasos.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only-key")
os.environ.setdefault("DEBUG", "true")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=2000)
    parser.add_argument("--history", type=int, default=12, help="past periods of packs")
    parser.add_argument(
        "--portal", action="store_true", help="with the demo's portal contact and her story"
    )
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from atlasos import clock
    from atlasos.tenancy.context import practice_context, unscoped
    from atlasos.tenancy.models import Practice
    from clients.models import BankAccount, Client, Contact
    from demo.seed import seed_practice
    from notifications.models import OverdueAlert
    from tasks.models import Pack
    from tasks.status_sql import overdue_q

    call_command("migrate", verbosity=0)
    name = f"Bench Practice {uuid.uuid4().hex[:8]}"
    email = f"bench-{uuid.uuid4().hex[:8]}@bench.example.com"
    print(f"database: {connection.vendor}; clients: {args.clients}; history: {args.history}")
    try:
        first = seed_practice(
            name=name,
            email=email,
            password="bench-password",
            clients=args.clients,
            history=args.history,
            portal_email=f"portal-{uuid.uuid4().hex[:8]}@bench.example.com" if args.portal else "",
            portal_password="bench-portal-password",
        )
        with practice_context(first.practice.pk):
            counts = (Client.objects.count(), Contact.objects.count(), BankAccount.objects.count())
            packs = Pack.objects.count()
            today = clock.practice_today(first.practice)
            open_packs = Pack.objects.filter(completed_at__isnull=True)
            late = (open_packs.count(), open_packs.filter(overdue_q(today)).count())
            alerts = OverdueAlert.objects.count()
        print(
            f"seed, first run:  {first.seconds:7.2f} s  "
            f"({counts[0]} clients, {counts[1]} contacts, {counts[2]} bank accounts, "
            f"{packs} packs: {late[0]} open, {late[1]} overdue, {alerts} overdue alerts)"
        )
        started = time.perf_counter()
        second = seed_practice(
            name=name, email=email, password="bench-password", clients=args.clients
        )
        assert not second.created
        print(f"seed, second run: {time.perf_counter() - started:7.3f} s  (nothing changed)")
    finally:
        with unscoped("bench: remove the benchmark practice"):
            Practice.objects.filter(name=name).delete()


if __name__ == "__main__":
    main()
