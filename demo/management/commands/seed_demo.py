from django.core.management.base import BaseCommand, CommandError

from demo.seed import seed_practice


class Command(BaseCommand):
    help = (
        "Create a demo practice with its team and clients, mid-flight in its monthly cycle "
        "on whatever day it runs (idempotent per practice name)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--practice", default="Harbour & Co Bookkeeping")
        parser.add_argument("--email", default="partner@harbour.example.com")
        parser.add_argument("--password", default="harbour-demo-2026")
        parser.add_argument("--clients", type=int, default=40)
        parser.add_argument(
            "--portal-email",
            default="",
            help="Sign-in of a client contact for the client portal (none when empty).",
        )
        parser.add_argument("--portal-password", default="")
        parser.add_argument(
            "--history", type=int, default=12, help="Past periods of packs to create."
        )

    def handle(self, *args, practice, email, password, clients, history, **options):
        portal_email, portal_password = options["portal_email"], options["portal_password"]
        if portal_email and len(portal_password) < 8:
            raise CommandError("--portal-password needs at least 8 characters.")
        if clients < 0:
            raise CommandError("--clients cannot be negative.")
        try:
            result = seed_practice(
                name=practice,
                email=email,
                password=password,
                clients=clients,
                history=history,
                portal_email=portal_email,
                portal_password=portal_password,
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if result.created:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Seeded {practice!r}: a team of five and {clients} clients "
                    f"in {result.seconds:.1f} s."
                )
            )
        else:
            self.stdout.write(f"{practice!r} already exists; nothing changed.")
        self.stdout.write(f"  Partner sign-in: {email} / {password}")
        if portal_email:
            self.stdout.write(f"  Client portal sign-in: {portal_email} / {portal_password}")
