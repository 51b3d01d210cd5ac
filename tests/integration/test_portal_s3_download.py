"""The client portal on S3 (moto's S3 server on loopback): a contact's upload lands in the bucket
under the practice's prefix, and the portal's download answers with a short-lived signed URL
that fetches the bytes as an attachment."""

import datetime
import urllib.request
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from atlasos import clock as wall_clock
from atlasos.tenancy.context import practice_context
from documents.models import Document
from documents.serving import SIGNED_URL_SECONDS
from tests.factories.clients import ClientFactory
from tests.factories.portal import DocumentRequestFactory, PortalGrantFactory, RequestItemFactory
from tests.integration.helpers import bucket_keys
from tests.portal import samples


@pytest.fixture
def contact_http(client, practice):
    client_ltd = ClientFactory(practice=practice)
    account = PortalGrantFactory(practice=practice, client=client_ltd).account
    client.force_login(account.user)
    return client, client_ltd


def test_a_contacts_upload_goes_to_the_bucket_and_downloads_through_a_signed_url(
    contact_http, practice, bucket, s3_endpoint
):
    http, client_ltd = contact_http
    with practice_context(practice.pk):
        document_request = DocumentRequestFactory(
            practice=practice,
            client=client_ltd,
            status="sent",
            sent_at=wall_clock.now(),
            period=datetime.date(2026, 10, 1),
        )
        item = RequestItemFactory(practice=practice, request=document_request)

    response = http.post(
        reverse("portal_item_upload", args=[item.code]),
        {"files": [SimpleUploadedFile("October statement.pdf", samples.PDF)]},
    )
    assert response.status_code == 302
    with practice_context(practice.pk):
        document = Document.objects.get(client=client_ltd)
    assert bucket_keys(bucket) == [document.storage_key]
    assert document.storage_key.startswith(f"practices/{practice.pk}/documents/")

    response = http.get(reverse("portal_document_download", args=[document.code]))
    assert response.status_code == 302
    url = response["Location"]
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == s3_endpoint
    assert parse_qs(parts.query)["X-Amz-Expires"] == [str(SIGNED_URL_SECONDS)]
    with urllib.request.urlopen(url, timeout=10) as fetched:  # moto, on loopback
        assert fetched.read() == samples.PDF
        disposition = fetched.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert 'filename="October statement.pdf"' in disposition
