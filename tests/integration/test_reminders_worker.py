"""A real Celery worker, killed mid-batch while sending reminders, and the job rerun.

What "exactly once" means here. Each reminder is recorded before anything is sent (a
``PortalEmail`` row, unique per contact and day, and its ``Reminder`` rows, unique per
request, contact and step), so no rerun can record a step twice. Each email row is then
claimed, sent with a Message-ID derived from the row, and marked sent. A worker killed after
the SMTP hand-off but before marking the row sent leaves a stale claim; the rerun's sweep
sends that row again — with the same Message-ID. Delivery is therefore at-least-once per row
with one Message-ID per row, and a recipient's mail system shows one message per reminder:
the test counts distinct Message-IDs (exactly one per due reminder, none missing) and checks
that the only repeated delivery is the message that was in flight when the worker died.

Needs PostgreSQL (the worker process must see the test database, so the test commits: a
transactional test) and Redis (the broker): skipped unless DATABASE_URL and REDIS_URL are set.
"""

import collections
import datetime
import os
import signal
import subprocess
import uuid

import pytest
from celery import Celery

from atlasos import clock as wall_clock
from atlasos.tenancy.context import practice_context
from portal.models import PortalEmail, Reminder
from tests.factories.clients import ClientFactory
from tests.factories.tenancy import PracticeFactory
from tests.integration.helpers import NEEDS_A_WORKER, delivered, start_worker, wait_for
from tests.portal.mailing import open_request, portal_contact

pytestmark = NEEDS_A_WORKER

CONTACTS = 4


def states(practice) -> collections.Counter:
    with practice_context(practice.pk):
        return collections.Counter(
            PortalEmail.objects.filter(kind="reminder").values_list("state", flat=True)
        )


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_batch_and_the_job_rerun_send_every_reminder_once(tmp_path, clock):
    practice = PracticeFactory(name="Harbour & Co Bookkeeping")
    bakery = ClientFactory(practice=practice, name="Harbourview Bakery Ltd")
    for n in range(CONTACTS):
        portal_contact(practice, bakery, f"Contact {n}", f"contact{n}@bakery.example")
    # Due in three days: the first reminder (default policy) is due today.
    open_request(
        practice,
        bakery,
        due=wall_clock.practice_today(practice) + datetime.timedelta(days=3),
        sent_at=wall_clock.now() - datetime.timedelta(days=10),
    )
    mail_dir = tmp_path / "mail"
    queue = f"reminders-test-{uuid.uuid4().hex[:12]}"
    broker = Celery(broker=os.environ["REDIS_URL"], set_as_current=False)

    # 1. A worker sends slowly; kill it (SIGKILL) as soon as the first message is out.
    first_log = tmp_path / "worker-1.log"
    with first_log.open("w") as log:
        worker = start_worker(queue, mail_dir, log, SLOW_MAIL_SECONDS="5")
        try:
            broker.send_task("portal.send_reminders", queue=queue)
            wait_for(lambda: list(mail_dir.glob("*.eml")), worker, first_log, "a first email")
            worker.send_signal(signal.SIGKILL)
            worker.wait(timeout=30)
        finally:
            if worker.poll() is None:
                worker.kill()
    assert len(delivered(mail_dir)) == 1
    # Mid-batch: every reminder was recorded, one is claimed and in flight, the rest wait.
    assert states(practice) == {"sending": 1, "pending": CONTACTS - 1}

    # 2. The job runs again on a fresh worker; claims older than the timeout (0 minutes for
    # this worker) are abandoned ones, finished by the sweep.
    # An hour later (each worker's clock runs on from the test's moment when it starts).
    clock.advance(hours=1)
    second_log = tmp_path / "worker-2.log"
    with second_log.open("w") as log:
        worker = start_worker(
            queue, mail_dir, log, SLOW_MAIL_SECONDS="0", NOTIFICATION_CLAIM_TIMEOUT_MINUTES="0"
        )
        try:
            broker.send_task("portal.send_reminders", queue=queue)
            wait_for(
                lambda: states(practice) == {"sent": CONTACTS}, worker, second_log, "every send"
            )
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()

    messages = delivered(mail_dir)
    with practice_context(practice.pk):
        rows = list(PortalEmail.objects.filter(kind="reminder"))
        reminders = list(Reminder.objects.values_list("request_id", "contact_id", "step"))
    per_id = collections.Counter(message["Message-ID"] for message in messages)
    assert set(per_id) == {row.message_id for row in rows}
    assert len(per_id) == CONTACTS
    # Only the message in flight when the worker died went twice, with its one Message-ID.
    assert sorted(per_id.values()) == [1] * (CONTACTS - 1) + [2]
    assert sorted(message["To"] for message in messages if per_id[message["Message-ID"]] == 1) == (
        sorted(row.to_address for row in rows if per_id[row.message_id] == 1)
    )
    # Every due reminder recorded once: one step-1 row per contact.
    assert len(reminders) == len(set(reminders)) == CONTACTS
    assert {step for _, _, step in reminders} == {1}
