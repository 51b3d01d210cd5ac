"""Days spent in each stage, from the event history, for the task board: the median and the
90th percentile per stage, this period and the last, computed in SQL (``percentile_cont`` on
PostgreSQL, the same definition written with window functions on SQLite)."""

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import (
    QuerySet,
)

from cycle.periods import (
    Recurrence,
    next_period,
    previous_period,
)
from cycle.stages import STAGES, Stage
from tasks.models import Pack

# --- bottleneck: days spent in each stage, from the event history ----------------------------

# The stage before each stage (the one whose completion starts it).
PRIOR_STAGE = dict(zip(STAGES[1:], STAGES[:-1], strict=True))

# Percentiles as fractions a/b: the portable SQL form needs whole-number arithmetic.
MEDIAN = (1, 2)
P90 = (9, 10)


@dataclass(frozen=True)
class StageTime:
    """Days spent in one stage by the packs of one period that completed it."""

    stage: str
    packs: int = 0
    median: float | None = None
    p90: float | None = None


def _day_number(expression: str) -> str:
    """A timestamp as a number of days (fractional), so two of them subtract into days."""
    if connection.vendor == "postgresql":
        return f"(CAST(EXTRACT(EPOCH FROM {expression}) AS double precision) / 86400.0)"
    return f"julianday({expression})"


def _greatest() -> str:
    return "GREATEST" if connection.vendor == "postgresql" else "MAX"


def _percentile_window_sql(fraction: tuple[int, int]) -> str:
    """Continuous percentile (PostgreSQL's ``percentile_cont``) from ranked rows, in SQL both
    databases run: with the ``n`` values of a group sorted and numbered ``i`` = 0…n-1, the
    percentile p = a/b sits at position p·(n−1) = lo + frac; the answer is
    ``value[lo] · (1 − frac) + value[lo + 1] · frac``. Integer division keeps it exact."""
    a, b = fraction
    lo = f"(({a} * (n - 1)) / {b})"
    frac = f"((({a} * (n - 1)) %% {b}) / {float(b)})"  # %% is "%" once parameters are in
    return (
        f"SUM(CASE WHEN i = {lo} THEN days * (1 - {frac}) "
        f"WHEN i = {lo} + 1 THEN days * {frac} ELSE 0 END)"
    )


def _spans_sql(selected: str) -> str:
    """The days each pack of the two periods spent in each stage it completed (see
    ``stage_times``); ``selected`` is the query of the packs counted (id, period): the
    filtered packs of the two periods, read in one scan.

    One pass over the packs' events gives one row per pack (its ``created`` time and the
    latest completion of each stage, side by side); each stage's span is then a subtraction
    within that row, so no event is joined to another."""
    day = _day_number
    greatest = _greatest()
    latest = ",\n".join(
        f"MAX(CASE WHEN e.action = 'stage_completed' AND e.stage = '{stage}' "
        f"THEN e.created_at END) AS {stage}_at"
        for stage in STAGES
    )
    collect = STAGES[0]
    started = f"{greatest}(COALESCE({day('created_at')}, period_end), period_end)"
    first = f"SELECT which, '{collect}' AS stage, {greatest}(0, {day(f'{collect}_at')} - {started})"
    spans = [f"{first} AS days FROM per_pack WHERE {collect}_at IS NOT NULL"]  # noqa: S608
    for stage, before in PRIOR_STAGE.items():
        end, start = day(f"{stage}_at"), day(f"{before}_at")
        span = f"SELECT which, '{stage}', {greatest}(0, {end} - {start}) FROM per_pack"  # noqa: S608
        spans.append(f"{span} WHERE {stage}_at IS NOT NULL AND {before}_at IS NOT NULL")
    union = "\n        UNION ALL ".join(spans)
    # Built from constants only (stage names, SQL fragments); every value is a parameter.
    return f"""
    WITH selected (id, period) AS ({selected}),
    board_packs AS (
        SELECT s.id,
               CASE WHEN s.period = %s THEN 'current' ELSE 'previous' END AS which,
               CASE WHEN s.period = %s THEN {day("%s")} ELSE {day("%s")} END AS period_end
        FROM selected s
    ),
    per_pack AS (
        SELECT bp.which, bp.period_end,
               MIN(CASE WHEN e.action = 'created' THEN e.created_at END) AS created_at,
               {latest}
        FROM board_packs bp
        JOIN tasks_packevent e ON e.pack_id = bp.id
        WHERE e.practice_id = %s AND e.action IN ('created', 'stage_completed')
        GROUP BY bp.id, bp.which, bp.period_end
    ),
    spans AS (
        {union}
    )
    """  # noqa: S608


def _percentiles_sql(portable: bool) -> str:
    if connection.vendor == "postgresql" and not portable:
        return """
        SELECT which, stage, COUNT(*),
               percentile_cont(0.5) WITHIN GROUP (ORDER BY days),
               percentile_cont(0.9) WITHIN GROUP (ORDER BY days)
        FROM spans GROUP BY which, stage
        """
    return f"""
    , ranked AS (
        SELECT which, stage, days,
               ROW_NUMBER() OVER (PARTITION BY which, stage ORDER BY days) - 1 AS i,
               COUNT(*) OVER (PARTITION BY which, stage) AS n
        FROM spans
    )
    SELECT which, stage, MAX(n), {_percentile_window_sql(MEDIAN)}, {_percentile_window_sql(P90)}
    FROM ranked GROUP BY which, stage
    """  # noqa: S608 - built from constants only


def period_end_moment(period: datetime.date, timezone_name: str) -> datetime.datetime:
    """The end of a monthly period: midnight starting the next month, in the practice's time."""
    return datetime.datetime.combine(
        next_period(period, Recurrence.MONTHLY), datetime.time(0), tzinfo=ZoneInfo(timezone_name)
    )


def stage_times(
    practice,
    current: datetime.date,
    packs: QuerySet | None = None,
    *,
    portable: bool = False,
) -> dict[str, dict[str, StageTime]]:
    """Median and 90th-percentile days spent in each stage by the packs of ``current`` and of
    the period before, from the event history, in one query.

    Definitions (the same on PostgreSQL and SQLite):

    - A stage *ends* at the latest ``stage_completed`` event of that pack and stage (a stage
      reopened and completed again counts from its last completion). Only stages with such an
      event count; a pack still in a stage adds nothing to it yet.
    - A stage *starts* when the stage before it ends (its latest ``stage_completed`` event);
      a stage whose previous stage has no ``stage_completed`` event is left out. Collect starts
      at the pack's ``created`` event, or at the end of the period (midnight starting the next
      month, practice time) if that is later — a pack created early has nothing to collect
      until the month is over — or at the end of the period if there is no ``created`` event.
    - Time in the stage = end − start, in days (fractional, calendar time), never below 0 (a
      stage completed before the one preceding it spent no time waiting).
    - Median and 90th percentile are *continuous* percentiles (linear interpolation between
      the two nearest values, PostgreSQL's ``percentile_cont``): with n values sorted, the
      p-th percentile is at position p·(n−1). PostgreSQL computes them with
      ``percentile_cont``; other databases (SQLite) with the window-function form of the same
      definition (``portable=True`` forces it, for the tests that compare the two).

    ``packs`` (the filtered packs) narrows the packs counted. Returns
    ``{"current": {stage: StageTime}, "previous": {stage: StageTime}}`` with all six stages.
    """
    previous = previous_period(current, Recurrence.MONTHLY)
    ops = connection.ops
    if packs is None:
        packs = Pack.objects.all()
    selected, selected_params = (
        packs.filter(practice_id=practice.pk, period__in=[previous, current])
        .order_by()
        .values_list("pk", "period")
        .sql_with_params()
    )
    params = [
        *selected_params,
        ops.adapt_datefield_value(current),
        ops.adapt_datefield_value(current),
        ops.adapt_datetimefield_value(period_end_moment(current, practice.timezone)),
        ops.adapt_datetimefield_value(period_end_moment(previous, practice.timezone)),
        practice.pk,
    ]
    query = _spans_sql(selected) + _percentiles_sql(portable)
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        rows = cursor.fetchall()
    times = {"current": {}, "previous": {}}
    for which, stage, count, median, p90 in rows:
        times[which][stage] = StageTime(
            stage=stage, packs=count, median=float(median), p90=float(p90)
        )
    for which in times:
        times[which] = {stage: times[which].get(stage, StageTime(stage)) for stage in STAGES}
    return times


@dataclass(frozen=True)
class StageTimeRow:
    stage: str
    current: StageTime
    previous: StageTime

    @property
    def label(self) -> str:
        return Stage(self.stage).label

    @property
    def both(self) -> tuple[StageTime, StageTime]:
        """This period's figures, then last period's (the table's column order)."""
        return self.current, self.previous


def stage_time_rows(times: dict[str, dict[str, StageTime]]) -> list[StageTimeRow]:
    return [
        StageTimeRow(stage, times["current"][stage], times["previous"][stage]) for stage in STAGES
    ]
