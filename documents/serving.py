"""Sending a stored document to a browser, for staff and client contacts alike.

The caller has already decided that the person may have the document. Downloads are always
attachments with ``X-Content-Type-Options: nosniff``: on S3 a redirect to a signed URL, valid
for a minute, that asks S3 for the same headers; otherwise the bytes streamed by Django.
"""

import logging

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.http import content_disposition_header

from documents.models import Document
from documents.store import open_stored_file

logger = logging.getLogger(__name__)

SIGNED_URL_SECONDS = 60


def _private(response: HttpResponse) -> HttpResponse:
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _streamed(stored, *, name: str, content_type: str, inline: bool) -> FileResponse:
    return _private(
        FileResponse(stored, as_attachment=not inline, filename=name, content_type=content_type)
    )


def stream(document: Document, *, inline: bool) -> FileResponse:
    """The stored bytes through this process (404 when the file has gone missing)."""
    try:
        stored = open_stored_file(document)
    except (FileNotFoundError, OSError):
        logger.error("document %s: file %s is missing", document.code, document.storage_key)
        raise Http404("The file of this document is missing.") from None
    return _streamed(
        stored, name=document.original_name, content_type=document.content_type, inline=inline
    )


def download(key: str, *, name: str, content_type: str) -> HttpResponse:
    """The stored file at ``key`` as an attachment named ``name`` (RFC 6266): a signed S3 URL
    or a stream. The caller has checked that the key is the practice's and the person may
    have it (the inbox's kept attachments come this way)."""
    if settings.AWS_STORAGE_BUCKET_NAME:
        return _signed_redirect(key, name, content_type)
    try:
        stored = default_storage.open(key, "rb")
    except (FileNotFoundError, OSError):
        logger.error("stored file %s is missing", key)
        raise Http404("The file is missing.") from None
    return _streamed(stored, name=name, content_type=content_type, inline=False)


def _signed_redirect(key: str, name: str, content_type: str) -> HttpResponse:
    url = default_storage.url(
        key,
        parameters={
            "ResponseContentDisposition": content_disposition_header(True, name),
            "ResponseContentType": content_type,
        },
        expire=SIGNED_URL_SECONDS,
    )
    return redirect(url)


def attachment_response(document: Document) -> HttpResponse:
    """Download ``document`` as an attachment: a signed S3 URL or a stream."""
    if settings.AWS_STORAGE_BUCKET_NAME:
        return _signed_redirect(document.storage_key, document.original_name, document.content_type)
    return stream(document, inline=False)
