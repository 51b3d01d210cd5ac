"""The preparer's words: a comment on each material variance, the management commentary, and
the client's reporting settings (what is material, whether its packs carry a commentary)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from atlasos.accounts.decorators import staff_required
from clients.access import access_client
from cycle.periods import parse_month
from reporting import commentary
from reporting.forms import CommentaryForm, ReportingSettingsForm, VarianceCommentForm


def _back(client, period, anchor: str) -> HttpResponse:
    url = reverse("reporting:accounts", args=[client.code])
    return redirect(f"{url}?period={period:%Y-%m}#{anchor}" if period else url)


@staff_required
@require_POST
def variance_comment(request: HttpRequest, code) -> HttpResponse:
    client = access_client(request, code)
    period = parse_month(request.POST.get("period", ""))
    form = VarianceCommentForm(request.POST)
    if period is None or not form.is_valid():
        messages.error(request, "The comment could not be saved: reload the page and try again.")
        return _back(client, period, "variances")
    data = form.cleaned_data
    commentary.save_comment(
        client, period, data["line"], data["against"], data["text"], request.user
    )
    messages.success(request, "Comment saved." if data["text"].strip() else "Comment removed.")
    return _back(client, period, "variances")


@staff_required
@require_POST
def management_commentary(request: HttpRequest, code) -> HttpResponse:
    client = access_client(request, code)
    period = parse_month(request.POST.get("period", ""))
    form = CommentaryForm(request.POST)
    if period is None or not form.is_valid():
        messages.error(
            request,
            "The commentary could not be saved: "
            + " ".join(e for errors in form.errors.values() for e in errors),
        )
        return _back(client, period, "commentary")
    commentary.save_commentary(client, period, form.cleaned_data["text"], request.user)
    messages.success(request, "Management commentary saved.")
    return _back(client, period, "commentary")


@staff_required
@require_http_methods(["GET", "POST"])
def reporting_settings(request: HttpRequest, code) -> HttpResponse:
    client = access_client(request, code)
    form = ReportingSettingsForm(request.POST or None, instance=commentary.settings_for(client))
    if request.method == "POST" and not request.user.can_review:
        # What is material decides what the preparer must explain: a reviewer's choice.
        messages.error(request, "Only a partner or manager can change the reporting settings.")
        return redirect("reporting:settings", code=client.code)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"Reporting settings for {client.name} saved.")
        return redirect("reporting:settings", code=client.code)
    return render(
        request,
        "reporting/settings.html",
        {"nav": "clients", "client": client, "form": form},
        status=400 if form.errors else 200,
    )
