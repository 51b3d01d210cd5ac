"""Staff views of the client document store: the Documents tab, upload, download, preview,
reclassify, delete and restore."""

import logging

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import dateformat, timezone
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from atlasos import clock
from atlasos.accounts.decorators import staff_required
from atlasos.htmx import is_fragment_request
from clients.access import access_client
from clients.views.clients import client_tab_context
from cycle.periods import period_label
from documents import serving
from documents import store as documents
from documents.access import access_document
from documents.extensions import with_source_links
from documents.forms import DocumentFilterForm, DocumentUploadForm, ReclassifyForm
from documents.models import Document, Source
from documents.uploads import UploadRefused

logger = logging.getLogger(__name__)

PAGE_SIZE = 50
# What a previewed file may do in the browser: nothing. PDFs and images render; scripts in a
# PDF, forms, plugins and navigation are all off.
PREVIEW_CSP = "sandbox; default-src 'none'; img-src 'self'; object-src 'none'"


def _live(client):
    return Document.objects.live().filter(client=client)


def _day(moment) -> str:
    return dateformat.format(timezone.localtime(moment), "D j M")


def _tab_url(client, query: str = "") -> str:
    url = reverse("client_documents", args=[client.code])
    return f"{url}?{query}" if query else url


def _upload(request, client, form) -> None:
    """Store each chosen file on its own and say what became of it."""
    for upload in form.cleaned_data["files"]:
        try:
            document, created = documents.store_document(
                client,
                upload,
                doc_type=form.cleaned_data["doc_type"],
                period=form.cleaned_data["period"],
                source=Source.STAFF_UPLOAD,
                user=request.user,
            )
        except UploadRefused as refused:
            messages.error(request, refused.message)
            continue
        if created:
            messages.success(request, f"Stored {document.original_name}.")
        else:
            messages.info(
                request,
                f"Already in the store: {document.original_name}, "
                f"uploaded {_day(document.created_at)}. Nothing new was stored.",
            )


@staff_required
@require_http_methods(["GET", "POST"])
def client_documents(request: HttpRequest, code) -> HttpResponse:
    client = access_client(request, code)
    if request.method == "POST":
        upload_form = DocumentUploadForm(request.POST, request.FILES)
        if upload_form.is_valid():
            _upload(request, client, upload_form)
            return redirect(_tab_url(client, request.GET.urlencode()))
    else:
        upload_form = DocumentUploadForm()
    periods = list(
        _live(client)
        .filter(period__isnull=False)
        .values_list("period", flat=True)
        .distinct()
        .order_by("-period")
    )
    filters = DocumentFilterForm(request.GET or None, periods=periods, auto_id="filter-%s")
    queryset = filters.apply(_live(client)).select_related("uploaded_by", "uploaded_by_contact")
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    # Where an app above filed a document from (the inbox: its email), one query per page.
    page.object_list = with_source_links(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    context = client_tab_context(client)
    context.update(
        tab="documents",
        filters=filters,
        page=page,
        query=query.urlencode(),
        upload_form=upload_form,
    )
    if is_fragment_request(request):
        return render(request, "documents/client_documents.html#results", context)
    return render(request, "documents/client_documents.html", context, status=200)


@staff_required
@require_GET
def client_documents_deleted(request: HttpRequest, code) -> HttpResponse:
    client = access_client(request, code)
    since = clock.now() - documents.KEEP_DELETED
    deleted = (
        Document.objects.filter(client=client, deleted_at__gte=since)
        .select_related("deleted_by")
        .order_by("-deleted_at")
    )
    page = Paginator(deleted, PAGE_SIZE).get_page(request.GET.get("page"))
    context = client_tab_context(client)
    context.update(tab="documents", page=page, query="", keep_days=documents.KEEP_DELETED.days)
    return render(request, "documents/client_documents_deleted.html", context)


@staff_required
@require_GET
def document_detail(request: HttpRequest, code) -> HttpResponse:
    document = access_document(request, code)
    return _detail(request, document, ReclassifyForm(document=document))


def _detail(request, document, form, status=200) -> HttpResponse:
    context = client_tab_context(document.client)
    (document,) = with_source_links([document])
    context.update(tab="documents", document=document, form=form)
    return render(request, "documents/document_detail.html", context, status=status)


@staff_required
@require_GET
def document_download(request: HttpRequest, code) -> HttpResponse:
    """Always an attachment: a signed S3 URL valid for a minute, or the bytes streamed."""
    return serving.attachment_response(access_document(request, code))


@staff_required
@require_GET
@xframe_options_sameorigin
def document_preview(request: HttpRequest, code) -> HttpResponse:
    """PDFs and raster images inline, for the <iframe>/<img> of the detail page, under a
    sandboxing Content-Security-Policy: a PDF's JavaScript never runs with our origin.

    The sandbox is the response's, not the frame's: Chromium shows its "blocked" page instead
    of the PDF viewer inside an ``<iframe sandbox>``, but renders a PDF whose own response
    carries ``Content-Security-Policy: sandbox``."""
    document = access_document(request, code)
    if not document.previewable:
        raise Http404("This type of document has no preview; download it instead.")
    response = serving.stream(document, inline=True)
    response["Content-Security-Policy"] = PREVIEW_CSP + "; frame-ancestors 'self'"
    return response


@staff_required
@require_POST
def document_edit(request: HttpRequest, code) -> HttpResponse:
    document = access_document(request, code)
    form = ReclassifyForm(request.POST, document=document)
    if not form.is_valid():
        return _detail(request, document, form)
    documents.reclassify(document, form.cleaned_data["doc_type"], form.cleaned_data["period"])
    period = period_label(document.period, "monthly") if document.period else "no period"
    messages.success(
        request,
        f"{document.original_name} is now filed as {document.get_doc_type_display()}, {period}.",
    )
    return redirect("document_detail", document.code)


@staff_required
@require_POST
def document_delete(request: HttpRequest, code) -> HttpResponse:
    document = access_document(request, code)
    try:
        documents.soft_delete(document, request.user)
    except documents.DocumentError as refused:
        messages.error(request, refused.message)
        return redirect("document_detail", document.code)
    until = documents.restore_deadline(document)
    messages.success(
        request,
        f"{document.original_name} deleted. You can restore it from Recently deleted until "
        f"{_day(until)}.",
    )
    return redirect("client_documents", document.client.code)


@staff_required
@require_POST
def document_restore(request: HttpRequest, code) -> HttpResponse:
    document = access_document(request, code, deleted=None)
    try:
        documents.restore(document)
    except documents.DocumentError as refused:
        messages.error(request, refused.message)
        return redirect("client_documents_deleted", document.client.code)
    messages.success(request, f"{document.original_name} restored.")
    return redirect("client_documents", document.client.code)
