"""A real Celery worker sends queued rows through the outbox's task (``outbox.send``): it knows
the task and every registered outbox by name from Django's start-up alone, and a message
delivered twice sends each row once.

Needs PostgreSQL (the worker must see committed rows) and Redis (the broker): skipped unless
DATABASE_URL and REDIS_URL are set."""

import collections
import os
import subprocess
import uuid

import pytest
from celery import Celery

from atlasos.tenancy.context import practice_context
from portal.models import PortalEmail
from tests.factories.portal import PortalEmailFactory
from tests.factories.tenancy import PracticeFactory
from tests.integration.helpers import NEEDS_A_WORKER, delivered, start_worker, wait_for

pytestmark = NEEDS_A_WORKER

ROWS = 3


@pytest.mark.django_db(transaction=True)
def test_a_worker_sends_each_queued_row_once_even_if_the_message_comes_twice(tmp_path):
    practice = PracticeFactory()
    emails = [PortalEmailFactory(practice=practice) for _ in range(ROWS)]
    mail_dir = tmp_path / "mail"
    queue = f"outbox-test-{uuid.uuid4().hex[:12]}"
    broker = Celery(broker=os.environ["REDIS_URL"], set_as_current=False)

    def states():
        with practice_context(practice.pk):
            return collections.Counter(PortalEmail.objects.values_list("state", flat=True))

    log_path = tmp_path / "worker.log"
    with log_path.open("w") as log:
        worker = start_worker(queue, mail_dir, log)
        try:
            message = {"practice_id": practice.pk, "outbox": "portal_email"}
            message["pks"] = [email.pk for email in emails]
            for _ in range(2):  # the broker redelivering the same message
                broker.send_task("outbox.send", kwargs=message, queue=queue)
            wait_for(lambda: states() == {"sent": ROWS}, worker, log_path, "every row sent")
            wait_for(
                lambda: log_path.read_text().count("succeeded") == 2,
                worker,
                log_path,
                "both messages done",
            )
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()

    per_id = collections.Counter(message["Message-ID"] for message in delivered(mail_dir))
    assert per_id == {email.message_id: 1 for email in emails}
