from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from atlasos import clock
from atlasos.accounts.decorators import manager_required, partner_required, staff_required
from atlasos.redirects import local_url
from clients.access import access_client
from clients.views.clients import client_tab_context
from cycle.clock import Clock
from cycle.stages import PREPARATION_STAGES, Stage
from notifications.services import mark_all_read
from tasks import services
from tasks.access import access_pack, access_pack_item
from tasks.extensions import pack_extras
from tasks.forms import (
    BulkReassignForm,
    MyWorkFilterForm,
    PackItemNoteForm,
    PackReassignForm,
    pack_codes,
)
from tasks.models import Pack
from tasks.queries import client_pack_list, my_open_packs, pack_view, with_status
from tasks.recurrence import ensure_packs

PAGE_SIZE = 50


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _back(request: HttpRequest, default: str) -> str:
    """Where a list's form came from (``next``), if it is one of our own pages."""
    return local_url(request, request.POST.get("next", ""), default)


def _can_reassign(user) -> bool:
    return user.can_review  # partners and managers, as @manager_required


def pack_page_context(request: HttpRequest, pack: Pack, *, extras=None, **extra) -> dict:
    """Everything the pack page (and its htmx fragments) renders; ``extras`` is passed to the
    apps that fill its places (``tasks.extensions``), e.g. a bound form to show again."""
    view = pack_view(pack, request.user, Clock.for_practice(request.user.practice))
    context = {
        "nav": "my_work",
        "pack": pack,
        "view": view,
        "can_reassign": False,
        "pack_extras": pack_extras(request, pack, page="pack", **(extras or {})),
    }
    if _can_reassign(request.user):
        context["can_reassign"] = True
        context["reassign_form"] = PackReassignForm(
            practice_id=request.user.practice_id,
            initial={"preparer": pack.preparer_id, "reviewer": pack.reviewer_id},
        )
    context.update(extra)
    return context


@staff_required
@require_GET
def pack_detail(request: HttpRequest, code) -> HttpResponse:
    pack = access_pack(request, code)
    # Opening the pack (from an alert email, say) answers its notifications for this reader.
    mark_all_read(request.user, pack=pack)
    return render(request, "tasks/pack_detail.html", pack_page_context(request, pack))


def _stages_changed_by_tick(stage: str, current_before: str, current_after: str) -> set[str]:
    """Besides the ticked stage, the stages whose section a tick can change: those that stopped
    or started being current; review after a preparation item (whoever ticked one may not
    review); deliver after a review item (delivery waits for the review)."""
    changed = {current_before, current_after}
    if stage in PREPARATION_STAGES:
        changed.add(Stage.REVIEW.value)
    if stage == Stage.REVIEW:
        changed.add(Stage.DELIVER.value)
    return changed - {stage, ""}


def _checklist_response(
    request: HttpRequest, pack_code, stage: str, *, error=None, current_before=None
):
    """The htmx answer to a tick or a note: the stage's section, and out of band the header
    (status, progress, stage strip), the history and, after a tick, the other stages it changed.
    Other stages are left alone so a note being typed there survives."""
    pack = access_pack(request, pack_code)
    also = set()
    if current_before is not None:
        also = _stages_changed_by_tick(stage, current_before, pack.current_stage)
    context = pack_page_context(
        request, pack, target_stage=stage, stage_error=error, oob_stages=also
    )
    return render(request, "tasks/pack_detail.html#checklist_update", context)


@staff_required
@require_POST
def pack_item_tick(request: HttpRequest, code) -> HttpResponse:
    item = access_pack_item(request, code)
    pack_code, stage, title = item.pack.code, item.stage, item.title
    current_before = item.pack.current_stage
    done = request.POST.get("done")
    error = services.tick_from_form(item, request.user, done)
    if request.htmx:
        return _checklist_response(
            request, pack_code, stage, error=error, current_before=current_before
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, f"{'Ticked' if done == '1' else 'Unticked'} “{title}”.")
    return redirect(f"{reverse('pack_detail', args=[pack_code])}#stage-{stage}")


@staff_required
@require_POST
def pack_item_note(request: HttpRequest, code) -> HttpResponse:
    item = access_pack_item(request, code)
    pack_code, stage = item.pack.code, item.stage
    form = PackItemNoteForm(request.POST)
    if not form.is_valid():
        # Nothing is saved: the item keeps the note it had.
        error = f"Note not saved on “{item.title}”: {' '.join(form.errors['note'])}"
        if request.htmx:
            return _checklist_response(request, pack_code, stage, error=error)
        messages.error(request, error)
        return redirect(f"{reverse('pack_detail', args=[pack_code])}#item-{item.code}")
    had_note = bool(item.note)
    item = services.set_item_note(item, request.user, form.cleaned_data["note"])
    if request.htmx:
        return _checklist_response(request, pack_code, stage)
    if item.note:
        messages.success(request, f"Note saved on “{item.title}”.")
    elif had_note:
        messages.success(request, f"Note removed from “{item.title}”.")
    return redirect(f"{reverse('pack_detail', args=[pack_code])}#item-{item.code}")


@manager_required
@require_POST
def pack_reassign(request: HttpRequest, code) -> HttpResponse:
    pack = access_pack(request, code)
    form = PackReassignForm(request.POST, practice_id=request.user.practice_id)
    if not form.is_valid():
        context = pack_page_context(request, pack, reassign_form=form)
        return render(request, "tasks/pack_detail.html", context)
    changed = services.reassign(
        pack,
        preparer=form.cleaned_data["preparer"],
        reviewer=form.cleaned_data["reviewer"],
        actor=request.user,
    )
    if changed:
        messages.success(request, "Preparer and reviewer saved.")
    else:
        messages.info(request, "Nothing changed: the pack already has this preparer and reviewer.")
    return redirect(f"{pack.get_absolute_url()}#people")


@manager_required
@require_POST
def pack_bulk_reassign(request: HttpRequest) -> HttpResponse:
    """Give the ticked packs a new preparer and/or reviewer.

    1. Read the codes; the scoped manager finds only this practice's packs, so codes of
       another practice (or none at all) are simply not there.
    2. Work out each pack's new pair ("leave unchanged" keeps its own); skip a pack whose
       preparer would also be its reviewer.
    3. Reassign each (recorded on the pack) in one transaction and say how many changed.
    """
    back = _back(request, reverse("my_work"))
    codes = pack_codes(request.POST.getlist("packs"))
    if not codes:
        messages.error(request, "Nothing reassigned: tick the packs to reassign first.")
        return redirect(back)
    form = BulkReassignForm(request.POST, practice_id=request.user.practice_id)
    if not form.is_valid():
        problems = [error for errors in form.errors.values() for error in errors]
        messages.error(request, f"Nothing reassigned: {' '.join(problems)}")
        return redirect(back)
    new_preparer, new_reviewer = form.cleaned_data["preparer"], form.cleaned_data["reviewer"]
    changed = unchanged = clashes = 0
    with transaction.atomic():
        packs = Pack.objects.filter(code__in=codes).select_related("preparer", "reviewer")
        for pack in packs.order_by("pk"):
            preparer = new_preparer or pack.preparer
            reviewer = new_reviewer or pack.reviewer
            if preparer is not None and preparer == reviewer:
                clashes += 1
                continue
            if services.reassign(pack, preparer=preparer, reviewer=reviewer, actor=request.user):
                changed += 1
            else:
                unchanged += 1
    text = f"Reassigned {_plural(changed, 'pack')}."
    if unchanged:
        text += f" {_plural(unchanged, 'pack')} already had them."
    if clashes:
        text += (
            f" {_plural(clashes, 'pack')} left as they were: the preparer cannot also be the "
            "reviewer."
        )
    (messages.success if changed else messages.warning)(request, text)
    return redirect(back)


@staff_required
@require_GET
def my_work(request: HttpRequest) -> HttpResponse:
    filters = MyWorkFilterForm(request.GET or None)
    role = filters.role_value
    page = Paginator(my_open_packs(request.user, role), PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = with_status(page.object_list, Clock.for_practice(request.user.practice))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "nav": "my_work",
        "filters": filters,
        "role": role,
        "page": page,
        "query": query.urlencode(),
        "can_reassign": _can_reassign(request.user),
    }
    if context["can_reassign"]:
        context["bulk_form"] = BulkReassignForm(practice_id=request.user.practice_id)
    return render(request, "tasks/my_work.html", context)


@staff_required
@require_GET
def client_packs(request: HttpRequest, code) -> HttpResponse:
    client = access_client(request, code)
    page = Paginator(client_pack_list(client), PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = with_status(page.object_list, Clock.for_practice(request.user.practice))
    context = client_tab_context(client)
    context.update(tab="packs", page=page, can_reassign=_can_reassign(request.user))
    if context["can_reassign"]:
        context["bulk_form"] = BulkReassignForm(practice_id=request.user.practice_id)
    return render(request, "clients/client_packs.html", context)


@partner_required
@require_POST
def packs_create_now(request: HttpRequest) -> HttpResponse:
    """Run the recurrence for this practice now rather than waiting for the hourly job."""
    result = ensure_packs(request.user.practice, clock.now())
    if result.packs_created:
        messages.success(
            request,
            f"Created {_plural(result.packs_created, 'pack')} "
            f"({_plural(result.items_created, 'checklist item')}).",
        )
    else:
        messages.info(request, "Created 0 packs: every client already has this period's pack.")
    return redirect("my_work")
