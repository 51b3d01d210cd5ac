"""Celery tasks of the clients app (thin wrappers; the work is in plain functions)."""

from datetime import timedelta

from celery import shared_task
from django.db import transaction

from atlasos import clock
from atlasos.jobs import for_each_practice
from clients.imports import delete_stored_file
from clients.models import ClientImport

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


# The name Celery gave it when it had none: deployed beat schedules and queued messages use it.
@shared_task(name="clients.tasks.purge_stale_imports")
def purge_stale_imports() -> int:
    """Beat, hourly: forget client CSV uploads nobody confirmed within 24 hours, in every
    practice (``atlasos.jobs``). Idempotent: a second run finds nothing stale left. Returns how
    many were purged."""
    cutoff = clock.now() - STALE_AFTER
    return for_each_practice(
        "clients.tasks.purge_stale_imports",
        lambda practice: purge_practice_stale_imports(practice.pk, cutoff),
    )
