"""Fetch a document for a view: another practice's document (or a deleted one) is a 404."""

from django.shortcuts import get_object_or_404

from documents.models import Document


def access_document(request, code, *, deleted: bool | None = False) -> Document:
    """``deleted``: False for live documents only, True for deleted ones, None for either."""
    queryset = Document.objects.select_related("client", "uploaded_by", "uploaded_by_contact")
    if deleted is not None:
        queryset = queryset.filter(deleted_at__isnull=not deleted)
    return get_object_or_404(queryset, code=code)
