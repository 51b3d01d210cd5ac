"""`make run` has no Celery beat: `run_periodic_jobs` runs the beat schedule in-process."""

from datetime import timedelta
from io import StringIO

from django.core.management import call_command

from atlasos.tenancy.context import practice_context
from notifications.models import OverdueAlert
from tests.clock import current_date
from tests.factories.tasks import PackFactory


def test_every_scheduled_job_runs_once_and_a_second_run_changes_nothing(practice, staff):
    week_ago = current_date() - timedelta(days=7)
    with practice_context(practice.pk):
        PackFactory(practice=practice, preparer=staff, collect_due=week_ago)
    out = StringIO()
    call_command("run_periodic_jobs", stdout=out, stderr=out)
    report = out.getvalue()
    for job in (
        "tasks.create_due_packs",
        "tasks.raise_overdue_alerts",
        "notifications.send_daily_digests",
        "clients.tasks.purge_stale_imports",
        "documents.purge_deleted_documents",
        "portal.send_reminders",
    ):
        assert f"{job}: " in report, report
    assert "failed" not in report
    with practice_context(practice.pk):
        assert OverdueAlert.objects.filter(stage="collect").count() == 1
    call_command("run_periodic_jobs", stdout=StringIO(), stderr=StringIO())
    with practice_context(practice.pk):
        assert OverdueAlert.objects.count() == 1
