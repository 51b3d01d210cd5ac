"""The outbox routine itself (``atlasos.outbox``), over one real model: client emails
(``PortalEmail``, declared as ``portal.mail.CLIENT_EMAILS``). The HTTP-level and worker tests
of each outbox live beside their app (tests/portal/test_sending.py, tests/notifications/,
tests/integration/)."""

import dataclasses
import datetime
import logging
import smtplib
import threading
import time

import pytest
from django.core import mail
from django.db import connection

from atlasos import clock as wall_clock
from atlasos import outbox
from atlasos.mail_failures import MAX_SEND_ATTEMPTS
from atlasos.tenancy.context import practice_context
from portal.mail import CLIENT_EMAILS
from portal.models import PortalEmail
from tests.factories.portal import PortalEmailFactory
from tests.factories.tenancy import PracticeFactory
from tests.helpers import ON_POSTGRES

needs_postgres = pytest.mark.skipif(
    not ON_POSTGRES, reason="two connections racing for one row need PostgreSQL: set DATABASE_URL"
)
STALE = datetime.timedelta(minutes=11)  # past NOTIFICATION_CLAIM_TIMEOUT_MINUTES (10)


def rows(practice, count=1, **fields) -> list[PortalEmail]:
    return [PortalEmailFactory(practice=practice, **fields) for _ in range(count)]


def reread(row) -> PortalEmail:
    with practice_context(row.practice_id):
        return PortalEmail.objects.get(pk=row.pk)


# --- exactly once -----------------------------------------------------------------------------


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_sweeping_the_same_rows_at_once_send_each_row_once(practice, monkeypatch):
    emails = rows(practice, 8)
    real_send = mail.EmailMessage.send

    def slow_send(self, fail_silently=False):
        time.sleep(0.02)  # long enough for the other worker to reach the same row
        return real_send(self, fail_silently)

    monkeypatch.setattr("django.core.mail.EmailMessage.send", slow_send)
    start = threading.Barrier(2)
    sent, errors = [], []

    def worker():
        try:
            with practice_context(practice.pk):
                start.wait()
                sent.append(outbox.sweep(CLIENT_EMAILS))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not errors
    assert sum(sent) == len(emails)
    message_ids = sorted(message.extra_headers["Message-ID"] for message in mail.outbox)
    assert message_ids == sorted(email.message_id for email in emails)
    assert {(reread(email).state, reread(email).attempts) for email in emails} == {("sent", 1)}


def test_only_one_caller_wins_the_claim(practice):
    (email,) = rows(practice)
    now = wall_clock.now()
    with practice_context(practice.pk):
        assert outbox.claim(CLIENT_EMAILS, email.pk, now) is True
        assert outbox.claim(CLIENT_EMAILS, email.pk, now) is False
        assert outbox.send_one(CLIENT_EMAILS, email.pk, now) is False
    assert mail.outbox == []
    assert (reread(email).state, reread(email).attempts) == ("sending", 1)


def test_an_abandoned_claim_is_finished_by_the_sweep_with_the_same_message_id(practice):
    (email,) = rows(practice)
    claimed_at = wall_clock.now()
    with practice_context(practice.pk):
        outbox.claim(CLIENT_EMAILS, email.pk, claimed_at)  # ... and the worker died
        assert outbox.sweep(CLIENT_EMAILS, claimed_at + datetime.timedelta(minutes=5)) == 0
        assert outbox.sweep(CLIENT_EMAILS, claimed_at + STALE) == 1
        assert outbox.sweep(CLIENT_EMAILS, claimed_at + 2 * STALE) == 0
    (message,) = mail.outbox
    assert message.extra_headers["Message-ID"] == email.message_id
    row = reread(email)
    assert (row.state, row.attempts, row.sent_at) == ("sent", 2, wall_clock.now())


class WorkerKilled(BaseException):
    """SIGKILL, as far as the code in the worker can tell: nothing after it runs."""


def test_a_worker_killed_after_the_hand_off_is_finished_with_the_same_message_id(
    practice, monkeypatch
):
    (email,) = rows(practice)
    delivered = []

    def hand_off_then_die(self, fail_silently=False):
        delivered.append(self.extra_headers["Message-ID"])
        raise WorkerKilled

    now = wall_clock.now()
    with practice_context(practice.pk):
        with monkeypatch.context() as patch:
            patch.setattr("django.core.mail.EmailMessage.send", hand_off_then_die)
            with pytest.raises(WorkerKilled):
                outbox.send_rows(CLIENT_EMAILS, [email.pk], now)
        assert reread(email).state == "sending"
        assert outbox.sweep(CLIENT_EMAILS, now + STALE) == 1
    # Delivered twice, as one message: the same Message-ID both times.
    assert delivered + [m.extra_headers["Message-ID"] for m in mail.outbox] == [
        email.message_id,
        email.message_id,
    ]


# --- failures ---------------------------------------------------------------------------------


def test_a_permanent_failure_is_marked_with_its_reason_and_never_retried(practice, monkeypatch):
    (email,) = rows(practice)
    calls = []

    def no_such_user(self, fail_silently=False):
        calls.append(self)
        raise smtplib.SMTPRecipientsRefused({email.to_address: (550, b"5.1.1 No such user")})

    monkeypatch.setattr("django.core.mail.EmailMessage.send", no_such_user)
    now = wall_clock.now()
    with practice_context(practice.pk):
        assert outbox.send_one(CLIENT_EMAILS, email.pk, now) is False
        for hours in (1, 2, 24):
            assert outbox.sweep(CLIENT_EMAILS, now + datetime.timedelta(hours=hours)) == 0
    row = reread(email)
    assert (row.state, row.attempts) == ("failed", 1)
    assert row.failure == (
        f"The mail server refused the recipient ({email.to_address}: 550 5.1.1 No such user)."
    )
    assert len(calls) == 1


def test_a_message_that_could_never_go_fails_before_anything_is_sent(practice, monkeypatch):
    (email,) = rows(practice, to_address="ann@")
    monkeypatch.setattr(
        "django.core.mail.EmailMessage.send", lambda *args, **kwargs: pytest.fail("sent")
    )
    with practice_context(practice.pk):
        assert outbox.sweep(CLIENT_EMAILS) == 0
    row = reread(email)
    assert (row.state, row.failure) == ("failed", "“ann@” is not a valid email address.")


def test_a_transient_failure_is_retried_at_most_max_attempts_times(practice, monkeypatch):
    (email,) = rows(practice)
    calls = []

    def try_later(self, fail_silently=False):
        calls.append(self.extra_headers["Message-ID"])
        raise smtplib.SMTPDataError(451, b"4.3.0 Try again later")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", try_later)
    now = wall_clock.now()
    with practice_context(practice.pk):
        assert outbox.sweep(CLIENT_EMAILS, now) == 0
        assert (reread(email).state, reread(email).attempts) == ("sending", 1)
        assert (
            reread(email).failure
            == "The mail server refused the email (451 4.3.0 Try again later)."
        )
        # A fresh claim is left alone: its worker may still be at it.
        assert outbox.sweep(CLIENT_EMAILS, now + datetime.timedelta(minutes=5)) == 0
        assert len(calls) == 1
        for _ in range(MAX_SEND_ATTEMPTS + 2):
            now += STALE
            assert outbox.sweep(CLIENT_EMAILS, now) == 0
    row = reread(email)
    assert (row.state, row.attempts) == ("failed", MAX_SEND_ATTEMPTS)
    assert row.failure == (
        f"Gave up after {MAX_SEND_ATTEMPTS} attempts. "
        "The mail server refused the email (451 4.3.0 Try again later)."
    )
    assert calls == [email.message_id] * MAX_SEND_ATTEMPTS


def test_a_transient_failure_that_clears_is_sent_by_the_next_sweep(practice, monkeypatch):
    (email,) = rows(practice)
    now = wall_clock.now()
    with practice_context(practice.pk):
        with monkeypatch.context() as patch:
            patch.setattr(
                "django.core.mail.EmailMessage.send",
                lambda self, fail_silently=False: (_ for _ in ()).throw(TimeoutError("timed out")),
            )
            assert outbox.sweep(CLIENT_EMAILS, now) == 0
        assert outbox.sweep(CLIENT_EMAILS, now + STALE) == 1
    row = reread(email)
    assert (row.state, row.failure, row.attempts) == ("sent", "", 2)
    assert [m.extra_headers["Message-ID"] for m in mail.outbox] == [email.message_id]


def test_one_row_that_fails_is_logged_and_never_stops_the_others(practice, monkeypatch, caplog):
    first, broken, last = rows(practice, 3)

    def build(row):
        if row.pk == broken.pk:
            raise RuntimeError("a template that cannot render")
        return CLIENT_EMAILS.build(row)

    breaking = dataclasses.replace(CLIENT_EMAILS, build=build)
    with (
        caplog.at_level(logging.WARNING, logger="atlasos.outbox"),
        practice_context(practice.pk),
    ):
        assert outbox.sweep(breaking) == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([first.to_address, last.to_address])
    (record,) = [r for r in caplog.records if r.name == "atlasos.outbox"]
    assert f"email {broken.pk} of practice {practice.pk}" in record.getMessage()
    assert "a template that cannot render" in record.getMessage()
    assert reread(broken).state == "sending"  # retried by a later sweep


def test_a_row_that_raises_outside_the_send_is_logged_and_the_others_go_on(
    practice, monkeypatch, caplog
):
    first, broken = rows(practice, 2)
    real_claim = outbox.claim

    def claim(box, pk, now):
        if pk == broken.pk:
            raise ConnectionError("the database went away")
        return real_claim(box, pk, now)

    monkeypatch.setattr(outbox, "claim", claim)
    with caplog.at_level(logging.ERROR, logger="atlasos.outbox"), practice_context(practice.pk):
        assert outbox.send_rows(CLIENT_EMAILS, [broken.pk, first.pk]) == 1
    (record,) = [r for r in caplog.records if r.name == "atlasos.outbox"]
    assert f"email {broken.pk} of practice {practice.pk}" in record.getMessage()
    assert [m.to for m in mail.outbox] == [[first.to_address]]


def test_a_row_with_nothing_left_to_send_is_closed_without_an_email(practice):
    (email,) = rows(practice)
    nothing = dataclasses.replace(CLIENT_EMAILS, build=lambda row: None, nothing_to_send="sent")
    with practice_context(practice.pk):
        assert outbox.sweep(nothing) == 0
        assert outbox.sweep(nothing, wall_clock.now() + STALE) == 0
    assert mail.outbox == []
    assert reread(email).state == "sent"


def test_the_sweep_sees_only_the_practice_in_context(practice, other_practice):
    (ours,) = rows(practice)
    (theirs,) = rows(other_practice)
    with practice_context(practice.pk):
        assert outbox.sweep(CLIENT_EMAILS) == 1
    assert [m.to for m in mail.outbox] == [[ours.to_address]]
    assert reread(theirs).state == "pending"


# --- queueing ---------------------------------------------------------------------------------


def test_rows_are_queued_once_the_transaction_commits_one_task_per_practice(
    practice, django_capture_on_commit_callbacks
):
    other = PracticeFactory()
    ours = rows(practice, 2)
    theirs = rows(other)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        outbox.queue(CLIENT_EMAILS, ours + theirs)
        assert mail.outbox == []  # nothing leaves before the commit
    assert len(callbacks) == 2
    assert sorted(m.extra_headers["Message-ID"] for m in mail.outbox) == sorted(
        row.message_id for row in ours + theirs
    )
    # The queue redelivering a message sends nothing twice.
    callbacks[0]()
    assert len(mail.outbox) == 3


def test_a_broker_that_is_down_leaves_the_rows_to_the_sweep(
    practice, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    (email,) = rows(practice)

    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr(outbox.send_queued, "delay", broker_down)
    with (
        caplog.at_level(logging.ERROR, logger="atlasos.outbox"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        outbox.queue(CLIENT_EMAILS, [email])  # the caller (a view) is not failed
    assert "could not enqueue" in caplog.records[0].getMessage()
    assert reread(email).state == "pending"
    with practice_context(practice.pk):
        assert outbox.sweep(CLIENT_EMAILS) == 1


def test_every_outbox_is_registered_under_its_own_name():
    from notifications.services import DIGESTS, NOTIFICATION_EMAILS

    for box in (CLIENT_EMAILS, NOTIFICATION_EMAILS, DIGESTS):
        assert outbox.named(box.name) is box
    with pytest.raises(ValueError, match="Two outboxes"):
        outbox.register(dataclasses.replace(CLIENT_EMAILS, sent="delivered"))
    with pytest.raises(LookupError):
        outbox.named("no-such-outbox")
