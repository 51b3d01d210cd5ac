"""``manage.py render_pack --client CODE --period YYYY-MM --out FILE.pdf``: the management
accounts pack a worker renders, written to a file, for operators and checks. The client is
named by its short code (or its UUID); ``--practice`` picks the practice when two practices
have a client with that short code."""

import time
import uuid

from django.core.management.base import BaseCommand, CommandError

from atlasos.tenancy.context import practice_context, unscoped
from atlasos.tenancy.models import Practice
from clients.models import Client
from cycle.periods import parse_month


class Command(BaseCommand):
    help = "Render a client's management accounts pack for a month to a PDF file."

    def add_arguments(self, parser):
        parser.add_argument("--client", required=True, help="The client's short code or UUID.")
        parser.add_argument("--period", required=True, help="The month, as YYYY-MM.")
        parser.add_argument("--out", required=True, help="Where to write the PDF.")
        parser.add_argument("--practice", help="The practice's name, when the code is ambiguous.")

    def handle(self, *args, **options):
        from reporting.building import accounts_for
        from reporting.pack_document import NothingToRender, render_pack_pdf
        from reporting.pack_versions import unmapped_refusal

        period = parse_month(options["period"])
        if period is None:
            raise CommandError(f"--period {options['period']!r} is not a month as YYYY-MM.")
        client = self._client(options["client"], options.get("practice"))
        started = time.perf_counter()
        with practice_context(client.practice_id):
            client = Client.objects.select_related("practice").get(pk=client.pk)
            accounts = accounts_for(client, period)
            refusal = unmapped_refusal(accounts.unmapped) if accounts else None
            if refusal:
                raise CommandError(f"{client.name}, {period:%B %Y}: {refusal}")
            try:
                pdf, pages = render_pack_pdf(client, period)
            except NothingToRender as nothing:
                raise CommandError(str(nothing)) from None
        with open(options["out"], "wb") as out:
            out.write(pdf)
        self.stdout.write(
            f"{client.name}, {period:%B %Y}: {pages} pages, {len(pdf) // 1024} KB, "
            f"{time.perf_counter() - started:.2f} s → {options['out']}"
        )

    def _client(self, code: str, practice: str | None) -> Client:
        with unscoped("render_pack: the client an operator names"):
            clients = Client.unscoped_objects.select_related("practice")
            try:
                found = clients.filter(code=uuid.UUID(code))
            except ValueError:
                found = clients.filter(short_code__iexact=code)
            if practice:
                found = found.filter(practice__name=practice)
            found = list(found[:2])
        if not found:
            if practice and not Practice.objects.filter(name=practice).exists():
                raise CommandError(f"No practice named {practice!r}.")
            where = f" in {practice}" if practice else ""
            raise CommandError(f"No client with the code {code!r}{where}.")
        if len(found) > 1:
            raise CommandError(f"Two practices have a client {code!r}: name one with --practice.")
        return found[0]
