"""The per-practice job runner (``atlasos.jobs``) and the beat jobs that use it."""

import ast
import contextlib
import datetime
import logging
from pathlib import Path

import pytest
from django.conf import settings

from atlasos import clock as wall_clock
from atlasos import jobs
from atlasos.celery import app
from atlasos.jobs import for_each_practice
from atlasos.tenancy.context import current_practice_id, current_state, practice_context
from clients.models import ClientImport
from tests.factories.clients import ClientImportFactory
from tests.factories.tenancy import PracticeFactory

BEAT_JOBS = sorted({entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()})


@pytest.fixture
def tasks():
    """Every app's tasks, registered as in a worker. (Registering sets Django up again, which
    configures logging afresh: done in the test's setup, caplog's handler is not lost.)"""
    app.loader.import_default_modules()
    return app.tasks


def test_each_practice_runs_in_its_own_context_and_the_total_is_returned(practice, other_practice):
    seen = []

    def work(each):
        seen.append((each.pk, current_practice_id()))
        return 2

    assert for_each_practice("test job", work) == 4
    assert seen == [(practice.pk, practice.pk), (other_practice.pk, other_practice.pk)]
    assert current_state() is None  # nothing leaks out of the job


def test_the_practices_are_read_through_the_logged_bypass(practice, caplog):
    with caplog.at_level(logging.INFO, logger="atlasos.tenancy"):
        for_each_practice("purge everything old", lambda each: 0)
    assert "unscoped: beat: purge everything old" in caplog.messages


def test_a_practice_that_fails_is_logged_with_the_job_and_the_others_still_run(
    practice, other_practice, caplog
):
    third = PracticeFactory()
    ran = []

    def work(each):
        if each.pk == other_practice.pk:
            raise OSError("storage unreachable")
        ran.append(current_practice_id())
        return 1

    with caplog.at_level(logging.ERROR, logger="atlasos.jobs"):
        assert for_each_practice("documents.purge_deleted_documents", work) == 2

    assert ran == [practice.pk, third.pk]
    (record,) = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert f"practice {other_practice.pk}" in record.getMessage()
    assert "documents.purge_deleted_documents" in record.getMessage()
    assert "storage unreachable" in record.exc_text
    assert current_state() is None


@pytest.mark.parametrize("job", BEAT_JOBS)
def test_every_beat_job_runs_through_the_runner_and_survives_a_failing_practice(
    job, tasks, practice, other_practice, monkeypatch, caplog
):
    """Every scheduled job fans out through ``for_each_practice``: a practice whose turn
    fails (here: as it starts) is logged with the job's name, and the next one still runs."""
    real_context = jobs.practice_context
    entered = []

    @contextlib.contextmanager
    def failing_for_ours(practice_id):
        if practice_id == practice.pk:
            raise RuntimeError("this practice's turn failed")
        with real_context(practice_id):
            entered.append(practice_id)
            yield

    monkeypatch.setattr(jobs, "practice_context", failing_for_ours)
    with caplog.at_level(logging.ERROR, logger="atlasos.jobs"):
        result = tasks[job].apply()

    assert result.successful(), result.traceback
    assert entered == [other_practice.pk]
    (record,) = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert record.getMessage().startswith(f"beat job {job} failed for practice {practice.pk}")


def test_every_celery_task_is_named_explicitly(tasks):
    """Celery's default name is the module path: moving a module would rename the task under
    the beat schedule and the messages already queued."""
    unnamed = []
    base = Path(settings.BASE_DIR)
    packages = [init.parent for init in base.glob("*/__init__.py") if init.parent.name != "tests"]
    for path in (path for package in packages for path in package.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for decorator in node.decorator_list:
                target = decorator.func if isinstance(decorator, ast.Call) else decorator
                if ast.unparse(target) not in {"shared_task", "app.task", "celery_app.task"}:
                    continue
                keywords = decorator.keywords if isinstance(decorator, ast.Call) else []
                if not any(keyword.arg == "name" for keyword in keywords):
                    unnamed.append(f"{path}: {node.name}")
    assert unnamed == []
    for job in BEAT_JOBS:
        assert tasks[job].name == job


def test_a_beat_job_run_twice_does_its_work_once(practice, other_practice):
    from clients.tasks import purge_stale_imports

    long_ago = wall_clock.now() - datetime.timedelta(days=2)
    for each in (practice, other_practice):
        ClientImportFactory(practice=each, created_at=long_ago)
        ClientImportFactory(practice=each)  # uploaded just now: kept

    assert purge_stale_imports.apply().get() == 2
    assert purge_stale_imports.apply().get() == 0
    for each in (practice, other_practice):
        with practice_context(each.pk):
            assert ClientImport.objects.count() == 1
