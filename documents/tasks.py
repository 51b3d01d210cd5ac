"""Celery beat jobs of the document store (thin wrappers: the work is in documents.store)."""

from celery import shared_task

from atlasos import clock
from atlasos.jobs import for_each_practice
from documents.store import purge_deleted


@shared_task(name="documents.purge_deleted_documents")
def purge_deleted_documents() -> int:
    """Beat, daily: remove documents soft-deleted more than 30 days ago (rows and files), in
    every practice (``atlasos.jobs``). Idempotent: a second run finds nothing left to purge."""
    now = clock.now()
    return for_each_practice(
        "documents.purge_deleted_documents", lambda practice: purge_deleted(now)
    )
