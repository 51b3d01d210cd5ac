"""What a parse gives and what bounds it: ``ParsedMessage`` with its ``Attachment``s and
``Kind``, the ``Limits`` a caller may set, ``MessageRejected`` (with a sentence for staff) for a
message over one of them, and the fixed caps on each field read from a stranger's headers.

Apart from ``inbox.parsing``, which re-exports the public names, because every step of the
parse (the raw checks, the walk, the kinds) needs them and ``inbox.parsing`` imports those
steps: here they sit below all of them. Pure: standard library only.
"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

MB = 1024 * 1024
KB = 1024


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 30 * MB  # raw message
    max_attachments: int = 100
    max_parts: int = 500  # MIME parts walked, all depths
    max_depth: int = 10  # message/rfc822 and multipart nesting
    max_header_bytes: int = 256 * KB  # the top header block
    max_attachment_bytes: int = 25 * MB
    max_text_chars: int = 200_000  # text_body / html_body kept


# Fixed caps on what is kept of a stranger's message, field by field.
MAX_HEADERS = 100
MAX_HEADER_VALUE = 1_000
MAX_RECIPIENTS = 100
MAX_DEFECTS = 50
MAX_NAME = 150
MAX_SUBJECT = 500
MAX_FROM_NAME = 200
MAX_MESSAGE_ID = 255


class MessageRejected(Exception):
    """Over a cap: ``reason`` is a sentence for staff, e.g. 'The message has 3,000 MIME parts;
    the limit is 500.'"""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Attachment:
    name: str  # display name only, safe to show (see display_name)
    content_type: str  # declared, lowercase
    data: bytes
    origin: str = ""  # "", "forwarded message", "winmail.dat" or "Outlook message"


class Kind(StrEnum):
    DOCUMENTS = "documents"
    BOUNCE = "bounce"
    AUTO_REPLY = "auto_reply"
    CALENDAR = "calendar"
    NO_DOCUMENTS = "no_documents"


@dataclass(frozen=True)
class ParsedMessage:
    kind: Kind
    message_id: str
    subject: str
    from_address: str
    from_name: str
    to: tuple[str, ...]
    sent_at: datetime | None
    authenticated: bool
    auth_summary: str
    text: str
    html: str
    headers: tuple[tuple[str, str], ...]
    attachments: tuple[Attachment, ...]
    skipped: tuple[tuple[str, str], ...]
    defects: tuple[str, ...]


def readable_size(n: int) -> str:
    """'31 MB', '25.5 MB', '300 KB': sizes in the reasons staff read."""
    unit, name = (MB, "MB") if n >= MB else (KB, "KB")
    return f"{n / unit:.1f}".removesuffix(".0") + f" {name}"
