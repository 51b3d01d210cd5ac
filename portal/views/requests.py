"""Staff views of document requests: the client's Requests tab (with its reminder settings), a
request's page (with who a send goes to, its emails and its next reminder), and the actions on
it (edit, cancel, add/remove an item, upload against an item, not applicable). Sending is in
``portal.views.sending``, reminder settings in ``portal.views.reminder_settings``.

Every action is a plain form post that redirects back to the request's page (no JavaScript
needed); a refused form re-renders the page with its message and changes nothing.
"""

import uuid
from dataclasses import dataclass, field

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from atlasos import clock
from atlasos.accounts.decorators import staff_required
from clients.access import access_client
from clients.views.clients import client_tab_context
from documents.uploads import UploadRefused
from portal import reminder_policies, reminders, sending
from portal import requests as services
from portal.access import access_request, access_request_item
from portal.forms import (
    ClientRemindersForm,
    ItemUploadForm,
    NotApplicableForm,
    RequestForm,
    RequestItemForm,
)
from portal.models import DocumentRequest, PortalEmail, Reminder, RequestItem, RequestItemDocument
from portal.reminder_policies import policy_for

PAGE_SIZE = 50


def _item_url(item: RequestItem) -> str:
    return f"{reverse('request_detail', args=[item.request.code])}#item-{item.code}"


@staff_required
@require_GET
def client_requests(request: HttpRequest, code) -> HttpResponse:
    return client_requests_page(request, access_client(request, code))


def _reminders_context(client, form=None) -> dict:
    """The client's reminder settings: the policy it follows, paused or not, and the form."""
    policies = reminder_policies.load_policies([client.pk])
    row = policies.client_rows.get(client.pk)
    own = row is not None and row.own_policy
    if form is None:
        initial = ClientRemindersForm.initial_from(row if own else None, policies.practice)
        initial.update(policy="own" if own else "practice", paused=bool(row and row.paused))
        form = ClientRemindersForm(initial=initial, auto_id="reminders-%s")
    return {
        "reminders_form": form,
        "reminders_paused": bool(row and row.paused),
        "reminders_own": own,
        "reminders_text": reminder_policies.describe(policy_for(row) if own else policies.practice),
    }


def client_requests_page(request, client, *, reminders_form=None, status=200) -> HttpResponse:
    """The client's Requests tab (also re-rendered by a refused reminder settings form)."""
    queryset = services.with_progress(
        DocumentRequest.objects.filter(client=client).select_related("pack")
    ).order_by("-due", "-pk")
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    context = client_tab_context(client)
    context.update(
        tab="requests", page=page, query="", **_reminders_context(client, reminders_form)
    )
    return render(request, "portal/client_requests.html", context, status=status)


@staff_required
@require_http_methods(["GET", "POST"])
def request_new(request: HttpRequest, code) -> HttpResponse:
    """A request made by hand; its items are added on its page."""
    client = access_client(request, code)
    form = RequestForm(request.POST or None, with_period=True)
    if request.method == "POST" and form.is_valid():
        made = services.create_request(
            client,
            title=form.cleaned_data["title"],
            due=form.cleaned_data["due"],
            period=form.cleaned_data["period"],
            user=request.user,
        )
        messages.success(request, f"Request “{made.title}” created. Add the documents it asks for.")
        return redirect(made)
    context = client_tab_context(client)
    context.update(tab="requests", form=form)
    return render(request, "portal/request_new.html", context)


@dataclass
class SentEmail:
    """One line of a request's email history: the request itself, or a reminder step."""

    email: PortalEmail
    contact: object
    step: int | None = None
    items: list[str] = field(default_factory=list)

    @property
    def when(self):
        return self.email.sent_at or self.email.created_at


def email_history(document_request: DocumentRequest) -> list[SentEmail]:
    """Every email about the request, latest first (two queries)."""
    sends = PortalEmail.objects.filter(
        request=document_request, kind=PortalEmail.Kind.REQUEST
    ).select_related("contact")
    steps = Reminder.objects.filter(request=document_request).select_related("email", "contact")
    history = [SentEmail(email, email.contact) for email in sends]
    history += [SentEmail(row.email, row.contact, row.step, row.items) for row in steps]
    history.sort(key=lambda line: (line.email.created_at, line.email.pk), reverse=True)
    return history


def _detail_context(document_request: DocumentRequest, practice, **forms) -> dict:
    links = RequestItemDocument.objects.select_related("document").order_by("linked_at", "pk")
    items = list(
        RequestItem.objects.filter(request=document_request)
        .select_related("marked_by", "marked_by_contact")
        .prefetch_related(Prefetch("links", queryset=links))
    )
    required = [item for item in items if item.required]
    history = email_history(document_request)
    last_sent = max((line.step for line in history if line.step), default=0)
    context = client_tab_context(document_request.client)
    context.update(
        tab="requests",
        document_request=document_request,
        recipients=sending.recipients(document_request),
        history=history,
        outlook=reminders.request_outlook(document_request, practice, last_sent),
        today=clock.practice_today(practice),
        items=items,
        required_total=len(required),
        required_done=sum(1 for item in required if item.state != "missing"),
        optional_total=len(items) - len(required),
        editable=document_request.status not in ("cancelled", "closed"),
        edit_form=forms.get("edit_form")
        or RequestForm(
            initial={"title": document_request.title, "due": document_request.due},
            auto_id="edit-%s",
        ),
        item_form=forms.get("item_form") or RequestItemForm(auto_id="item-%s"),
        item_error=forms.get("item_error"),
    )
    return context


def _detail(request, document_request, status=200, **forms) -> HttpResponse:
    return render(
        request,
        "portal/request_detail.html",
        _detail_context(document_request, request.user.practice, **forms),
        status=status,
    )


@staff_required
@require_GET
def request_detail(request: HttpRequest, code) -> HttpResponse:
    return _detail(request, access_request(request, code))


@staff_required
@require_POST
def request_edit(request: HttpRequest, code) -> HttpResponse:
    document_request = access_request(request, code)
    form = RequestForm(request.POST, auto_id="edit-%s")
    if not form.is_valid():
        return _detail(request, document_request, edit_form=form)
    try:
        services.edit_request(
            document_request, title=form.cleaned_data["title"], due=form.cleaned_data["due"]
        )
    except services.RequestError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, "Request saved.")
    return redirect(document_request)


@staff_required
@require_POST
def request_cancel(request: HttpRequest, code) -> HttpResponse:
    document_request = access_request(request, code)
    try:
        services.cancel_request(document_request)
    except services.RequestError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, f"Request “{document_request.title}” cancelled.")
    return redirect(document_request)


@staff_required
@require_POST
def request_item_add(request: HttpRequest, code) -> HttpResponse:
    document_request = access_request(request, code)
    form = RequestItemForm(request.POST, auto_id="item-%s")
    if not form.is_valid():
        return _detail(request, document_request, item_form=form)
    try:
        item = services.add_item(document_request, **form.cleaned_data)
    except services.RequestError as refused:
        messages.error(request, refused.message)
        return redirect(document_request)
    messages.success(request, f"Added “{item.title}”.")
    return redirect(_item_url(item))


@staff_required
@require_POST
def request_item_remove(request: HttpRequest, code) -> HttpResponse:
    item = access_request_item(request, code)
    try:
        services.remove_item(item)
    except services.RequestError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, f"Removed “{item.title}”. Its documents stay in the store.")
    return redirect(item.request)


@staff_required
@require_POST
def request_item_not_applicable(request: HttpRequest, code) -> HttpResponse:
    item = access_request_item(request, code)
    form = NotApplicableForm(request.POST)
    if not form.is_valid():
        return _detail(request, item.request, item_error=(item.pk, form.errors["reason"][0]))
    try:
        services.mark_not_applicable(item, form.cleaned_data["reason"], user=request.user)
    except services.RequestError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, f"“{item.title}” marked not applicable.")
    return redirect(_item_url(item))


@staff_required
@require_POST
def request_item_needed(request: HttpRequest, code) -> HttpResponse:
    item = access_request_item(request, code)
    try:
        services.mark_needed(item)
    except services.RequestError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, f"“{item.title}” is needed again.")
    return redirect(_item_url(item))


@staff_required
@require_POST
def request_item_upload(request: HttpRequest, code) -> HttpResponse:
    """Mark received by uploading: each file is stored in the client's documents (the item's
    type, the request's period, source "staff upload") and linked to the item."""
    item = access_request_item(request, code)
    form = ItemUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _detail(request, item.request, item_error=(item.pk, form.errors["files"][0]))
    for upload in form.cleaned_data["files"]:
        try:
            document, created = services.upload_to_item(item, upload, user=request.user)
        except UploadRefused as refused:
            messages.error(request, refused.message)
            continue
        except services.RequestError as refused:
            messages.error(request, refused.message)
            break
        if created:
            messages.success(request, f"Stored {document.original_name} for “{item.title}”.")
        else:
            messages.info(
                request,
                f"{document.original_name} was in the store already; it is now linked to "
                f"“{item.title}”.",
            )
    return redirect(_item_url(item))


@staff_required
@require_POST
def request_item_unlink(request: HttpRequest, code) -> HttpResponse:
    """Take one document off the item (posted as ``document``, one of the item's own)."""
    item = access_request_item(request, code)
    link = (
        RequestItemDocument.objects.filter(item=item, document__code=request.POST.get("document"))
        .select_related("document")
        .first()
        if _is_uuid(request.POST.get("document", ""))
        else None
    )
    if link is None:
        messages.error(request, f"That document is not linked to “{item.title}”; nothing changed.")
        return redirect(_item_url(item))
    try:
        services.unlink_document(item, link.document)
    except services.RequestError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request,
            f"{link.document.original_name} is no longer linked to “{item.title}”; "
            "it stays in the documents.",
        )
    return redirect(_item_url(item))


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True
