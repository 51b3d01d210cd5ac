"""The client contact's pages of the portal: a client's requests as checklists, one request,
what the contact sent us and what the accountant delivered, downloads and acknowledgement.

Every object is fetched through ``portal.contact_access`` (another client's object is a 404);
drafts and cancelled requests are never shown to contacts. Uploads and "not applicable" live
in ``portal.views.contact_uploads``.
"""

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from atlasos import clock
from atlasos.redirects import local_url
from documents import serving
from documents.models import Document, Source
from portal import delivery as delivery_services
from portal.contact_access import (
    access_granted,
    access_granted_client,
    contact_required,
    frame,
    granted_client_ids,
)
from portal.models import (
    Delivery,
    DeliveryDocument,
    DocumentRequest,
    RequestItem,
    RequestItemDocument,
    RequestStatus,
)
from portal.requests import with_progress

# Requests a contact sees: sent (open) and complete; never drafts or cancelled ones, nor a
# request completed by staff before it was ever sent.
VISIBLE = Q(status=RequestStatus.SENT) | Q(status=RequestStatus.COMPLETE, sent_at__isnull=False)
COMPLETED_SHOWN = 12
PAGE_SIZE = 50


def today_for(request) -> datetime.date:
    return clock.practice_today(request.user.practice)


def items_prefetch() -> Prefetch:
    """A request's items, each with its live linked documents (two queries for any number)."""
    links = (
        RequestItemDocument.objects.filter(document__in=Document.objects.live().values("pk"))
        .select_related("document")
        .order_by("linked_at", "pk")
    )
    items = RequestItem.objects.select_related("marked_by_contact").prefetch_related(
        Prefetch("links", queryset=links)
    )
    return Prefetch("items", queryset=items)


def visible_requests(client_ids):
    """Requests of these clients that contacts may see, with progress and items."""
    return with_progress(
        DocumentRequest.objects.filter(VISIBLE, client_id__in=client_ids)
    ).prefetch_related(items_prefetch())


def access_contact_request(request, code) -> DocumentRequest:
    queryset = visible_requests(granted_client_ids(request)).select_related("client")
    return access_granted(request, queryset, code)


def checklist_context(request, document_request: DocumentRequest, **extra) -> dict:
    """What ``_checklist.html`` needs for one request (the page and the upload's partial)."""
    context = {
        "document_request": document_request,
        "upload_limit": settings.ATLAS_UPLOAD_MAX_BYTES,
        "items": list(document_request.items.all()),
        "today": today_for(request),
        "accepting": document_request.status == RequestStatus.SENT,
    }
    context.update(extra)
    return context


@contact_required
@require_GET
def client_page(request: HttpRequest, code) -> HttpResponse:
    """The client's open requests as checklists, then the completed ones, folded."""
    client = access_granted_client(request, code)
    requests = visible_requests([client.pk])
    open_requests = list(requests.filter(status=RequestStatus.SENT).order_by("due", "pk"))
    completed = list(
        requests.filter(status=RequestStatus.COMPLETE).order_by("-completed_at", "-pk")[
            : COMPLETED_SHOWN + 1
        ]
    )
    context = frame(request, client, "requests")
    context.update(
        client=client,
        open_requests=open_requests,
        completed=completed[:COMPLETED_SHOWN],
        more_completed=len(completed) > COMPLETED_SHOWN,
        today=today_for(request),
    )
    return render(request, "portal/contact/client.html", context)


@contact_required
@require_GET
def request_page(request: HttpRequest, code) -> HttpResponse:
    document_request = access_contact_request(request, code)
    return render_request_page(request, document_request)


def render_request_page(request, document_request, *, status: int = 200, **extra) -> HttpResponse:
    context = frame(request, document_request.client, "requests")
    context.update(checklist_context(request, document_request, **extra))
    return render(request, "portal/contact/request.html", context, status=status)


# --- documents and deliveries -----------------------------------------------------------------


def contact_documents(request):
    """Live documents a contact may download: those of a granted client that came through the
    portal or were delivered to that client."""
    delivered = DeliveryDocument.objects.filter(
        document=OuterRef("pk"), delivery__client_id=OuterRef("client_id")
    )
    return (
        Document.objects.live()
        .filter(client_id__in=granted_client_ids(request))
        .filter(Q(source=Source.PORTAL) | Exists(delivered))
    )


def deliveries_of(client_ids):
    live = DeliveryDocument.objects.filter(
        document__in=Document.objects.live().values("pk")
    ).select_related("document")
    return Delivery.objects.filter(client_id__in=client_ids).prefetch_related(
        Prefetch("links", queryset=live)
    )


@contact_required
@require_GET
def documents_page(request: HttpRequest, code) -> HttpResponse:
    """ "What you sent us" (newest first, paged) and "From your accountant" (deliveries)."""
    client = access_granted_client(request, code)
    sent = (
        Document.objects.live()
        .filter(client=client, source=Source.PORTAL)
        .select_related("uploaded_by_contact")
        .order_by("-created_at", "-pk")
    )
    page = Paginator(sent, PAGE_SIZE).get_page(request.GET.get("page"))
    context = frame(request, client, "documents")
    context.update(
        client=client,
        page=page,
        deliveries=list(deliveries_of([client.pk]).select_related("acknowledged_by")),
    )
    return render(request, "portal/contact/documents.html", context)


@contact_required
@require_GET
def document_download(request: HttpRequest, code) -> HttpResponse:
    document = access_granted(request, contact_documents(request), code)
    return serving.attachment_response(document)


@contact_required
@require_GET
def delivery_page(request: HttpRequest, code) -> HttpResponse:
    delivery = access_granted(
        request,
        deliveries_of(granted_client_ids(request)).select_related("client", "acknowledged_by"),
        code,
    )
    context = frame(request, delivery.client, "documents")
    context.update(delivery=delivery, client=delivery.client)
    return render(request, "portal/contact/delivery.html", context)


@contact_required
@require_POST
def delivery_acknowledge(request: HttpRequest, code) -> HttpResponse:
    delivery = access_granted(request, Delivery.objects.select_related("acknowledged_by"), code)
    if delivery_services.acknowledge(delivery, request.contact):
        messages.success(request, f"Thank you: you have acknowledged receipt of “{delivery}”.")
    else:
        delivery.refresh_from_db(fields=["acknowledged_at", "acknowledged_by"])
        who = delivery.acknowledged_by or "someone at your company"
        local = delivery.acknowledged_at.astimezone(ZoneInfo(request.user.practice.timezone))
        day = f"{local:%A} {local.day} {local:%B %Y}"
        messages.info(
            request, f"Receipt of “{delivery}” was already acknowledged by {who} on {day}."
        )
    default = reverse("portal_delivery", args=[delivery.code])
    return redirect(local_url(request, request.POST.get("next", ""), default, under="/portal/"))
