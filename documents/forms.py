"""Forms of the document store: filters, the staff upload, reclassify; the file and period
fields every upload form uses."""

import datetime

from django import forms
from django.conf import settings

from atlasos import clock
from cycle.periods import period_label
from documents.models import DocType, Document, Source
from documents.uploads import human_size

MONTHS_BACK = 24


def parse_period(value: str) -> datetime.date | None:
    """ "2026-10" → 1 October 2026; "" → None."""
    if not value:
        return None
    try:
        year, month = (int(part) for part in value.split("-"))
        return datetime.date(year, month, 1)
    except ValueError:
        raise forms.ValidationError(f"“{value}” is not a month (YYYY-MM).") from None


def period_value(period: datetime.date | None) -> str:
    return period.strftime("%Y-%m") if period else ""


def period_choices(today: datetime.date, extra: datetime.date | None = None) -> list:
    """Next month, this month and the 24 before, newest first, and ``extra`` if outside."""
    month = today.replace(day=1)
    month = (month + datetime.timedelta(days=32)).replace(day=1)
    months = []
    for _ in range(MONTHS_BACK + 2):
        months.append(month)
        month = (month - datetime.timedelta(days=1)).replace(day=1)
    if extra and extra not in months:
        months.append(extra)
        months.sort(reverse=True)
    return [("", "No period")] + [(period_value(m), period_label(m, "monthly")) for m in months]


def last_month(today: datetime.date) -> datetime.date:
    return (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if not files:
            raise forms.ValidationError("Choose at least one file to upload.")
        # Each file is judged later, on its own (an empty one gets its own message there).
        for upload in files:
            if not hasattr(upload, "read") or not getattr(upload, "name", None):
                raise forms.ValidationError("No file was submitted. Choose a file to upload.")
        return list(files)


class PeriodField(forms.TypedChoiceField):
    def __init__(self, **kwargs):
        super().__init__(coerce=parse_period, empty_value=None, required=False, **kwargs)


class DocumentUploadForm(forms.Form):
    files = MultipleFileField(label="Files")
    doc_type = forms.ChoiceField(label="Type", choices=DocType.choices, initial=DocType.OTHER)
    period = PeriodField(label="Period")

    def __init__(self, *args, today: datetime.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        today = today or clock.local_date(settings.TIME_ZONE)
        self.fields["period"].choices = period_choices(today)
        self.fields["period"].initial = period_value(last_month(today))
        self.fields["files"].help_text = (
            "Choose one or several. PDF, images, CSV, Excel, OFX/QFX, QIF, camt.053 XML, MT940 or "
            f"Word; at most {human_size(settings.ATLAS_UPLOAD_MAX_BYTES)} each."
        )


class ReclassifyForm(forms.Form):
    doc_type = forms.ChoiceField(label="Type", choices=DocType.choices)
    period = PeriodField(label="Period")

    def __init__(self, *args, document: Document, today: datetime.date | None = None, **kw):
        kw.setdefault(
            "initial", {"doc_type": document.doc_type, "period": period_value(document.period)}
        )
        super().__init__(*args, **kw)
        self.fields["period"].choices = period_choices(
            today or clock.local_date(settings.TIME_ZONE), document.period
        )


class DocumentFilterForm(forms.Form):
    period = forms.ChoiceField(label="Period", required=False)
    doc_type = forms.ChoiceField(
        label="Type", required=False, choices=[("", "Any type")] + DocType.choices
    )
    source = forms.ChoiceField(
        label="Source", required=False, choices=[("", "Any source")] + Source.choices
    )

    def __init__(self, *args, periods: list[datetime.date], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [("", "Any period"), ("none", "No period")] + [
            (period_value(p), period_label(p, "monthly")) for p in periods
        ]

    def apply(self, queryset):
        if not self.is_bound or not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data["period"] == "none":
            queryset = queryset.filter(period__isnull=True)
        elif data["period"]:
            queryset = queryset.filter(period=parse_period(data["period"]))
        if data["doc_type"]:
            queryset = queryset.filter(doc_type=data["doc_type"])
        if data["source"]:
            queryset = queryset.filter(source=data["source"])
        return queryset

    @property
    def active(self) -> bool:
        return self.is_bound and self.is_valid() and any(self.cleaned_data.values())
