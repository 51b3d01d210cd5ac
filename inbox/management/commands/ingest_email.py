"""Feed .eml files (or standard input) through the inbox's one intake, as mail would arrive."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from atlasos.tenancy.context import practice_context
from inbox import intake
from inbox.models import Channel
from inbox.outcomes import describe
from inbox.recipients import header_recipients


class Command(BaseCommand):
    help = (
        "Take .eml files (or - for standard input) into the Smart Inbox and print, per file, "
        "what became of it: filed to which client and how surely, waiting in triage, a "
        "duplicate, ignored, rejected, or refused and why. Exit 1 when any was refused."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", help=".eml files, or - for standard input")
        parser.add_argument(
            "--to",
            action="append",
            default=[],
            metavar="ADDRESS",
            help="the inbox address it was delivered to (default: read from its headers)",
        )

    def handle(self, *args, files, to, **options):
        refused = False
        # Every file is read before any is taken: an unreadable one stops the run with
        # nothing taken. Then they go in together: kept, then processed in batches.
        letters = []
        for name in files:
            raw = self._read(name)
            letters.append((name, raw, to or header_recipients(raw)))
        taken = intake.accept_many(
            [(raw, recipients) for _, raw, recipients in letters], channel=Channel.FILE
        )
        for (name, _, _), outcomes in zip(letters, taken, strict=True):
            for outcome in outcomes:
                if outcome.practice_id is None:
                    line = describe(outcome)
                else:
                    with practice_context(outcome.practice_id):
                        line = describe(outcome)
                refused = refused or not outcome.stored
                self.stdout.write(f"{name}: {line}")
        if refused:
            sys.exit(1)

    def _read(self, name: str) -> bytes:
        if name == "-":
            return sys.stdin.buffer.read()
        try:
            return Path(name).read_bytes()
        except OSError as error:
            raise CommandError(f"{name}: cannot be read ({error.strerror}).") from error
