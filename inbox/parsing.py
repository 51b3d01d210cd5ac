"""One raw email in, plain facts out: ``parse(raw)`` reads a message from a stranger with the
standard library's ``email`` package and returns a frozen ``ParsedMessage`` — who sent it
(parsed strictly), whether the receiving server authenticated it, its text, its attachments
(forwarded messages, winmail.dat and Outlook .msg files unpacked), what was skipped and why,
and what kind of message it is (documents, bounce, automatic reply, invitation, nothing).

Pure: standard library and the unpackers, no Django. ``parse`` raises ``MessageRejected``
(with a sentence for staff) over a cap, and nothing else whatever the bytes: every header
read and every decode is guarded and falls back, and what was wrong is listed in ``defects``.

Cost is bounded before the parse as well as during it, because the standard library's own
parse costs time in proportion to lines × multipart nesting, and its structured-header parser
is super-linear on some values (python/cpython#136063). So, in order: the raw size, the top
header block, the number of lines, then the MIME parts and the nesting counted from the
declared boundaries (a cheap scan of the bytes); then the parse, with a policy that caches and
bounds header parsing; then an iterative walk that counts parts, depth and attachments again
and stops at the first cap exceeded.

The steps live in modules of their own, each named for what it does: ``raw_checks`` (the
cheap checks), ``header_policy`` (the bounded header parse), ``mime_walk`` with ``mime_parts``,
``display_names`` and ``html_text`` (the walk), ``senders`` and ``authentication`` (who sent
it, and whether that was verified), ``message_kinds`` (what kind of message), ``mail_text``
(decoding and cleaning shared by all) and ``parsed_message`` (the result, the limits and
``MessageRejected``). This module reads the message's own headers and puts the facts together;
it is the entry point, and re-exports the public names.
"""

import email
import email.utils
import logging
import re
from collections.abc import Collection
from datetime import UTC, datetime
from email.message import Message

from inbox.authentication import read_authentication
from inbox.display_names import display_name
from inbox.header_policy import BoundedPolicy
from inbox.html_text import html_to_text
from inbox.mail_text import header_text, one_line, raw_get, raw_headers
from inbox.message_kinds import message_kind
from inbox.mime_parts import Defects, part_content_type, part_param
from inbox.mime_walk import Walk
from inbox.parsed_message import (
    MAX_HEADER_VALUE,
    MAX_HEADERS,
    MAX_MESSAGE_ID,
    MAX_NAME,
    MAX_RECIPIENTS,
    MAX_SUBJECT,
    Attachment,
    Kind,
    Limits,
    MessageRejected,
    ParsedMessage,
)
from inbox.raw_checks import precheck
from inbox.senders import read_mailboxes, read_sender

__all__ = [
    "Attachment",
    "Kind",
    "Limits",
    "MessageRejected",
    "ParsedMessage",
    "display_name",
    "html_to_text",
    "parse",
]

logger = logging.getLogger(__name__)

EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)


# --- Dates and identifiers ----------------------------------------------------------------


def _date(raw_value: str | None) -> datetime | None:
    if not raw_value:
        return None
    try:
        moment = email.utils.parsedate_to_datetime(one_line(header_text(raw_value), 200))
    except Exception:
        return None
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        return moment if EARLIEST <= moment < LATEST else None
    except Exception:
        return None


def _message_id(raw_value: str | None) -> str:
    if not raw_value:
        return ""
    text = one_line(header_text(raw_value), 2_000)
    match = re.search(r"<([^<>]*)>", text)
    value = match.group(1) if match else text
    return re.sub(r"\s+", "", value).strip("<>")[:MAX_MESSAGE_ID]


# --- parse --------------------------------------------------------------------------------


def parse(
    raw: bytes,
    limits: Limits = Limits(),  # noqa: B008
    *,
    trusted_authserv_ids: Collection[str] | None = None,
) -> ParsedMessage:
    """Read one raw message. Raise ``MessageRejected`` over a cap; never any other exception,
    whatever the bytes. (``Limits`` is frozen, so the shared default is safe.)

    ``trusted_authserv_ids``: the receiving servers whose Authentication-Results count (RFC
    8601 §5: a header is only trusted when its authserv-id is one of ours); None trusts the
    topmost header whoever wrote it."""
    raw = bytes(raw)
    precheck(raw, limits)
    policy = BoundedPolicy()
    try:
        message = email.message_from_bytes(raw, policy=policy)
    except RecursionError:
        raise MessageRejected(
            "The message nests its parts or forwarded messages too deeply to read; "
            f"the limit is {limits.max_depth} levels."
        ) from None
    except Exception as error:  # the parser is meant never to raise; if it does, say so
        logger.warning("inbox: the email parser raised %r", error)
        raise MessageRejected(
            f"The message could not be read as email ({type(error).__name__})."
        ) from None
    try:
        return _read(message, policy, limits, trusted_authserv_ids)
    except MessageRejected:
        raise
    except RecursionError:
        raise MessageRejected(
            "The message nests its parts or forwarded messages too deeply to read; "
            f"the limit is {limits.max_depth} levels."
        ) from None
    except Exception as error:
        logger.exception("inbox: reading a parsed message failed")
        raise MessageRejected(f"The message could not be read ({type(error).__name__}).") from None


def _read(
    message: Message, policy: BoundedPolicy, limits: Limits, trusted: Collection[str] | None
) -> ParsedMessage:
    defects = Defects()
    headers = raw_headers(message)
    from_address, from_name = read_sender(raw_get(headers, "from"))
    subject = one_line(header_text(raw_get(headers, "subject") or ""), MAX_SUBJECT)
    walk = Walk(limits, defects)
    walk.run(message)
    for problem in policy._problems:
        defects.add(problem)
    authenticated, summary = read_authentication(
        raw_get(headers, "authentication-results"), from_address, trusted
    )
    top = (part_content_type(message), part_param(message, "report-type"))
    return ParsedMessage(
        kind=message_kind(walk, headers, from_address, subject, top),
        message_id=_message_id(raw_get(headers, "message-id")),
        subject=subject,
        from_address=from_address,
        from_name=from_name,
        to=_recipients(headers),
        sent_at=_date(raw_get(headers, "date")),
        authenticated=authenticated,
        auth_summary=summary,
        text=walk.text(),
        html=walk.html(),
        headers=tuple(
            (one_line(name, 100), one_line(header_text(value), MAX_HEADER_VALUE))
            for name, value in headers[:MAX_HEADERS]
        ),
        attachments=tuple(walk.attachments),
        skipped=tuple((one_line(name, MAX_NAME) or "part", why) for name, why in walk.skipped),
        defects=tuple(defects.names),
    )


def _recipients(headers: list[tuple[str, str]]) -> tuple[str, ...]:
    found: dict[str, None] = {}
    for name, value in headers:
        if name.lower() in ("to", "cc"):
            for _, address in read_mailboxes(value) or ():
                found.setdefault(address, None)
    return tuple(found)[:MAX_RECIPIENTS]
