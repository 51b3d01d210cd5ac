"""The client's matching rules: the date window, the tolerance, whether references must agree."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from atlasos.accounts.decorators import staff_required
from clients.access import access_client
from reconciliation.forms import MatchSettingsForm
from reconciliation.models import MatchSettings


@staff_required
@require_http_methods(["GET", "POST"])
def matching_rules(request: HttpRequest, code) -> HttpResponse:
    client = access_client(request, code)
    settings = MatchSettings.objects.filter(client=client).first() or MatchSettings(client=client)
    form = MatchSettingsForm(request.POST or None, instance=settings)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"Matching rules for {client.name} saved.")
        back = request.POST.get("next", "")
        if back.startswith("/") and not back.startswith("//"):
            return redirect(back)
        return redirect("reconciliation:rules", code=client.code)
    return render(
        request,
        "reconciliation/rules.html",
        {"nav": "clients", "client": client, "form": form, "next": request.GET.get("next", "")},
    )
