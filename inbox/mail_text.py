"""Text out of a stranger's email, made safe: header values as the parser kept them read
back (8-bit text, folding, RFC 2047 encoded words), bodies decoded leniently from their
declared charset, and every string cleaned for storage (no NUL, no lone surrogates) or cut to
one displayable line (no control, format or bidi characters).

The helpers every other step of the parse shares; none of them raises whatever the input.
Pure: standard library only.
"""

import base64
import binascii
import codecs
import quopri
import re
import unicodedata
from email.message import Message

_BIDI = {0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)}
_WHITESPACE = re.compile(r"\s+")
_SURROGATES = re.compile("[\ud800-\udfff]")


def clean(text: str) -> str:
    """Text safe to store: no NUL (PostgreSQL refuses it), no lone surrogates."""
    if "\x00" in text:
        text = text.replace("\x00", "")
    return _SURROGATES.sub("\ufffd", text)


def one_line(text: str, limit: int) -> str:
    """One line for display: control, format and bidi characters dropped or made spaces,
    whitespace collapsed, at most ``limit`` characters."""
    text = clean(text[: limit * 8 + 64])  # what is dropped below rarely exceeds that
    kept = []
    for char in text:
        if char in "\t\r\n":
            kept.append(" ")
        elif ord(char) in _BIDI or unicodedata.category(char) in ("Cc", "Cf"):
            continue
        else:
            kept.append(char)
    return _WHITESPACE.sub(" ", "".join(kept)).strip()[:limit]


def from_raw(value: str) -> str:
    """Header text as the parser kept it (8-bit bytes as surrogate escapes) back to real text:
    RFC 6532 allows UTF-8 in headers; anything else is decoded leniently."""
    if not _SURROGATES.search(value):
        return value
    data = value.encode("utf-8", "surrogateescape")
    return data.decode("utf-8", errors="replace")


def charset_decode(data: bytes, charset: str | None) -> tuple[str, str]:
    """(text, problem): ``data`` in its declared charset; an unknown charset or bytes invalid in
    it are decoded leniently (unknown as UTF-8), and the problem is named for ``defects``."""
    name = (charset or "utf-8").strip().strip("\"'").lower() or "utf-8"
    try:
        if not getattr(codecs.lookup(name), "_is_text_encoding", True):
            raise LookupError(name)
    except (LookupError, ValueError, TypeError):
        return data.decode("utf-8", errors="replace"), f"unknown charset {name[:40]!r}"
    try:
        return data.decode(name), ""
    except UnicodeDecodeError:
        problem = f"text not valid in its declared charset {name[:40]!r}"
    except Exception:
        return data.decode("utf-8", errors="replace"), f"charset {name[:40]!r} failed"
    try:
        return data.decode(name, errors="replace"), problem
    except Exception:
        return data.decode("utf-8", errors="replace"), problem


_ENCODED_WORD = re.compile(r"=\?([^?\s]{1,75})\?([bBqQ])\?([^?\s]*)\?=")
_BETWEEN_WORDS = re.compile(r"(?<=\?=)[ \t]+(?==\?[^?\s]{1,75}\?[bBqQ]\?)")


def decode_words(text: str) -> str:
    """RFC 2047 encoded words decoded; an undecodable word is left as it came."""
    if "=?" not in text:
        return text
    return _ENCODED_WORD.sub(_decode_word, _BETWEEN_WORDS.sub("", text))


def _decode_word(match: re.Match) -> str:
    charset, encoding, payload = match.groups()
    try:
        if encoding in "bB":
            payload = re.sub(r"[^A-Za-z0-9+/]", "", payload)
            data = base64.b64decode(payload + "=" * (-len(payload) % 4))
        else:
            data = quopri.decodestring(payload.replace("_", " ").encode("ascii"), header=True)
    except (binascii.Error, ValueError, UnicodeEncodeError):
        return match.group(0)
    text, _ = charset_decode(data, charset.split("*", 1)[0])
    return text


def header_text(raw_value: str) -> str:
    """A raw header value as readable text: 8-bit decoded, unfolded, encoded words decoded."""
    text = re.sub(r"\r\n|\r|\n", "", from_raw(str(raw_value)))
    return decode_words(text)


def raw_headers(part: Message) -> list[tuple[str, str]]:
    """A part's headers as the parser kept them, without the (costly, fallible) header parse."""
    try:
        return [(str(name), str(value)) for name, value in part.raw_items()]
    except Exception:
        return []


def raw_get(headers: list[tuple[str, str]], name: str) -> str | None:
    """The first header called ``name`` (the topmost: a receiving server adds its own on top)."""
    name = name.lower()
    for key, value in headers:
        if key.lower() == name:
            return value
    return None


def strip_comments(text: str) -> str:
    """Parenthesised comments (nested ones too) removed, in one pass."""
    out, depth = [], 0
    for char in text:
        if char == "(":
            depth += 1
        elif char == ")" and depth:
            depth -= 1
        elif not depth:
            out.append(char)
    return "".join(out)
