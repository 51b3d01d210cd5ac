"""Read-side queries of the calendar: the stage targets that fall due on each day.

A pack contributes one *entry* per stage whose ``<stage>_due`` falls in the range looked at. Every
entry has a state:

- ``done``     the stage is complete (``<stage>_done_at`` set; deliver only once the pack is
               complete), or the pack is complete;
- ``overdue``  due before today and not done;
- ``due``      not done and not yet late.

The entries are worked out in SQL from the filtered packs (the calendar's ``PackFilterForm``
queryset, compiled as a common table expression), so the month grid, a day's list and the
counts each cost one query whatever the size of the practice: the grid takes the day's counts
and its first few entries (overdue first, chosen with ``ROW_NUMBER`` partitioned by day) in a
single statement.
"""

import datetime
import uuid
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Q, QuerySet

from atlasos.form_fields import date_bounds
from cycle.clock import Clock
from cycle.stages import STAGES, Stage
from cycle.status import Status
from tasks.status_sql import with_status_sql

# Entries a day of the month grid lists; the rest are counted ("+12 more").
ENTRIES_PER_DAY = 4

DONE, OVERDUE, DUE = "done", "overdue", "due"
ENTRY_STATES = {
    # state: (word, icon, badge colour it borrows from the status palette)
    DONE: ("Done", "✓", Status.COMPLETE.value),
    OVERDUE: ("Overdue", "!", Status.OVERDUE.value),
    DUE: ("Due", "→", Status.ON_TRACK.value),
}
STAGE_SHORT = {stage: stage.capitalize() for stage in STAGES}

# Columns of the ``packs`` expression: name in SQL → the queryset's field or annotation.
_PACK_COLUMNS = {
    "pack_id": "id",
    "pack_code": "code",
    "client_name": "client__name",
    "client_code": "client__short_code",
    "preparer_name": "preparer__full_name",
    "pack_status": "sql_status",
    "completed_at": "completed_at",
    **{f"{stage}_due": f"{stage}_due" for stage in STAGES},
    **{f"{stage}_done_at": f"{stage}_done_at" for stage in STAGES},
}
_ENTRY_COLUMNS = (
    "pack_code",
    "client_name",
    "client_code",
    "preparer_name",
    "pack_status",
    "stage",
    "day",
    "state",
)


def month_end(first: datetime.date) -> datetime.date:
    """The last day of the month starting on ``first``."""
    return (first + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)


def month_range() -> tuple[datetime.date, datetime.date]:
    """The first and the last month the calendar shows: the months of the dates anyone may type
    (``atlasos.form_fields.date_bounds``), so every month around them is a real date too."""
    earliest, latest = date_bounds()
    return earliest.replace(day=1), latest.replace(day=1)


def due_in_range_q(start: datetime.date, end: datetime.date) -> Q:
    """Packs with at least one stage due in [start, end]."""
    q = Q()
    for stage in STAGES:
        q |= Q(**{f"{stage}_due__range": (start, end)})
    return q


@dataclass(frozen=True)
class Entry:
    """One stage target of one pack."""

    pack_code: str
    client_name: str
    client_code: str
    preparer_name: str
    pack_status: str
    stage: str
    day: datetime.date
    state: str

    @property
    def client_label(self) -> str:
        return self.client_code or self.client_name

    @property
    def stage_short(self) -> str:
        return STAGE_SHORT[self.stage]

    @property
    def stage_label(self) -> str:
        return Stage(self.stage).label

    @property
    def state_word(self) -> str:
        return ENTRY_STATES[self.state][0]

    @property
    def state_icon(self) -> str:
        return ENTRY_STATES[self.state][1]

    @property
    def state_colour(self) -> str:
        return ENTRY_STATES[self.state][2]


@dataclass
class Counts:
    """Stage targets in a range: all of them, and how many are overdue and done."""

    total: int = 0
    overdue: int = 0
    done: int = 0

    def add(self, other: "Counts") -> None:
        self.total += other.total
        self.overdue += other.overdue
        self.done += other.done


@dataclass
class DayEntries:
    counts: Counts = field(default_factory=Counts)
    entries: list[Entry] = field(default_factory=list)

    @property
    def more(self) -> int:
        return self.counts.total - len(self.entries)


def _date(value) -> datetime.date:
    # SQLite hands back ISO strings for columns of a derived table, PostgreSQL dates.
    if isinstance(value, str):
        return datetime.date.fromisoformat(value[:10])
    return value


def _param(day: datetime.date):
    return connection.ops.adapt_datefield_value(day)


class StageEntries:
    """The stage targets of ``packs`` due in [start, end] on ``clock.today``, as SQL.

    ``packs`` is a queryset of packs (already scoped to the practice and narrowed by the
    filters); it is compiled into the ``packs`` expression, with the status of each pack worked
    out by ``with_status_sql``.
    """

    def __init__(self, packs: QuerySet, start: datetime.date, end: datetime.date, clock: Clock):
        self.start, self.end, self.today = start, end, clock.today
        selected = (
            with_status_sql(packs.filter(due_in_range_q(start, end)), clock)
            .order_by()
            .values_list(*_PACK_COLUMNS.values())
        )
        self._packs_sql, self._packs_params = selected.sql_with_params()

    def _with(self) -> tuple[str, list]:
        """``WITH packs AS (…), entries AS (…), ranked AS (…)``: one row per stage target in
        the range, with its state and the rank of that state (overdue first)."""
        branches, params = [], []
        for order, stage in enumerate(STAGES):
            done = "completed_at IS NOT NULL"
            if stage != Stage.DELIVER:
                done += f" OR {stage}_done_at IS NOT NULL"
            branches.append(
                f"""
                SELECT pack_id, pack_code, client_name, client_code, preparer_name, pack_status,
                    '{stage}' AS stage, {order} AS stage_order, {stage}_due AS day,
                    CASE WHEN {done} THEN '{DONE}' WHEN {stage}_due < %s THEN '{OVERDUE}'
                        ELSE '{DUE}' END AS state
                FROM packs WHERE {stage}_due BETWEEN %s AND %s
                """  # noqa: S608 - built from the stage names (constants) only
            )
            params += [_param(self.today), _param(self.start), _param(self.end)]
        sql = f"""
            WITH packs ({", ".join(_PACK_COLUMNS)}) AS ({self._packs_sql}),
            entries AS ({" UNION ALL ".join(branches)}),
            ranked AS (
                SELECT entries.*,
                    CASE state WHEN '{OVERDUE}' THEN 0 WHEN '{DUE}' THEN 1 ELSE 2 END
                        AS state_order
                FROM entries
            )
        """  # noqa: S608 - the packs' SQL is the ORM's, with its parameters
        return sql, [*self._packs_params, *params]

    # Overdue first, then due, then done; within a state by client, then cycle order.
    _ORDER = "state_order, client_name, pack_id, stage_order"
    _COLUMNS = ", ".join(_ENTRY_COLUMNS)

    def _fetch(self, sql: str, params: list) -> list[tuple]:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def by_day(self, per_day: int = ENTRIES_PER_DAY) -> dict[datetime.date, DayEntries]:
        """For every day with targets: its counts and its first ``per_day`` entries, overdue
        first (one query)."""
        head, params = self._with()
        sql = f"""{head}
            SELECT {self._COLUMNS}, day_total, day_overdue, day_done FROM (
                SELECT ranked.*,
                    ROW_NUMBER() OVER (PARTITION BY day ORDER BY {self._ORDER}) AS position,
                    COUNT(*) OVER (PARTITION BY day) AS day_total,
                    SUM(CASE WHEN state = '{OVERDUE}' THEN 1 ELSE 0 END)
                        OVER (PARTITION BY day) AS day_overdue,
                    SUM(CASE WHEN state = '{DONE}' THEN 1 ELSE 0 END)
                        OVER (PARTITION BY day) AS day_done
                FROM ranked
            ) numbered
            WHERE position <= %s
            ORDER BY day, position
        """  # noqa: S608 - built from constants only
        days: dict[datetime.date, DayEntries] = {}
        for row in self._fetch(sql, [*params, per_day]):
            entry = _entry(row)
            day = days.get(entry.day)
            if day is None:
                total, overdue, done = row[len(_ENTRY_COLUMNS) :]
                day = days[entry.day] = DayEntries(Counts(total, int(overdue), int(done)))
            day.entries.append(entry)
        return days

    def counts(self) -> Counts:
        """All the targets in the range, overdue and done (one query)."""
        head, params = self._with()
        sql = f"""{head}
            SELECT COUNT(*),
                COALESCE(SUM(CASE WHEN state = '{OVERDUE}' THEN 1 ELSE 0 END), 0),
                COALESCE(SUM(CASE WHEN state = '{DONE}' THEN 1 ELSE 0 END), 0)
            FROM ranked
        """  # noqa: S608 - built from constants only
        total, overdue, done = self._fetch(sql, params)[0]
        return Counts(total, int(overdue), int(done))

    def page(self, offset: int, limit: int) -> list[Entry]:
        """``limit`` entries from ``offset``, overdue first (one query)."""
        head, params = self._with()
        sql = f"""{head}
            SELECT {self._COLUMNS} FROM ranked ORDER BY {self._ORDER} LIMIT %s OFFSET %s
        """  # noqa: S608 - built from constants only
        return [_entry(row) for row in self._fetch(sql, [*params, limit, offset])]


def _entry(row) -> Entry:
    values = dict(zip(_ENTRY_COLUMNS, row[: len(_ENTRY_COLUMNS)], strict=True))
    values["day"] = _date(values["day"])
    # SQLite keeps a UUID as 32 hex digits, PostgreSQL as a uuid.
    values["pack_code"] = str(uuid.UUID(str(values["pack_code"])))
    values["client_code"] = values["client_code"] or ""
    values["preparer_name"] = values["preparer_name"] or ""
    return Entry(**values)


class DayList:
    """A day's entries for ``Paginator``: the counts are read once (one query), each page is
    one more query."""

    def __init__(self, entries: StageEntries):
        self.entries = entries
        self.counts = entries.counts()

    def count(self) -> int:
        return self.counts.total

    def __len__(self) -> int:
        return self.counts.total

    def __getitem__(self, index):
        if isinstance(index, slice):
            start = index.start or 0
            stop = self.counts.total if index.stop is None else index.stop
            if stop <= start:
                return []
            return self.entries.page(start, stop - start)
        return self.entries.page(index, 1)[0]


# --- the month grid ------------------------------------------------------------------------


@dataclass
class Day:
    date: datetime.date
    in_month: bool
    is_today: bool
    is_weekend: bool
    holiday: str
    targets: DayEntries

    @property
    def is_working_day(self) -> bool:
        return not (self.is_weekend or self.holiday)


def grid_range(first: datetime.date) -> tuple[datetime.date, datetime.date]:
    """Monday on or before the first of the month, Sunday on or after its last day."""
    start = first - datetime.timedelta(days=first.weekday())
    last = month_end(first)
    end = last + datetime.timedelta(days=6 - last.weekday())
    return start, end


def month_weeks(
    first: datetime.date, clock: Clock, targets: dict[datetime.date, DayEntries]
) -> list[list[Day]]:
    """The weeks (Monday to Sunday) showing the month starting on ``first``."""
    start, end = grid_range(first)
    holidays = {}
    for year in range(start.year, end.year + 1):
        holidays.update(clock.calendar.holidays_in(year))
    weeks, day = [], start
    while day <= end:
        week = []
        for _ in range(7):
            holiday = holidays.get(day, "")
            week.append(
                Day(
                    date=day,
                    in_month=day.month == first.month,
                    is_today=day == clock.today,
                    is_weekend=not holiday and not clock.calendar.is_working_day(day),
                    holiday=holiday,
                    targets=targets.get(day) or DayEntries(),
                )
            )
            day += datetime.timedelta(days=1)
        weeks.append(week)
    return weeks


def month_counts(weeks: list[list[Day]]) -> Counts:
    """The month's totals from its days' counts (the days of other months left out)."""
    total = Counts()
    for week in weeks:
        for day in week:
            if day.in_month:
                total.add(day.targets.counts)
    return total


# --- the rows layout -----------------------------------------------------------------------

NOT_REACHED, CURRENT = "not_reached", "current"
CELL_STATES = {
    # state: (word, icon)
    DONE: ("Done", "✓"),
    OVERDUE: ("Overdue", "!"),
    CURRENT: ("Current", "▸"),
    NOT_REACHED: ("Not reached", "○"),
}


@dataclass(frozen=True)
class StageCell:
    stage: str
    due: datetime.date | None
    done_at: datetime.datetime | None
    state: str
    is_current: bool
    in_month: bool

    @property
    def word(self) -> str:
        return CELL_STATES[self.state][0]

    @property
    def icon(self) -> str:
        return CELL_STATES[self.state][1]


def stage_cells(pack, today: datetime.date, first: datetime.date) -> list[StageCell]:
    """Each stage of ``pack`` as the rows layout shows it: done (with its date), overdue (due
    before today, not done; deliver until the pack is complete), current (the stage the open
    pack is at), or not reached. A current stage past its date is overdue, and still marked
    current."""
    last = month_end(first)
    cells = []
    for stage in STAGES:
        due = getattr(pack, f"{stage}_due")
        done_at = pack.completed_at if stage == Stage.DELIVER else getattr(pack, f"{stage}_done_at")
        is_current = pack.completed_at is None and stage == pack.current_stage
        if done_at is not None or pack.completed_at is not None:
            state = DONE
        elif due is not None and due < today:
            state = OVERDUE
        elif is_current:
            state = CURRENT
        else:
            state = NOT_REACHED
        cells.append(
            StageCell(
                stage=stage,
                due=due,
                done_at=done_at,
                state=state,
                is_current=is_current,
                in_month=due is not None and first <= due <= last,
            )
        )
    return cells


def month_rows(packs: QuerySet, first: datetime.date, clock: Clock) -> QuerySet:
    """The packs with a stage due in the month, by client, each with its status in SQL."""
    return (
        with_status_sql(packs.filter(due_in_range_q(first, month_end(first))), clock)
        .select_related("client", "template", "preparer")
        .order_by("client__name", "client_id", "period", "template__name", "pk")
    )
