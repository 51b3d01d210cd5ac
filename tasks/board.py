"""The task board's figures, each computed in SQL in a fixed number of queries whatever the
size of the practice: completion rate by period, open packs per stage (the bottleneck), time
spent in each stage from the event history (``tasks.stage_times``), team workload and the
overdue list. The kanban's cards are in ``tasks.kanban``.

Every function takes ``packs``, the practice's packs already narrowed by the board's filters
(``PackFilterForm.apply``), so the figures follow the filters in the URL.
"""

import datetime
from dataclasses import dataclass

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
)

from cycle.periods import (
    MONTH_NAMES,
    Recurrence,
    period_label,
    previous_period,
)
from cycle.stages import STAGES, Stage
from cycle.workdays import WorkCalendar, released_period
from tasks.models import PackItem
from tasks.status_sql import overdue_q, stage_overdue_q

# The board looks back this many periods before the current one.
HISTORY_PERIODS = 6


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
