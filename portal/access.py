"""Fetch a document request or an item for a view: another practice's is a 404."""

from django.shortcuts import get_object_or_404


def access_request(request, code):
    """A document request (with its client and pack)."""
    from portal.models import DocumentRequest

    return get_object_or_404(
        DocumentRequest.objects.select_related(
            "client", "client__preparer", "client__reviewer", "pack", "created_by"
        ),
        code=code,
    )


def access_request_item(request, code):
    """A request item (with its request and the request's client)."""
    from portal.models import RequestItem

    return get_object_or_404(
        RequestItem.objects.select_related("request", "request__client", "request__pack"),
        code=code,
    )
