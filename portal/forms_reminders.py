"""Forms of the reminder policy: the practice's, and one client's override and pause.

The limits are ``ReminderPolicy.errors()``'s, each message shown next to its field: a field is
checked alone against the default policy, so the rules live in one place."""

from dataclasses import replace

from django import forms

from portal.models import ReminderSettings
from portal.reminder_policy import ReminderPolicy

NUMBERS = ("days_before", "every_days", "max_reminders")


class PolicyForm(forms.Form):
    days_before = forms.IntegerField(
        label="First reminder, days before the due date",
        help_text="0 sends the first reminder on the due date itself.",
        error_messages={"required": "Say how many days before the due date to start."},
    )
    every_days = forms.IntegerField(
        label="Then every (days) after the due date",
        error_messages={"required": "Say how many days apart the later reminders are."},
    )
    max_reminders = forms.IntegerField(
        label="At most (reminders in all)",
        error_messages={"required": "Say how many reminders to send at most."},
    )
    escalate = forms.BooleanField(
        label="Tell the assigned staff member when the last reminder has gone unanswered",
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in NUMBERS:
            self.fields[name].widget.attrs["inputmode"] = "numeric"

    def check_policy(self, cleaned: dict) -> None:
        for name in NUMBERS:
            value = cleaned.get(name)
            if value is None:
                continue
            for problem in replace(ReminderPolicy(), **{name: value}).errors():
                self.add_error(name, problem)

    def clean(self):
        cleaned = super().clean()
        self.check_policy(cleaned)
        return cleaned

    def policy_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in (*NUMBERS, "escalate")}

    @classmethod
    def initial_from(cls, row: ReminderSettings | None, fallback: ReminderPolicy) -> dict:
        if row is None:
            return {name: getattr(fallback, name) for name in (*NUMBERS, "escalate")}
        return {name: getattr(row, name) for name in (*NUMBERS, "escalate")}


class ClientRemindersForm(PolicyForm):
    """A client follows the practice's policy or its own; either way reminders can be paused."""

    policy = forms.ChoiceField(
        label="Reminders for this client",
        choices=[("practice", "Use the practice's reminder policy"), ("own", "Use its own:")],
        widget=forms.RadioSelect,
        initial="practice",
    )
    paused = forms.BooleanField(
        label="Pause reminders (and escalation) for this client", required=False
    )

    field_order = ["policy", *NUMBERS, "escalate", "paused"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in NUMBERS:
            self.fields[name].required = False

    def clean(self):
        cleaned = forms.Form.clean(self)
        if cleaned.get("policy") == "own":
            for name in NUMBERS:
                if cleaned.get(name) is None and name not in self.errors:
                    self.add_error(name, self.fields[name].error_messages["required"])
            self.check_policy(cleaned)
        return cleaned

    @property
    def own_policy(self) -> bool:
        return self.cleaned_data["policy"] == "own"
