"""The inbox for staff: the list of every message, one message as it arrived (headers, text,
the HTML body made safe, its attachments and where each went, the routing reasons), an
attachment's bytes, and "Reprocess"."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_POST

from atlasos.accounts.decorators import staff_required
from atlasos.htmx import is_fragment_request
from clients.models import Client
from documents import serving
from documents.store import owned
from inbox import intake
from inbox.access import access_inbound_attachment, access_inbound_message
from inbox.context_processors import CACHE_ATTRIBUTE, forget_waiting
from inbox.forms import MessageFilterForm, active_clients
from inbox.models import InboundAttachment, InboundMessage
from inbox.storage import raw_prefix
from inbox.views.html_body import sanitise

PAGE_SIZE = 50
Status = InboundMessage.Status
# The HTML body's frame may show text and the message's own styles, and load nothing at all:
# no script, no image, no font, no form, no plugin, and no page may frame it but ours.
HTML_BODY_CSP = (
    "sandbox allow-popups allow-popups-to-escape-sandbox; default-src 'none'; "
    "style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'"
)
# What "Reprocess" may take again: a filed message never (its documents are in the store), one
# still being processed not yet.
REPROCESSABLE = (Status.TRIAGE, Status.IGNORED, Status.REJECTED, Status.FAILED)


def status_chips(counts: dict[str, int], chosen: str) -> list[dict]:
    """One chip per status that has messages (and the chosen one), with its count."""
    chips = [{"value": "", "label": "All", "count": sum(counts.values()), "on": not chosen}]
    for value, label in Status.choices:
        if counts.get(value) or value == chosen:
            chips.append(
                {
                    "value": value,
                    "label": label,
                    "count": counts.get(value, 0),
                    "on": value == chosen,
                }
            )
    return chips


@staff_required
@require_GET
def message_list(request: HttpRequest) -> HttpResponse:
    form = MessageFilterForm(request.GET, practice_id=request.user.practice_id)
    base = form.apply(InboundMessage.objects.all(), status=False)
    counts = dict(base.order_by().values_list("status").annotate(n=Count("pk")))
    if not form.values.get("q") and not form.values.get("client"):
        # The unfiltered counts hold the top bar's: no second query for it.
        setattr(request, CACHE_ATTRIBUTE, counts.get(Status.TRIAGE, 0))
    rows = (
        form.apply(InboundMessage.objects.all())
        .select_related("client")
        .annotate(
            documents=Count(
                "attachments",
                filter=~Q(attachments__status=InboundAttachment.Status.NOT_DOCUMENT),
            )
        )
        .order_by("-received_at", "-pk")
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    chip_query = query.copy()
    chip_query.pop("status", None)
    context = {
        "nav": "inbox",
        "form": form,
        "page": page,
        "chips": status_chips(counts, form.values.get("status", "")),
        "query": query.urlencode(),
        "chip_query": chip_query.urlencode(),
        "filtered": bool(form.values),
    }
    if is_fragment_request(request):
        return render(request, "inbox/list.html#results", context)
    return render(request, "inbox/list.html", context)


def candidate_rows(candidates: list[dict], clients: dict[int, Client]) -> list[dict]:
    """The router's ranked candidates with their clients (those still of the practice)."""
    rows = []
    for candidate in candidates or ():
        client = clients.get(candidate.get("client_id"))
        if client is not None:
            rows.append({**candidate, "client": client})
    return rows


def candidate_clients(messages_: list[InboundMessage]) -> dict[int, Client]:
    """Every candidate client of ``messages_`` in one query."""
    ids = {c.get("client_id") for m in messages_ for c in (m.candidates or ()) if c}
    ids.discard(None)
    if not ids:
        return {}
    clients = Client.objects.filter(pk__in=ids).only("code", "name", "short_code", "status")
    return {client.pk: client for client in clients}


def message_context(request, message: InboundMessage, **extra) -> dict:
    attachments = list(
        message.attachments.select_related("document", "client").order_by("position")
    )
    waiting = [a for a in attachments if a.status == InboundAttachment.Status.WAITING]
    in_triage = message.status == Status.TRIAGE
    context = {
        "nav": "inbox",
        "message": message,
        "attachments": attachments,
        "waiting": waiting,
        "candidates": candidate_rows(message.candidates, candidate_clients([message])),
        "in_triage": in_triage,
        "can_reprocess": message.status in REPROCESSABLE,
        "has_html": bool(message.html_body),
        "pickable_clients": (
            active_clients(request.user.practice_id)
            .order_by("name")
            .only("code", "name", "short_code")
            if in_triage
            else ()
        ),
    }
    context.update(extra)
    return context


@staff_required
@require_GET
def message_detail(request: HttpRequest, code) -> HttpResponse:
    message = access_inbound_message(request, code)
    return render(request, "inbox/message.html", message_context(request, message))


@staff_required
@require_GET
@xframe_options_sameorigin
def message_html(request: HttpRequest, code) -> HttpResponse:
    """The HTML body, sanitised, for the sandboxed frame of the message page."""
    message = access_inbound_message(request, code)
    if not message.html_body:
        raise Http404("This message has no HTML body.")
    response = render(request, "inbox/message_html.html", {"body": sanitise(message.html_body)})
    response["Content-Security-Policy"] = HTML_BODY_CSP
    response["Cache-Control"] = "private, no-store"
    return response


@staff_required
@require_GET
def attachment_download(request: HttpRequest, code) -> HttpResponse:
    """The attachment's kept bytes, always as a download (never shown inline), with its name
    from the email encoded as RFC 6266 says; only from the practice's own inbox folder, or,
    for an attachment filed without a copy of its own, its document's (the same bytes)."""
    attachment = access_inbound_attachment(request, code)
    key = attachment.storage_key
    if not key and attachment.document_id:
        document = attachment.document
        # Deleted documents keep their file until purged: the email's attachment is still
        # there to download (to file it elsewhere, say).
        if owned(document.storage_key, document.practice_id):
            key = document.storage_key
    elif key and not key.startswith(raw_prefix(attachment.practice_id)):
        key = ""
    if not key:
        raise Http404("This attachment's bytes were not kept.")
    name = attachment.name or f"attachment-{attachment.position}"
    # Whatever the email said the type was, the browser gets bytes to save, not to render.
    return serving.download(key, name=name, content_type="application/octet-stream")


@staff_required
@require_POST
def message_reprocess(request: HttpRequest, code) -> HttpResponse:
    message = access_inbound_message(request, code)
    if message.status not in REPROCESSABLE:
        if message.status == Status.ROUTED:
            messages.info(request, "This message is filed: its documents are in the store.")
        else:
            messages.info(request, "This message is being processed already.")
        return redirect(message)
    intake.reprocess(message)
    forget_waiting(request)
    message.refresh_from_db()
    if message.status in (Status.RECEIVED, Status.PARSED):
        messages.success(request, "Queued: the message will be processed again in a moment.")
    else:
        outcome = message.get_status_display().lower()
        messages.success(
            request,
            f"Processed again: {outcome}." + (f" {message.reason}" if message.reason else ""),
        )
    return redirect(message)
