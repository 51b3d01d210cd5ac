"""The task board's figures, each computed in SQL in a fixed number of queries whatever the
size of the practice: completion rate by period, open packs per stage (the bottleneck), time
spent in each stage from the event history, team workload and the overdue list.

Every function takes ``packs``, the practice's packs already narrowed by the board's filters
(``PackFilterForm.apply``), so the figures follow the filters in the URL.
"""

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    F,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber

from cycle.clock import Clock
from cycle.periods import (
    MONTH_NAMES,
    Recurrence,
    next_period,
    period_label,
    previous_period,
)
from cycle.stages import STAGES, Stage
from cycle.workdays import WorkCalendar, released_period
from tasks.models import Pack, PackItem
from tasks.overview import overdue_q, stage_overdue_q, with_status_sql

# The board looks back this many periods before the current one.
HISTORY_PERIODS = 6
# The kanban shows this many cards per column (and per "show more" page).
KANBAN_CARDS = 25


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _percent(part: int, whole: int) -> int:
    """``part`` of ``whole`` as a whole percentage, halves rounded up (0 when ``whole`` is 0)."""
    if not whole:
        return 0
    return (200 * part + whole) // (2 * whole)


# --- completion rate --------------------------------------------------------------------------


def board_periods(
    today: datetime.date, calendar: WorkCalendar | None = None, offset_days: int = 0
) -> list[datetime.date]:
    """The current period and the ``HISTORY_PERIODS`` before it, oldest first.

    The current period is the latest month whose packs have appeared: the last month to have
    ended, from its release date on (the first working day after it in the practice's
    ``calendar``, plus its ``offset_days``), the month before until then. On 25 November that
    is October; on 1 January, a holiday, still November: December's packs do not exist yet.
    """
    calendar = calendar if calendar is not None else WorkCalendar()
    periods = [released_period(today, Recurrence.MONTHLY, calendar, offset_days)]
    for _ in range(HISTORY_PERIODS):
        periods.insert(0, previous_period(periods[0], Recurrence.MONTHLY))
    return periods


@dataclass(frozen=True)
class PeriodRate:
    """How many clients had their pack for ``period`` delivered.

    A client counts once per period: it is *complete* when it has at least one pack for the
    period and none of its packs for the period is open; ``clients`` (the denominator) is the
    number of clients with at least one pack for the period.
    """

    period: datetime.date
    clients: int
    complete: int

    @property
    def label(self) -> str:
        return period_label(self.period, Recurrence.MONTHLY)

    @property
    def short_label(self) -> str:
        """ "Oct 2026" (the chart's axis)."""
        return f"{MONTH_NAMES[self.period.month - 1][:3]} {self.period.year}"

    @property
    def percent(self) -> int:
        return _percent(self.complete, self.clients)

    @property
    def detail(self) -> str:
        """ "25 of 40 clients delivered for October 2026"."""
        if not self.clients:
            return f"No client has a pack for {self.label}."
        return f"{self.complete} of {_plural(self.clients, 'client')} delivered for {self.label}"

    @property
    def sentence(self) -> str:
        """ "62% — 25 of 40 clients delivered for October 2026"."""
        if not self.clients:
            return self.detail
        return f"{self.percent}% — {self.detail}"


def completion_rates(packs: QuerySet, periods: list[datetime.date]) -> list[PeriodRate]:
    """One ``PeriodRate`` per period, in the order given, from one grouped query."""
    rows = (
        packs.filter(period__in=periods)
        .order_by()
        .values("period")
        .annotate(
            clients=Count("client", distinct=True),
            open_clients=Count("client", distinct=True, filter=Q(completed_at__isnull=True)),
        )
    )
    found = {row["period"]: row for row in rows}
    rates = []
    for period in periods:
        row = found.get(period, {"clients": 0, "open_clients": 0})
        rates.append(
            PeriodRate(
                period=period,
                clients=row["clients"],
                complete=row["clients"] - row["open_clients"],
            )
        )
    return rates


# --- bottleneck: open packs per current stage ------------------------------------------------


@dataclass(frozen=True)
class StageLoad:
    """Open packs whose current stage is ``stage``, and how many of them are overdue."""

    stage: str
    open: int
    overdue: int

    @property
    def label(self) -> str:
        return Stage(self.stage).label


def stage_loads(packs: QuerySet, today: datetime.date) -> list[StageLoad]:
    """Open packs per current stage (all six stages, in cycle order), from one query."""
    rows = (
        packs.filter(completed_at__isnull=True)
        .order_by()
        .values("current_stage")
        .annotate(total=Count("pk"), late=Count("pk", filter=overdue_q(today)))
    )
    found = {row["current_stage"]: row for row in rows}
    return [
        StageLoad(
            stage=stage,
            open=found.get(stage, {}).get("total", 0),
            overdue=found.get(stage, {}).get("late", 0),
        )
        for stage in STAGES
    ]


def bottleneck(loads: list[StageLoad]) -> StageLoad | None:
    """The stage holding the most overdue packs (the earlier stage on a tie); None when no open
    pack is overdue."""
    worst = None
    for load in loads:  # cycle order, so a tie keeps the earlier stage
        if load.overdue and (worst is None or load.overdue > worst.overdue):
            worst = load
    return worst


def bottleneck_sentence(loads: list[StageLoad]) -> str:
    """ "Reconcile bank is holding 14 packs, 9 overdue." in words."""
    worst = bottleneck(loads)
    if worst is None:
        if any(load.open for load in loads):
            return "No open pack is overdue: nothing is stuck."
        return "No open packs."
    return f"{worst.label} is holding {_plural(worst.open, 'pack')}, {worst.overdue} overdue."


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


# --- team workload ---------------------------------------------------------------------------


@dataclass
class Workload:
    member: object
    preparing: int = 0
    reviewing: int = 0
    overdue: int = 0
    due_this_week: int = 0


def week_of(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """Monday and Sunday of the week containing ``today``."""
    monday = today - datetime.timedelta(days=today.weekday())
    return monday, monday + datetime.timedelta(days=6)


def team_workload(packs: QuerySet, members, today: datetime.date) -> list[Workload]:
    """One row per member (in the order given), in three grouped queries:

    - open packs as preparer, and how many of them are overdue;
    - open packs as reviewer, and how many of them are overdue where the member is not also
      the preparer (so ``overdue`` counts each overdue pack of the member once, whichever
      role or both);
    - checklist items not done, in open packs, whose stage is due this week (Monday to
      Sunday): review items count for the pack's reviewer, the others for its preparer.
    """
    open_packs = packs.filter(completed_at__isnull=True).order_by()
    late = overdue_q(today)
    as_preparer = {
        row["preparer"]: row
        for row in open_packs.filter(preparer__isnull=False)
        .values("preparer")
        .annotate(total=Count("pk"), late=Count("pk", filter=late))
    }
    not_also_preparer = Q(preparer__isnull=True) | ~Q(preparer=F("reviewer"))
    as_reviewer = {
        row["reviewer"]: row
        for row in open_packs.filter(reviewer__isnull=False)
        .values("reviewer")
        .annotate(total=Count("pk"), late=Count("pk", filter=late & not_also_preparer))
    }
    monday, sunday = week_of(today)
    due_this_week = Q()
    pack_due_this_week = Q()  # some stage of the pack is due this week: few packs to join
    for stage in STAGES:
        due_this_week |= Q(stage=stage, **{f"pack__{stage}_due__range": (monday, sunday)})
        pack_due_this_week |= Q(**{f"{stage}_due__range": (monday, sunday)})
    person = Case(
        When(stage=Stage.REVIEW, then=F("pack__reviewer")),
        default=F("pack__preparer"),
        output_field=IntegerField(),
    )
    items = {
        row["person"]: row["total"]
        for row in PackItem.objects.filter(
            due_this_week,
            done_at__isnull=True,
            pack__in=open_packs.filter(pack_due_this_week).values("pk"),
        )
        .annotate(person=person)
        .order_by()
        .values("person")
        .annotate(total=Count("pk"))
    }
    rows = []
    for member in members:
        preparing = as_preparer.get(member.pk, {})
        reviewing = as_reviewer.get(member.pk, {})
        rows.append(
            Workload(
                member=member,
                preparing=preparing.get("total", 0),
                reviewing=reviewing.get("total", 0),
                overdue=preparing.get("late", 0) + reviewing.get("late", 0),
                due_this_week=items.get(member.pk, 0),
            )
        )
    return rows


# --- overdue list ----------------------------------------------------------------------------


def _first_overdue(today: datetime.date, then) -> list[When]:
    return [When(stage_overdue_q(stage, today), then=then(stage)) for stage in STAGES]


# Sort key → ORDER BY. "days" puts the most days behind first (the earliest missed due date
# first); a leading "-" reverses.
OVERDUE_SORTS = {
    "client": [F("client__name").asc(), "pk"],
    "-client": [F("client__name").desc(), "-pk"],
    "stage": [F("late_stage_index").asc(), F("late_due").asc(), "client__name", "pk"],
    "-stage": [F("late_stage_index").desc(), F("late_due").asc(), "client__name", "pk"],
    "days": [F("late_due").asc(), "client__name", "pk"],
    "-days": [F("late_due").desc(), "client__name", "pk"],
    "preparer": [F("preparer__full_name").asc(nulls_last=True), F("late_due").asc(), "pk"],
    "-preparer": [F("preparer__full_name").desc(nulls_last=True), F("late_due").asc(), "pk"],
}
DEFAULT_OVERDUE_SORT = "days"


def overdue_packs(packs: QuerySet, today: datetime.date, sort: str = DEFAULT_OVERDUE_SORT):
    """Every overdue open pack with ``late_stage`` (the earliest stage past its due date and
    not complete), ``late_stage_index`` and ``late_due`` (that stage's due date, the earliest
    missed one: due dates never go backwards through the cycle), sorted in SQL."""
    order = OVERDUE_SORTS.get(sort, OVERDUE_SORTS[DEFAULT_OVERDUE_SORT])
    return (
        packs.filter(overdue_q(today))
        .annotate(
            late_stage=Case(
                *_first_overdue(today, lambda stage: Value(stage)), output_field=CharField()
            ),
            late_stage_index=Case(
                *_first_overdue(today, lambda stage: Value(STAGES.index(stage))),
                output_field=IntegerField(),
            ),
            late_due=Case(
                *_first_overdue(today, lambda stage: F(f"{stage}_due")), output_field=DateField()
            ),
        )
        .select_related("client", "preparer", "template")
        .order_by(*order)
    )


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
