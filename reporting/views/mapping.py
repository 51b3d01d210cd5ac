"""The client's account mapping: every account of its trial balances with the report line it
is on, unmapped first; a line chosen for one account, for many ticked at once, or the name's
suggestion accepted for all that have one."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from atlasos.accounts.decorators import staff_required
from atlasos.redirects import local_url
from clients.access import access_client
from reporting import mapping
from reporting.forms import BulkMapForm
from reporting.models import LINE_CHOICES
from reporting.shape import UK_SMALL_COMPANY


@staff_required
@require_http_methods(["GET", "POST"])
def account_mapping(request: HttpRequest, code) -> HttpResponse:
    client = access_client(request, code)
    rows = mapping.account_rows(client)
    form = BulkMapForm(request.POST or None)
    if request.method == "POST":
        known = {row.key: row for row in rows}
        action = request.POST.get("action", "")
        if action == "suggestions":
            choices = {r.key: r.guess for r in rows if r.line is None and r.guess}
        elif action == "one":
            key, line = request.POST.get("account", ""), request.POST.get("line", "")
            choices = {key: line} if key in known and line in dict(LINE_CHOICES) else {}
        else:
            picked = [key for key in request.POST.getlist("pick") if key in known]
            if not picked:
                form.add_error(None, "Tick the accounts to map first.")
            choices = {key: form.cleaned_data["line"] for key in picked} if form.is_valid() else {}
        if choices:
            changed = mapping.choose(client, choices, request.user)
            messages.success(request, f"{changed} account{'s' if changed != 1 else ''} mapped.")
            url = reverse("reporting:mapping", args=[client.code])
            return redirect(local_url(request, request.POST.get("next", ""), url))
        if action in ("one", "suggestions"):
            messages.error(request, "Nothing to map: choose a report line.")
    unmapped = [row for row in rows if row.line is None]
    return render(
        request,
        "reporting/mapping.html",
        {
            "nav": "clients",
            "client": client,
            "rows": rows,
            "unmapped": unmapped,
            "with_balance": [row for row in unmapped if row.balance],
            "suggested": sum(1 for row in unmapped if row.guess),
            "form": form,
            "choices": UK_SMALL_COMPANY.choices(),
            "next": request.GET.get("next", ""),
        },
        status=400 if form.errors else 200,
    )
