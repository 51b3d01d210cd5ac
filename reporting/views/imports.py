"""Importing a trial balance: upload, a preview of what was read (every rejected row with its
reason, the difference when it does not balance, the line each account goes to), then save.
A spreadsheet no known layout fits gets a column map, saved for the client's next files.

The file travels from the preview to the save inside the form (base64): nothing is stored
until the bookkeeper saves, and then all of it in one transaction."""

import base64
import binascii
import json

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from atlasos.accounts.decorators import staff_required
from clients.access import access_client
from cycle.periods import parse_month
from documents.spreadsheets import SpreadsheetError, read_table
from reporting import imports
from reporting.forms import ColumnMapForm, TrialBalanceUploadForm
from reporting.mapping import LABELS, mapping_for_lines
from reporting.trial_balance import ColumnMap
from reporting.views.accounts import accounts_context

PREVIEW_ROWS = 15


@staff_required
@require_POST
def import_trial_balance(request: HttpRequest, code) -> HttpResponse:
    client = access_client(request, code)
    if "file" in request.FILES:
        form = TrialBalanceUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            period = parse_month(request.POST.get("period", ""))
            context = accounts_context(request, client, period or _fallback(request), form)
            return render(request, "reporting/accounts.html", context, status=400)
        upload = form.cleaned_data["file"]
        data, filename, period = upload.read(), upload.name, form.cleaned_data["period"]
    else:
        try:
            data = base64.b64decode(request.POST.get("data", ""), validate=True)
        except (binascii.Error, ValueError):
            data = b""
        filename = request.POST.get("filename", "")[:255] or "trial-balance.csv"
        period = parse_month(request.POST.get("period", ""))
        if not data or period is None:
            messages.error(request, "The file was lost on the way: upload it again.")
            return redirect(_accounts_url(client, period))
    columns, column_form = None, None
    if request.POST.get("step") == "columns":
        column_form = ColumnMapForm(request.POST)
        if column_form.is_valid():
            columns = column_form.column_map()
    elif request.POST.get("columns"):
        columns = _columns_from_json(request.POST["columns"])
    context = {
        "nav": "clients",
        "client": client,
        "period": period,
        "filename": filename,
        "data": base64.b64encode(data).decode("ascii"),
        "columns_json": json.dumps(columns.as_dict()) if columns else "",
    }
    try:
        read = imports.read_for(client, data, filename, columns)
    except (SpreadsheetError, imports.ImportRefused) as refused:
        return _choose_columns(request, context, data, filename, str(refused), column_form)
    if request.POST.get("step") == "save":
        try:
            trial_balance = imports.save(client, period, read, request.user, columns)
        except imports.ImportRefused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(
                request,
                f"Trial balance for {period:%B %Y} saved (version {trial_balance.version}, "
                f"{trial_balance.account_count} accounts).",
            )
            return redirect(_accounts_url(client, period))
    lines = imports.lines_of(read)
    mapping = mapping_for_lines(client, lines, read.layout)
    context.update(
        {
            "read": read,
            "rows": [(a, LABELS.get(mapping.get(a.key, ""), "")) for a in read.accounts],
            "unmapped": sum(1 for a in read.accounts if a.key not in mapping and a.balance),
            "warning": imports.period_warning(read, period),
            "problems": read.problems(),
        }
    )
    return render(request, "reporting/import_preview.html", context)


def _choose_columns(request, context, data, filename, problem, column_form) -> HttpResponse:
    try:
        rows = read_table(data, filename)
    except SpreadsheetError:
        rows = []
    context.update(
        {
            "problem": problem,
            "column_form": column_form or ColumnMapForm(),
            "sample": [["" if c is None else c for c in row] for row in rows[:PREVIEW_ROWS]],
        }
    )
    return render(request, "reporting/import_columns.html", context, status=400)


def _columns_from_json(text: str) -> ColumnMap | None:
    try:
        data = json.loads(text)
    except ValueError:
        return None
    return ColumnMap.from_dict(data) if isinstance(data, dict) else None


def _fallback(request):
    from reporting.views.accounts import default_period

    return default_period(request.user.practice)


def _accounts_url(client, period) -> str:
    url = reverse("reporting:accounts", args=[client.code])
    return f"{url}?period={period:%Y-%m}" if period else url
