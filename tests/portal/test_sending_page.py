"""Sending a document request from the staff request page: what the page says, a double
submit sends once, and an email that cannot be sent is shown as failed, never as sent."""

import datetime
import re
import threading
from zoneinfo import ZoneInfo

import pytest
from django.contrib.messages import get_messages
from django.core import mail as outbox
from django.db import connection
from django.test import Client as HttpClient
from django.urls import reverse

from atlasos import clock as wall_clock
from atlasos.mail_failures import MAX_SEND_ATTEMPTS
from atlasos.tenancy.context import practice_context
from portal import mail
from portal.models import DocumentRequest, PortalEmail, Reminder
from tests.clock import current_date
from tests.factories.clients import ClientFactory
from tests.factories.portal import PortalUserFactory
from tests.helpers import needs_postgres, sign_in
from tests.portal.mailing import DUE, ITEMS, open_request, parse, portal_contact, send

# --- the staff page ---------------------------------------------------------------------------


@pytest.fixture
def http(staff):
    return sign_in(HttpClient(), staff)


def texts(response) -> list[str]:
    return [
        str(m)
        for m in get_messages(response.wsgi_request)
        if not str(m).startswith("Successfully signed in")
    ]


def test_staff_send_from_the_request_page_and_see_it_in_the_emails(
    http, practice, ann, doc_request, django_capture_on_commit_callbacks
):
    due = current_date() + datetime.timedelta(days=10)
    first = due - datetime.timedelta(days=3)
    with practice_context(practice.pk):
        DocumentRequest.objects.filter(pk=doc_request.pk).update(due=due)
    page_url = reverse("request_detail", args=[doc_request.code])
    page = http.get(page_url).content.decode()
    assert "Ann Baker &lt;ann@bakery.example&gt;" in page
    assert "Send to client" in page and "No emails yet" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = http.post(reverse("request_send", args=[doc_request.code]))
    assert response.status_code == 302 and response["Location"] == page_url
    # The email goes from a worker once the transaction commits: the page says it is on its way.
    assert texts(response) == [
        "Sending to Ann Baker (ann@bakery.example): the Emails list shows when it has gone."
    ]
    assert len(outbox.outbox) == 1

    page = http.get(page_url).content.decode()
    assert "Send again" in page
    emails = re.search(r'<table[^>]*id="request-emails".*?</table>', page, re.S).group(0)
    assert "Ann Baker" in emails and "The request" in emails and "Sent" in emails
    with practice_context(practice.pk):
        sent_at = PortalEmail.objects.get().sent_at.astimezone(ZoneInfo(practice.timezone))
    assert f"{sent_at:%a} {sent_at.day} {sent_at:%b %H:%M}" in emails
    assert f"Next reminder: {first:%a} {first.day} {first:%b} (reminder 1 of 4)." in page


def test_sending_without_a_portal_contact_says_so_on_the_page(http, practice, doc_request):
    page = http.get(reverse("request_detail", args=[doc_request.code])).content.decode()
    assert "Invite a contact to the portal first" in page
    assert "Send to client</button>" not in page
    response = http.post(reverse("request_send", args=[doc_request.code]))
    assert texts(response) == [
        "Harbourview Bakery Ltd has no portal contact with an email address. "
        "Invite a contact to the portal first."
    ]
    with practice_context(practice.pk):
        assert not PortalEmail.objects.exists()


def test_a_portal_user_cannot_send(practice, ann, doc_request):
    contact_user = PortalUserFactory(practice=practice, email="someone@bakery.example")
    http = sign_in(HttpClient(), contact_user, reauthenticate=False)
    response = http.post(reverse("request_send", args=[doc_request.code]))
    assert response.status_code == 403
    with practice_context(practice.pk):
        assert not PortalEmail.objects.exists()


def test_sending_needs_post(http, ann, doc_request):
    assert http.get(reverse("request_send", args=[doc_request.code])).status_code == 405


@pytest.mark.parametrize("sends", [1, 12])
def test_the_request_page_with_emails_keeps_its_query_count(
    http, practice, sends, django_assert_num_queries
):
    # A client without preparer or reviewer: the client header reads them, and access_request
    # does not select them (one more query each when set).
    bakery = ClientFactory(practice=practice, name="Harbourview Bakery Ltd")
    doc_request = open_request(practice, bakery, due=DUE, items=ITEMS)
    contacts = [
        portal_contact(practice, bakery, f"Contact {n}", f"c{n}@bakery.example")
        for n in range(sends)
    ]
    with practice_context(practice.pk):
        DocumentRequest.objects.filter(pk=doc_request.pk).update(
            status="sent", sent_at=wall_clock.now()
        )
        for contact in contacts:
            PortalEmail.objects.create(
                contact=contact,
                kind="request",
                day=datetime.date(2026, 10, 20),
                to_address=contact.email,
                subject="Documents",
                body_text="x",
                body_html="x",
                request=doc_request,
            )
            reminder = PortalEmail.objects.create(
                contact=contact,
                kind="reminder",
                day=datetime.date(2026, 11, 3),
                to_address=contact.email,
                subject="Reminder",
                body_text="x",
                body_html="x",
                state="sent",
            )
            Reminder.objects.create(
                email=reminder, request=doc_request, contact=contact, step=1, items=["Receipts"]
            )
    # session, user, request, tab counts, items, their documents, request emails, reminder
    # steps (with email and contact), recipients, reminder settings, the notification bell, the
    # top bar's inbox count (messages waiting in triage).
    with django_assert_num_queries(12):
        page = http.get(reverse("request_detail", args=[doc_request.code])).content.decode()
    assert page.count("Reminder 1") == sends
    assert page.count(">The request<") == sends


# --- a double submit sends once -----------------------------------------------------------------


def test_a_double_click_sends_the_request_once(
    http, practice, ann, doc_request, clock, django_capture_on_commit_callbacks
):
    send_url = reverse("request_send", args=[doc_request.code])
    with django_capture_on_commit_callbacks(execute=True):
        first = http.post(send_url)
    with django_capture_on_commit_callbacks(execute=True):
        second = http.post(send_url)

    assert len(outbox.outbox) == 1
    assert texts(first)[0].startswith("Sending to Ann Baker")
    sent_at = clock.now().astimezone(ZoneInfo(practice.timezone))
    again_at = sent_at + datetime.timedelta(minutes=2)
    # (The first answer's message is still waiting to be shown: the browser never followed it.)
    assert texts(second)[-1:] == [
        f"This request was sent a moment ago, at {sent_at:%H:%M}; it was not sent twice. "
        f"To send it again, wait until {again_at:%H:%M}."
    ]
    with practice_context(practice.pk):
        assert PortalEmail.objects.count() == 1

    # A deliberate "Send again" a few minutes later goes.
    clock.advance(minutes=3)
    with django_capture_on_commit_callbacks(execute=True):
        third = http.post(send_url)
    assert texts(third)[-1].startswith("Sending to Ann Baker")
    assert len(outbox.outbox) == 2


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_sends_posted_at_the_same_moment_email_the_contact_once(practice, staff, bakery, ann):
    doc_request = open_request(practice, bakery, due=DUE, items=ITEMS)
    browsers = [sign_in(HttpClient(), staff) for _ in range(2)]
    send_url = reverse("request_send", args=[doc_request.code])
    barrier = threading.Barrier(2)
    answers, errors = [], []

    def click(browser):
        try:
            barrier.wait()
            answers.append(browser.post(send_url))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=click, args=(browser,)) for browser in browsers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not errors
    assert [answer.status_code for answer in answers] == [302, 302]
    assert [message.to for message in outbox.outbox] == [["ann@bakery.example"]]
    said = sorted(text for answer in answers for text in texts(answer))
    assert said[0] == "Sent to Ann Baker (ann@bakery.example)."
    assert said[1].startswith("This request was sent a moment ago")
    with practice_context(practice.pk):
        assert PortalEmail.objects.filter(request=doc_request).count() == 1
        assert PortalEmail.objects.get().state == "sent"


# --- an email that cannot be sent is shown as failed, never as sent -----------------------------


def emails_table(http, doc_request) -> str:
    page = http.get(reverse("request_detail", args=[doc_request.code])).content.decode()
    return re.search(r'<table[^>]*id="request-emails".*?</table>', page, re.S).group(0)


def test_a_client_name_with_a_line_break_no_longer_breaks_its_emails(
    http, practice, bakery, ann, doc_request, django_capture_on_commit_callbacks
):
    # Typed before names refused line breaks.
    with practice_context(practice.pk):
        type(bakery).objects.filter(pk=bakery.pk).update(name="Harbourview\r\nBakery\tLtd")

    with django_capture_on_commit_callbacks(execute=True):
        http.post(reverse("request_send", args=[doc_request.code]))

    (message,) = outbox.outbox
    assert parse(message)["Subject"] == (
        "Documents for October 2026 for Harbourview Bakery Ltd: please upload by Friday 6 November"
    )
    with practice_context(practice.pk):
        assert PortalEmail.objects.get().state == "sent"
    assert "✓</span> Sent" in emails_table(http, doc_request)


def test_an_old_row_whose_subject_has_a_line_break_is_sent_on_one_line(practice, ann):
    with practice_context(practice.pk):
        row = PortalEmail.objects.create(
            contact=ann,
            kind="request",
            day=DUE,
            to_address=ann.email,
            subject="Documents for\r\nHarbourview Bakery Ltd",
            body_text="x",
            body_html="x",
        )
        assert mail.send_due() == 1
        row.refresh_from_db()
    assert row.state == "sent"
    assert outbox.outbox[0].subject == "Documents for Harbourview Bakery Ltd"


def test_an_invalid_address_is_shown_as_not_sent_with_its_reason(
    http, practice, bakery, doc_request, django_capture_on_commit_callbacks
):
    portal_contact(practice, bakery, "Ann Baker", "ann@")  # typed before addresses were checked

    with django_capture_on_commit_callbacks(execute=True):
        response = http.post(reverse("request_send", args=[doc_request.code]))

    reason = "“ann@” is not a valid email address."
    assert texts(response) == [f"Not sent to Ann Baker (ann@): {reason}"]
    assert outbox.outbox == []
    emails = emails_table(http, doc_request)
    assert "Not sent" in emails and reason in emails and "✓</span> Sent" not in emails
    with practice_context(practice.pk):
        doc_request.refresh_from_db()
        row = PortalEmail.objects.get()
        # Nobody got it: the request is not "sent", and the sweep never retries the email.
        assert doc_request.status == "draft" and doc_request.sent_at is None
        assert (row.state, row.failure) == ("failed", reason)
        assert mail.send_due(wall_clock.now() + datetime.timedelta(hours=2)) == 0
    assert outbox.outbox == []


def test_a_header_that_cannot_be_written_fails_the_row_at_send_and_the_sweep_stops(practice, ann):
    with practice_context(practice.pk):
        row = PortalEmail.objects.create(
            contact=ann,
            kind="reminder",
            day=DUE,
            to_address=ann.email,
            reply_to="office@harbour.example\r\nBcc: everyone@elsewhere.example",
            subject="Reminder",
            body_text="x",
            body_html="x",
        )
        assert mail.send_due() == 0
        row.refresh_from_db()
        assert row.state == "failed"
        assert row.failure.startswith("A header of the email contains a line break")
        later = wall_clock.now() + datetime.timedelta(hours=3)
        assert mail.send_due(later) == 0
        assert PortalEmail.objects.get(pk=row.pk).attempts == 1
    assert outbox.outbox == []


def test_a_transient_failure_is_retried_then_failed_after_the_last_attempt(
    http, practice, ann, doc_request, monkeypatch, django_capture_on_commit_callbacks
):
    def server_down(self, fail_silently=False):
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", server_down)
    with django_capture_on_commit_callbacks(execute=True):
        http.post(reverse("request_send", args=[doc_request.code]))
    with practice_context(practice.pk):
        row = PortalEmail.objects.get()
    assert (row.state, row.attempts) == ("sending", 1)
    assert row.failure == "Could not reach the mail server ([Errno 111] Connection refused)."
    emails = emails_table(http, doc_request)
    assert f"Retrying: {row.failure}" in emails and "✓</span> Sent" not in emails

    now = wall_clock.now()
    with practice_context(practice.pk):
        for attempt in range(2, MAX_SEND_ATTEMPTS + 1):
            now += datetime.timedelta(minutes=11)  # each time the claim has gone stale
            assert mail.send_due(now) == 0
            assert PortalEmail.objects.get().attempts == attempt
        row.refresh_from_db()
        assert row.state == "failed"
        assert row.failure == (
            f"Gave up after {MAX_SEND_ATTEMPTS} attempts. "
            "Could not reach the mail server ([Errno 111] Connection refused)."
        )
        assert mail.send_due(now + datetime.timedelta(hours=1)) == 0
    assert "Not sent" in emails_table(http, doc_request)


def test_a_transient_failure_that_clears_is_sent_by_the_sweep(
    practice, ann, doc_request, staff, monkeypatch, django_capture_on_commit_callbacks
):
    with monkeypatch.context() as patch:
        patch.setattr(
            "django.core.mail.EmailMessage.send",
            lambda self, fail_silently=False: (_ for _ in ()).throw(TimeoutError("timed out")),
        )
        (row,) = send(doc_request, staff, django_capture_on_commit_callbacks)
    with practice_context(practice.pk):
        assert mail.send_due(wall_clock.now() + datetime.timedelta(minutes=11)) == 1
        row.refresh_from_db()
    assert (row.state, row.failure, row.attempts) == ("sent", "", 2)
    assert len(outbox.outbox) == 1
