"""The files inside Outlook's containers: ``winmail.dat`` (TNEF, through tnefparse) and ``.msg``
messages (through extract-msg).

Pure: bytes in, ``(name, content_type, bytes)`` triples out. Names are returned as the container
gives them; making them safe to show is the caller's job. Anything that goes wrong inside either
library, whatever the exception, becomes one ``UnpackError`` with a reason for staff, so the
caller can keep the container as it came and say why.

Two safety points worth knowing:

* extract-msg hands its input to olefile, which treats a ``bytes`` value shorter than 1,536
  bytes as a *path on this machine* and opens it. A hostile ``.msg`` whose content is the text
  ``/some/local/file.msg`` would be read from our disk. The bytes are therefore always wrapped
  in a ``BytesIO``, which olefile reads as content, never as a path.
* Embedded messages (a message attached to a message) are followed at most
  ``MAX_NESTING`` levels, and a container yielding more than ``MAX_FILES`` files is refused.
"""

import io
import logging
import mimetypes
from collections.abc import Iterator
from contextlib import contextmanager

import extract_msg
from extract_msg.enums import ErrorBehavior
from tnefparse.properties import MAPI_ATTACH_LONG_FILENAME, MAPI_ATTACH_MIME_TAG
from tnefparse.tnef import TNEF

MAX_NESTING = 3
MAX_FILES = 1_000
GENERIC_TYPE = "application/octet-stream"

# Lenient with the small standard violations real Outlook files carry, never with the file
# structure itself (olefile still refuses what is not a compound file).
MSG_ERRORS = (
    ErrorBehavior.ATTACH_SUPPRESS_ALL | ErrorBehavior.RTFDE | ErrorBehavior.STANDARDS_VIOLATION
)

Unpacked = tuple[str, str, bytes]


class UnpackError(Exception):
    """The container could not be read: ``reason`` says why, in a sentence for staff."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@contextmanager
def _quiet(*names: str) -> Iterator[None]:
    """Silence the libraries' own logging while they read hostile bytes (they log every oddity
    at warning level, and ours are expected)."""
    loggers = [logging.getLogger(name) for name in names]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


def _text(value: object) -> str:
    """A name or body from either library as text: bytes are decoded leniently, NULs dropped."""
    if isinstance(value, bytes):
        try:
            value = value.decode("utf-8")
        except UnicodeDecodeError:
            value = value.decode("cp1252", errors="replace")
    if not isinstance(value, str):
        return ""
    return value.replace("\x00", "").strip()


def _content_type(declared: object, name: str) -> str:
    declared = _text(declared).lower()
    if declared.count("/") == 1 and " " not in declared:
        return declared
    guessed, _ = mimetypes.guess_type(name, strict=False)
    return guessed or GENERIC_TYPE


def _add(found: list[Unpacked], name: str, content_type: str, data: bytes) -> None:
    if len(found) >= MAX_FILES:
        raise UnpackError(f"It holds more than {MAX_FILES:,} files.")
    found.append((name, content_type, data))


# --- winmail.dat (TNEF) -------------------------------------------------------------------


def unpack_tnef(data: bytes) -> list[Unpacked]:
    """The files inside a ``winmail.dat``: ``[(name, content_type, bytes)]``, in order.

    A winmail.dat that holds only a formatted body (no files) gives ``[]``."""
    try:
        with _quiet("tnefparse"):
            tnef = TNEF(data, do_checksum=False)
            found: list[Unpacked] = []
            _tnef_files(tnef, found, depth=0)
    except UnpackError:
        raise
    except Exception as error:
        raise UnpackError(f"It is not a readable winmail.dat ({type(error).__name__}).") from None
    return found


def _tnef_files(tnef: TNEF, found: list[Unpacked], depth: int) -> None:
    for attachment in tnef.attachments:
        embedded = getattr(attachment, "embed", None)
        if embedded is not None:
            if depth < MAX_NESTING:
                _tnef_files(embedded, found, depth + 1)
            continue
        name = _tnef_name(attachment)
        mime = [a.data for a in attachment.mapi_attrs if a.name == MAPI_ATTACH_MIME_TAG]
        payload = attachment.data if isinstance(attachment.data, bytes) else b""
        _add(found, name, _content_type(mime[0] if mime else "", name), payload)


def _tnef_name(attachment) -> str:
    """The long file name when the MAPI properties carry one, else the 8.3 title."""
    for attr in attachment.mapi_attrs:
        if attr.name == MAPI_ATTACH_LONG_FILENAME and _text(attr.data):
            return _text(attr.data)
    return _text(getattr(attachment, "_name", b""))


# --- Outlook .msg -------------------------------------------------------------------------


def unpack_msg(data: bytes) -> tuple[str, list[Unpacked]]:
    """The body text and the files of an Outlook ``.msg``: ``(body, [(name, type, bytes)])``.

    Files of messages embedded in it are included (up to ``MAX_NESTING`` levels down); links
    to files on the web are not files and are left out."""
    found: list[Unpacked] = []
    try:
        with _quiet("extract_msg", "olefile", "RTFDE"):
            message = extract_msg.openMsg(io.BytesIO(data), errorBehavior=MSG_ERRORS)
            try:
                body = _msg_body(message)
                _msg_files(message, found, depth=0)
            finally:
                message.close()
    except UnpackError:
        raise
    except Exception as error:
        raise UnpackError(
            f"It is not a readable Outlook message ({type(error).__name__})."
        ) from None
    return body, found


def _msg_body(message) -> str:
    try:
        return _text(message.body)
    except Exception:
        # A body that cannot be decoded is not a reason to lose the files.
        return ""


def _msg_files(message, found: list[Unpacked], depth: int) -> None:
    for attachment in getattr(message, "attachments", None) or ():
        try:
            payload = attachment.data
        except Exception:
            continue  # a broken attachment has no bytes to keep
        if isinstance(payload, bytes):
            name = _msg_name(attachment)
            _add(found, name, _content_type(getattr(attachment, "mimetype", ""), name), payload)
        elif hasattr(payload, "attachments") and depth < MAX_NESTING:
            _msg_files(payload, found, depth + 1)


def _msg_name(attachment) -> str:
    for field in ("longFilename", "shortFilename", "name"):
        try:
            name = _text(getattr(attachment, field, ""))
        except Exception:
            continue
        if name:
            return name
    return ""
