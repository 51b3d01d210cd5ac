"""Celery tasks of the clients app (thin wrappers; the work is in plain functions)."""

import logging
from datetime import timedelta

from celery import shared_task
from django.db import transaction

from atlasos import clock
from atlasos.tenancy.context import practice_context, unscoped
from atlasos.tenancy.models import Practice
from clients.imports import delete_stored_file
from clients.models import ClientImport

logger = logging.getLogger(__name__)

STALE_AFTER = timedelta(hours=24)


def purge_practice_stale_imports(practice_id: int, cutoff) -> int:
    """Delete this practice's uploads still awaiting confirmation since before ``cutoff``.

    1. Lock the stale PREVIEW rows (skipping any a confirm is holding right now).
    2. Delete each stored file, then the rows, in one transaction: killed half-way, the rows
       are still there and the next run deletes them (a file already gone is no error).
    """
    with transaction.atomic():
        stale = list(
            ClientImport.objects.select_for_update(skip_locked=True)
            .filter(state=ClientImport.State.PREVIEW, created_at__lt=cutoff)
            .values_list("pk", "storage_key")
        )
        for _pk, storage_key in stale:
            delete_stored_file(storage_key, practice_id)
        ClientImport.objects.filter(
            pk__in=[pk for pk, _key in stale], state=ClientImport.State.PREVIEW
        ).delete()
    return len(stale)


@shared_task
def purge_stale_imports() -> int:
    """Beat, hourly: forget client CSV uploads nobody confirmed within 24 hours.

    1. List the practices inside ``unscoped`` (beat works for every practice).
    2. For each, in its own practice context, delete the stale previews and their files.
    Idempotent: a second run finds nothing stale left. Returns how many were purged.
    """
    cutoff = clock.now() - STALE_AFTER
    purged = 0
    with unscoped("beat: purge stale client imports"):
        practice_ids = list(Practice.objects.values_list("pk", flat=True))
        for practice_id in practice_ids:
            with practice_context(practice_id):
                count = purge_practice_stale_imports(practice_id, cutoff)
                if count:
                    logger.info("purged %s stale client imports", count)
            purged += count
    return purged
