"""Forms of the portal: document requests and their items, the Deliver panel, the reminder
policy, and the contact's sign-in link."""

import uuid
from dataclasses import replace

from django import forms
from django.conf import settings

from atlasos import clock
from atlasos.form_fields import BoundedDateField, MultiLineField, SingleLineField
from documents.forms import (
    MultipleFileField,
    PeriodField,
    last_month,
    period_choices,
    period_value,
)
from documents.models import DocType, Document
from portal.delivery import CONFIRM_LABEL, default_title
from portal.models import ReminderSettings
from portal.reminder_policy import ReminderPolicy

# --- document requests ------------------------------------------------------------------------


def _clean_title(value: str, what: str) -> str:
    value = " ".join((value or "").split())
    if not value:
        raise forms.ValidationError(f"Give the {what} a title.")
    return value


class RequestForm(forms.Form):
    """Create (with a period) or edit (title and due date) a request."""

    title = SingleLineField(
        label="Title",
        max_length=200,
        error_messages={"required": "Give the request a title."},
    )
    due = BoundedDateField(
        label="Due",
        error_messages={
            "required": "Say when the documents are due.",
            "invalid": "Enter the due date as a date, e.g. 2026-11-06.",
        },
    )

    def __init__(self, *args, with_period: bool = False, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        if with_period:
            today = today or clock.local_date(settings.TIME_ZONE)
            self.fields["period"] = PeriodField(label="Period")
            self.fields["period"].choices = period_choices(today)
            self.fields["period"].initial = period_value(last_month(today))

    def clean_title(self):
        return _clean_title(self.cleaned_data["title"], "request")


class RequestItemForm(forms.Form):
    title = SingleLineField(
        label="Document",
        max_length=200,
        error_messages={"required": "Give the document a title."},
        help_text="What the client should send, e.g. October fuel receipts.",
    )
    doc_type = forms.ChoiceField(label="Type", choices=DocType.choices, initial=DocType.OTHER)
    required = forms.BooleanField(label="Required", required=False, initial=True)

    def clean_title(self):
        return _clean_title(self.cleaned_data["title"], "document")


class NotApplicableForm(forms.Form):
    reason = SingleLineField(
        label="Reason",
        max_length=300,
        error_messages={
            "required": "Say why this document is not needed this time, "
            "e.g. “no petty cash this month”."
        },
    )


class ItemUploadForm(forms.Form):
    files = MultipleFileField(label="Files")


class OptionalFilesField(MultipleFileField):
    def clean(self, data, initial=None):
        return super().clean(data, initial) if data else []


class QueryAnswerForm(forms.Form):
    answer = MultiLineField(label="Your answer", required=False, max_length=5000)
    files = OptionalFilesField(label="Files (optional)", required=False)

    def clean(self):
        data = super().clean()
        if not (data.get("answer") or "").strip() and not data.get("files"):
            raise forms.ValidationError("Write an answer or attach a file.")
        return data


# --- the Deliver panel ------------------------------------------------------------------------
# Which documents, the title, an optional message, and the confirmation that delivering may close
# requests with documents still outstanding.


class DocumentsField(forms.ModelMultipleChoiceField):
    """Documents by code; a value that is not even a UUID is just another unknown document."""

    def _check_values(self, value):
        for code in value if isinstance(value, list | tuple) else []:
            try:
                uuid.UUID(str(code))
            except ValueError:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice"
                ) from None
        return super()._check_values(value)


class DeliveryForm(forms.Form):
    """Documents are chosen by code among the practice's documents (the scoped manager);
    ``portal.delivery.publish`` then insists on live documents of the pack's client, with a
    message naming the document when one is not."""

    documents = DocumentsField(
        label="Documents to deliver",
        queryset=Document.objects.none(),
        to_field_name="code",
        error_messages={
            "required": "Nothing published: choose at least one document to deliver.",
            "invalid_choice": "Nothing published: one of the chosen documents no longer exists.",
        },
    )
    title = SingleLineField(
        label="Title",
        max_length=200,
        error_messages={"required": "Nothing published: give the delivery a title."},
    )
    message = MultiLineField(
        label="Message to the client",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Optional; shown in the email and in the portal beside the documents.",
    )
    # Shown only while documents are outstanding; ``publish`` refuses without it then.
    close_outstanding = forms.BooleanField(
        label=CONFIRM_LABEL,
        required=False,
        help_text="The period's open requests close and their reminders stop; the client is "
        "no longer asked for the missing documents.",
    )

    def __init__(self, *args, pack, **kwargs):
        kwargs.setdefault("initial", {"title": default_title(pack)})
        super().__init__(*args, **kwargs)
        self.pack = pack
        self.fields["documents"].queryset = Document.objects.all()

    @property
    def chosen_codes(self) -> set[str] | None:
        """The codes ticked in a submitted form (to tick them again on an error), else None."""
        if not self.is_bound:
            return None
        return set(self.data.getlist("documents"))


# --- reminders --------------------------------------------------------------------------------
# The practice's policy and one client's override and pause. The limits are
# ``ReminderPolicy.errors()``'s, each message shown next to its field: a field is checked alone
# against the default policy, so the rules live in one place.

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


# --- the contact's sign-in link ---------------------------------------------------------------


class SignInLinkForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="The address your accountant invited to the client portal.",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
