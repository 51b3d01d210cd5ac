"""One imported trial balance: its accounts with the line each is on, and the month's other
versions (a re-import replaces, and the earlier one stays for the record)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from atlasos.accounts.decorators import staff_required
from reporting.mapping import LABELS, mapping_for_lines
from reporting.models import TrialBalance


@staff_required
@require_GET
def trial_balance(request: HttpRequest, code) -> HttpResponse:
    shown = get_object_or_404(
        TrialBalance.objects.select_related("client", "imported_by"), code=code
    )
    lines = list(shown.lines.all())
    mapping = mapping_for_lines(shown.client, lines)
    versions = TrialBalance.objects.filter(client=shown.client, period=shown.period).select_related(
        "imported_by"
    )
    return render(
        request,
        "reporting/trial_balance.html",
        {
            "nav": "clients",
            "client": shown.client,
            "trial_balance": shown,
            "rows": [(line, LABELS.get(mapping.get(line.account_key, ""), "")) for line in lines],
            "versions": list(versions),
        },
    )
