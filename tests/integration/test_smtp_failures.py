"""Sending a request through a real SMTP server on loopback (aiosmtpd) that refuses it: the send
button says what happened to each email, the request's Emails list shows it, and only a
transient refusal is tried again. The database is really committed (the email leaves after
the commit, as in production), so these tests are transactional."""

import datetime
import re
import socket

import pytest
from django.contrib.messages import get_messages
from django.core import mail as outbox
from django.test import Client as HttpClient
from django.urls import reverse

from atlasos import clock as wall_clock
from atlasos.celery import app as celery_app
from atlasos.tenancy.context import practice_context
from portal import mail
from portal.models import PortalEmail
from tests.factories.accounts import UserFactory
from tests.factories.clients import ClientFactory
from tests.helpers import sign_in
from tests.portal.mailing import open_request, portal_contact

aiosmtpd_controller = pytest.importorskip("aiosmtpd.controller", reason="needs aiosmtpd")

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def in_process_tasks():
    """The emails go from a task run in-process (eager), as in every unit test: the worker
    test's broker-only Celery app, made current when it was created, must not catch them."""
    celery_app.set_current()


class Mailbox:
    """An aiosmtpd handler answering each recipient with ``answer`` (250 keeps the message)."""

    def __init__(self):
        self.answer = "250 OK"
        self.delivered = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.answer.startswith("250"):
            envelope.rcpt_tos.append(address)
        return self.answer

    async def handle_DATA(self, server, session, envelope):
        self.delivered.append(list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_settings(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 10
    settings.DEFAULT_FROM_EMAIL = "AtlasOS <no-reply@atlasos.test>"
    return settings


@pytest.fixture
def smtp_server(smtp_settings):
    mailbox = Mailbox()
    controller = aiosmtpd_controller.Controller(
        mailbox, hostname="127.0.0.1", port=smtp_settings.EMAIL_PORT
    )
    controller.start()
    try:
        yield mailbox
    finally:
        controller.stop()


@pytest.fixture
def doc_request(practice):
    preparer = UserFactory(practice=practice, email="dana@harbour.example")
    bakery = ClientFactory(practice=practice, name="Harbourview Bakery Ltd", preparer=preparer)
    portal_contact(practice, bakery, "Ann Baker", "ann@bakery.example")
    return open_request(practice, bakery, due=datetime.date(2026, 11, 6))


@pytest.fixture
def http(practice):
    return sign_in(HttpClient(), UserFactory(practice=practice, role="staff"))


def press_send(http, doc_request) -> list[str]:
    response = http.post(reverse("request_send", args=[doc_request.code]))
    assert response.status_code == 302
    return [
        str(m)
        for m in get_messages(response.wsgi_request)
        if not str(m).startswith("Successfully signed in")
    ]


def state_cell(http, doc_request) -> str:
    page = http.get(reverse("request_detail", args=[doc_request.code])).content.decode()
    table = re.search(r'<table[^>]*id="request-emails".*?</table>', page, re.S).group(0)
    return " ".join(re.sub(r"<[^>]+>", " ", table.split("<tbody>")[1]).split())


def the_row(practice) -> PortalEmail:
    with practice_context(practice.pk):
        return PortalEmail.objects.get()


def test_an_accepted_email_says_sent(practice, smtp_server, http, doc_request):
    assert press_send(http, doc_request) == ["Sent to Ann Baker (ann@bakery.example)."]
    assert smtp_server.delivered == [["ann@bakery.example"]]
    assert "✓ Sent" in state_cell(http, doc_request)


def test_a_recipient_refused_for_good_is_not_sent_and_never_retried(
    practice, smtp_server, http, doc_request
):
    smtp_server.answer = "550 5.1.1 No such user here"

    said = press_send(http, doc_request)

    reason = (
        "The mail server refused the recipient (ann@bakery.example: 550 5.1.1 No such user here)."
    )
    assert said == [f"Not sent to Ann Baker (ann@bakery.example): {reason}"]
    row = the_row(practice)
    assert (row.state, row.failure, row.attempts) == ("failed", reason, 1)
    cell = state_cell(http, doc_request)
    assert f"✕ Not sent {reason}" in cell and "✓ Sent" not in cell
    # The server would take it now, but a permanent refusal is never sent again.
    smtp_server.answer = "250 OK"
    with practice_context(practice.pk):
        assert mail.send_due(wall_clock.now() + datetime.timedelta(hours=2)) == 0
    assert smtp_server.delivered == [] and outbox.outbox == []


def test_a_try_later_answer_is_retried_and_sent_once_the_server_takes_it(
    practice, smtp_server, http, doc_request
):
    smtp_server.answer = "451 4.7.1 Greylisted, try again later"

    said = press_send(http, doc_request)

    reason = (
        "The mail server refused the recipient "
        "(ann@bakery.example: 451 4.7.1 Greylisted, try again later)."
    )
    assert said == [
        f"Not sent yet to Ann Baker (ann@bakery.example): {reason} "
        "It is tried again in a few minutes."
    ]
    assert f"Sending Retrying: {reason}" in state_cell(http, doc_request)

    smtp_server.answer = "250 OK"
    with practice_context(practice.pk):
        assert mail.send_due(wall_clock.now() + datetime.timedelta(minutes=5)) == 0  # too soon
        assert mail.send_due(wall_clock.now() + datetime.timedelta(minutes=11)) == 1
    assert smtp_server.delivered == [["ann@bakery.example"]]
    row = the_row(practice)
    assert (row.state, row.failure, row.attempts) == ("sent", "", 2)
    assert "✓ Sent" in state_cell(http, doc_request)


def test_an_unreachable_mail_server_is_a_transient_failure(
    practice, smtp_settings, http, doc_request
):
    # Nothing listens on the port.
    said = press_send(http, doc_request)

    row = the_row(practice)
    assert row.state == "sending" and row.attempts == 1
    assert row.failure.startswith("Could not reach the mail server (")
    assert said == [
        f"Not sent yet to Ann Baker (ann@bakery.example): {row.failure} "
        "It is tried again in a few minutes."
    ]
