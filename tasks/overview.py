"""What the calendar, the task board and the kanban share: the status of a pack worked out in
SQL, and one filter form whose fields live in the URL.

``status_expression(clock)`` is the SQL twin of ``cycle.status.pack_status``: the same five
answers, first match wins, so a whole practice's packs can be counted, filtered and sorted by
status in the database. ``tests/tasks/test_overview.py`` checks the two agree on a table of dated
cases.
"""

import datetime

from django import forms
from django.db.models import Case, CharField, DateField, Q, QuerySet, Value, When
from django.utils.http import urlencode

from atlasos.form_fields import SingleLineField
from clients.choices import EntityType
from clients.forms import team_members
from cycle.clock import Clock
from cycle.stages import STAGES, Stage
from cycle.status import ATTENTION_WORKING_DAYS, Status
from tasks.models import Pack
from templates_engine.models import TaskTemplate


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


def month_start(value: str | None, today: datetime.date) -> datetime.date:
    """``2026-11`` → 1 November 2026; anything unreadable → this month."""
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        return datetime.date(year, month, 1)
    except ValueError:
        return today.replace(day=1)


class PackFilterForm(forms.Form):
    """The filters of the calendar, the board's lists and the kanban. They combine (AND), are
    read from the query string, and an unknown value is ignored rather than an error."""

    q = SingleLineField(label="Client", required=False, max_length=100)
    assignee = forms.ChoiceField(label="Assigned to", required=False)
    reviewer = forms.ChoiceField(label="Reviewer", required=False)
    entity_type = forms.ChoiceField(
        label="Entity type", required=False, choices=[("", "All types"), *EntityType.choices]
    )
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Any status"), *Status.choices]
    )
    template = forms.ChoiceField(label="Template", required=False)
    stage = forms.ChoiceField(
        label="Current stage", required=False, choices=[("", "Any stage"), *Stage.choices]
    )

    FIELDS = ("q", "assignee", "reviewer", "entity_type", "status", "template", "stage")

    def __init__(self, data, *, user, **kwargs):
        # Keep only our own keys, so month, page and layout do not count as filters.
        data = {key: data.get(key, "") for key in self.FIELDS if data.get(key)}
        super().__init__(data, **kwargs)
        self.user = user
        members = list(team_members(user.practice_id))
        people = [(str(m.code), m.full_name) for m in members]
        reviewers = [(str(m.code), m.full_name) for m in members if m.can_review]
        self.fields["assignee"].choices = [("", "Anyone"), ("me", "Me"), *people]
        self.fields["reviewer"].choices = [("", "Any reviewer"), ("me", "Me"), *reviewers]
        templates = TaskTemplate.objects.order_by("name").values_list("code", "name")
        self.fields["template"].choices = [
            ("", "All templates"),
            *[(str(code), name) for code, name in templates],
        ]
        self.fields["q"].widget.input_type = "search"
        self.fields["q"].widget.attrs.update({"placeholder": "Name or code", "data-search": ""})
        self.members = {str(m.code): m for m in members}

    @property
    def values(self) -> dict:
        """The valid filters that are set (an invalid one is dropped, the rest still apply)."""
        self.is_valid()  # fills cleaned_data with the fields that are valid
        return {key: value for key, value in self.cleaned_data.items() if value}

    @property
    def active(self) -> bool:
        return bool(self.values)

    def _person(self, value: str):
        if value == "me":
            return self.user
        return self.members.get(value)

    def apply(self, queryset: QuerySet, clock: Clock) -> QuerySet:
        """``queryset`` (of packs) narrowed by every filter set."""
        values = self.values
        if q := values.get("q", "").strip():
            queryset = queryset.filter(
                Q(client__name__icontains=q) | Q(client__short_code__iexact=q.replace(" ", ""))
            )
        if person := values.get("assignee"):
            queryset = queryset.filter(preparer=self._person(person))
        if person := values.get("reviewer"):
            queryset = queryset.filter(reviewer=self._person(person))
        if entity_type := values.get("entity_type"):
            queryset = queryset.filter(client__entity_type=entity_type)
        if template := values.get("template"):
            queryset = queryset.filter(template__code=template)
        if stage := values.get("stage"):
            queryset = queryset.filter(completed_at__isnull=True, current_stage=stage)
        if status := values.get("status"):
            queryset = queryset.filter(status_q(status, clock))
        return queryset

    def querystring(self, **extra) -> str:
        """The filters (and ``extra``, e.g. month or layout) as a query string, for links."""
        params = {**self.values, **extra}
        return urlencode({k: v for k, v in params.items() if v not in (None, "")})


def filtered_packs(request, clock: Clock) -> tuple[PackFilterForm, QuerySet]:
    """The filter form read from the request and the practice's packs it selects."""
    form = PackFilterForm(request.GET, user=request.user)
    return form, form.apply(Pack.objects.all(), clock)
