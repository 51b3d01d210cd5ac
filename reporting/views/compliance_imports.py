"""Importing a client's VAT return and payroll summary: upload, a preview of the figures read
(and why they cannot be saved, when they do not hold together), the period confirmed, then
save. The review page and the pack then show them beside the prior periods."""

import datetime
from dataclasses import dataclass

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from atlasos.accounts.decorators import staff_required
from clients.access import access_client
from cycle.periods import add_months, parse_month
from documents.spreadsheets import SpreadsheetError
from reporting.compliance_imports import (
    Overlaps,
    overlapping,
    save_payroll,
    save_vat_return,
    vat_period,
)
from reporting.compliance_tables import BOX_LABELS, PAYROLL_LABELS
from reporting.forms import (
    PayrollPeriodForm,
    PayrollUploadForm,
    VatPeriodForm,
    VatReturnUploadForm,
)
from reporting.imports import ImportRefused
from reporting.models import PayrollSummary
from reporting.payroll_summary import read_payroll_summary
from reporting.vat_return import read_vat_return
from reporting.views.accounts import default_period
from reporting.views.carried import carry, uploaded_or_carried


def _back(client, period) -> HttpResponse:
    url = reverse("reporting:accounts", args=[client.code])
    return redirect(f"{url}?period={period:%Y-%m}#compliance")


def _month(value: datetime.date | None) -> str:
    return f"{value:%Y-%m}" if value else ""


@dataclass
class Upload:
    """A figures file read on its way from the upload (or the preview) to the save."""

    client: object
    period: datetime.date
    data: bytes
    filename: str
    read: object

    def preview(self, request, template: str, problems: list[str], **extra) -> HttpResponse:
        context = {
            "nav": "clients",
            "client": self.client,
            "period": self.period,
            "filename": self.filename,
            "data": carry(self.data),
            "read": self.read,
            "problems": problems,
            **extra,
        }
        return render(request, template, context)


def _upload(request, code, form_class, default_name: str, reader) -> Upload | HttpResponse:
    """The file read by ``reader``, or the way back to the accounts with why it was not."""
    client = access_client(request, code)
    period = parse_month(request.POST.get("period", "")) or default_period(client.practice)
    data, filename, problem = uploaded_or_carried(request, form_class, default_name)
    if not problem:
        try:
            return Upload(client, period, data, filename, reader(data, filename))
        except SpreadsheetError as error:
            problem = str(error)
    messages.error(request, problem)
    return _back(client, period)


def _saved_vat_message(read, saved, replaced: list[str]) -> str:
    replacing = f", replacing the return held for {', '.join(replaced)}" if replaced else ""
    stated = (read.period_start, read.period_end)
    if all(stated) and stated != (saved.period_start, saved.period_end):
        replacing += (
            f" (the file says {read.period_start:%-d %B %Y} to {read.period_end:%-d %B %Y})"
        )
    return (
        f"VAT return for {saved.period_start:%B %Y} to {saved.period_end:%B %Y} saved{replacing}."
    )


@staff_required
@require_POST
def import_vat_return(request: HttpRequest, code) -> HttpResponse:
    upload = _upload(request, code, VatReturnUploadForm, "vat.csv", read_vat_return)
    if isinstance(upload, HttpResponse):
        return upload
    read, refused = upload.read, ""
    if request.POST.get("step") == "save":
        form = VatPeriodForm(request.POST)
        if form.is_valid():
            start, end = form.cleaned_data["start"], form.cleaned_data["end"]
            try:
                saved, replaced = save_vat_return(
                    upload.client, read, start, end, request.user, form.cleaned_data["replace"]
                )
            except Overlaps as error:
                refused = str(error)
                form.offer_replace()
            except ImportRefused as error:
                refused = str(error)
            else:
                messages.success(request, _saved_vat_message(read, saved, replaced))
                return _back(upload.client, upload.period)
    else:
        start = read.period_start or add_months(upload.period, -2)
        end = read.period_end or upload.period
        form = VatPeriodForm(initial={"start": _month(start), "end": _month(end)})
        try:
            others = overlapping(upload.client, *vat_period(start, end))
        except ImportRefused:
            others = []
        if others:  # said before saving: a different period's return would go
            refused = str(Overlaps(others))
            form.offer_replace()
    return upload.preview(
        request,
        "reporting/vat_preview.html",
        read.problems() or ([refused] if refused else []),
        boxes=[(BOX_LABELS[n], read.boxes[n]) for n in sorted(read.boxes)],
        form=form,
    )


@staff_required
@require_POST
def import_payroll(request: HttpRequest, code) -> HttpResponse:
    upload = _upload(request, code, PayrollUploadForm, "payroll.csv", read_payroll_summary)
    if isinstance(upload, HttpResponse):
        return upload
    read, refused = upload.read, ""
    if request.POST.get("step") == "save":
        form = PayrollPeriodForm(request.POST)
        if form.is_valid():
            try:
                saved, replaced = save_payroll(
                    upload.client, read, form.cleaned_data["period"], request.user
                )
            except ImportRefused as error:
                refused = str(error)
            else:
                said = ""
                if read.period_end and read.period_end.replace(day=1) != saved.period:
                    said = f" (the file says its pay date is {read.period_end:%-d %B %Y})"
                messages.success(
                    request,
                    f"Payroll summary for {saved.period:%B %Y} saved"
                    f"{', replacing the one imported before' if replaced else ''}{said}.",
                )
                return _back(upload.client, upload.period)
        month = form.cleaned_data.get("period") if form.is_valid() else None
    else:
        month = read.period_end.replace(day=1) if read.period_end else upload.period
        form = PayrollPeriodForm(initial={"period": _month(month)})
    held = (
        month is not None
        and PayrollSummary.objects.filter(client=upload.client, period=month).exists()
    )
    return upload.preview(
        request,
        "reporting/payroll_preview.html",
        read.problems() or ([refused] if refused else []),
        figures=[(label, getattr(read, key)) for key, label in PAYROLL_LABELS],
        form=form,
        replaces=month if held else None,
    )
