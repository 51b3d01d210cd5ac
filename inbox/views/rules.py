"""Settings › Inbox rules: what triage taught ("mail from this sender belongs to this client"),
how often each rule was right, and when it last changed. Every member of staff may read them;
managers and partners change a rule's client or delete it."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from atlasos import clock
from atlasos.accounts.decorators import manager_required, staff_required
from atlasos.redirects import local_url
from inbox.access import access_routing_rule
from inbox.forms import RuleForm
from inbox.models import RoutingRule
from inbox.views.triage import pickable_clients

PAGE_SIZE = 50


@staff_required
@require_GET
def rule_list(request: HttpRequest) -> HttpResponse:
    rules = RoutingRule.objects.select_related("client", "created_by").order_by("pattern")
    page = Paginator(rules, PAGE_SIZE).get_page(request.GET.get("page"))
    can_edit = request.user.can_review
    context = {
        "nav": "inbox",
        "page": page,
        "query": "",
        "can_edit": can_edit,
        "pickable_clients": pickable_clients(request) if can_edit and page.object_list else (),
    }
    return render(request, "inbox/rules.html", context)


def _back(request: HttpRequest) -> str:
    return local_url(
        request, request.POST.get("next", ""), reverse("inbox:rules"), under="/settings/inbox/"
    )


@manager_required
@require_POST
def rule_edit(request: HttpRequest, code) -> HttpResponse:
    """Point the rule at another client: it starts counting again from nothing."""
    rule = access_routing_rule(request, code)
    form = RuleForm(request.POST, practice_id=request.user.practice_id)
    if not form.is_valid():
        problems = " ".join(e for errors in form.errors.values() for e in errors)
        messages.error(request, f"The rule for {rule.pattern} was not changed. {problems}")
        return redirect(_back(request))
    client = form.cleaned_data["client"]
    if client.pk == rule.client_id:
        messages.info(request, f"Mail from {rule.pattern} already goes to {client.name}.")
        return redirect(_back(request))
    rule.client = client
    rule.times_used = 0
    rule.times_right = 0
    rule.updated_at = clock.now()
    rule.save(update_fields=["client", "times_used", "times_right", "updated_at"])
    messages.success(
        request, f"Mail from {rule.pattern} now goes to {client.name}; its count starts again."
    )
    return redirect(_back(request))


@manager_required
@require_POST
def rule_delete(request: HttpRequest, code) -> HttpResponse:
    rule = access_routing_rule(request, code)
    pattern = rule.pattern
    rule.delete()
    messages.success(
        request,
        f"Rule for {pattern} deleted: its mail is routed without it, and filing it from "
        "triage teaches it again.",
    )
    return redirect(_back(request))
