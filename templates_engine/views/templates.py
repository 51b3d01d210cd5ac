"""Settings › Task templates: the templates, their checklist items by stage."""

from dataclasses import dataclass, field

from django.contrib import messages
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRefresh, reswap, retarget

from atlasos.accounts.decorators import manager_required
from cycle.stages import STAGES, Stage
from templates_engine import services
from templates_engine.access import (
    access_template,
    access_template_item,
)
from templates_engine.forms import (
    TaskTemplateForm,
    TemplateItemForm,
)
from templates_engine.models import (
    ClientTemplate,
    TaskTemplate,
    TemplateItem,
)

STAGE_LABELS = dict(Stage.choices)


def _count(queryset, link: str):
    """A per-template count as a subquery, so several counts never multiply each other."""
    rows = queryset.filter(**{link: OuterRef("pk")}).order_by().values(link)
    return Coalesce(
        Subquery(rows.annotate(n=Count("pk")).values("n"), output_field=IntegerField()), 0
    )


# --- Settings › Task templates --------------------------------------------------------------


@manager_required
def template_list(request: HttpRequest) -> HttpResponse:
    # One query: the templates with their item and client counts.
    templates = TaskTemplate.objects.annotate(
        item_count=_count(TemplateItem.objects.all(), "template"),
        mandatory_count=_count(TemplateItem.objects.filter(mandatory=True), "template"),
        optional_count=_count(TemplateItem.objects.filter(mandatory=False), "template"),
        client_count=_count(ClientTemplate.objects.filter(is_active=True), "template"),
    )
    return render(
        request,
        "templates_engine/template_list.html",
        {"templates": templates, "nav": "settings"},
    )


@manager_required
@require_http_methods(["GET", "POST"])
def template_create(request: HttpRequest) -> HttpResponse:
    form = TaskTemplateForm(request.POST or None, practice_id=request.user.practice_id)
    if request.method == "POST" and form.is_valid():
        template = form.save(commit=False)
        template.created_by = request.user
        template.save()
        messages.success(request, f"{template.name} created. Now add its checklist items.")
        return redirect(template)
    return render(request, "templates_engine/template_form.html", {"form": form, "nav": "settings"})


@dataclass
class StageGroup:
    """One stage of a template on the detail page: its items and the form to add one."""

    value: str
    label: str
    day: int
    items: list = field(default_factory=list)
    add_form: TemplateItemForm | None = None
    open: bool = False  # keep the add form open after an item was added through it


def _add_form(stage: str, data=None) -> TemplateItemForm:
    return TemplateItemForm(
        data, hide_stage=True, initial={"stage": stage}, auto_id=f"add-{stage}-%s"
    )


def _stage_groups(template: TaskTemplate, bound: TemplateItemForm | None = None):
    days = template.due_days
    groups = {s: StageGroup(s, STAGE_LABELS[s], days[s], add_form=_add_form(s)) for s in STAGES}
    for item in template.items.all():
        groups[item.stage].items.append(item)
    if bound is not None:
        groups[bound.data["stage"]].add_form = bound
    return list(groups.values())


def _stage_group(template: TaskTemplate, stage: str, bound=None, open_add=False) -> StageGroup:
    add_form = bound or _add_form(stage)
    if open_add:
        add_form.fields["title"].widget.attrs["autofocus"] = True
    return StageGroup(
        stage,
        STAGE_LABELS[stage],
        template.due_days[stage],
        items=list(template.items.filter(stage=stage)),
        add_form=add_form,
        open=open_add,
    )


def _render_stage(
    request, template, stage: str, bound=None, also: tuple[str, ...] = (), open_add=False
):
    """The stage's fragment for an htmx swap; `also` adds other stages out of band."""
    response = render(
        request,
        "templates_engine/template_detail.html#stage",
        {"template": template, "stage": _stage_group(template, stage, bound, open_add)},
    )
    for other in also:
        response.content += render_to_string(
            "templates_engine/template_detail.html#stage",
            {"template": template, "stage": _stage_group(template, other), "oob": True},
            request=request,
        ).encode()
    return response


def _detail_context(template: TaskTemplate, form, bound=None) -> dict:
    return {
        "template": template,
        "form": form,
        "stages": _stage_groups(template, bound),
        "client_count": ClientTemplate.objects.filter(template=template, is_active=True).count(),
        "open_packs": template.packs.filter(completed_at__isnull=True).count(),
        "nav": "settings",
    }


@manager_required
@require_http_methods(["GET", "POST"])
def template_detail(request: HttpRequest, code) -> HttpResponse:
    template = access_template(request, code)
    if request.htmx and request.GET.get("stage") in STAGES:
        # "Cancel" on an item being edited in place: the stage as it is.
        return _render_stage(request, template, request.GET["stage"])
    form = TaskTemplateForm(
        request.POST or None, instance=template, practice_id=request.user.practice_id
    )
    if request.method == "POST":
        if form.is_valid():
            form.save()
            messages.success(request, f"{template.name} saved. New packs follow it from now on.")
            return redirect(template)
        template.refresh_from_db()  # the header shows the stored name, not the rejected one
    return render(request, "templates_engine/template_detail.html", _detail_context(template, form))


def _copy_name(name: str) -> str:
    """ "<name> (copy)", or "(copy 2)", "(copy 3)"... when that is taken."""
    taken = set(
        TaskTemplate.objects.filter(name__istartswith=name[:100]).values_list("name", flat=True)
    )
    taken = {n.lower() for n in taken}
    number = 1
    while True:
        suffix = " (copy)" if number == 1 else f" (copy {number})"
        candidate = name[: 120 - len(suffix)] + suffix
        if candidate.lower() not in taken:
            return candidate
        number += 1


@manager_required
@require_POST
def template_duplicate(request: HttpRequest, code) -> HttpResponse:
    template = access_template(request, code)
    copy = services.duplicate_template(
        template, name=_copy_name(template.name), created_by=request.user
    )
    messages.success(
        request, f"{copy.name} created from {template.name}. No client uses it yet: assign it."
    )
    return redirect(copy)


@manager_required
@require_POST
def template_archive(request: HttpRequest, code) -> HttpResponse:
    template = access_template(request, code)
    if not template.is_archived:
        template.is_archived = True
        template.save(update_fields=["is_archived", "updated_at"])
    messages.success(
        request,
        f"{template.name} archived: it creates no new packs. Existing packs and client "
        "assignments stay; restore it to start again.",
    )
    return redirect(template)


@manager_required
@require_POST
def template_restore(request: HttpRequest, code) -> HttpResponse:
    template = access_template(request, code)
    if template.is_archived:
        template.is_archived = False
        template.save(update_fields=["is_archived", "updated_at"])
    messages.success(request, f"{template.name} restored: its clients get packs again.")
    return redirect(template)


# --- Checklist items ------------------------------------------------------------------------


def _back_to_stage(template: TaskTemplate, stage: str):
    return redirect(f"{template.get_absolute_url()}#stage-{stage}")


@manager_required
@require_POST
def template_item_add(request: HttpRequest, code) -> HttpResponse:
    template = access_template(request, code)
    stage = request.POST.get("stage")
    if stage not in STAGES:
        if request.htmx:
            return HttpResponseClientRefresh()
        messages.error(request, "Choose the stage to add the item to.")
        return redirect(template)
    form = _add_form(stage, request.POST)
    if form.is_valid():
        item = form.save(commit=False)
        item.template = template
        item.position = services.next_position(template, stage)
        item.save()
        if request.htmx:
            return _render_stage(request, template, stage, open_add=True)
        messages.success(request, f"{item.title} added to {STAGE_LABELS[stage]}.")
        return _back_to_stage(template, stage)
    if request.htmx:
        return _render_stage(request, template, stage, bound=form)
    form_for_template = TaskTemplateForm(instance=template, practice_id=request.user.practice_id)
    return render(
        request,
        "templates_engine/template_detail.html",
        _detail_context(template, form_for_template, bound=form),
    )


@manager_required
@require_http_methods(["GET", "POST"])
def template_item_edit(request: HttpRequest, code) -> HttpResponse:
    item = access_template_item(request, code)
    template, old_stage = item.template, item.stage
    form = TemplateItemForm(request.POST or None, instance=item, auto_id=f"edit-{item.code}-%s")
    if request.method == "POST" and form.is_valid():
        item = form.save(commit=False)
        if item.stage != old_stage:
            item.position = services.next_position(template, item.stage)
        item.save()
        if request.htmx:
            moved = (item.stage,) if item.stage != old_stage else ()
            return _render_stage(request, template, old_stage, also=moved)
        messages.success(request, f"{item.title} saved.")
        return _back_to_stage(template, item.stage)
    if request.method == "POST":
        item.refresh_from_db()  # the page names the item as stored, not as rejected
    context = {
        "item": item,
        "stage_value": old_stage,
        "template": template,
        "item_form": form,
        "nav": "settings",
    }
    if request.htmx:
        response = render(request, "templates_engine/template_detail.html#item_edit", context)
        if request.method == "POST":
            # The form posts to the stage; a rejected edit stays in the item's place.
            response = reswap(retarget(response, f"#item-{item.code}"), "outerHTML")
        return response
    return render(request, "templates_engine/template_item_form.html", context)


@manager_required
@require_POST
def template_item_move(request: HttpRequest, code) -> HttpResponse:
    item = access_template_item(request, code)
    template = item.template
    direction = request.POST.get("direction")
    if direction in ("up", "down"):
        with transaction.atomic():
            # Renumber the stage as it is shown, then swap the item with its neighbour, so
            # equal positions (from older data) cannot make a move do nothing.
            siblings = list(
                TemplateItem.objects.select_for_update().filter(template=template, stage=item.stage)
            )
            index = next((i for i, s in enumerate(siblings) if s.pk == item.pk), None)
            other = -1 if index is None else index - 1 if direction == "up" else index + 1
            if 0 <= other < len(siblings):
                siblings[index], siblings[other] = siblings[other], siblings[index]
                for number, sibling in enumerate(siblings, start=1):
                    sibling.position = number * 10
                TemplateItem.objects.bulk_update(siblings, ["position"])
    if request.htmx:
        return _render_stage(request, template, item.stage)
    return _back_to_stage(template, item.stage)


@manager_required
@require_POST
def template_item_delete(request: HttpRequest, code) -> HttpResponse:
    item = access_template_item(request, code)
    template, stage = item.template, item.stage
    item.delete()
    if request.htmx:
        return _render_stage(request, template, stage)
    messages.success(
        request,
        f"{item.title} removed. New packs leave it out; open packs keep it until you apply "
        "the template to them.",
    )
    return _back_to_stage(template, stage)
