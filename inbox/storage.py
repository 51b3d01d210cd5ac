"""Where the inbox keeps bytes: under the practice's own prefix, at random keys."""

import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage


def raw_prefix(practice_id: int) -> str:
    """Raw messages and their attachments' bytes until filed."""
    return f"practices/{practice_id}/inbox/"


def keep_bytes_of(row) -> None:
    """Save an ``InboundAttachment``'s bytes (held in ``content``) in the practice's inbox
    folder, once."""
    content = row.__dict__.get("content")
    if row.storage_key or content is None:
        return
    row.storage_key = default_storage.save(
        f"{raw_prefix(row.practice_id or row.message.practice_id)}{uuid.uuid4().hex}",
        ContentFile(content),
    )
