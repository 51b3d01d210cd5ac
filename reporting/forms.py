import io

from django import forms

from atlasos import clock
from atlasos.form_fields import MultiLineField, SingleLineField
from cycle.periods import parse_month
from reporting.imports import MAX_BYTES
from reporting.models import LINE_CHOICES, Branding, ReportingSettings, validate_colour
from reporting.shape import UK_SMALL_COMPANY
from reporting.trial_balance import ColumnMap


def _kb(size: int) -> int:
    """``size`` in KB, rounded up: a file over a limit never reads as the limit itself."""
    return -(-size // 1024)


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
                f"The file is {_kb(upload.size)} KB: a trial balance export is at most "
                f"{MAX_BYTES // 1024 // 1024} MB. Is this the right file?"
            )
        return upload


class FiguresFileForm(forms.Form):
    """A spreadsheet of figures beside the trial balance (a budget, a VAT return, a payroll
    summary): at most ``MAX_BYTES``, read by the view."""

    file = forms.FileField()
    what = "file"

    def __init__(self, *args, **kwargs):
        # Several of these forms share a page with the trial balance's: ids of their own.
        kwargs.setdefault("auto_id", self.what.replace(" ", "_") + "_%s")
        super().__init__(*args, **kwargs)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                f"The file is {_kb(upload.size)} KB: a {self.what} export is at most "
                f"{MAX_BYTES // 1024 // 1024} MB. Is this the right file?"
            )
        return upload


class BudgetUploadForm(FiguresFileForm):
    what = "budget"
    file = forms.FileField(
        label="Budget",
        help_text="A CSV or Excel (.xlsx) budget: one row per account or report line and one "
        "column per month (Xero's and QuickBooks' budget exports), or account, month and amount "
        "columns. Income and costs as positive figures.",
    )


class VatReturnUploadForm(FiguresFileForm):
    what = "VAT return"
    file = forms.FileField(
        label="VAT return",
        help_text="The VAT return (or VAT detail / audit report) exported from Xero, QuickBooks "
        "Online or Sage as CSV or Excel (.xlsx), or any table of box numbers and amounts.",
    )


class PayrollUploadForm(FiguresFileForm):
    what = "payroll summary"
    file = forms.FileField(
        label="Payroll summary",
        help_text="The month's payroll summary from the payroll software (BrightPay, Sage, "
        "Xero, QuickBooks, Staffology…) as CSV or Excel (.xlsx).",
    )


class VatPeriodForm(forms.Form):
    start = MonthField(label="First month of the VAT period")
    end = MonthField(label="Last month of the VAT period")
    replace = forms.BooleanField(
        label="Replace the return held for overlapping months",
        required=False,
        widget=forms.HiddenInput,
    )

    def offer_replace(self) -> None:
        """Show the box: the months chosen overlap a return held for other months."""
        self.fields["replace"].widget = forms.CheckboxInput()


class PayrollPeriodForm(forms.Form):
    period = MonthField(label="Pay month")


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


LOGO_MAX_BYTES = 300 * 1024
LOGO_TYPES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}


class BrandingForm(forms.ModelForm):
    primary_colour = SingleLineField(
        label="Main colour",
        max_length=7,
        validators=[validate_colour],
        widget=forms.TextInput(attrs={"type": "color"}),
        help_text="Headings and the cover's band.",
    )
    accent_colour = SingleLineField(
        label="Accent colour",
        max_length=7,
        validators=[validate_colour],
        widget=forms.TextInput(attrs={"type": "color"}),
        help_text="Rules under headings, the profit line of the chart.",
    )
    logo_file = forms.FileField(
        label="Logo",
        required=False,
        help_text="A PNG or JPEG of at most 300 KB, printed on the pack's cover.",
    )
    remove_logo = forms.BooleanField(label="Remove the logo", required=False)

    class Meta:
        model = Branding
        fields = ["primary_colour", "accent_colour"]

    def clean_logo_file(self):
        upload = self.cleaned_data.get("logo_file")
        if not upload:
            return None
        if upload.size > LOGO_MAX_BYTES:
            raise forms.ValidationError(
                f"The logo is {_kb(upload.size)} KB: at most {LOGO_MAX_BYTES // 1024} KB."
            )
        data = upload.read()
        kind = next((t for magic, t in LOGO_TYPES.items() if data.startswith(magic)), None)
        if kind is None:
            raise forms.ValidationError("The logo must be a PNG or a JPEG image.")
        from PIL import Image, UnidentifiedImageError

        too_large = forms.ValidationError(
            "The logo is too large in pixels: save it smaller (a few hundred pixels across "
            "prints sharply)."
        )
        try:
            with Image.open(io.BytesIO(data)) as image:
                # A few hundred bytes can claim a billion pixels: the renders would decode them.
                if image.width * image.height > Image.MAX_IMAGE_PIXELS:
                    raise too_large
                image.verify()
        except Image.DecompressionBombError:
            raise too_large from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            raise forms.ValidationError("The logo cannot be read as an image.") from None
        return data, kind

    def save(self, commit=True):
        branding = super().save(commit=False)
        if self.cleaned_data.get("remove_logo"):
            branding.logo, branding.logo_type = b"", ""
        elif self.cleaned_data.get("logo_file"):
            branding.logo, branding.logo_type = self.cleaned_data["logo_file"]
        branding.updated_at = clock.now()
        if commit:
            branding.save()
        return branding


class RaisePointForm(forms.Form):
    line = forms.ChoiceField(
        label="On the line",
        required=False,
        choices=[("", "The accounts as a whole")]
        + [(line.key, line.label) for line in UK_SMALL_COMPANY.lines],
    )
    text = MultiLineField(
        label="Review point",
        max_length=2000,
        error_messages={"required": "Write the point: what should the preparer look at?"},
    )


class AnswerForm(forms.Form):
    response = MultiLineField(label="Answer", max_length=2000)


class AskClientForm(forms.Form):
    question = MultiLineField(label="Question for the client", max_length=2000)


class VarianceCommentForm(forms.Form):
    line = SingleLineField(max_length=40)
    against = SingleLineField(max_length=40)
    text = MultiLineField(label="Comment", required=False, max_length=2000)


class CommentaryForm(forms.Form):
    text = MultiLineField(label="Management commentary", required=False, max_length=10000)


class ReportingSettingsForm(forms.ModelForm):
    class Meta:
        model = ReportingSettings
        fields = ["materiality_amount", "materiality_percent", "commentary_required"]

    def __init__(self, data=None, *args, **kwargs):
        # "1,000", "£1,000" and "10 %" are how people write them.
        if data is not None:
            data = data.copy()
            for name in ("materiality_amount", "materiality_percent"):
                if isinstance(data.get(name), str):
                    data[name] = data[name].replace(",", "").replace("£", "").strip(" %")
        super().__init__(data, *args, **kwargs)

    def clean_materiality_amount(self):
        value = self.cleaned_data["materiality_amount"]
        if value < 0:
            raise forms.ValidationError("Enter an amount of zero or more.")
        return value

    def clean_materiality_percent(self):
        value = self.cleaned_data["materiality_percent"]
        if not 0 <= value <= 1000:
            raise forms.ValidationError("Enter a percentage between 0 and 1000.")
        return value
