"""The one filter form of the calendar, the task board and the kanban: its fields live in the
URL, combine (AND), and select the practice's packs."""

import datetime

from django import forms
from django.db.models import Q, QuerySet
from django.utils.http import urlencode

from atlasos.form_fields import SingleLineField
from clients.choices import EntityType
from clients.forms import team_members
from cycle.clock import Clock
from cycle.stages import Stage
from cycle.status import Status
from tasks.models import Pack
from tasks.status_sql import status_q
from templates_engine.models import TaskTemplate


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
