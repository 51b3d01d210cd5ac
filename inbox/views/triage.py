"""Triage: the messages no client could be chosen for with confidence, each with its sender,
subject, attachments and ranked candidates; staff file it to a client in one click, split its
attachments across clients, or mark it not a document.

Every action is a plain POST that redirects (it works without JavaScript); through htmx the
message's row is swapped for a line saying what was done, and the top bar's count follows."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from atlasos.accounts.decorators import staff_required
from atlasos.htmx import is_fragment_request
from atlasos.redirects import local_url
from inbox.access import access_inbound_message
from inbox.context_processors import CACHE_ATTRIBUTE, forget_waiting
from inbox.forms import AssignForm, SplitForm, active_clients
from inbox.models import InboundAttachment, InboundMessage
from inbox.views import clearing
from inbox.views.messages import candidate_clients, candidate_rows

PAGE_SIZE = 25
Waiting = InboundAttachment.Status.WAITING


def triage_rows(messages_: list[InboundMessage]) -> list[dict]:
    """Each message with its attachments and its candidates (their clients in one query)."""
    clients = candidate_clients(messages_)
    rows = []
    for message in messages_:
        attachments = list(message.attachments.all())
        rows.append(
            {
                "message": message,
                "attachments": attachments,
                "waiting": [a for a in attachments if a.status == Waiting],
                "candidates": candidate_rows(message.candidates, clients),
            }
        )
    return rows


def _with_attachments(queryset):
    return queryset.prefetch_related(
        Prefetch("attachments", queryset=InboundAttachment.objects.order_by("position"))
    )


def pickable_clients(request):
    """The clients the pickers suggest (one list per page, shared by every row)."""
    return (
        active_clients(request.user.practice_id).order_by("name").only("code", "name", "short_code")
    )


@staff_required
@require_GET
def triage(request: HttpRequest) -> HttpResponse:
    waiting = _with_attachments(
        InboundMessage.objects.filter(status=InboundMessage.Status.TRIAGE).order_by(
            "received_at", "pk"
        )
    )
    page = Paginator(waiting, PAGE_SIZE).get_page(request.GET.get("page"))
    # The page's count is the top bar's: no second query for it.
    setattr(request, CACHE_ATTRIBUTE, page.paginator.count)
    context = {
        "nav": "inbox",
        "page": page,
        "rows": triage_rows(list(page.object_list)),
        "pickable_clients": pickable_clients(request) if page.object_list else (),
        "query": "",
    }
    return render(request, "inbox/triage.html", context)


def _back(request: HttpRequest) -> str:
    return local_url(request, request.POST.get("next", ""), reverse("inbox:triage"))


def _done(request: HttpRequest, message: InboundMessage, text: str, *, ok: bool) -> HttpResponse:
    """What was done (or why nothing was): the row's confirmation line through htmx, a message
    on the next page otherwise."""
    forget_waiting(request)
    if is_fragment_request(request):
        return render(
            request, "inbox/triage.html#done_row", {"message": message, "text": text, "ok": ok}
        )
    (messages.success if ok else messages.warning)(request, text)
    return redirect(_back(request))


def _problem(request: HttpRequest, message: InboundMessage, text: str) -> HttpResponse:
    """The choice could not be taken (no client, an unknown code): the row again, saying why."""
    if is_fragment_request(request):
        message = _with_attachments(InboundMessage.objects.filter(pk=message.pk)).get()
        context = {
            "row": triage_rows([message])[0],
            "pickable_clients": pickable_clients(request),
            "error": text,
        }
        return render(request, "inbox/triage.html#row", context)
    messages.error(request, text)
    return redirect(_back(request))


def _form_problem(form) -> str:
    return " ".join(error for errors in form.errors.values() for error in errors)


def _timezone(request) -> str:
    return request.user.practice.timezone


@staff_required
@require_POST
def assign(request: HttpRequest, code) -> HttpResponse:
    message = access_inbound_message(request, code)
    form = AssignForm(request.POST, practice_id=request.user.practice_id)
    if not form.is_valid():
        return _problem(request, message, "Choose a client. " + _form_problem(form))
    try:
        cleared = clearing.assign(
            message, form.cleaned_data["client"], user=request.user, timezone=_timezone(request)
        )
    except clearing.NotWaiting as refused:
        return _done(request, message, refused.message, ok=False)
    return _done(request, cleared.message, cleared.summary(), ok=True)


@staff_required
@require_POST
def split(request: HttpRequest, code) -> HttpResponse:
    message = access_inbound_message(request, code)
    attachments = list(message.attachments.filter(status=Waiting).order_by("position"))
    form = SplitForm(request.POST, attachments=attachments, practice_id=request.user.practice_id)
    if message.status != InboundMessage.Status.TRIAGE:
        return _done(request, message, clearing.why_not_waiting(message), ok=False)
    if not attachments:
        return _problem(request, message, "Nothing to split: no attachment is waiting.")
    if not form.is_valid():
        return _problem(request, message, _form_problem(form))
    try:
        cleared = clearing.split(
            message, form.decisions(), user=request.user, timezone=_timezone(request)
        )
    except clearing.NotWaiting as refused:
        return _done(request, message, refused.message, ok=False)
    return _done(request, cleared.message, cleared.summary(), ok=True)


@staff_required
@require_POST
def not_document(request: HttpRequest, code) -> HttpResponse:
    message = access_inbound_message(request, code)
    try:
        cleared = clearing.not_a_document(message, user=request.user)
    except clearing.NotWaiting as refused:
        return _done(request, message, refused.message, ok=False)
    text = cleared.summary() or "Set aside: not a document."
    return _done(request, cleared.message, text, ok=True)
