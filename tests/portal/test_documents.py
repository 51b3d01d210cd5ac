"""portal.documents: store (dedupe, nothing half-stored), soft delete, restore, reclassify,
purge after 30 days."""

import datetime
from unittest import mock

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from atlasos import clock as wall_clock
from atlasos.tenancy.context import practice_context
from documents import store as documents
from documents.models import Document
from documents.tasks import purge_deleted_documents
from documents.uploads import UploadRefused
from tests.factories.clients import ClientFactory
from tests.factories.documents import DocumentFactory
from tests.portal import samples
from tests.portal.helpers import stored_files

OCTOBER = datetime.date(2026, 10, 1)


@pytest.fixture
def client_ltd(practice):
    return ClientFactory(practice=practice, name="Harbourview Bakery Ltd")


def store(client, name, data, **kwargs):
    kwargs.setdefault("doc_type", "bank_statement")
    kwargs.setdefault("period", datetime.date(2026, 10, 17))
    return documents.store_document(client, SimpleUploadedFile(name, data), **kwargs)


def test_a_stored_document_has_a_random_key_under_the_practice(in_practice, client_ltd, staff):
    document, created = store(client_ltd, "../statement.pdf", samples.PDF, user=staff)
    assert created
    assert document.original_name == "statement.pdf"
    assert document.period == OCTOBER  # the first of the month
    assert document.content_type == "application/pdf"
    assert document.size == len(samples.PDF)
    assert document.storage_key.startswith(f"practices/{in_practice.pk}/documents/")
    assert len(document.storage_key.rsplit("/", 1)[1]) == 32  # uuid4 hex, nothing from the name
    assert document.uploaded_by == staff
    with default_storage.open(document.storage_key) as stored:
        assert stored.read() == samples.PDF


def test_the_same_bytes_for_the_same_client_are_stored_once(in_practice, client_ltd, media):
    first, created = store(client_ltd, "october.pdf", samples.PDF)
    again, created_again = store(client_ltd, "october-copy.pdf", samples.PDF)
    assert created and not created_again
    assert again == first
    assert Document.objects.count() == 1
    assert len(stored_files(media)) == 1
    # Another client may hold the same file.
    _, created_other = store(ClientFactory(practice=in_practice), "october.pdf", samples.PDF)
    assert created_other


@pytest.mark.parametrize(
    "name, data",
    [("report.pdf", samples.EXE), ("empty.pdf", b""), ("page.html", samples.HTML)],
)
def test_a_refused_file_leaves_no_row_and_no_file(in_practice, client_ltd, media, name, data):
    with pytest.raises(UploadRefused):
        store(client_ltd, name, data)
    assert Document.objects.count() == 0
    assert stored_files(media) == []


def test_a_file_over_the_limit_leaves_nothing(in_practice, client_ltd, media, settings):
    settings.ATLAS_UPLOAD_MAX_BYTES = 100
    with pytest.raises(UploadRefused, match=r"the limit is 100 bytes per file\.$"):
        store(client_ltd, "big.pdf", samples.PDF + b" " * 200)
    assert Document.objects.count() == 0
    assert stored_files(media) == []


def test_when_the_row_cannot_be_saved_the_stored_file_is_deleted(in_practice, client_ltd, media):
    failing = mock.patch.object(
        Document.objects, "create", side_effect=RuntimeError("database down")
    )
    with failing, pytest.raises(RuntimeError):
        store(client_ltd, "statement.pdf", samples.PDF)
    assert stored_files(media) == []
    assert Document.objects.count() == 0


def test_a_concurrent_duplicate_returns_the_winner_and_deletes_its_own_file(
    in_practice, client_ltd, media
):
    winner = DocumentFactory(practice=in_practice, client=client_ltd, content=samples.PDF)
    lost_race = mock.patch.object(Document.objects, "create", side_effect=IntegrityError("unique"))
    with mock.patch.object(documents, "live_duplicate", side_effect=[None, winner]), lost_race:
        document, created = store(client_ltd, "statement.pdf", samples.PDF)
    assert (document, created) == (winner, False)
    assert stored_files(media) == [winner.storage_key]


def test_many_files_stored_together_when_a_concurrent_upload_won_the_race(
    in_practice, client_ltd, media
):
    # The batch read the live duplicates before the other upload committed: its insert then
    # meets the unique index, and each file is stored on its own, as store_document would.
    winner, _ = store(client_ltd, "statement.pdf", samples.PDF)
    keeps = [
        documents.Keep(
            client_ltd, SimpleUploadedFile(name, data), "bank_statement", OCTOBER, "email"
        )
        for name, data in (("again.pdf", samples.PDF), ("other.pdf", samples.PDF + b"%"))
    ]
    stale, live = Document.objects.none(), Document.objects.live()
    with (
        transaction.atomic(),
        mock.patch.object(Document.objects, "live", side_effect=[stale, live, live]),
    ):
        outcomes = documents.store_many(keeps)

    assert outcomes[0] == (winner, False)
    other, created = outcomes[1]
    assert created and other.original_name == "other.pdf"
    assert sorted(stored_files(media)) == sorted([winner.storage_key, other.storage_key])


def test_soft_delete_restore_and_a_new_copy_after_delete(in_practice, client_ltd, staff):
    document, _ = store(client_ltd, "statement.pdf", samples.PDF)
    documents.soft_delete(document, staff)
    assert document.deleted_at and document.deleted_by == staff
    # Deleted documents do not count as duplicates: the same file can be stored again.
    fresh, created = store(client_ltd, "statement.pdf", samples.PDF)
    assert created and fresh != document
    with pytest.raises(documents.DocumentError, match="is in the store again already"):
        documents.restore(document)
    documents.soft_delete(fresh, staff)
    documents.restore(document)
    document.refresh_from_db()
    assert document.deleted_at is None and document.deleted_by is None


def test_restore_only_within_30_days(in_practice, client_ltd, staff):
    document, _ = store(client_ltd, "statement.pdf", samples.PDF)
    documents.soft_delete(document, staff)
    late = document.deleted_at + datetime.timedelta(days=30, minutes=1)
    with pytest.raises(documents.DocumentError, match="more than 30 days ago"):
        documents.restore(document, now=late)
    with pytest.raises(documents.DocumentError, match="is not deleted"):
        documents.restore(DocumentFactory(practice=in_practice, client=client_ltd))


def test_reclassify_changes_type_and_moves_the_period(in_practice, client_ltd):
    document, _ = store(client_ltd, "statement.pdf", samples.PDF)
    documents.reclassify(document, "receipt", datetime.date(2026, 9, 14))
    document.refresh_from_db()
    assert (document.doc_type, document.period) == ("receipt", datetime.date(2026, 9, 1))
    documents.reclassify(document, "other", None)
    document.refresh_from_db()
    assert (document.doc_type, document.period) == ("other", None)


def test_purge_removes_rows_and_files_deleted_over_30_days_ago_and_is_idempotent(
    practice, other_practice, staff, media
):
    now = wall_clock.now()
    with practice_context(practice.pk):
        DocumentFactory(practice=practice, deleted_at=now - datetime.timedelta(days=31))
        recent = DocumentFactory(practice=practice, deleted_at=now - datetime.timedelta(days=29))
        live = DocumentFactory(practice=practice)
    with practice_context(other_practice.pk):
        theirs = DocumentFactory(
            practice=other_practice, deleted_at=now - datetime.timedelta(days=40)
        )
    assert purge_deleted_documents() == 2
    assert purge_deleted_documents() == 0
    remaining = {recent.storage_key, live.storage_key}
    assert set(stored_files(media)) == remaining
    with practice_context(practice.pk):
        assert set(Document.objects.values_list("pk", flat=True)) == {recent.pk, live.pk}
    assert theirs.storage_key not in stored_files(media)


def test_purge_after_the_file_is_already_gone_still_removes_the_row(in_practice, media):
    old = DocumentFactory(
        practice=in_practice, deleted_at=wall_clock.now() - datetime.timedelta(days=31)
    )
    default_storage.delete(old.storage_key)
    assert documents.purge_deleted() == 1
    assert not Document.objects.filter(pk=old.pk).exists()


def test_a_delivered_document_cannot_be_deleted_and_is_never_purged(practice, staff, in_practice):
    from documents.store import DocumentError, purge_deleted, soft_delete
    from tests.factories.portal import DeliveryDocumentFactory

    link = DeliveryDocumentFactory(practice=practice)
    document = link.document
    with pytest.raises(DocumentError, match="was delivered to the client"):
        soft_delete(document, staff)
    document.refresh_from_db()
    assert document.deleted_at is None
    # Even if it was deleted before it was delivered, the purge leaves it alone.
    Document.objects.filter(pk=document.pk).update(
        deleted_at=wall_clock.now() - datetime.timedelta(days=40)
    )
    assert purge_deleted() == 0
    assert Document.objects.filter(pk=document.pk).exists()
