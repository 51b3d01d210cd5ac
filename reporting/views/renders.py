"""Rendering the pack: ask for a new version (a worker renders it; the page follows it), and
approve a rendered version (reviewers: the one the pack's delivery publishes)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from atlasos.accounts.decorators import staff_required
from clients.access import access_client
from cycle.periods import parse_month
from reporting import pack_versions
from reporting.models import AccountsRender
from reporting.review import reviewer_refusal
from tasks.models import Pack


def _accounts_url(client, period) -> str:
    return reverse("reporting:accounts", args=[client.code]) + f"?period={period:%Y-%m}"


@staff_required
@require_POST
def render_pack(request: HttpRequest, code) -> HttpResponse:
    client = access_client(request, code)
    period = parse_month(request.POST.get("period", ""))
    if period is None:
        messages.error(request, "Choose the month to render.")
        return redirect("reporting:accounts", code=client.code)
    try:
        render = pack_versions.request(client, period, request.user)
    except pack_versions.RenderRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"Rendering version {render.version} of the pack…")
    return redirect(_accounts_url(client, period) + "#pack-versions")


@staff_required
@require_POST
def approve(request: HttpRequest, code) -> HttpResponse:
    render = get_object_or_404(AccountsRender.objects.select_related("client"), code=code)
    pack = Pack.objects.filter(client=render.client, period=render.period).first()
    # Approving is the reviewer's act: the review rule of the month's pack decides who may.
    if pack is not None:
        refusal = reviewer_refusal(pack, request.user)
    else:
        refusal = None if request.user.can_review else "Only a partner or manager can approve."
    try:
        pack_versions.approve(render, request.user, refusal)
    except pack_versions.RenderRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"Version {render.version} approved for delivery.")
    return redirect(_accounts_url(render.client, render.period) + "#pack-versions")
