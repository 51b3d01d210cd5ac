"""The hourly beat job that forgets client CSV uploads nobody confirmed."""

import uuid
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from atlasos import clock as wall_clock
from atlasos.celery import app
from atlasos.tenancy.context import practice_context, unscoped
from clients.models import ClientImport
from clients.tasks import purge_stale_imports
from tests.factories.clients import ClientImportFactory


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_upload(practice, *, age: timedelta, state=ClientImport.State.PREVIEW) -> ClientImport:
    key = default_storage.save(
        f"practices/{practice.pk}/imports/{uuid.uuid4()}.csv", ContentFile(b"name,code\n")
    )
    upload = ClientImportFactory(practice=practice, storage_key=key, state=state)
    with practice_context(practice.pk):
        ClientImport.objects.filter(pk=upload.pk).update(created_at=wall_clock.now() - age)
    return upload


def remaining() -> set[int]:
    with unscoped("test: every practice's imports"):
        return set(ClientImport.unscoped_objects.values_list("pk", flat=True))


def test_purge_deletes_only_previews_older_than_a_day_with_their_files(
    practice, other_practice, media
):
    stale = stored_upload(practice, age=timedelta(hours=25))
    stale_elsewhere = stored_upload(other_practice, age=timedelta(days=3))
    fresh = stored_upload(practice, age=timedelta(hours=23))
    imported = stored_upload(practice, age=timedelta(days=3), state=ClientImport.State.IMPORTED)

    assert purge_stale_imports.delay().get() == 2

    assert remaining() == {fresh.pk, imported.pk}
    assert not default_storage.exists(stale.storage_key)
    assert not default_storage.exists(stale_elsewhere.storage_key)
    assert default_storage.exists(fresh.storage_key)
    assert default_storage.exists(imported.storage_key)


def test_purge_run_twice_leaves_the_result_of_running_it_once(practice, media):
    stored_upload(practice, age=timedelta(hours=30))
    fresh = stored_upload(practice, age=timedelta(minutes=5))

    assert purge_stale_imports() == 1
    assert purge_stale_imports() == 0

    assert remaining() == {fresh.pk}
    assert default_storage.exists(fresh.storage_key)


def test_purge_finishes_the_job_when_a_file_is_already_gone(practice, media):
    # A run killed after deleting the file but before deleting the row, then retried.
    half_done = stored_upload(practice, age=timedelta(days=2))
    default_storage.delete(half_done.storage_key)

    assert purge_stale_imports() == 1
    assert remaining() == set()


def test_purge_never_deletes_a_file_outside_the_practices_prefix(practice, other_practice, media):
    theirs = default_storage.save(
        f"practices/{other_practice.pk}/imports/theirs.csv", ContentFile(b"x")
    )
    ClientImportFactory(practice=practice, storage_key=theirs)
    with practice_context(practice.pk):
        ClientImport.objects.update(created_at=wall_clock.now() - timedelta(days=2))

    assert purge_stale_imports() == 1
    assert default_storage.exists(theirs)


def test_purge_is_the_task_beat_schedules(settings):
    task_name = settings.CELERY_BEAT_SCHEDULE["purge-stale-client-imports"]["task"]
    assert task_name == purge_stale_imports.name == "clients.tasks.purge_stale_imports"
    assert task_name in app.tasks
