"""Templates applied to packs: assigning a template to clients (their packs are created at
once) and bringing open packs up to date with an edited template. The template pages of
templates_engine link here; the URLs stay under settings/templates/ and clients/."""

import uuid

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from atlasos import clock
from atlasos.accounts.decorators import manager_required
from clients.access import access_client
from clients.models import Client
from tasks import from_templates
from templates_engine.access import (
    access_client_template,
    access_template,
)
from templates_engine.forms import (
    AssignTemplateForm,
    BulkAssignForm,
)
from templates_engine.models import (
    TaskTemplate,
)
from templates_engine.views.client_templates import client_templates_page

# --- Apply to open packs --------------------------------------------------------------------


@manager_required
@require_http_methods(["GET", "POST"])
def template_apply(request: HttpRequest, code) -> HttpResponse:
    template = access_template(request, code)
    plan = from_templates.plan_template_update(template)
    if request.method == "POST":
        if not plan.has_changes:
            messages.info(request, "The open packs already match the template.")
            return redirect(template)
        result = from_templates.apply_template_update(plan, request.user)
        text = (
            f"Updated {result.packs} open pack{'s' if result.packs != 1 else ''}: "
            f"{result.added} item{'s' if result.added != 1 else ''} added, "
            f"{result.changed} updated, {result.removed} removed."
        )
        if result.kept:
            text += f" {result.kept} ticked item{'s' if result.kept != 1 else ''} kept."
        messages.success(request, text)
        return redirect(template)
    return render(
        request,
        "tasks/template_apply.html",
        {"template": template, "plan": plan, "totals": plan.totals, "nav": "settings"},
    )


def _assigned_message(
    template: TaskTemplate, client: Client, result: from_templates.AssignResult
) -> str:
    if result.latest_pack is not None:
        pack_text = f"its {result.latest_pack.period_label} pack was created"
    elif client.is_archived:
        pack_text = "no pack was created because the client is archived"
    else:
        pack_text = (
            "no pack was created yet: the next one appears when the current period's "
            "packs are released"
        )
    return f"{template.name} assigned to {client.name}; {pack_text}."


@manager_required
@require_POST
def client_template_assign(request: HttpRequest, code) -> HttpResponse:
    client = access_client(request, code)
    form = AssignTemplateForm(request.POST, practice_id=request.user.practice_id, client=client)
    if not form.is_valid():
        return client_templates_page(request, client, assign_form=form)
    template = form.cleaned_data["template"]
    result = from_templates.assign_template(
        template, [client], practice=request.user.practice, now=clock.now()
    )
    messages.success(request, _assigned_message(template, client, result))
    return redirect("client_templates", client.code)


@manager_required
@require_POST
def client_template_reactivate(request: HttpRequest, code) -> HttpResponse:
    ct = access_client_template(request, code)
    result = from_templates.assign_template(
        ct.template, [ct.client], practice=request.user.practice, now=clock.now()
    )
    messages.success(request, _assigned_message(ct.template, ct.client, result))
    return redirect("client_template_detail", ct.code)


# --- Bulk assignment from the client list ---------------------------------------------------


def _selected_clients(codes: list[str]) -> list[Client]:
    """The practice's clients among `codes`; anything else (another practice's code, a
    malformed one) is ignored, never assigned."""
    valid = []
    for value in codes:
        try:
            valid.append(uuid.UUID(value))
        except ValueError:
            continue
    if not valid:
        return []
    return list(Client.objects.filter(code__in=valid).order_by("name"))


def _client_list_url(query: str) -> str:
    query = QueryDict(query or "").urlencode()
    return reverse("client_list") + (f"?{query}" if query else "")


@manager_required
@require_POST
def client_bulk_assign_template(request: HttpRequest) -> HttpResponse:
    """Assign a template to the clients ticked in the client list.

    Without a template chosen (the list has no template picker) it shows the choice for the
    selected clients first; with one it assigns and goes back to the list.
    """
    clients = _selected_clients(request.POST.getlist("clients"))
    back = _client_list_url(request.POST.get("query", ""))
    if not clients:
        messages.error(request, "Tick the clients to assign a template to first.")
        return redirect(back)
    has_choice = "template" in request.POST
    form = BulkAssignForm(
        request.POST if has_choice else None,
        practice_id=request.user.practice_id,
        initial={"query": request.POST.get("query", "")},
    )
    if not has_choice or not form.is_valid():
        return render(
            request,
            "tasks/bulk_assign.html",
            {"form": form, "clients": clients, "nav": "clients"},
        )
    template = form.cleaned_data["template"]
    result = from_templates.assign_template(
        template, clients, practice=request.user.practice, now=clock.now()
    )
    text = (
        f"Assigned {template.name} to {result.assigned} client{'s' if result.assigned != 1 else ''}"
        f" ({result.already} already had it)."
    )
    if result.packs_created:
        text += (
            f" {result.packs_created} pack{'s' if result.packs_created != 1 else ''} created for "
            "the current period."
        )
    messages.success(request, text)
    return redirect(_client_list_url(form.cleaned_data["query"]))
