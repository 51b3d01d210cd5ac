"""One MIME part read safely: its content type, disposition, parameters and file name, its
body decoded from the transfer encoding and the charset, each falling back instead of raising;
and ``Defects``, the readable list of what was wrong that the whole parse fills.

Parameters are read from the parsed header object, which the bounded policy caches (see
``inbox.header_policy``), never parsed again. Pure: standard library only.
"""

import re
from email.message import Message

from inbox.mail_text import (
    charset_decode,
    clean,
    decode_words,
    from_raw,
    one_line,
    raw_get,
    raw_headers,
)
from inbox.parsed_message import MAX_DEFECTS

KNOWN_ENCODINGS = {"", "7bit", "8bit", "binary", "base64", "quoted-printable"}
KNOWN_ENCODINGS |= {"x-uuencode", "uuencode", "uue", "x-uue"}


class Defects:
    """Readable names of what was wrong, in order of discovery, each once, at most 50."""

    def __init__(self) -> None:
        self.names: dict[str, None] = {}

    def add(self, name: str) -> None:
        if len(self.names) < MAX_DEFECTS:
            self.names.setdefault(one_line(name, 200), None)

    def add_from(self, part: Message) -> None:
        for defect in getattr(part, "defects", None) or ():
            words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", type(defect).__name__)
            self.add(words.removesuffix(" Defect").removesuffix("Defect").lower())


def part_content_type(part: Message) -> str:
    try:
        value = part.get_content_type()
    except Exception:
        return "application/octet-stream"
    return str(value).lower()[:100] if value else "application/octet-stream"


def part_disposition(part: Message) -> str:
    try:
        return (part.get_content_disposition() or "").lower()
    except Exception:
        return ""


def _params(part: Message, header: str) -> dict[str, str]:
    """A header's parameters (RFC 2231 continuations and charsets decoded), read from the
    parsed header object, which the policy caches: the email package's own ``get_param``
    parses the value again, the old way, at every call."""
    try:
        parsed = part.get(header)
        params = getattr(parsed, "params", None) or {}
        return {str(key).lower(): str(value) for key, value in params.items()}
    except Exception:
        return {}


def part_filename(part: Message) -> str:
    """The declared file name (RFC 2231 / 2047 decoded), as given: not yet safe to show."""
    for header, key in (("content-disposition", "filename"), ("content-type", "name")):
        value = _params(part, header).get(key, "")
        if value.strip():
            return decode_words(from_raw(value))
    return ""


def part_param(part: Message, name: str) -> str:
    return _params(part, "content-type").get(name, "").strip().lower()


def part_payload(part: Message, defects: Defects) -> bytes:
    """The part's body decoded from its transfer encoding; a broken encoding gives what could
    be decoded (and a defect), never an exception."""
    encoding = (raw_get(raw_headers(part), "content-transfer-encoding") or "").strip().lower()
    if encoding not in KNOWN_ENCODINGS:
        defects.add(f"unknown Content-Transfer-Encoding {encoding[:40]!r}")
    try:
        data = part.get_payload(decode=True)
    except Exception:
        defects.add("body could not be decoded")
        try:
            data = part.get_payload()
        except Exception:
            data = b""
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogateescape")
    return data if isinstance(data, bytes) else b""


def part_text(part: Message, defects: Defects) -> str:
    charset = part_param(part, "charset") or None
    text, problem = charset_decode(part_payload(part, defects), charset)
    if problem:
        defects.add(problem)
    return clean(re.sub(r"\r\n?", "\n", text))
