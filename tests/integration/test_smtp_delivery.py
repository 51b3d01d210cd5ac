"""A request email through a real SMTP server on loopback (aiosmtpd), read as delivered."""

import datetime
import email
import socket
from email import policy as email_policy

import pytest

from atlasos import clock as wall_clock
from atlasos.tenancy.context import practice_context
from portal.sending import send_request
from tests.factories.accounts import UserFactory
from tests.factories.clients import ClientFactory
from tests.portal.mailing import open_request, portal_contact

aiosmtpd_controller = pytest.importorskip("aiosmtpd.controller", reason="needs aiosmtpd")


class Mailbox:
    """An aiosmtpd handler keeping every delivered message with its envelope."""

    def __init__(self):
        self.delivered = []

    async def handle_DATA(self, server, session, envelope):
        self.delivered.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    mailbox = Mailbox()
    port = free_port()
    controller = aiosmtpd_controller.Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 10
    settings.DEFAULT_FROM_EMAIL = "AtlasOS <no-reply@atlasos.test>"
    try:
        yield mailbox
    finally:
        controller.stop()


def test_a_request_email_arrives_with_both_parts_and_its_headers(
    practice, smtp_server, django_capture_on_commit_callbacks
):
    practice.reply_to_email = "office@harbour.example"
    practice.save()
    preparer = UserFactory(practice=practice, email="dana@harbour.example")
    bakery = ClientFactory(practice=practice, name="Harbourview Bakery Ltd", preparer=preparer)
    portal_contact(practice, bakery, "Ann Baker", "ann@bakery.example")
    doc_request = open_request(
        practice,
        bakery,
        due=datetime.date(2026, 11, 6),
        items={"Bank statement — Barclays ****1234": True, "Petty cash": False},
        title="Documents for October 2026",
    )
    with (
        django_capture_on_commit_callbacks(execute=True),
        practice_context(practice.pk),
    ):
        (row,) = send_request(doc_request, by=preparer, now=wall_clock.now())

    (delivered,) = smtp_server.delivered
    mail_from, recipients, content = delivered
    assert mail_from == "no-reply@atlasos.test"
    assert recipients == ["ann@bakery.example"]
    message = email.message_from_bytes(content, policy=email_policy.default)
    assert message["Subject"] == (
        "Documents for October 2026 for Harbourview Bakery Ltd: please upload by Friday 6 November"
    )
    (sender,) = message["From"].addresses
    assert sender.display_name == "Harbour & Co Bookkeeping"
    assert sender.addr_spec == "no-reply@atlasos.test"
    assert message["To"] == "ann@bakery.example"
    assert message["Reply-To"] == "office@harbour.example"
    assert message["Message-ID"] == row.message_id
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    link = f"/portal/requests/{doc_request.code}/"
    assert "Bank statement — Barclays ****1234" in text and link in text
    assert "Petty cash" in text.split("If you have them (optional):")[1]
    assert "<li>Bank statement — Barclays ****1234</li>" in html and link in html
    assert "Harbour &amp; Co Bookkeeping" in html
    with practice_context(practice.pk):
        row.refresh_from_db()
    assert row.state == "sent" and row.sent_at is not None
