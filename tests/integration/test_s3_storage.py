"""The document store on S3: django-storages against moto's S3 server on loopback (a real HTTP
S3 API, not a mock of boto3 calls).

Upload through the staff view → the object is in the bucket under the practice's prefix; the
download view answers with a short-lived signed URL that really fetches the bytes as an
attachment; preview streams through our view; a soft delete keeps the object (restorable), the
purge removes it.
"""

import datetime
import urllib.request
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as HttpClient
from django.urls import reverse

from atlasos import clock as wall_clock
from atlasos.tenancy.context import practice_context
from documents.models import Document
from documents.serving import SIGNED_URL_SECONDS
from documents.store import purge_deleted
from portal.forms import last_month, period_value
from tests.clock import current_date
from tests.factories.clients import ClientFactory
from tests.helpers import sign_in
from tests.integration.helpers import bucket_keys
from tests.portal import samples

pytest.importorskip("boto3")
pytest.importorskip("moto.server")


@pytest.fixture
def client_ltd(practice):
    return ClientFactory(practice=practice, name="Harbourview Bakery Ltd")


@pytest.fixture
def http(staff):
    return sign_in(HttpClient(), staff)


def upload(http, client_ltd, name: str, content: bytes):
    return http.post(
        reverse("client_documents", args=[client_ltd.code]),
        {
            "doc_type": "bank_statement",
            "period": period_value(last_month(current_date())),
            "files": [SimpleUploadedFile(name, content)],
        },
    )


def only_document(practice) -> Document:
    with practice_context(practice.pk):
        return Document.objects.get()


def test_an_upload_is_stored_in_the_bucket_under_the_practices_prefix(
    http, practice, client_ltd, bucket
):
    assert upload(http, client_ltd, "october.pdf", samples.PDF).status_code == 302
    document = only_document(practice)
    assert document.storage_key.startswith(f"practices/{practice.pk}/documents/")
    assert bucket_keys(bucket) == [document.storage_key]
    s3, name = bucket
    stored = s3.get_object(Bucket=name, Key=document.storage_key)["Body"].read()
    assert stored == samples.PDF
    # The same bytes again: nothing new in the bucket.
    upload(http, client_ltd, "october-again.pdf", samples.PDF)
    assert bucket_keys(bucket) == [document.storage_key]


def test_download_redirects_to_a_short_lived_signed_url_that_fetches_the_file(
    http, practice, client_ltd, bucket, s3_endpoint
):
    upload(http, client_ltd, "Bank statement October.pdf", samples.PDF)
    document = only_document(practice)
    response = http.get(reverse("document_download", args=[document.code]))
    assert response.status_code == 302
    url = response["Location"]
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == s3_endpoint
    assert parts.path.endswith(document.storage_key)
    query = parse_qs(parts.query)
    assert query["X-Amz-Expires"] == [str(SIGNED_URL_SECONDS)]
    assert SIGNED_URL_SECONDS <= 60
    assert "X-Amz-Signature" in query
    with urllib.request.urlopen(url, timeout=10) as fetched:  # moto, on loopback
        assert fetched.read() == samples.PDF
        assert fetched.headers["Content-Type"] == "application/pdf"
        disposition = fetched.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert 'filename="Bank statement October.pdf"' in disposition


def test_preview_streams_the_object_through_our_view(http, practice, client_ltd, bucket):
    upload(http, client_ltd, "october.pdf", samples.PDF)
    document = only_document(practice)
    response = http.get(reverse("document_preview", args=[document.code]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == samples.PDF
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("sandbox")


def test_soft_delete_keeps_the_object_and_the_purge_removes_it(http, practice, client_ltd, bucket):
    upload(http, client_ltd, "october.pdf", samples.PDF)
    document = only_document(practice)
    assert http.post(reverse("document_delete", args=[document.code])).status_code == 302
    assert bucket_keys(bucket) == [document.storage_key]  # restorable for 30 days
    with practice_context(practice.pk):
        assert purge_deleted(wall_clock.now() + datetime.timedelta(days=29)) == 0
        assert bucket_keys(bucket) == [document.storage_key]
        assert purge_deleted(wall_clock.now() + datetime.timedelta(days=31)) == 1
        assert not Document.objects.filter(pk=document.pk).exists()
    assert bucket_keys(bucket) == []
