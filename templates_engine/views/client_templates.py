"""A client's templates: which apply, and the client's own target days and items."""

import uuid

from django.contrib import messages
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from atlasos.accounts.decorators import manager_required, staff_required
from clients.access import access_client
from clients.models import Client
from clients.views.clients import client_tab_context
from cycle.stages import STAGES, Stage
from templates_engine import services
from templates_engine.access import (
    access_client_template,
    access_extra_item,
)
from templates_engine.forms import (
    AssignTemplateForm,
    ClientDueDaysForm,
    ExtraItemForm,
)
from templates_engine.models import (
    ClientDisabledItem,
    ClientExtraItem,
    ClientTemplate,
)

STAGE_LABELS = dict(Stage.choices)


def _count(queryset, link: str):
    """A per-template count as a subquery, so several counts never multiply each other."""
    rows = queryset.filter(**{link: OuterRef("pk")}).order_by().values(link)
    return Coalesce(
        Subquery(rows.annotate(n=Count("pk")).values("n"), output_field=IntegerField()), 0
    )


# --- A client's templates -------------------------------------------------------------------


def client_templates_page(request, client: Client, assign_form=None):
    assignments = (
        ClientTemplate.objects.filter(client=client)
        .select_related("template")
        .annotate(
            extra_count=Count("extra_items", distinct=True),
            disabled_count=Count("disabled_items", distinct=True),
        )
        .order_by("-is_active", "template__name")
    )
    context = client_tab_context(client)
    context.update(tab="templates", assignments=assignments)
    if request.user.can_review:
        context["assign_form"] = assign_form or AssignTemplateForm(
            practice_id=request.user.practice_id, client=client
        )
    return render(request, "clients/client_templates.html", context)


@staff_required
def client_templates(request: HttpRequest, code) -> HttpResponse:
    client = access_client(request, code)
    return client_templates_page(request, client)


def _client_template_page(request, ct: ClientTemplate, *, days_form=None, extra_form=None):
    template = ct.template
    disabled = set(
        ClientDisabledItem.objects.filter(client_template=ct).values_list(
            "template_item_id", flat=True
        )
    )
    items = list(template.items.all())
    extras = list(ClientExtraItem.objects.filter(client_template=ct))
    own_days = {s: getattr(ct, f"{s}_day") for s in STAGES}
    effective = ct.due_days
    stages = [
        {
            "value": s,
            "label": STAGE_LABELS[s],
            "day": effective[s],
            "own_day": own_days[s] is not None,
            "items": [
                (item, item.pk in disabled and not item.mandatory)
                for item in items
                if item.stage == s
            ],
            "extras": [e for e in extras if e.stage == s],
        }
        for s in STAGES
    ]
    context = client_tab_context(ct.client)
    context.update(
        tab="templates",
        ct=ct,
        template=template,
        stages=stages,
        days_form=days_form or ClientDueDaysForm(client_template=ct),
        extra_form=extra_form or ExtraItemForm(auto_id="extra-%s"),
        checklist_count=len(services.checklist_from(items, extras, disabled)),
    )
    return render(request, "templates_engine/client_template_detail.html", context)


@staff_required
def client_template_detail(request: HttpRequest, code) -> HttpResponse:
    ct = access_client_template(request, code)
    return _client_template_page(request, ct)


@manager_required
@require_POST
def client_template_days(request: HttpRequest, code) -> HttpResponse:
    ct = access_client_template(request, code)
    form = ClientDueDaysForm(request.POST, client_template=ct)
    if not form.is_valid():
        return _client_template_page(request, ct, days_form=form)
    form.save()
    messages.success(
        request, f"Due days saved for {ct.client.name}. Packs created from now on use them."
    )
    return redirect("client_template_detail", ct.code)


@manager_required
@require_POST
def client_template_item_switch(request: HttpRequest, code) -> HttpResponse:
    """Switch an optional template item off (or back on) for this client's packs."""
    ct = access_client_template(request, code)
    back = redirect("client_template_detail", ct.code)
    try:
        item_code = uuid.UUID(request.POST.get("item", ""))
    except ValueError:
        messages.error(request, "Choose an item of the template.")
        return back
    item = ct.template.items.filter(code=item_code).first()
    if item is None:
        messages.error(request, "That item is not part of this template.")
        return back
    if request.POST.get("include") == "no":
        if item.mandatory:
            messages.error(
                request,
                f"{item.title} is mandatory in {ct.template.name}: it cannot be "
                "switched off for one client.",
            )
            return back
        ClientDisabledItem.objects.get_or_create(client_template=ct, template_item=item)
        messages.success(request, f"{item.title} switched off for {ct.client.name}.")
    else:
        ClientDisabledItem.objects.filter(client_template=ct, template_item=item).delete()
        messages.success(request, f"{item.title} switched back on for {ct.client.name}.")
    return back


@manager_required
@require_POST
def client_extra_item_add(request: HttpRequest, code) -> HttpResponse:
    ct = access_client_template(request, code)
    form = ExtraItemForm(request.POST, auto_id="extra-%s")
    if not form.is_valid():
        return _client_template_page(request, ct, extra_form=form)
    extra = form.save(commit=False)
    extra.client_template = ct
    # After the template's own items of the stage, in the order they were added.
    last = ClientExtraItem.objects.filter(client_template=ct).order_by("-position").first()
    extra.position = max(last.position if last else 0, 990) + 10
    extra.save()
    messages.success(request, f"{extra.title} added to {ct.client.name}'s packs from now on.")
    return redirect("client_template_detail", ct.code)


@manager_required
@require_POST
def client_extra_item_delete(request: HttpRequest, code) -> HttpResponse:
    extra = access_extra_item(request, code)
    ct = extra.client_template
    extra.delete()
    messages.success(request, f"{extra.title} removed from {ct.client.name}'s future packs.")
    return redirect("client_template_detail", ct.code)


@manager_required
@require_POST
def client_template_deactivate(request: HttpRequest, code) -> HttpResponse:
    ct = access_client_template(request, code)
    if ct.is_active:
        ct.is_active = False
        ct.save(update_fields=["is_active"])
    messages.success(
        request,
        f"{ct.template.name} deactivated for {ct.client.name}: no new packs. Existing packs stay.",
    )
    return redirect("client_template_detail", ct.code)
