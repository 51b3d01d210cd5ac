"""Celery tasks of reporting (thin wrappers: the work is in reporting.rendering)."""

from celery import shared_task

from atlasos.celery import PracticeTask
from reporting.rendering import render_and_file


@shared_task(base=PracticeTask, name="reporting.render_accounts_pack", soft_time_limit=180)
def render_accounts_pack(render_pk: int, *, practice_id: int) -> str:
    """Render the management accounts pack to PDF and file it in the client's documents."""
    return "filed" if render_and_file(render_pk) else "skipped"
