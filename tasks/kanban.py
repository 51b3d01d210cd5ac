"""The kanban's cards: one column per current stage, the most urgent first, in SQL."""

from django.db.models import (
    F,
    QuerySet,
    Window,
)
from django.db.models.functions import RowNumber

from cycle.clock import Clock
from cycle.stages import STAGES
from tasks.models import Pack
from tasks.status_sql import with_status_sql

# The kanban shows this many cards per column (and per "show more" page).
KANBAN_CARDS = 25


# --- kanban ----------------------------------------------------------------------------------


def _urgent_first():
    return [F("outstanding_due").asc(nulls_last=True), F("client__name").asc(), F("pk").asc()]


def kanban_cards(packs: QuerySet, clock: Clock, per_column: int = KANBAN_CARDS) -> dict:
    """The ``per_column`` most urgent open packs of each stage (the earliest outstanding due
    date first), with ``sql_status``, in one query (a window function ranks within a stage)."""
    ranked = (
        with_status_sql(packs.filter(completed_at__isnull=True), clock)
        .annotate(
            column_rank=Window(
                RowNumber(), partition_by=[F("current_stage")], order_by=_urgent_first()
            )
        )
        .filter(column_rank__lte=per_column)
        .select_related("client", "preparer")
        .order_by("current_stage", "column_rank")
    )
    columns = {stage: [] for stage in STAGES}
    for pack in ranked:
        columns.setdefault(pack.current_stage, []).append(pack)
    return columns


def kanban_column_page(
    packs: QuerySet, clock: Clock, stage: str, page: int, per_page: int = KANBAN_CARDS
) -> list[Pack]:
    """Page ``page`` (from 1) of one stage's open packs, most urgent first."""
    start = (page - 1) * per_page
    return list(
        with_status_sql(packs.filter(completed_at__isnull=True, current_stage=stage), clock)
        .select_related("client", "preparer")
        .order_by(*_urgent_first())[start : start + per_page]
    )
