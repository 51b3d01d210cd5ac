"""Forms of document requests: the request, its items, not applicable, uploads against an item."""

from django import forms
from django.conf import settings

from atlasos import clock
from atlasos.form_fields import BoundedDateField, SingleLineField
from documents.forms import (
    MultipleFileField,
    PeriodField,
    last_month,
    period_choices,
    period_value,
)
from documents.models import DocType

# --- document requests ----------------------------------------------------------------------


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
