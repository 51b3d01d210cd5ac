"""What an email provider's inbound webhook stores: our own Authentication-Results header,
holding only the provider's verdicts, above the provider's raw message kept byte for byte; a
storage failure answers 500 so the provider retries."""

import json

import pytest
from django.core.files.storage import default_storage

from atlasos.tenancy.context import practice_context
from inbox import addresses
from inbox.models import InboundMessage
from tests.factories.clients import ClientFactory
from tests.inbox.webhook_payloads import (
    AUTH,
    SENDER,
    mailgun_parsed,
    messages,
    mime,
    post_mailgun,
    post_postmark,
    post_sendgrid,
    post_ses,
    postmark,
    refusals,
    sendgrid_raw,
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


# --- verdicts ---------------------------------------------------------------------------------


def test_amazon_ses_verdicts_are_written_above_the_message(client, practice, address):
    forged = b"Authentication-Results: mx.client.example; dmarc=pass header.from=bank.example\r\n"
    raw = forged + mime(address)

    assert (
        post_ses(client, sns_sign(ses_notification(address, raw, dmarc="FAIL"))).status_code == 200
    )

    [message] = messages(practice)
    top, rest = stored(message).split(b"\r\n", 1)
    assert top == (
        b"Authentication-Results: in.atlas.test (verdicts of Amazon SES); "
        b"spf=pass smtp.mailfrom=client.example; dmarc=fail header.from=client.example"
    )
    assert rest == raw  # the sender's own header stays, below ours


def test_sendgrid_verdicts_keep_only_result_words_and_plain_domains(client, practice, address):
    fields = sendgrid_raw(address, mime(address))
    fields["SPF"] = "pass\r\nX-Injected: yes"
    fields["dkim"] = "{@client.example : pass, @evil.example\r\nX-Injected: : pass}"
    fields["envelope"] = json.dumps({"to": [address], "from": "x@client.example\r\nX-Bad: 1"})

    assert post_sendgrid(client, fields).status_code == 200

    [message] = messages(practice)
    top = stored(message).split(b"\r\n", 1)[0]
    assert top == (
        b"Authentication-Results: in.atlas.test (verdicts of SendGrid); "
        b"spf=none; dkim=pass header.d=client.example"
    )


def test_postmark_and_mailgun_give_spf_only(client, practice, address):
    with practice_context(practice.pk):
        other = addresses.client_address(ClientFactory(practice=practice))
    post_postmark(client, postmark(address, mime(address)))
    post_mailgun(client, mailgun_parsed(other), path="inbound")

    with practice_context(practice.pk):
        from_postmark = InboundMessage.objects.get(provider="postmark")
        from_mailgun = InboundMessage.objects.get(provider="mailgun")
    assert stored(from_postmark).split(b"\r\n", 1)[0] == (
        b"Authentication-Results: in.atlas.test (verdicts of Postmark); "
        b"spf=pass smtp.mailfrom=client.example"
    )
    assert stored(from_mailgun).split(b"\r\n", 1)[0] == (
        b"Authentication-Results: in.atlas.test (verdicts of Mailgun); "
        b"spf=pass smtp.mailfrom=client.example"
    )


def test_a_raw_message_in_another_8bit_charset_is_kept_byte_for_byte(client, practice, address):
    """Django decodes form fields as UTF-8, replacing what is not; the raw message is read from
    the request body instead."""
    raw = (
        f"From: {SENDER}\r\nTo: {address}\r\nSubject: Relev\xe9\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=iso-8859-1\r\n"
        "Content-Transfer-Encoding: 8bit\r\n\r\nCaf\xe9 cr\xe8me, re\xe7u.\r\n"
    ).encode("latin-1")
    boundary = "----atlasFormBoundary"
    fields = {k: v for k, v in sendgrid_raw(address, b"").items() if k != "email"}
    body = b""
    for name, value in [*fields.items(), ("email", raw)]:
        value = value if isinstance(value, bytes) else value.encode()
        body += (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
            + value
            + b"\r\n"
        )
    body += f"--{boundary}--\r\n".encode()

    response = client.post(
        "/inbox/hooks/sendgrid/inbound/",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
        headers=AUTH,
    )

    assert response.status_code == 200
    [message] = messages(practice)
    assert stored(message).split(b"\r\n", 1)[1] == raw


def test_a_storage_failure_is_a_500_so_the_provider_retries(client, practice, address, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(default_storage, "save", broken)
    client.raise_request_exception = False

    response = post_postmark(client, postmark(address, mime(address)))

    assert response.status_code == 500
    assert messages(practice) == []
    assert refusals() == []
