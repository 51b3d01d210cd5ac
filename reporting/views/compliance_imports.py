"""Importing a client's VAT return and payroll summary: upload, a preview of the figures read
(and why they cannot be saved, when they do not hold together), the period confirmed, then
save. The review page and the pack then show them beside the prior periods."""

import datetime

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from atlasos.accounts.decorators import staff_required
from clients.access import access_client
from cycle.periods import add_months, parse_month
from documents.spreadsheets import SpreadsheetError
from reporting.compliance_imports import save_payroll, save_vat_return
from reporting.compliance_tables import BOX_LABELS, PAYROLL_LABELS
from reporting.forms import (
    PayrollPeriodForm,
    PayrollUploadForm,
    VatPeriodForm,
    VatReturnUploadForm,
)
from reporting.imports import ImportRefused
from reporting.payroll_summary import read_payroll_summary
from reporting.vat_return import read_vat_return
from reporting.views.accounts import default_period
from reporting.views.carried import carry, uploaded_or_carried


def _back(client, period) -> HttpResponse:
    url = reverse("reporting:accounts", args=[client.code])
    return redirect(f"{url}?period={period:%Y-%m}#compliance")


def _month(value: datetime.date | None) -> str:
    return f"{value:%Y-%m}" if value else ""


@staff_required
@require_POST
def import_vat_return(request: HttpRequest, code) -> HttpResponse:
    client = access_client(request, code)
    period = parse_month(request.POST.get("period", "")) or default_period(client.practice)
    data, filename, problem = uploaded_or_carried(request, VatReturnUploadForm, "vat.csv")
    if problem:
        messages.error(request, problem)
        return _back(client, period)
    try:
        read = read_vat_return(data, filename)
    except SpreadsheetError as error:
        messages.error(request, str(error))
        return _back(client, period)
    refused = ""
    if request.POST.get("step") == "save":
        form = VatPeriodForm(request.POST)
        if form.is_valid():
            start, end = form.cleaned_data["start"], form.cleaned_data["end"]
            try:
                saved, replaced = save_vat_return(client, read, start, end, request.user)
            except ImportRefused as error:
                refused = str(error)
            else:
                replacing = (
                    f", replacing the return held for {', '.join(replaced)}" if replaced else ""
                )
                stated = (read.period_start, read.period_end)
                if all(stated) and stated != (saved.period_start, saved.period_end):
                    replacing += (
                        f" (the file says {read.period_start:%-d %B %Y} to "
                        f"{read.period_end:%-d %B %Y})"
                    )
                messages.success(
                    request,
                    f"VAT return for {saved.period_start:%B %Y} to {saved.period_end:%B %Y} "
                    f"saved{replacing}.",
                )
                return _back(client, period)
    else:
        start = read.period_start or add_months(period, -2)
        end = read.period_end or period
        form = VatPeriodForm(initial={"start": _month(start), "end": _month(end)})
    context = {
        "nav": "clients",
        "client": client,
        "period": period,
        "filename": filename,
        "data": carry(data),
        "read": read,
        "boxes": [(BOX_LABELS[n], read.boxes[n]) for n in sorted(read.boxes)],
        "problems": read.problems() or ([refused] if refused else []),
        "form": form,
    }
    return render(request, "reporting/vat_preview.html", context)


@staff_required
@require_POST
def import_payroll(request: HttpRequest, code) -> HttpResponse:
    client = access_client(request, code)
    period = parse_month(request.POST.get("period", "")) or default_period(client.practice)
    data, filename, problem = uploaded_or_carried(request, PayrollUploadForm, "payroll.csv")
    if problem:
        messages.error(request, problem)
        return _back(client, period)
    try:
        read = read_payroll_summary(data, filename)
    except SpreadsheetError as error:
        messages.error(request, str(error))
        return _back(client, period)
    refused = ""
    if request.POST.get("step") == "save":
        form = PayrollPeriodForm(request.POST)
        if form.is_valid():
            month = form.cleaned_data["period"]
            try:
                saved, replaced = save_payroll(client, read, month, request.user)
            except ImportRefused as error:
                refused = str(error)
            else:
                messages.success(
                    request,
                    f"Payroll summary for {saved.period:%B %Y} saved"
                    f"{', replacing the one imported before' if replaced else ''}.",
                )
                return _back(client, period)
    else:
        month = read.period_end.replace(day=1) if read.period_end else period
        form = PayrollPeriodForm(initial={"period": _month(month)})
    context = {
        "nav": "clients",
        "client": client,
        "period": period,
        "filename": filename,
        "data": carry(data),
        "read": read,
        "figures": [(label, getattr(read, key)) for key, label in PAYROLL_LABELS],
        "problems": read.problems() or ([refused] if refused else []),
        "form": form,
    }
    return render(request, "reporting/payroll_preview.html", context)
