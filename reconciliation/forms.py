"""The workspace's forms: uploads, the spreadsheet column mapping, balances, explanations,
questions to the client, matching by hand and the client's matching rules."""

from django import forms

from atlasos.form_fields import SingleLineField
from clients.forms import MemberChoiceField, team_members
from cycle.periods import parse_month as parse_period  # noqa: F401  (the views read it here)
from reconciliation.importers.tabular import ColumnMapping
from reconciliation.models import MatchSettings, Reason, Side


class UploadForm(forms.Form):
    side = forms.ChoiceField(choices=Side.choices, widget=forms.HiddenInput)
    file = forms.FileField(
        help_text="OFX/QFX, MT940, camt.053, QIF, CSV or XLSX for the bank; the ledger's "
        "account transactions export (Xero, QuickBooks Online, Sage) or any CSV."
    )


class ConfirmForm(forms.Form):
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)


DATE_FORMATS = [
    ("%d/%m/%Y", "31/12/2026"),
    ("%m/%d/%Y", "12/31/2026"),
    ("%Y-%m-%d", "2026-12-31"),
    ("%d.%m.%Y", "31.12.2026"),
    ("%d-%m-%Y", "31-12-2026"),
    ("%d/%m/%y", "31/12/26"),
    ("%m/%d/%y", "12/31/26"),
    ("%d %b %Y", "31 Dec 2026"),
    ("%d-%b-%Y", "31-Dec-2026"),
    ("%Y%m%d", "20261231"),
]


class MappingForm(forms.Form):
    """A spreadsheet's columns: which holds what, and how its dates and numbers are written."""

    header_row = forms.IntegerField(
        min_value=0, max_value=50, help_text="Rows above the header to skip (0: the first row)."
    )
    date_column = forms.ChoiceField()
    date_format = forms.ChoiceField(choices=DATE_FORMATS)
    description_column = forms.ChoiceField(required=False)
    amount_column = forms.ChoiceField(required=False, help_text="One signed amount…")
    debit_column = forms.ChoiceField(required=False, help_text="…or money out…")
    credit_column = forms.ChoiceField(required=False, help_text="…and money in.")
    reference_column = forms.ChoiceField(required=False)
    balance_column = forms.ChoiceField(required=False)
    decimal_separator = forms.ChoiceField(choices=[(".", "1,234.56"), (",", "1.234,56")])
    amount_sign = forms.ChoiceField(
        choices=[("as is", "Money in is positive"), ("inverted", "Money out is positive")]
    )

    ROLES = (
        "date_column",
        "description_column",
        "amount_column",
        "debit_column",
        "credit_column",
        "reference_column",
        "balance_column",
    )

    def __init__(self, *args, columns: list[str], mapping: ColumnMapping | None, **kwargs):
        initial = kwargs.pop("initial", None) or _initial(mapping)
        super().__init__(*args, initial=initial, **kwargs)
        choices = [("", "—")] + [(c, c) for c in columns if c]
        for role in self.ROLES:
            self.fields[role].choices = choices
        formats = dict(DATE_FORMATS)
        if mapping and mapping.date_format not in formats:
            self.fields["date_format"].choices = [
                (mapping.date_format, mapping.date_format),
                *DATE_FORMATS,
            ]
        self.base = mapping

    def clean(self):
        data = super().clean()
        if not data.get("amount_column") and not (
            data.get("debit_column") and data.get("credit_column")
        ):
            raise forms.ValidationError(
                "Choose the amount column, or both the money-out and money-in columns."
            )
        return data

    def mapping(self) -> ColumnMapping:
        data = self.cleaned_data
        base = self.base.to_dict() if self.base else {}
        base.update({role: data.get(role) or None for role in self.ROLES})
        base.update(
            header_row=data["header_row"],
            date_format=data["date_format"],
            decimal_separator=data["decimal_separator"],
            thousands_separator="," if data["decimal_separator"] == "." else ".",
            amount_sign=data["amount_sign"],
        )
        if base.get("amount_column"):
            base["debit_column"] = base["credit_column"] = None
        return ColumnMapping.from_dict(base)


def _initial(mapping: ColumnMapping | None) -> dict:
    if mapping is None:
        return {"header_row": 0, "date_format": "%d/%m/%Y", "decimal_separator": "."}
    values = mapping.to_dict()
    return {k: v for k, v in values.items() if v is not None}


class BalancesForm(forms.Form):
    statement_balance = forms.DecimalField(
        label="Balance per bank statement", max_digits=19, decimal_places=2, required=False
    )
    ledger_balance = forms.DecimalField(
        label="Balance per ledger", max_digits=19, decimal_places=2, required=False
    )


class ExplainForm(forms.Form):
    reason = forms.ChoiceField(
        choices=[("", "— no explanation —"), *Reason.choices], required=False
    )
    note = SingleLineField(max_length=500, required=False)
    owner = MemberChoiceField(queryset=None, required=False, empty_label="— nobody —")

    def __init__(self, *args, practice_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = team_members(practice_id)


class AskForm(forms.Form):
    question = SingleLineField(
        max_length=150,
        help_text="What the client should tell or send you about this line.",
    )


class ManualMatchForm(forms.Form):
    line = forms.TypedMultipleChoiceField(coerce=int, choices=())
    write_off = forms.BooleanField(required=False, label="Write off the difference")

    def __init__(self, *args, line_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["line"].choices = [(pk, pk) for pk in line_ids]


class AcceptAboveForm(forms.Form):
    score = forms.IntegerField(min_value=0, max_value=100, initial=80)


class ReopenForm(forms.Form):
    reason = SingleLineField(max_length=300, help_text="Why it is reopened: kept in the record.")


class MatchSettingsForm(forms.ModelForm):
    class Meta:
        model = MatchSettings
        fields = ["date_window_days", "tolerance", "tolerance_percent", "references_must_agree"]

    def clean_date_window_days(self):
        days = self.cleaned_data["date_window_days"]
        if days > 90:
            raise forms.ValidationError("At most 90 days.")
        return days
