"""The document store's services: store, soft-delete, restore, reclassify, purge.

Files go through Django's storage API (``default_storage``: local files by default, S3 when
configured) under a random key prefixed by the practice; the row is created after the file is
saved, and the file is deleted again if the row cannot be saved, so nothing is half-stored.
"""

import datetime
import logging
import uuid
from dataclasses import dataclass

from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction

from atlasos import clock
from atlasos.refusals import Refusal
from documents.extensions import why_held, without_held
from documents.models import Document, Source
from documents.uploads import UploadRefused, ValidatedUpload, validate_upload

logger = logging.getLogger(__name__)

KEEP_DELETED = datetime.timedelta(days=30)


class DocumentError(Refusal):
    """The rules refuse it; ``message`` says why."""


def key_prefix(practice_id: int) -> str:
    return f"practices/{practice_id}/documents/"


def owned(key: str, practice_id: int) -> bool:
    """Never read or delete a key outside the practice's prefix, whatever the row says."""
    return key.startswith(key_prefix(practice_id))


def delete_stored_file(key: str, practice_id: int) -> None:
    if not owned(key, practice_id):
        logger.warning("document file %s is outside the practice's prefix; left alone", key)
        return
    try:
        default_storage.delete(key)
    except OSError:
        logger.exception("could not delete document file %s", key)


def open_stored_file(document: Document):
    """The stored bytes as an open file; ``FileNotFoundError`` if they are gone."""
    if not owned(document.storage_key, document.practice_id):
        raise FileNotFoundError(document.storage_key)
    return default_storage.open(document.storage_key, "rb")


def live_duplicate(client, sha256: str) -> Document | None:
    return Document.objects.live().filter(client=client, sha256=sha256).order_by("pk").first()


def store_document(
    client,
    upload,
    *,
    doc_type: str,
    period: datetime.date | None,
    source: str = Source.STAFF_UPLOAD,
    user=None,
    contact=None,
) -> tuple[Document, bool]:
    """Keep ``upload`` (a Django ``UploadedFile``) for ``client``.

    1. Validate it (``UploadRefused`` propagates: nothing stored).
    2. The same bytes already live for this client: return that document, ``created`` False.
    3. Save the bytes under ``practices/<id>/documents/<uuid4 hex>``, then create the row; if
       the row fails (a concurrent upload of the same file won the race), delete the file.
    """
    checked: ValidatedUpload = validate_upload(upload)
    existing = live_duplicate(client, checked.sha256)
    if existing:
        return existing, False
    key = default_storage.save(f"{key_prefix(client.practice_id)}{uuid.uuid4().hex}", upload)
    try:
        with transaction.atomic():
            document = Document.objects.create(
                **_fields(client, checked, key, doc_type, period, source, user, contact)
            )
    except IntegrityError:
        delete_stored_file(key, client.practice_id)
        existing = live_duplicate(client, checked.sha256)
        if existing:
            return existing, False
        raise
    except BaseException:
        delete_stored_file(key, client.practice_id)
        raise
    return document, True


def _fields(client, checked, key, doc_type, period, source, user, contact) -> dict:
    """A new document's row, as ``store_document`` and ``store_many`` write it."""
    return dict(
        client=client,
        period=period.replace(day=1) if period else None,
        doc_type=doc_type,
        source=source,
        original_name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        storage_key=key,
        uploaded_by=user,
        uploaded_by_contact=contact,
    )


@dataclass(frozen=True)
class Keep:
    """One file for ``store_many``: ``upload`` for ``client``, as ``store_document`` takes it."""

    client: object
    upload: object
    doc_type: str
    period: datetime.date | None
    source: str
    user: object = None


def store_many(keeps: list[Keep]) -> list[tuple[Document, bool] | UploadRefused]:
    """``store_document`` for many files at once (the Smart Inbox's batches): each validated,
    the live duplicates of all of them read in one query (a file twice in the batch for one
    client is stored once), the new rows inserted in one. Per file: ``(document, created)``,
    or the ``UploadRefused`` that refused it. Call inside a transaction; when it fails, the
    files it saved are deleted again and the error propagates."""
    outcomes: list = []
    checked: dict[int, ValidatedUpload] = {}
    for position, keep in enumerate(keeps):
        try:
            checked[position] = validate_upload(keep.upload)
            outcomes.append(None)
        except UploadRefused as refused:
            outcomes.append(refused)
    pairs = {(keeps[i].client.pk, c.sha256) for i, c in checked.items()}
    held: dict[tuple[int, str], Document] = {}
    if pairs:
        for document in (
            Document.objects.live()
            .filter(
                client_id__in={client for client, _ in pairs},
                sha256__in={sha for _, sha in pairs},
            )
            .order_by("-pk")
        ):
            held[(document.client_id, document.sha256)] = document
    new: list[Document] = []
    try:
        for position, check in checked.items():
            keep = keeps[position]
            same = held.get((keep.client.pk, check.sha256))
            if same is not None:
                outcomes[position] = (same, False)
                continue
            prefix = key_prefix(keep.client.practice_id)
            key = default_storage.save(f"{prefix}{uuid.uuid4().hex}", keep.upload)
            document = Document(
                **_fields(
                    keep.client,
                    check,
                    key,
                    keep.doc_type,
                    keep.period,
                    keep.source,
                    keep.user,
                    None,
                )
            )
            document.practice_id = keep.client.practice_id
            new.append(document)
            held[(keep.client.pk, check.sha256)] = document
            outcomes[position] = (document, True)
        # In one order (client, then SHA-256): two batches never wait on each other's rows.
        new.sort(key=lambda d: (d.client_id, d.sha256))
        with transaction.atomic():
            Document.objects.bulk_create(new)
    except IntegrityError:
        # A concurrent upload of one of the files won the race: each file on its own, as
        # ``store_document`` stores it (the winner's document is then a duplicate).
        for document in new:
            delete_stored_file(document.storage_key, document.practice_id)
        return [
            outcome
            if isinstance(outcome, UploadRefused)
            else store_document(
                keeps[position].client,
                keeps[position].upload,
                doc_type=keeps[position].doc_type,
                period=keeps[position].period,
                source=keeps[position].source,
                user=keeps[position].user,
            )
            for position, outcome in enumerate(outcomes)
        ]
    except BaseException:
        for document in new:
            delete_stored_file(document.storage_key, document.practice_id)
        raise
    return outcomes


def soft_delete(document: Document, user) -> None:
    """Hide the document; it can be restored for 30 days, then it is purged. A held document
    stays (``documents.extensions``: one delivered to the client is what the client received)."""
    if document.deleted_at:
        return
    held = why_held(document)
    if held is not None:
        raise DocumentError(held)
    document.deleted_at = clock.now()
    document.deleted_by = user
    document.save(update_fields=["deleted_at", "deleted_by"])


def restore_deadline(document: Document) -> datetime.datetime | None:
    return document.deleted_at + KEEP_DELETED if document.deleted_at else None


def restore(document: Document, now: datetime.datetime | None = None) -> None:
    """Bring a deleted document back (within 30 days of its deletion)."""
    now = now or clock.now()
    if document.deleted_at is None:
        raise DocumentError(f"{document.original_name} is not deleted.")
    if document.deleted_at + KEEP_DELETED < now:
        raise DocumentError(
            f"{document.original_name} was deleted more than 30 days ago and cannot be restored."
        )
    copy = live_duplicate(document.client_id, document.sha256)
    if copy:
        raise DocumentError(
            f"{document.original_name} is in the store again already, as {copy.original_name}."
        )
    document.deleted_at = None
    document.deleted_by = None
    document.save(update_fields=["deleted_at", "deleted_by"])


def reclassify(document: Document, doc_type: str, period: datetime.date | None) -> None:
    """Change the document's type and move it to another period (or none)."""
    document.doc_type = doc_type
    document.period = period.replace(day=1) if period else None
    document.save(update_fields=["doc_type", "period"])


def purge_deleted(now: datetime.datetime | None = None) -> int:
    """Remove the current practice's documents deleted more than 30 days before ``now``, file
    first, then row. Rows locked by another run are skipped; a file already gone is no error,
    so a second run (or a rerun after a crash) finishes the job. Returns how many went."""
    cutoff = (now or clock.now()) - KEEP_DELETED
    purged = 0
    with transaction.atomic():
        rows = list(
            # A held document stays (one delivered to the client: what the client received).
            without_held(
                Document.objects.select_for_update(skip_locked=True).filter(deleted_at__lt=cutoff)
            ).values_list("pk", "practice_id", "storage_key")
        )
        for _pk, practice_id, key in rows:
            delete_stored_file(key, practice_id)
        purged = Document.objects.filter(pk__in=[pk for pk, _p, _k in rows]).delete()[0]
    return purged


def store_generated_pdf(client, name: str, pdf: bytes, *, doc_type: str, period, user=None):
    """File a PDF AtlasOS rendered (a reconciliation statement, a management accounts pack)
    in the client's documents, source "generated". Returns the document."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile(name, pdf, content_type="application/pdf")
    document, _ = store_document(
        client, upload, doc_type=doc_type, period=period, source=Source.GENERATED, user=user
    )
    return document
