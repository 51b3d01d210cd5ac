import pytest

from atlasos.celery import PracticeTask, app
from atlasos.tenancy.context import current_practice_id
from clients.models import Client
from tests.factories.clients import ClientFactory


@app.task(base=PracticeTask, name="tests.count_clients")
def count_clients(*, practice_id):
    assert current_practice_id() == practice_id
    return Client.objects.count()


def test_task_runs_inside_the_practice_it_is_given(practice, other_practice):
    ClientFactory(practice=practice)
    ClientFactory(practice=other_practice)
    ClientFactory(practice=other_practice)
    assert count_clients.delay(practice_id=practice.pk).get() == 1
    assert count_clients.delay(practice_id=other_practice.pk).get() == 2
    assert current_practice_id() is None


def test_task_without_practice_id_is_refused(db):
    with pytest.raises(TypeError, match="practice_id"):
        count_clients.apply(kwargs={}).get()


def test_task_is_enqueued_only_when_the_transaction_commits(
    practice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        count_clients.delay_on_commit(practice_id=practice.pk)
    assert len(callbacks) == 1
