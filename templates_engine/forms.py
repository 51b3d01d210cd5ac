from django import forms

from atlasos.form_fields import SingleLineField, model_form_field
from cycle.stages import (
    DEFAULT_DUE_DAYS,
    MAX_DUE_DAY,
    MIN_DUE_DAY,
    STAGES,
    Stage,
    validate_due_days,
)
from templates_engine.models import ClientExtraItem, ClientTemplate, TaskTemplate, TemplateItem

DAY_FIELDS = [f"{stage}_day" for stage in STAGES]


def day_field(stage: str) -> forms.IntegerField:
    # Range and order are checked by validate_due_days, so its messages are the ones shown.
    return forms.IntegerField(
        label=Stage(stage).label,
        required=False,
        widget=forms.NumberInput(attrs={"min": MIN_DUE_DAY, "max": MAX_DUE_DAY, "class": "day"}),
    )


def add_due_day_errors(form: forms.Form, days: dict[str, int | None]) -> None:
    """Run the cycle's rules on `days` (stage → working day) and put each message on the
    field of the stage it names; a stage whose field already failed is not reported twice."""
    for message in validate_due_days(days):
        stage = next((s for s in STAGES if message.startswith(f"{s.capitalize()} ")), None)
        field = f"{stage}_day" if stage else None
        if field and field in form.errors:
            continue
        form.add_error(field, message)


class TaskTemplateForm(forms.ModelForm):
    collect_day = day_field(Stage.COLLECT)
    capture_day = day_field(Stage.CAPTURE)
    reconcile_day = day_field(Stage.RECONCILE)
    prepare_day = day_field(Stage.PREPARE)
    review_day = day_field(Stage.REVIEW)
    deliver_day = day_field(Stage.DELIVER)

    class Meta:
        model = TaskTemplate
        formfield_callback = model_form_field
        fields = ["name", "description", "recurrence", *DAY_FIELDS]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"recurrence": "How often a pack is created for each client on it."}

    def __init__(self, *args, practice_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.practice_id = practice_id
        if self.instance.pk is None:
            # A new template starts from the standard due days (collect 5 … deliver 15).
            for stage in STAGES:
                self.fields[f"{stage}_day"].initial = DEFAULT_DUE_DAYS[stage]

    @property
    def day_fields(self):
        return [self[name] for name in DAY_FIELDS]

    @property
    def detail_fields(self):
        return [self[name] for name in ("name", "recurrence", "description")]

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        clash = TaskTemplate.objects.filter(practice_id=self.practice_id, name__iexact=name)
        if clash.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("Another template already has this name.")
        return name

    def clean(self):
        cleaned = super().clean()
        add_due_day_errors(self, {stage: cleaned.get(f"{stage}_day") for stage in STAGES})
        return cleaned


class TemplateItemForm(forms.ModelForm):
    class Meta:
        model = TemplateItem
        formfield_callback = model_form_field
        fields = ["stage", "title", "mandatory", "guidance", "auto_key"]
        labels = {"auto_key": "Ticks itself when"}
        help_texts = {
            "mandatory": "A stage is complete when its mandatory items are done. Optional items "
            "can be switched off per client.",
            "guidance": "Shown under the item in every pack.",
        }
        widgets = {"guidance": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, hide_stage: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["auto_key"].choices = [("", "Never: ticked by hand")] + [
            choice for choice in self.fields["auto_key"].choices if choice[0]
        ]
        if hide_stage:
            self.fields["stage"].widget = forms.HiddenInput()

    def clean_title(self):
        return " ".join(self.cleaned_data["title"].split())


class ClientDueDaysForm(forms.Form):
    """A client's own due days; a blank day keeps the template's."""

    collect_day = day_field(Stage.COLLECT)
    capture_day = day_field(Stage.CAPTURE)
    reconcile_day = day_field(Stage.RECONCILE)
    prepare_day = day_field(Stage.PREPARE)
    review_day = day_field(Stage.REVIEW)
    deliver_day = day_field(Stage.DELIVER)

    def __init__(self, *args, client_template: ClientTemplate, **kwargs):
        kwargs.setdefault("initial", {name: getattr(client_template, name) for name in DAY_FIELDS})
        super().__init__(*args, **kwargs)
        self.client_template = client_template
        template_days = client_template.template.due_days
        for stage in STAGES:
            field = self.fields[f"{stage}_day"]
            field.widget.attrs["placeholder"] = str(template_days[stage])
            field.help_text = f"Template: working day {template_days[stage]}"

    def clean(self):
        cleaned = super().clean()
        template_days = self.client_template.template.due_days
        days = {}
        for stage in STAGES:
            own_day = cleaned.get(f"{stage}_day")
            days[stage] = template_days[stage] if own_day is None else own_day
        add_due_day_errors(self, days)
        return cleaned

    def save(self) -> ClientTemplate:
        for name in DAY_FIELDS:
            setattr(self.client_template, name, self.cleaned_data[name])
        self.client_template.save(update_fields=DAY_FIELDS)
        return self.client_template


class ExtraItemForm(forms.ModelForm):
    class Meta:
        model = ClientExtraItem
        formfield_callback = model_form_field
        fields = ["stage", "title", "mandatory", "guidance"]
        widgets = {"guidance": forms.Textarea(attrs={"rows": 2})}

    def clean_title(self):
        return " ".join(self.cleaned_data["title"].split())


class TemplateChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.get_recurrence_display().lower()})"


def active_templates(practice_id: int):
    return TaskTemplate.objects.filter(practice_id=practice_id, is_archived=False).order_by("name")


class AssignTemplateForm(forms.Form):
    template = TemplateChoiceField(
        queryset=TaskTemplate.objects.none(), to_field_name="code", empty_label="Choose a template"
    )

    def __init__(self, *args, practice_id: int, client, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = active_templates(practice_id).exclude(
            client_templates__client=client
        )


class BulkAssignForm(forms.Form):
    template = TemplateChoiceField(
        queryset=TaskTemplate.objects.none(), to_field_name="code", empty_label="Choose a template"
    )
    # The client list's filters, to go back to the same page afterwards.
    query = SingleLineField(required=False, widget=forms.HiddenInput())

    def __init__(self, *args, practice_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = active_templates(practice_id)
