"""Fetch a pack or a checklist item for a view: another practice's object is a 404."""

from django.shortcuts import get_object_or_404

from tasks.models import Pack, PackItem


def access_pack(request, code) -> Pack:
    return get_object_or_404(
        Pack.objects.select_related("client", "template", "preparer", "reviewer"), code=code
    )


def access_pack_item(request, code) -> PackItem:
    return get_object_or_404(PackItem.objects.select_related("pack"), code=code)
