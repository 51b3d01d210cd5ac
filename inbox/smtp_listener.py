"""The SMTP listener (aiosmtpd), for a practice that runs its own mail server in front: it takes
mail for known inbox addresses only and answers 250 only once the message is kept.

The dialogue:
- ``RCPT TO`` an address that is not one of ours: ``550 5.1.1`` (the sending server bounces it
  at once; nothing is kept);
- the size cap (``ATLAS_INBOX_MAX_BYTES`` unless given) is advertised in ``EHLO`` as ``SIZE``:
  a ``MAIL FROM … SIZE=`` above it, and DATA running past it, get ``552`` from aiosmtpd;
- after ``DATA``: ``250 2.0.0`` once ``intake.accept`` has kept the message (or found it kept
  before: a duplicate), ``451 4.3.0`` when keeping it failed, so the sending server tries again
  later and nothing is lost.

The Django ORM is never called from the event loop: address look-ups and intake run in a small
thread pool, and each job closes its database connections when done.
"""

import asyncio
import logging
import threading
from concurrent.futures import ThreadPoolExecutor

from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import close_old_connections, connections

from atlasos.tenancy.context import practice_context
from inbox import addresses, intake
from inbox.models import Channel
from inbox.outcomes import describe

logger = logging.getLogger(__name__)

MAX_RECIPIENTS = 100  # RFC 5321 §4.5.3.1.8: at least 100 must be accepted
ACCEPTED = "250 2.0.0 Message accepted"
NO_SUCH_MAILBOX = "550 5.1.1 No such mailbox here"
TRY_AGAIN = "451 4.3.0 Try again later"
TOO_MANY_RECIPIENTS = "452 4.5.3 Too many recipients"


def _in_thread(work, *args):
    """Run ``work`` as Django code runs in a request: stale connections dropped before, and
    this thread's connections closed after (the pool's threads outlive any one message)."""
    close_old_connections()
    try:
        return work(*args)
    finally:
        connections.close_all()


def _keep(raw: bytes, recipients: list[str], envelope_from: str) -> list[tuple[bool, str]]:
    """Intake, then one line in words per outcome: (kept, line)."""
    outcomes = intake.accept(
        raw, recipients=recipients, channel=Channel.SMTP, envelope_from=envelope_from
    )
    lines = []
    for outcome in outcomes:
        try:
            if outcome.practice_id is None:
                line = describe(outcome)
            else:
                with practice_context(outcome.practice_id):
                    line = describe(outcome)
        except Exception:  # the message is kept; only its description failed
            logger.exception("inbox smtp: could not describe an outcome")
            line = outcome.kind
        lines.append((outcome.stored, line))
    return lines


class InboxHandler:
    """aiosmtpd handler: ``handle_RCPT`` and ``handle_DATA`` as described in the module."""

    def __init__(self, *, workers: int = 4):
        self.executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="inbox-smtp")
        self._busy = 0
        self._idle = threading.Condition()

    async def _run(self, work, *args):
        loop = asyncio.get_running_loop()
        with self._idle:
            self._busy += 1
        try:
            return await loop.run_in_executor(self.executor, _in_thread, work, *args)
        finally:
            with self._idle:
                self._busy -= 1
                self._idle.notify_all()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if len(envelope.rcpt_tos) >= MAX_RECIPIENTS:
            return TOO_MANY_RECIPIENTS
        try:
            known = await self._run(addresses.is_known, address)
        except Exception:
            logger.exception("inbox smtp: looking up %s failed", address)
            return TRY_AGAIN
        if not known:
            logger.info("inbox smtp: %s: refused RCPT %s (no such mailbox)", session.peer, address)
            return NO_SUCH_MAILBOX
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        mail_from = "" if envelope.mail_from in (None, "<>") else envelope.mail_from
        try:
            lines = await self._run(_keep, raw, list(envelope.rcpt_tos), mail_from)
        except Exception:
            logger.exception("inbox smtp: %s: keeping a message failed", session.peer)
            return TRY_AGAIN
        for _, line in lines:
            logger.info("inbox smtp: %s: %s", session.peer, line)
        if not any(kept for kept, _ in lines):
            # Every address it was for stopped being ours since RCPT (recorded by intake).
            return NO_SUCH_MAILBOX
        return ACCEPTED

    def wait_idle(self, timeout: float) -> bool:
        """Wait until no look-up or intake is running; False if still busy after ``timeout``."""
        with self._idle:
            return self._idle.wait_for(lambda: self._busy == 0, timeout=timeout)

    def close(self) -> None:
        self.executor.shutdown(wait=True)


def make_controller(
    host: str = "127.0.0.1", port: int = 2525, *, max_bytes: int | None = None
) -> Controller:
    """A listener on ``host``:``port`` (start it with ``.start()``), its handler as
    ``.handler``, advertising and enforcing ``max_bytes`` (default ``ATLAS_INBOX_MAX_BYTES``)."""
    return Controller(
        InboxHandler(),
        hostname=host,
        port=port,
        server_hostname=settings.ATLAS_INBOX_DOMAIN,
        data_size_limit=max_bytes or settings.ATLAS_INBOX_MAX_BYTES,
        ident="AtlasOS inbox",
    )


def stop(controller: Controller, *, grace: float = 30.0) -> None:
    """Stop gracefully: no new connections, let a message being kept finish (up to
    ``grace`` seconds; a sender cut off later retries: it never got its 250), then stop."""
    server = controller.server
    if server is not None:
        controller.loop.call_soon_threadsafe(server.close)
    if not controller.handler.wait_idle(grace):
        logger.warning("inbox smtp: stopping with work still running after %ss", grace)
    controller.stop()
    controller.handler.close()
