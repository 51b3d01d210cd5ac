import io

import pytest
from anymail.webhooks.amazon_ses import AmazonSESInboundWebhookView

from atlasos.tenancy.context import practice_context
from inbox import addresses, webhooks
from tests.factories.clients import ClientFactory
from tests.inbox.webhook_payloads import MAILGUN_KEY, SECRET, SNS_CERT


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Every raw message, attachment and filed document of these tests goes to a throwaway
    MEDIA_ROOT; the inbox addresses live under a fixed test domain."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ATLAS_INBOX_DOMAIN = "in.atlas.test"
    return settings.MEDIA_ROOT


@pytest.fixture
def address(practice):
    """A client's inbound address (the client is Acme Trading Ltd)."""
    with practice_context(practice.pk):
        client = ClientFactory(practice=practice, name="Acme Trading Ltd")
    return addresses.client_address(client)


# --- the provider webhooks (test_webhooks_*.py) -----------------------------------------------
# Not autouse: those modules ask for them in their pytestmark, and no other test gets the
# webhook secrets or a stand-in for SNS's certificates.


@pytest.fixture
def anymail_settings(settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET, "MAILGUN_WEBHOOK_SIGNING_KEY": MAILGUN_KEY}


@pytest.fixture
def sns_certificates(monkeypatch):
    """No network: the certificate SNS would serve at ``CERT_URL`` is ours."""
    fetched = []

    def fetch(url):
        fetched.append(url)
        return SNS_CERT

    monkeypatch.setattr(webhooks, "_SNS_CERTIFICATES", {})
    monkeypatch.setattr(webhooks, "fetch_certificate_pem", fetch)
    return fetched


@pytest.fixture
def s3(monkeypatch):
    """The S3 object SES wrote the message to (anymail downloads it with boto3)."""
    objects = {}

    def download(view, bucket_name, object_key):
        return io.BytesIO(objects[(bucket_name, object_key)])

    monkeypatch.setattr(AmazonSESInboundWebhookView, "download_s3_object", download)
    return objects
