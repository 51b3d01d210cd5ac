from django import forms

from atlasos.form_fields import SingleLineField
from cycle.periods import parse_month
from reporting.imports import MAX_BYTES
from reporting.models import LINE_CHOICES
from reporting.trial_balance import ColumnMap


class MonthField(SingleLineField):
    widget = forms.TextInput(attrs={"type": "month"})

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 7)
        super().__init__(**kwargs)

    def clean(self, value):
        text = super().clean(value)  # the text's own checks first, then the month
        if text in self.empty_values:
            return None
        month = parse_month(text)
        if month is None:
            raise forms.ValidationError("Enter a month as YYYY-MM, such as 2026-11.")
        return month


class TrialBalanceUploadForm(forms.Form):
    period = MonthField(label="Month end", help_text="The month the trial balance closes.")
    file = forms.FileField(
        label="Trial balance",
        help_text="The Trial Balance report exported from Xero, QuickBooks Online or Sage as "
        "CSV or Excel (.xlsx), or any spreadsheet with account, debit and credit columns.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                f"The file is {upload.size // 1024} KB: a trial balance export is at most "
                f"{MAX_BYTES // 1024 // 1024} MB. Is this the right file?"
            )
        return upload


class ColumnMapForm(forms.Form):
    """The columns of a spreadsheet no known layout fits, by their header text."""

    code = SingleLineField(label="Account code column", required=False, max_length=60)
    name = SingleLineField(label="Account name column", required=False, max_length=60)
    debit = SingleLineField(label="Debit column", required=False, max_length=60)
    credit = SingleLineField(label="Credit column", required=False, max_length=60)
    balance = SingleLineField(
        label="Or one balance column",
        required=False,
        max_length=60,
        help_text="A signed balance instead of debit and credit columns.",
    )
    credit_positive = forms.BooleanField(
        label="The balance column shows credits as positive", required=False
    )

    def clean(self):
        data = super().clean()
        if not (data.get("code") or data.get("name")):
            raise forms.ValidationError("Name the account code column, the name column, or both.")
        if not ((data.get("debit") and data.get("credit")) or data.get("balance")):
            raise forms.ValidationError(
                "Name the debit and credit columns, or the one balance column."
            )
        return data

    def column_map(self) -> ColumnMap:
        data = self.cleaned_data
        return ColumnMap(
            code=data["code"],
            name=data["name"],
            debit=data["debit"],
            credit=data["credit"],
            balance=data["balance"],
            credit_positive=data["credit_positive"],
        )


class BulkMapForm(forms.Form):
    line = forms.ChoiceField(label="Report line", choices=[("", "Choose a line…"), *LINE_CHOICES])
