"""A client contact answers a request item: uploads files against it, or says it is not
applicable this month.

Both are plain form posts that redirect back to the request's page with messages (no
JavaScript needed). ``portal.js`` posts the same upload form with ``XMLHttpRequest`` (for the
progress bar) and gets the request's checklist back instead of a redirect, with each file's
outcome beside the item, and swaps it into the page.

Each file of a batch is judged and stored on its own: a refused file gets its own message and
leaves nothing behind, the good ones are kept. Only items of a granted client's *sent* request
take uploads; a complete or cancelled request refuses them with a message.
"""

from django.contrib import messages
from django.contrib.messages import constants
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from documents.models import Source
from documents.uploads import UploadRefused, clean_name
from portal import requests as services
from portal.contact_access import access_granted, contact_required
from portal.forms import ItemUploadForm, NotApplicableForm
from portal.models import RequestItem, RequestStatus
from portal.views.contact_pages import (
    access_contact_request,
    checklist_context,
    render_request_page,
)

# Items a contact can reach: those of requests sent to them, complete or cancelled since
# (answered with a message). Requests never sent are unknown to contacts: 404.
REACHABLE = Q(request__status=RequestStatus.SENT) | Q(
    request__status__in=(RequestStatus.COMPLETE, RequestStatus.CANCELLED),
    request__sent_at__isnull=False,
)
PARTIAL_HEADER = "X-Portal-Checklist"


def access_contact_item(request, code) -> RequestItem:
    queryset = RequestItem.objects.select_related("request", "request__client").filter(REACHABLE)
    return access_granted(request, queryset, code, client_field="request__client")


def wants_checklist(request) -> bool:
    """The upload came from portal.js, which swaps the returned checklist into the page."""
    return request.headers.get("X-Requested-With") == "XMLHttpRequest"


def item_url(item: RequestItem) -> str:
    return f"{reverse('portal_request', args=[item.request.code])}#item-{item.code}"


def closed_message(document_request) -> str:
    if document_request.status == RequestStatus.CANCELLED:
        return (
            f"“{document_request.title}” was cancelled by your accountant; nothing more is "
            "needed for it."
        )
    return (
        f"“{document_request.title}” is complete; nothing more is needed for it. Thank you. "
        "If you have more documents for it, tell your accountant."
    )


def refuse_closed(request, item: RequestItem) -> HttpResponse:
    """The request no longer takes answers: say so and change nothing."""
    text = closed_message(item.request)
    if wants_checklist(request):
        return HttpResponse(text, status=409, content_type="text/plain; charset=utf-8")
    messages.error(request, text)
    if item.request.status == RequestStatus.CANCELLED:
        return redirect("portal_client", item.request.client.code)
    return redirect(item_url(item))


def store_files(item: RequestItem, files, contact) -> list[tuple[int, str]]:
    """Store each file against ``item``; one (level, message) per file."""
    results = []
    for upload in files:
        shown = clean_name(upload.name)
        try:
            document, created = services.upload_to_item(
                item, upload, contact=contact, source=Source.PORTAL
            )
        except UploadRefused as refused:
            results.append((constants.ERROR, refused.message))
            continue
        except services.RequestError as refused:
            results.append((constants.ERROR, refused.message))
            break
        if created:
            results.append((constants.SUCCESS, f"Received {document.original_name}."))
        else:
            results.append(
                (
                    constants.INFO,
                    f"{shown}: we already have this file, so it was not stored twice. "
                    f"It counts for “{item.title}”.",
                )
            )
    return results


@contact_required
@require_POST
def item_upload(request: HttpRequest, code) -> HttpResponse:
    item = access_contact_item(request, code)
    if item.request.status != RequestStatus.SENT:
        return refuse_closed(request, item)
    form = ItemUploadForm(request.POST, request.FILES)
    if form.is_valid():
        results = store_files(item, form.cleaned_data["files"], request.contact)
    else:
        results = [(constants.ERROR, form.errors["files"][0])]
    if wants_checklist(request):
        document_request = access_contact_request(request, item.request.code)
        context = checklist_context(
            request,
            document_request,
            results_item=item.pk,
            results=[(constants.DEFAULT_TAGS[level], text) for level, text in results],
        )
        response = render(request, "portal/contact/_checklist.html", context)
        response[PARTIAL_HEADER] = str(document_request.code)
        return response
    for level, text in results:
        messages.add_message(request, level, text)
    return redirect(item_url(item))


@contact_required
@require_POST
def item_not_applicable(request: HttpRequest, code) -> HttpResponse:
    item = access_contact_item(request, code)
    if item.request.status != RequestStatus.SENT:
        return refuse_closed(request, item)
    form = NotApplicableForm(request.POST)
    if not form.is_valid():
        return render_request_page(
            request,
            access_contact_request(request, item.request.code),
            error_item=item.pk,
            error_text=form.errors["reason"][0],
        )
    try:
        services.mark_not_applicable(item, form.cleaned_data["reason"], contact=request.contact)
    except services.RequestError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, f"“{item.title}” marked not applicable this month.")
    return redirect(item_url(item))
