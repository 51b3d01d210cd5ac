"""Importing a client's budget: upload, a preview of the figures by report line and month (each
row left out with its reason), then save. The management accounts then carry the budget
columns: the month and the year to date against budget."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from atlasos.accounts.decorators import staff_required
from clients.access import access_client
from cycle.periods import parse_month
from documents.spreadsheets import SpreadsheetError
from reporting import budgets
from reporting.budget_file import read_budget
from reporting.forms import BudgetUploadForm
from reporting.views.carried import carry, uploaded_or_carried


def _back(client, period) -> HttpResponse:
    url = reverse("reporting:accounts", args=[client.code])
    return redirect(f"{url}?period={period:%Y-%m}#budget" if period else f"{url}#budget")


@staff_required
@require_POST
def import_budget(request: HttpRequest, code) -> HttpResponse:
    client = access_client(request, code)
    period = parse_month(request.POST.get("period", ""))
    data, filename, problem = uploaded_or_carried(request, BudgetUploadForm, "budget.csv")
    if problem:
        messages.error(request, problem)
        return _back(client, period)
    try:
        budget = budgets.place(client, read_budget(data, filename))
    except SpreadsheetError as error:
        messages.error(request, str(error))
        return _back(client, period)
    if request.POST.get("step") == "save":
        try:
            record = budgets.save(client, budget, filename, request.user)
        except ValueError as error:
            messages.error(request, str(error))
            return _back(client, period)
        messages.success(
            request,
            f"Budget saved: {record.figure_count} figures for {record.first_month:%B %Y} to "
            f"{record.last_month:%B %Y}.",
        )
        return _back(client, period)
    context = {
        "nav": "clients",
        "client": client,
        "period": period,
        "filename": filename,
        "data": carry(data),
        "budget": budget,
        "replaces": budgets.months_budgeted(client, budget.months),
    }
    return render(request, "reporting/budget_preview.html", context)
