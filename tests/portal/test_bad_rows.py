"""One bad row never stops a job for the other rows.

Requests typed with a due date at the end of the calendar (9999-12-31, 0001-01-01) before due
dates had bounds: their page still answers, and the hourly reminder job still chases every
other client. A row (or a practice) that fails for any reason is logged with its practice and
id, and skipped."""

import datetime
import logging

import pytest
from django.core import mail as outbox
from django.test import Client as HttpClient
from django.urls import reverse

from atlasos import clock as wall_clock
from atlasos.tenancy.context import practice_context
from documents import tasks as documents_tasks
from documents.tasks import purge_deleted_documents
from notifications.models import Notification
from portal import reminders
from portal.models import DocumentRequest
from portal.tasks import send_reminders
from tests.factories.clients import ClientFactory
from tests.factories.documents import DocumentFactory
from tests.helpers import sign_in
from tests.portal.mailing import open_request, portal_contact

EXTREMES = [
    pytest.param(datetime.date.max, id="9999-12-31"),
    pytest.param(datetime.date.min, id="0001-01-01"),
]


@pytest.fixture
def month_ago():
    return wall_clock.now() - datetime.timedelta(days=30)


@pytest.fixture
def typo(practice):
    """A client whose contact is in the portal, for the badly dated requests."""
    client = ClientFactory(practice=practice, name="Typo Traders Ltd")
    portal_contact(practice, client, "Tess Typo", "tess@typo.example")
    return client


@pytest.fixture
def due_soon(practice, bakery, ann, month_ago):
    """A well-dated request of another client whose first reminder is due today."""
    today = wall_clock.local_date(practice.timezone)
    return open_request(practice, bakery, due=today + datetime.timedelta(days=3), sent_at=month_ago)


@pytest.mark.parametrize("due", EXTREMES)
@pytest.mark.parametrize("sent", [False, True], ids=["draft", "sent"])
def test_the_request_page_of_a_request_due_at_the_end_of_the_calendar_answers(
    practice, staff, typo, month_ago, due, sent
):
    doc_request = open_request(
        practice, typo, due=due, sent_at=month_ago if sent else None, title="Year end papers"
    )
    http = sign_in(HttpClient(), staff)

    response = http.get(reverse("request_detail", args=[doc_request.code]))

    assert response.status_code == 200
    page = response.content.decode()
    assert f"Due {due:%a} {due.day} {due:%b} {due.year:04d}." in page
    if not sent:
        assert "Reminders start once the request is sent." in page
    elif due == datetime.date.max:
        assert "Next reminder: Tue 28 Dec 9999 (reminder 1 of 4)." in page
    else:
        assert "No more reminders." in page
    tab = http.get(reverse("client_requests", args=[typo.code]))
    assert tab.status_code == 200 and "Year end papers" in tab.content.decode()


@pytest.mark.parametrize("due", EXTREMES)
def test_the_hourly_job_still_reminds_every_other_client(
    practice, typo, due_soon, month_ago, due, caplog
):
    open_request(practice, typo, due=due, sent_at=month_ago, title="Year end papers")

    with caplog.at_level(logging.ERROR):
        sent = send_reminders.apply().get()

    assert sent == 1
    assert [m.to for m in outbox.outbox] == [["ann@bakery.example"]]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    # Nothing was (or ever will be) due for the badly dated request.
    assert send_reminders.apply().get() == 0


def test_a_request_that_fails_is_logged_with_its_practice_and_id_and_the_others_go_on(
    practice, typo, due_soon, month_ago, monkeypatch, caplog
):
    broken = open_request(
        practice,
        typo,
        due=wall_clock.local_date(practice.timezone) + datetime.timedelta(days=2),
        sent_at=month_ago,
    )
    real_step_to_send = reminders.step_to_send

    def fails_for_one(due, policy, today, last_sent, sent_on):
        if due == broken.due and fails_for_one.calls == 0:
            fails_for_one.calls += 1
            raise ValueError("a row the job cannot read")
        return real_step_to_send(due, policy, today, last_sent, sent_on)

    fails_for_one.calls = 0
    monkeypatch.setattr(reminders, "step_to_send", fails_for_one)
    with caplog.at_level(logging.ERROR, logger="portal.reminders"):
        assert send_reminders.apply().get() == 1

    assert [m.to for m in outbox.outbox] == [["ann@bakery.example"]]
    (record,) = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert f"request {broken.pk}" in record.getMessage()
    assert f"practice {practice.pk}" in record.getMessage()
    # The next run reads the row again: it is chased once it can be.
    assert send_reminders.apply().get() == 1
    assert sorted(m.to[0] for m in outbox.outbox) == ["ann@bakery.example", "tess@typo.example"]


def test_an_escalation_that_fails_does_not_stop_the_others(
    practice, bakery, ann, typo, month_ago, monkeypatch, caplog
):
    long_due = wall_clock.local_date(practice.timezone) - datetime.timedelta(days=20)
    first = open_request(practice, typo, due=long_due, sent_at=month_ago, title="First")
    second = open_request(practice, bakery, due=long_due, sent_at=month_ago, title="Second")
    real_assignee = reminders.assignee

    def fails_for_first(document_request):
        if document_request.pk == first.pk:
            raise RuntimeError("cannot read the assignee")
        return real_assignee(document_request)

    monkeypatch.setattr(reminders, "assignee", fails_for_first)
    with caplog.at_level(logging.ERROR, logger="portal.reminders"):
        send_reminders.apply().get()

    with practice_context(practice.pk):
        escalated = dict(DocumentRequest.objects.values_list("pk", "escalated_at"))
        notified = list(Notification.objects.values_list("title", flat=True))
    # The failed escalation rolled back whole: the next run tries it again.
    assert escalated[first.pk] is None and escalated[second.pk] is not None
    assert notified == ["Harbourview Bakery Ltd — documents still missing for Second"]
    (record,) = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert f"request {first.pk}" in record.getMessage()
    assert f"practice {practice.pk}" in record.getMessage()


def test_a_practice_whose_purge_fails_does_not_stop_the_others(
    practice, other_practice, monkeypatch, caplog
):
    long_ago = wall_clock.now() - datetime.timedelta(days=40)
    for each in (practice, other_practice):
        with practice_context(each.pk):
            DocumentFactory(practice=each, deleted_at=long_ago)
    real_purge = documents_tasks.purge_deleted

    def fails_for_ours(now):
        from atlasos.tenancy.context import current_practice_id

        if current_practice_id() == practice.pk:
            raise OSError("storage unreachable")
        return real_purge(now)

    monkeypatch.setattr(documents_tasks, "purge_deleted", fails_for_ours)
    with caplog.at_level(logging.ERROR, logger="documents.tasks"):
        assert purge_deleted_documents() == 1
    (record,) = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert f"practice {practice.pk}" in record.getMessage()
