"""Email providers' inbound webhooks refuse: a call failing the provider's check (basic
auth, Mailgun's signature, SNS's signature and certificate, Django's upload limit) is refused
and recorded, never stored; SNS's first call without credentials is not a refusal. A provider
the server is not configured for (Mailgun without its signing key), or one posting what
belongs to another URL, is refused (400) and recorded with the reason, never a 500."""

import json

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from inbox.models import Channel
from tests.inbox.webhook_payloads import (
    CERT_URL,
    MAILGUN_KEY,
    SECRET,
    WRONG_AUTH,
    deliver,
    mailgun_mime,
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
)

pytestmark = [
    pytest.mark.django_db,
    # anymail 13 no longer supports SendGrid officially and says so each time its view is made.
    pytest.mark.filterwarnings("ignore::anymail.exceptions.AnymailNotSupportedWarning"),
    # The webhook secrets, and the certificate SNS would serve (tests/inbox/conftest.py).
    pytest.mark.usefixtures("anymail_settings", "sns_certificates"),
]


# --- refused ----------------------------------------------------------------------------------


@pytest.mark.parametrize("provider", ["postmark", "mailgun", "sendgrid", "amazon_ses"])
def test_a_wrong_basic_auth_is_refused_and_recorded(provider, client, practice, address):
    raw = mime(address)
    post = {
        "postmark": lambda: post_postmark(client, postmark(address, raw), headers=WRONG_AUTH),
        "mailgun": lambda: post_mailgun(client, mailgun_mime(address, raw), headers=WRONG_AUTH),
        "sendgrid": lambda: post_sendgrid(client, sendgrid_raw(address, raw), headers=WRONG_AUTH),
        "amazon_ses": lambda: post_ses(
            client, sns_sign(ses_notification(address, raw)), headers=WRONG_AUTH
        ),
    }[provider]

    response = post()

    assert response.status_code == 400
    assert messages(practice) == []
    [refusal] = refusals()
    assert refusal.channel == Channel.WEBHOOK
    assert refusal.provider == provider
    assert refusal.remote_addr == "127.0.0.1"
    assert "basic auth" in refusal.reason


@pytest.mark.filterwarnings("ignore::anymail.exceptions.AnymailInsecureWebhookWarning")
def test_without_a_webhook_secret_every_call_is_refused(client, practice, address, settings):
    settings.ANYMAIL = {"MAILGUN_WEBHOOK_SIGNING_KEY": MAILGUN_KEY}

    response = post_postmark(client, postmark(address, mime(address)), headers={})

    assert response.status_code == 400
    assert messages(practice) == []
    [refusal] = refusals()
    assert "no WEBHOOK_SECRET" in refusal.reason


def test_a_mailgun_post_with_a_wrong_signature_is_refused(client, practice, address):
    fields = mailgun_mime(address, mime(address), key="key-someone-else")

    response = post_mailgun(client, fields)

    assert response.status_code == 400
    assert messages(practice) == []
    [refusal] = refusals()
    assert refusal.provider == "mailgun"
    assert "signature" in refusal.reason


def test_an_sns_message_with_a_wrong_signature_is_refused(client, practice, address):
    forger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    message = sns_sign(ses_notification(address, mime(address)), key=forger)

    response = post_ses(client, message)

    assert response.status_code == 400
    assert messages(practice) == []
    [refusal] = refusals()
    assert refusal.provider == "amazon_ses"
    assert "SNS signature does not verify" in refusal.reason


def test_an_sns_message_changed_after_signing_is_refused(client, practice, address):
    message = sns_sign(ses_notification(address, mime(address)))
    event = json.loads(message["Message"])
    event["receipt"]["dmarcVerdict"] = {"status": "PASS"}
    event["mail"]["source"] = "ceo@client.example"
    message["Message"] = json.dumps(event)

    assert post_ses(client, message).status_code == 400
    assert messages(practice) == []
    assert len(refusals()) == 1


def test_an_sns_certificate_from_elsewhere_is_never_fetched(
    client, practice, address, sns_certificates
):
    notification = ses_notification(address, mime(address))
    notification["SigningCertURL"] = "https://sns.eu-west-2.amazonaws.com.evil.example/c.pem"

    response = post_ses(client, sns_sign(notification))

    assert response.status_code == 400
    assert sns_certificates == []
    [refusal] = refusals()
    assert "not from SNS" in refusal.reason


def test_sns_signature_version_2_is_checked_too(client, practice, address, sns_certificates):
    notification = ses_notification(address, mime(address))
    notification["SignatureVersion"] = "2"

    assert post_ses(client, sns_sign(notification)).status_code == 200
    assert post_ses(client, sns_sign(notification)).status_code == 200

    assert len(messages(practice)) == 1
    assert sns_certificates == [CERT_URL]  # fetched once, then kept


def test_sns_asks_for_basic_auth_first_and_that_is_not_a_refusal(client, practice, address):
    """SNS posts without credentials until it is answered 401 (anymail answers it)."""
    response = post_ses(client, sns_sign(ses_notification(address, mime(address))), headers={})

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Basic")
    assert messages(practice) == []
    assert refusals() == []


@pytest.mark.parametrize("provider", ["postmark", "mailgun", "sendgrid", "amazon_ses"])
def test_a_post_over_djangos_upload_limit_is_refused_and_recorded(
    provider, client, practice, address, settings
):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024

    response = deliver(client, provider, address, mime(address))

    assert response.status_code == 400
    assert messages(practice) == []
    [refusal] = refusals()
    assert "larger than DATA_UPLOAD_MAX_MEMORY_SIZE" in refusal.reason


# --- the server or the provider misconfigured ------------------------------------------------


@pytest.mark.parametrize("path", ["inbound_mime", "inbound"])
def test_mailgun_without_a_signing_key_is_refused_and_recorded_not_a_500(
    path, client, practice, address, settings
):
    settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET}
    fields = mailgun_mime(address, mime(address))

    response = post_mailgun(client, fields, path=path)

    assert response.status_code == 400
    assert b"webhook settings" in response.content
    assert b"MAILGUN" not in response.content  # the details are for staff, not the caller
    assert messages(practice) == []
    [refusal] = refusals()
    assert refusal.channel == Channel.WEBHOOK
    assert refusal.provider == "mailgun"
    assert refusal.remote_addr == "127.0.0.1"
    assert refusal.reason == "Mailgun webhook refused: MAILGUN_WEBHOOK_SIGNING_KEY is not set"


@pytest.mark.filterwarnings("ignore::anymail.exceptions.AnymailInsecureWebhookWarning")
@pytest.mark.parametrize("provider", ["postmark", "mailgun", "sendgrid", "amazon_ses"])
def test_with_no_webhook_settings_at_all_every_provider_refuses_without_a_500(
    provider, client, practice, address, settings
):
    """The URL walk's case: a post with no credentials to a server with no ANYMAIL settings."""
    settings.ANYMAIL = {}
    raw = mime(address)
    post = {
        "postmark": lambda: post_postmark(client, postmark(address, raw), headers={}),
        "mailgun": lambda: post_mailgun(client, mailgun_mime(address, raw), headers={}),
        "sendgrid": lambda: post_sendgrid(client, sendgrid_raw(address, raw), headers={}),
        "amazon_ses": lambda: post_ses(
            client, sns_sign(ses_notification(address, raw)), headers={}
        ),
    }[provider]

    response = post()

    assert response.status_code == 400
    assert messages(practice) == []
    [refusal] = refusals()
    assert refusal.provider == provider
    expected = {
        "mailgun": "Mailgun webhook refused: MAILGUN_WEBHOOK_SIGNING_KEY is not set",
    }.get(provider, "no WEBHOOK_SECRET is set in ANYMAIL")
    assert expected in refusal.reason


def test_mailgun_falls_back_to_its_api_key_as_anymail_does(client, practice, address, settings):
    """Not a refusal: anymail takes MAILGUN_API_KEY when no signing key is set."""
    settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET, "MAILGUN_API_KEY": MAILGUN_KEY}

    response = post_mailgun(client, mailgun_mime(address, mime(address)))

    assert response.status_code == 200
    assert len(messages(practice)) == 1
    assert refusals() == []


def test_postmarks_bounce_webhook_pointed_at_the_inbound_url_is_refused(client, practice, address):
    bounce = {
        "RecordType": "Bounce",
        "Type": "HardBounce",
        "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
        "Email": "nobody@client.example",
        "BouncedAt": "2026-11-17T09:00:00Z",
    }

    response = post_postmark(client, bounce)

    assert response.status_code == 400
    assert messages(practice) == []
    [refusal] = refusals()
    assert refusal.provider == "postmark"
    assert refusal.reason.startswith("Postmark webhook refused: ")
    assert "*Bounce* webhook" in refusal.reason


def test_an_ses_sending_event_on_the_inbound_topic_is_refused(client, practice, address):
    notification = ses_notification(address, mime(address))
    notification["Message"] = json.dumps(
        {
            "notificationType": "Bounce",
            "bounce": {"bounceType": "Permanent", "bouncedRecipients": []},
            "mail": {"messageId": "0102017f", "source": "staff@practice.example"},
        }
    )

    response = post_ses(client, sns_sign(notification))

    assert response.status_code == 400
    assert messages(practice) == []
    [refusal] = refusals()
    assert refusal.provider == "amazon_ses"
    assert refusal.reason.startswith("Amazon SES webhook refused: ")
    assert "*sending* event" in refusal.reason
