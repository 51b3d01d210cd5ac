"""Email providers' inbound webhooks deliver: each provider's documented payload carrying a
PDF to a client's address is kept once, through the one intake, and queued; a retry is a
duplicate; mail to an unknown address is answered 200 and refused by intake; an inbound event
from a view that is not the inbox's is ignored."""

import hashlib
import json

import pytest
from anymail.inbound import AnymailInboundMessage
from anymail.signals import AnymailInboundEvent, inbound
from anymail.webhooks.amazon_ses import AmazonSESInboundWebhookView

from atlasos.tenancy.context import practice_context
from inbox import addresses
from inbox.models import Channel, InboundMessage
from tests.factories.clients import ClientFactory
from tests.inbox.webhook_payloads import (
    PDF,
    PROVIDERS,
    RAW_MIME,
    SENDER,
    deliver,
    mailgun_parsed,
    mailgun_signed,
    messages,
    mime,
    pdf_of,
    post_mailgun,
    post_postmark,
    post_sendgrid,
    post_ses,
    postmark,
    refusals,
    sendgrid_parsed,
    ses_notification,
    sns_sign,
    stored,
)

pytestmark = [
    pytest.mark.django_db,
    # anymail 13 no longer supports SendGrid officially and says so each time its view is made.
    pytest.mark.filterwarnings("ignore::anymail.exceptions.AnymailNotSupportedWarning"),
    # The webhook secrets, and the certificate SNS would serve (tests/inbox/conftest.py).
    pytest.mark.usefixtures("anymail_settings", "sns_certificates"),
]


# --- kept -------------------------------------------------------------------------------------


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_pdf_to_a_client_address_is_kept_once_and_queued(
    provider, client, practice, address, s3, django_capture_on_commit_callbacks
):
    raw = mime(address)

    with django_capture_on_commit_callbacks() as queued:
        response = deliver(client, provider, address, raw, s3)

    assert response.status_code == 200, response.content
    [message] = messages(practice)
    assert message.channel == Channel.WEBHOOK
    assert message.provider == provider.split()[0]
    assert message.recipient == address
    assert message.envelope_from == SENDER
    assert message.message_id == "stmt-2026-11@client.example"
    assert message.status == InboundMessage.Status.RECEIVED
    kept = stored(message)
    assert message.sha256 == hashlib.sha256(kept).hexdigest()
    assert kept.startswith(b"Authentication-Results: in.atlas.test (verdicts of ")
    if provider in RAW_MIME:  # the provider's raw message, byte for byte, under our verdict
        assert kept.split(b"\r\n", 1)[1] == raw
    assert pdf_of(kept) == PDF
    # Processing is enqueued once the row is committed.
    [enqueue] = queued
    assert enqueue.args == (message.pk,)
    assert enqueue.keywords == {"practice_id": practice.pk}
    assert refusals() == []


@pytest.mark.parametrize("provider", PROVIDERS)
def test_the_same_post_twice_is_one_message(provider, client, practice, address, s3):
    raw = mime(address)

    first = deliver(client, provider, address, raw, s3)
    again = deliver(client, provider, address, raw, s3)

    assert (first.status_code, again.status_code) == (200, 200)
    assert len(messages(practice)) == 1


@pytest.mark.parametrize("provider", ["postmark parsed", "mailgun parsed", "sendgrid parsed"])
def test_a_rebuilt_message_hashes_the_same_on_a_retry(provider, client, practice, address):
    """Without a Message-ID only the SHA-256 tells a retry: anymail's rebuilt message must
    come out with the same bytes (stable MIME boundaries)."""
    raw = mime(address, message_id="")
    payload = {
        "postmark parsed": lambda: postmark(address, raw, with_raw=False),
        "mailgun parsed": lambda: mailgun_parsed(address),
        "sendgrid parsed": lambda: sendgrid_parsed(address),
    }[provider]

    def post():
        data = payload()
        if provider == "postmark parsed":
            data["Headers"] = [h for h in data["Headers"] if h["Name"] != "Message-ID"]
            return post_postmark(client, data)
        if provider == "mailgun parsed":
            headers = [h for h in json.loads(data["message-headers"]) if h[0] != "Message-Id"]
            data = mailgun_signed({**data, "message-headers": json.dumps(headers)})
            return post_mailgun(client, data, path="inbound")
        data["headers"] = "\n".join(
            line for line in data["headers"].split("\n") if not line.startswith("Message-ID")
        )
        return post_sendgrid(client, data)

    assert post().status_code == 200
    assert post().status_code == 200

    [message] = messages(practice)
    assert message.message_id == ""
    assert pdf_of(stored(message)) == PDF


def test_mail_to_two_client_addresses_of_one_practice_is_one_message(client, practice, address, s3):
    with practice_context(practice.pk):
        other = addresses.client_address(ClientFactory(practice=practice))
    raw = mime(f"{address}, {other}")
    notification = ses_notification(address, raw)
    event = json.loads(notification["Message"])
    event["receipt"]["recipients"] = [address, other]
    notification["Message"] = json.dumps(event)

    assert post_ses(client, sns_sign(notification)).status_code == 200

    [message] = messages(practice)
    assert message.recipient == address


# --- unknown recipients -----------------------------------------------------------------------


@pytest.mark.parametrize("provider", PROVIDERS)
def test_mail_to_an_unknown_address_is_answered_200_and_refused_by_intake(
    provider, client, practice, address, s3
):
    nobody = "nobody+zzzzzzzzzz@in.atlas.test"

    response = deliver(client, provider, nobody, mime(nobody), s3)

    assert response.status_code == 200  # else the provider retries for days
    assert messages(practice) == []
    [refusal] = refusals()
    assert refusal.channel == Channel.WEBHOOK
    assert refusal.provider == provider.split()[0]
    assert refusal.recipient == nobody


# --- another view's events ------------------------------------------------------------------


def test_an_inbound_event_from_a_view_that_is_not_the_inboxs_is_ignored(practice, address):
    message = AnymailInboundMessage.parse_raw_mime_bytes(mime(address))
    event = AnymailInboundEvent(event_type="inbound", message=message)

    inbound.send(sender=AmazonSESInboundWebhookView, event=event, esp_name="Amazon SES")

    assert messages(practice) == []
