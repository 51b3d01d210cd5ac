"""Celery tasks of bank reconciliation (thin wrappers: the work is in reconciliation.rendering)."""

from celery import shared_task

from atlasos.celery import PracticeTask
from reconciliation.rendering import render_and_file


@shared_task(base=PracticeTask, name="reconciliation.render_statement", soft_time_limit=120)
def render_statement(reconciliation_pk: int, *, practice_id: int) -> str:
    """Render the reconciliation statement to PDF and file it in the client's documents."""
    return "filed" if render_and_file(reconciliation_pk) else "skipped"
