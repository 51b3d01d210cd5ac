"""The outbox: every email the product sends goes out through a row, exactly once per row.

Why a row first (DESIGN.md §9): a worker can die at any moment and Celery then redelivers its
task (late acknowledgement). Sent straight from the task, the email would go twice; sent through
a claimed row, a retry finishes the same email instead. For each row:

1. **Claim** it with a conditional UPDATE (waiting to send, or claimed so long ago that its
   worker is gone → sending, stamped, the attempt counted): exactly one caller's UPDATE matches.
2. **Build** the message, check it (``mail_failures.check``) and **send** it with the
   Message-ID derived from the row: a second copy of one row is the same message, which mail
   servers and mail clients show once.
3. **Mark sent**, only while the claim is still ours.

A worker killed between 1 and 3 leaves the row claimed; the sweep takes over a claim older than
``NOTIFICATION_CLAIM_TIMEOUT_MINUTES`` and finishes it with the same Message-ID, and never
touches a row sent, failed, or claimed a moment ago (its worker is still at it). A failure that
``mail_failures`` judges permanent (a bad address, a header with a line break, a 5xx answer)
marks the row failed with the reason and nothing retries it; a transient one (the server
unreachable, a 4xx answer) keeps the claim, so the sweep tries again once it is stale, at most
``MAX_SEND_ATTEMPTS`` times. Each row on its own: one that fails is logged with its practice and
id and never stops the others.

A model joins by declaring an ``Outbox`` (its rows, state field and values, claimed-at,
attempts, sent-at and failure fields, and the function that builds its ``EmailMessage``) and
registering it in its app's ``AppConfig.ready``, so that a worker knows it by name: ``queue``
hands rows to the ``outbox.send`` task once the transaction that wrote them commits.
"""

import datetime
import functools
import logging
import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, Q, QuerySet

from atlasos import clock, mail_failures
from atlasos.celery import PracticeTask
from atlasos.tenancy.context import current_practice_id

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outbox:
    """How one model's rows are sent: what the routine below needs to know about the model.

    ``rows`` returns the model's scoped queryset (the practice in context). ``build`` makes the
    row's message, or returns None when nothing is owed any more (the recipient left since):
    the row then takes the state ``nothing_to_send``. The outbox sets the Message-ID itself,
    from ``message_id(row)``, so no model can forget it.
    """

    name: str
    rows: Callable[[], QuerySet]
    build: Callable[[Any], EmailMessage | None]
    state_field: str = "state"
    pending: str = "pending"
    sending: str = "sending"
    sent: str = "sent"
    failed: str = "failed"
    nothing_to_send: str = "failed"
    claimed_at_field: str = "claimed_at"
    attempts_field: str = "attempts"
    sent_at_field: str = "sent_at"
    failure_field: str = "failure"
    message_id: Callable[[Any], str] = operator.attrgetter("message_id")
    select_related: tuple[str, ...] = ()
    sweep_order: tuple[str, ...] = ("created_at", "pk")


_registered: dict[str, Outbox] = {}


def register(outbox: Outbox) -> Outbox:
    """Make ``outbox`` known by its name to the task that sends queued rows (call it from the
    declaring app's ``AppConfig.ready``, so a worker knows every outbox before its first task)."""
    known = _registered.setdefault(outbox.name, outbox)
    if known != outbox:
        raise ValueError(f"Two outboxes are named {outbox.name!r}.")
    return outbox


def named(name: str) -> Outbox:
    try:
        return _registered[name]
    except KeyError:
        raise LookupError(f"No outbox is registered as {name!r}.") from None


# --- the routine ---------------------------------------------------------------------------------


def _stale_before(now: datetime.datetime) -> datetime.datetime:
    return now - datetime.timedelta(minutes=settings.NOTIFICATION_CLAIM_TIMEOUT_MINUTES)


def _claimable(outbox: Outbox, now: datetime.datetime) -> Q:
    """Rows nobody is sending: waiting, or claimed so long ago that the worker is gone (or a
    transient failure left the claim for a retry)."""
    waiting = Q(**{outbox.state_field: outbox.pending})
    abandoned = Q(
        **{
            outbox.state_field: outbox.sending,
            f"{outbox.claimed_at_field}__lt": _stale_before(now),
        }
    )
    return waiting | abandoned


def claim(outbox: Outbox, pk: int, now: datetime.datetime) -> bool:
    """Step 1: the conditional UPDATE, counting the attempt. True for exactly one caller."""
    claimed = (
        outbox.rows()
        .filter(_claimable(outbox, now), pk=pk)
        .update(
            **{
                outbox.state_field: outbox.sending,
                outbox.claimed_at_field: now,
                outbox.attempts_field: F(outbox.attempts_field) + 1,
            }
        )
    )
    return claimed == 1


def message_of(outbox: Outbox, row) -> EmailMessage | None:
    """The row's message with the Message-ID derived from the row (None: nothing owed)."""
    message = outbox.build(row)
    if message is not None:
        message.extra_headers["Message-ID"] = outbox.message_id(row)
    return message


def send_one(outbox: Outbox, pk: int, now: datetime.datetime | None = None) -> bool:
    """Claim, send, mark sent. False when another worker has the row, it was sent already,
    nothing is owed any more, or it failed (for good, or for now: the claim stays)."""
    now = now or clock.now()
    if not claim(outbox, pk, now):
        return False
    row = outbox.rows().select_related(*outbox.select_related).get(pk=pk)
    ours = outbox.rows().filter(
        pk=pk, **{outbox.state_field: outbox.sending, outbox.claimed_at_field: now}
    )
    try:
        message = message_of(outbox, row)
        if message is not None:
            mail_failures.check(message)
            message.send()
    except Exception as error:
        attempts = getattr(row, outbox.attempts_field)
        failure = mail_failures.gave_up(mail_failures.judge(error), attempts)
        _record_failure(outbox, ours, row, failure, attempts)
        return False
    if message is None:
        ours.update(**{outbox.state_field: outbox.nothing_to_send})
        return False
    ours.update(
        **{
            outbox.state_field: outbox.sent,
            outbox.sent_at_field: clock.now(),
            outbox.failure_field: "",
        }
    )
    return True


def _record_failure(outbox: Outbox, ours: QuerySet, row, failure, attempts: int) -> None:
    if failure.permanent:
        ours.update(**{outbox.state_field: outbox.failed, outbox.failure_field: failure.reason})
        logger.warning(
            "outbox %s: email %s of practice %s failed: %s",
            outbox.name,
            row.pk,
            row.practice_id,
            failure.reason,
        )
    else:
        # The claim stays: the sweep sends it again, same Message-ID, once the claim is stale.
        ours.update(**{outbox.failure_field: failure.reason})
        logger.warning(
            "outbox %s: email %s of practice %s not sent (attempt %s), retried: %s",
            outbox.name,
            row.pk,
            row.practice_id,
            attempts,
            failure.reason,
        )


def send_rows(outbox: Outbox, pks: Iterable[int], now: datetime.datetime | None = None) -> int:
    """Send each of these rows that is still owed; how many went. Each row on its own: one that
    raises is logged and left to the sweep, and the others go on."""
    sent = 0
    for pk in pks:
        try:
            sent += send_one(outbox, pk, now)
        except Exception:
            logger.exception(
                "outbox %s: email %s of practice %s not sent; retried once its claim is stale",
                outbox.name,
                pk,
                current_practice_id(),
            )
    return sent


def sweep(outbox: Outbox, now: datetime.datetime | None = None) -> int:
    """Send what is owed in the practice in context: rows never sent (the queue lost them) and
    claims a dead worker abandoned or a transient failure left for a retry. Never a row sent,
    failed, or freshly claimed."""
    now = now or clock.now()
    pks = list(
        outbox.rows()
        .filter(_claimable(outbox, now))
        .order_by(*outbox.sweep_order)
        .values_list("pk", flat=True)
    )
    return send_rows(outbox, pks, now)


# --- handing rows to a worker --------------------------------------------------------------------


class _SendTask(PracticeTask):
    abstract = True

    def delay_on_commit(self, *args, **kwargs) -> None:
        """As ``DjangoTask.delay_on_commit``, except that a broker that is down leaves the rows
        waiting for the sweep instead of failing the request that has just committed them."""
        transaction.on_commit(functools.partial(self._delay_or_leave_to_sweep, *args, **kwargs))

    def _delay_or_leave_to_sweep(self, *args, **kwargs) -> None:
        try:
            self.delay(*args, **kwargs)
        except Exception:
            logger.exception("outbox: could not enqueue %s; the sweep sends them", kwargs)


@shared_task(name="outbox.send", base=_SendTask)
def send_queued(*, practice_id: int, outbox: str, pks: list[int]) -> int:
    """Send these rows of the named outbox, each claimed first: a redelivered message (a worker
    killed mid-batch) sends nothing twice."""
    return send_rows(named(outbox), pks)


def queue(outbox: Outbox, rows: Iterable) -> None:
    """Send these freshly written rows from a worker once the current transaction commits (one
    task per practice)."""
    named(outbox.name)  # fail here, in the caller, rather than in a worker
    by_practice: dict[int, list[int]] = {}
    for row in rows:
        by_practice.setdefault(row.practice_id, []).append(row.pk)
    for practice_id, pks in by_practice.items():
        send_queued.delay_on_commit(practice_id=practice_id, outbox=outbox.name, pks=pks)
