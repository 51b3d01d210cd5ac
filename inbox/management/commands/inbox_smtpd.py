"""Run the Smart Inbox's SMTP listener (inbox.smtp_listener) until SIGTERM or SIGINT."""

import logging
import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from inbox.smtp_listener import make_controller, stop


class Command(BaseCommand):
    help = (
        "Listen for SMTP mail to the practices' inbox addresses (behind your own mail server): "
        "unknown recipients get 550, a message over the size cap 552, and 250 is sent only "
        "once the message is kept (451 when keeping it failed, so the sender retries). Stops "
        "on SIGTERM or SIGINT after the message being kept, if any."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
        parser.add_argument("--port", type=int, default=2525, help="port to listen on")
        parser.add_argument(
            "--max-bytes",
            type=int,
            default=None,
            metavar="N",
            help="largest message taken, in bytes (default: ATLAS_INBOX_MAX_BYTES, "
            f"{settings.ATLAS_INBOX_MAX_BYTES})",
        )

    def handle(self, *args, host, port, max_bytes, **options):
        if max_bytes is not None and max_bytes <= 0:
            raise CommandError("--max-bytes must be a positive number of bytes.")
        if options["verbosity"] < 2:
            # aiosmtpd logs every command of every session at INFO: only with -v 2.
            logging.getLogger("mail.log").setLevel(logging.WARNING)
        controller = make_controller(host, port, max_bytes=max_bytes)
        stopping = threading.Event()

        def request_stop(signum, frame):
            stopping.set()

        signals = (signal.SIGTERM, signal.SIGINT)
        previous = {sig: signal.signal(sig, request_stop) for sig in signals}
        try:
            try:
                controller.start()
            except OSError as error:
                raise CommandError(f"cannot listen on {host}:{port}: {error}") from error
            limit = controller.SMTP_kwargs["data_size_limit"]
            self.stdout.write(
                f"Inbox SMTP listener on {host}:{port} (messages up to {limit} bytes); "
                "SIGTERM or Ctrl-C stops it."
            )
            stopping.wait()
            self.stdout.write("Stopping: finishing the message being kept, if any.")
            stop(controller)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        self.stdout.write("Stopped.")
