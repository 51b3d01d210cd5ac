"""The status of a pack worked out in SQL, for the calendar, the task board, the kanban and
the alerts.

``status_expression(clock)`` is the SQL twin of ``cycle.status.pack_status``: the same five
answers, first match wins, so a whole practice's packs can be counted, filtered and sorted by
status in the database. ``tests/tasks/test_overview.py`` checks the two agree on a table of dated
cases.
"""

import datetime

from django.db.models import Case, CharField, DateField, Q, QuerySet, Value, When

from cycle.clock import Clock
from cycle.stages import STAGES, Stage
from cycle.status import ATTENTION_WORKING_DAYS, Status


def overdue_q(today: datetime.date) -> Q:
    """Open packs with a stage due before today and not complete (deliver counts as outstanding
    until the pack is delivered)."""
    late = Q()
    for stage in STAGES:
        missed = Q(**{f"{stage}_due__lt": today})
        if stage != Stage.DELIVER:
            missed &= Q(**{f"{stage}_done_at__isnull": True})
        late |= missed
    return Q(completed_at__isnull=True) & late


def stage_overdue_q(stage: str, today: datetime.date) -> Q:
    """This stage of an open pack is past its due date and not complete."""
    q = Q(completed_at__isnull=True, **{f"{stage}_due__lt": today})
    if stage != Stage.DELIVER:
        q &= Q(**{f"{stage}_done_at__isnull": True})
    return q


def outstanding_due() -> Case:
    """Due date of the first stage not complete, deliver once the other five are done (the
    stage ``pack_status`` looks at)."""
    whens = [
        When(**{f"{stage}_done_at__isnull": True}, then=f"{stage}_due")
        for stage in STAGES
        if stage != Stage.DELIVER
    ]
    return Case(*whens, default="deliver_due", output_field=DateField())


def outstanding_due_by_q(day: datetime.date) -> Q:
    """The stage ``outstanding_due`` names is due on or before ``day`` (as a plain filter, no
    annotation needed)."""
    preparation = [stage for stage in STAGES if stage != Stage.DELIVER]
    q = Q()
    earlier_done = Q()
    for stage in preparation:
        q |= earlier_done & Q(**{f"{stage}_done_at__isnull": True, f"{stage}_due__lte": day})
        earlier_done &= Q(**{f"{stage}_done_at__isnull": False})
    return q | (earlier_done & Q(deliver_due__lte=day))


def not_started_q() -> Q:
    q = Q(started_at__isnull=True)
    for stage in STAGES:
        q &= Q(**{f"{stage}_done_at__isnull": True})
    return q


def status_q(status: str, clock: Clock) -> Q:
    """Packs whose status is ``status`` today (each case excludes the earlier ones)."""
    complete = Q(completed_at__isnull=False)
    overdue = overdue_q(clock.today)
    if status == Status.COMPLETE:
        return complete
    if status == Status.OVERDUE:
        return overdue
    open_and_on_time = ~complete & ~overdue
    if status == Status.NOT_STARTED:
        return open_and_on_time & not_started_q()
    started = open_and_on_time & ~not_started_q()
    attention = clock.calendar.add_working_days(clock.today, ATTENTION_WORKING_DAYS)
    soon = outstanding_due_by_q(attention)
    if status == Status.IN_PROGRESS:
        return started & soon
    if status == Status.ON_TRACK:
        return started & ~soon
    raise ValueError(f"Unknown status {status!r}")


def status_expression(clock: Clock) -> Case:
    """The pack's status today as SQL (a ``Status`` value)."""
    attention = clock.calendar.add_working_days(clock.today, ATTENTION_WORKING_DAYS)
    return Case(
        When(completed_at__isnull=False, then=Value(Status.COMPLETE.value)),
        When(overdue_q(clock.today), then=Value(Status.OVERDUE.value)),
        When(not_started_q(), then=Value(Status.NOT_STARTED.value)),
        When(outstanding_due_by_q(attention), then=Value(Status.IN_PROGRESS.value)),
        default=Value(Status.ON_TRACK.value),
        output_field=CharField(),
    )


def with_status_sql(queryset: QuerySet, clock: Clock) -> QuerySet:
    """Annotate ``outstanding_due`` and ``sql_status`` (a ``Status`` value) on every pack."""
    return queryset.annotate(outstanding_due=outstanding_due()).annotate(
        sql_status=status_expression(clock)
    )
