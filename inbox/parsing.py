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
"""

import base64
import binascii
import codecs
import email
import email.utils
import logging
import mimetypes
import quopri
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import Message
from email.policy import EmailPolicy
from enum import StrEnum
from html.parser import HTMLParser

from inbox.unpack import UnpackError, unpack_msg, unpack_tnef

logger = logging.getLogger(__name__)

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


# Beyond these the standard library's parse alone takes seconds: a line costs it about a
# microsecond, plus a seventh of one per level of multipart nesting around it.
MAX_LINES = 600_000
MAX_LINES_NESTED = 400_000  # when parts nest more than NESTED levels deep
NESTED = 3

INLINE_IMAGE_BYTES = 100 * KB
MAX_HEADERS = 100
MAX_HEADER_VALUE = 1_000
MAX_RECIPIENTS = 100
MAX_DEFECTS = 50
MAX_NAME = 150
MAX_SUBJECT = 500
MAX_FROM_NAME = 200
MAX_MESSAGE_ID = 255
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)


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


# --- Sizes and text -----------------------------------------------------------------------


def _size(n: int) -> str:
    """'31 MB', '25.5 MB', '300 KB': sizes in the reasons staff read."""
    unit, name = (MB, "MB") if n >= MB else (KB, "KB")
    return f"{n / unit:.1f}".removesuffix(".0") + f" {name}"


_BIDI = {0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)}
_WHITESPACE = re.compile(r"\s+")
_SURROGATES = re.compile("[\ud800-\udfff]")


def _clean(text: str) -> str:
    """Text safe to store: no NUL (PostgreSQL refuses it), no lone surrogates."""
    if "\x00" in text:
        text = text.replace("\x00", "")
    return _SURROGATES.sub("\ufffd", text)


def _one_line(text: str, limit: int) -> str:
    """One line for display: control, format and bidi characters dropped or made spaces,
    whitespace collapsed, at most ``limit`` characters."""
    text = _clean(text[: limit * 8 + 64])  # what is dropped below rarely exceeds that
    kept = []
    for char in text:
        if char in "\t\r\n":
            kept.append(" ")
        elif ord(char) in _BIDI or unicodedata.category(char) in ("Cc", "Cf"):
            continue
        else:
            kept.append(char)
    return _WHITESPACE.sub(" ", "".join(kept)).strip()[:limit]


def _from_raw(value: str) -> str:
    """Header text as the parser kept it (8-bit bytes as surrogate escapes) back to real text:
    RFC 6532 allows UTF-8 in headers; anything else is decoded leniently."""
    if not _SURROGATES.search(value):
        return value
    data = value.encode("utf-8", "surrogateescape")
    return data.decode("utf-8", errors="replace")


def _charset_decode(data: bytes, charset: str | None) -> tuple[str, str]:
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


def _decode_words(text: str) -> str:
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
    text, _ = _charset_decode(data, charset.split("*", 1)[0])
    return text


def _header_text(raw_value: str) -> str:
    """A raw header value as readable text: 8-bit decoded, unfolded, encoded words decoded."""
    text = re.sub(r"\r\n|\r|\n", "", _from_raw(str(raw_value)))
    return _decode_words(text)


def _raw_headers(part: Message) -> list[tuple[str, str]]:
    """A part's headers as the parser kept them, without the (costly, fallible) header parse."""
    try:
        return [(str(name), str(value)) for name, value in part.raw_items()]
    except Exception:
        return []


def _raw_get(headers: list[tuple[str, str]], name: str) -> str | None:
    """The first header called ``name`` (the topmost: a receiving server adds its own on top)."""
    name = name.lower()
    for key, value in headers:
        if key.lower() == name:
            return value
    return None


# --- Addresses, parsed strictly -----------------------------------------------------------

_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~\-\u0080-\U0010ffff]"
_LOCAL = re.compile(rf'(?:{_ATEXT}+(?:\.{_ATEXT}+)*|"[^"\\\x00-\x1f]{{1,64}}")', re.UNICODE)
_ALNUM = r"A-Za-z0-9\u0080-\U0010ffff"
_LABEL = rf"[{_ALNUM}](?:[{_ALNUM}\-]{{0,61}}[{_ALNUM}])?"
_DOMAIN = re.compile(rf"{_LABEL}(?:\.{_LABEL})*")


_NOT_IN_ADDRESSES = {"Cc", "Cf", "Cs", "Co", "Zs", "Zl", "Zp"}


def _addr_spec(text: str) -> str:
    """``text`` as a lowercase addr-spec, or "" when it is not exactly one."""
    local, at, domain = text.strip().rpartition("@")
    if not at or not local or len(text) > 254:
        return ""
    if not _LOCAL.fullmatch(local) or len(local) > 64 or not _DOMAIN.fullmatch(domain):
        return ""
    if any(unicodedata.category(c) in _NOT_IN_ADDRESSES for c in local + domain):
        return ""
    return f"{local}@{domain}".lower()


def _tokens(text: str) -> list[tuple[str, str]] | None:
    """A mailbox list cut into ('text'|'quoted'|'comment'|'angle'|'comma'|'colon'|'semi', value)
    tokens; None when a quote, comment or angle bracket is left open."""
    tokens: list[tuple[str, str]] = []
    plain: list[str] = []
    i, n = 0, len(text)

    def flush() -> None:
        if plain:
            tokens.append(("text", "".join(plain)))
            plain.clear()

    while i < n:
        char = text[i]
        if char == '"':
            flush()
            j, value = i + 1, []
            while j < n and text[j] != '"':
                if text[j] == "\\" and j + 1 < n:
                    j += 1
                value.append(text[j])
                j += 1
            if j >= n:
                return None
            tokens.append(("quoted", "".join(value)))
            i = j + 1
        elif char == "(":
            flush()
            depth, j, value = 1, i + 1, []
            while j < n and depth:
                if text[j] == "\\" and j + 1 < n:
                    j += 1
                elif text[j] == "(":
                    depth += 1
                elif text[j] == ")":
                    depth -= 1
                if depth:
                    value.append(text[j])
                j += 1
            if depth:
                return None
            tokens.append(("comment", "".join(value)))
            i = j
        elif char == "<":
            flush()
            j = text.find(">", i + 1)
            if j < 0:
                return None
            tokens.append(("angle", text[i + 1 : j]))
            i = j + 1
        elif char in ",:;":
            flush()
            tokens.append(({",": "comma", ":": "colon", ";": "semi"}[char], char))
            i += 1
        elif char == ">":
            return None
        else:
            plain.append(char)
            i += 1
    flush()
    return tokens


def _mailbox(tokens: list[tuple[str, str]]) -> tuple[str, str] | None:
    """(display name, address) of one mailbox's tokens, or None when it is not exactly one.

    With an angle address, the address is what is inside the brackets and nothing else: the
    display name never yields an address, even when it looks like one
    (``alice@example.com <bob@example.com>`` is bob's, as mail clients show it)."""
    angles = [value for kind, value in tokens if kind == "angle"]
    if len(angles) > 1:
        return None
    if angles:
        last_angle = max(i for i, (kind, _) in enumerate(tokens) if kind == "angle")
        after = tokens[last_angle + 1 :]
        if any(kind != "comment" and value.strip() for kind, value in after):
            return None
        name_tokens = [v for kind, v in tokens[:last_angle] if kind in ("text", "quoted")]
        address = _addr_spec(angles[0])
        name = " ".join(v.strip() for v in name_tokens if v.strip())
    else:
        if any(kind == "quoted" for kind, _ in tokens):
            quoted_local = "".join(
                f'"{v}"' if kind == "quoted" else v for kind, v in tokens if kind != "comment"
            )
            address = _addr_spec(quoted_local)
        else:
            address = _addr_spec("".join(v for kind, v in tokens if kind == "text"))
        name = " ".join(v.strip() for kind, v in tokens if kind == "comment" and v.strip())
    if not address:
        return None
    return _one_line(_decode_words(name), MAX_FROM_NAME), address


def _mailboxes(raw_value: str) -> list[tuple[str, str]] | None:
    """The mailboxes of an address header (groups flattened), each parsed strictly; None when
    the header cannot be cut into mailboxes at all. Invalid mailboxes are left out."""
    tokens = _tokens(re.sub(r"\r\n|\r|\n", "", _from_raw(raw_value)))
    if tokens is None:
        return None
    found: list[tuple[str, str]] = []
    current: list[tuple[str, str]] = []
    for kind, value in [*tokens, ("comma", ",")]:
        if kind in ("comma", "semi"):
            if current and any(v.strip() for k, v in current if k != "comment"):
                mailbox = _mailbox(current)
                if mailbox:
                    found.append(mailbox)
            current = []
        elif kind == "colon":
            current = []  # "Group name:" starts a group; its name is not an address
        else:
            current.append((kind, value))
    return found


def _unparsed_name(raw_value: str) -> str:
    """What a From that names no single sender shows, for staff: its text without brackets."""
    return _one_line(re.sub(r"<[^<>]*>", "", _header_text(raw_value)), MAX_FROM_NAME)


def _sender(raw_value: str | None) -> tuple[str, str]:
    """(address, display name) of From; ("", name) unless it names exactly one mailbox.

    Stray words with neither '@' nor '<' (an unquoted ``Smith, John <john@x.example>``) are
    part of the display name, never a second sender."""
    if not raw_value:
        return "", ""
    tokens = _tokens(re.sub(r"\r\n|\r|\n", "", _from_raw(raw_value)))
    if tokens is None or any(kind in ("colon", "semi") for kind, _ in tokens):
        return "", _unparsed_name(raw_value)
    pieces: list[list[tuple[str, str]]] = [[]]
    for token in tokens:
        if token[0] == "comma":
            pieces.append([])
        else:
            pieces[-1].append(token)
    addressed = [p for p in pieces if any(k == "angle" or "@" in v for k, v in p)]
    if len(addressed) != 1:
        return "", _unparsed_name(raw_value)
    stray = [v for p in pieces if p is not addressed[0] for k, v in p if k in ("text", "quoted")]
    mailbox = _mailbox(addressed[0])
    if mailbox is None:
        return "", _unparsed_name(raw_value)
    name, address = mailbox
    if stray and name:
        name = _one_line(", ".join([*(s.strip() for s in stray), name]), MAX_FROM_NAME)
    return address, name


# --- Authentication -----------------------------------------------------------------------

# Second-level labels under which organisations register (example.co.uk, example.com.au):
# without them "compare the last two labels" would align attacker.co.uk with client.co.uk.
_SECOND_LEVEL = {"ac", "co", "com", "edu", "gov", "govt", "ltd", "me", "mil", "net", "nhs"}
_SECOND_LEVEL |= {"org", "plc", "police", "sch", "or", "ne", "go", "gob", "nom", "gen", "biz"}


def _organisation(domain: str) -> str:
    """The organisational domain, approximately: the last two labels, or three under a
    country's second level (co.uk, com.au...)."""
    labels = [label for label in domain.lower().strip(".").split(".") if label]
    keep = 3 if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL else 2
    return ".".join(labels[-keep:])


def _aligned(domain: str, from_domain: str) -> bool:
    domain = domain.rpartition("@")[2].strip().strip(".").lower()
    return bool(domain and from_domain) and _organisation(domain) == _organisation(from_domain)


def _strip_comments(text: str) -> str:
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


_RESULT = re.compile(r"^\s*([A-Za-z0-9_-]+)\s*=\s*([A-Za-z]+)")
_PROPERTY = re.compile(r"([A-Za-z]+)\.([A-Za-z0-9_-]+)\s*=\s*\"?([^\s;\"]+)")


def _authentication(raw_value: str | None, from_address: str) -> tuple[bool, str]:
    """(authenticated, summary) from the topmost Authentication-Results only (the one our
    receiving server added; those below it may come from the sender). Authenticated when it
    says dmarc=pass, or spf=pass and dkim=pass with a passing domain aligned with From's."""
    if raw_value is None:
        return False, "no Authentication-Results"
    from_domain = from_address.rpartition("@")[2]
    results: dict[str, list[tuple[str, dict[str, str]]]] = {"spf": [], "dkim": [], "dmarc": []}
    for segment in _strip_comments(_header_text(raw_value))[:10_000].split(";"):
        match = _RESULT.match(segment)
        if not match or match.group(1).lower() not in results:
            continue
        props = {f"{p.lower()}.{q.lower()}": v.lower() for p, q, v in _PROPERTY.findall(segment)}
        results[match.group(1).lower()].append((match.group(2).lower(), props))
    if not any(results.values()):
        return False, "Authentication-Results without spf, dkim or dmarc"
    if not from_domain:
        return False, "no usable From address"

    def passing(method: str, *keys: str) -> list[str]:
        return [
            next((props[k] for k in keys if props.get(k)), "")
            for result, props in results[method]
            if result == "pass"
        ]

    dmarc = passing("dmarc", "header.from")
    if any(domain == "" or _aligned(domain, from_domain) for domain in dmarc):
        return True, "dmarc=pass"
    spf, dkim = passing("spf", "smtp.mailfrom"), passing("dkim", "header.d", "header.i")
    if spf and dkim:
        if any(_aligned(d, from_domain) for d in spf + dkim):
            return True, "spf=pass dkim=pass (aligned)"
        return False, "spf=pass dkim=pass (not aligned with From)"
    said = [f"{m}={results[m][0][0]}" for m in ("dmarc", "spf", "dkim") if results[m]]
    return False, " ".join(said)


# --- Dates and identifiers ----------------------------------------------------------------


def _date(raw_value: str | None) -> datetime | None:
    if not raw_value:
        return None
    try:
        moment = email.utils.parsedate_to_datetime(_one_line(_header_text(raw_value), 200))
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
    text = _one_line(_header_text(raw_value), 2_000)
    match = re.search(r"<([^<>]*)>", text)
    value = match.group(1) if match else text
    return re.sub(r"\s+", "", value).strip("<>")[:MAX_MESSAGE_ID]


# --- Header parsing, bounded --------------------------------------------------------------


class _BoundedPolicy(EmailPolicy):
    """``email.policy.default`` with the structured-header parser's cost bounded.

    That parser's cost grows faster than the number of parameters in a value (a Content-Type
    of 80 parameters takes milliseconds, of 189 KB fourteen seconds; python/cpython#136063),
    and the parse reads every part's Content-Type several times. So each parsed header is
    cached for the message; runs of empty parameters are collapsed; a value is cut after
    ``CUT`` characters or ``PARAMS`` parameters (real ones are far shorter); once ``BUDGET``
    characters have been parsed for the message, every further value is cut to ``SMALL``
    characters and ``FEW_PARAMS`` parameters; and a value the parser cannot handle (deeply
    nested comments end in RecursionError) is parsed as empty, which gives the defaults.
    The header values shown to staff are read raw, not from here."""

    CUT, PARAMS = 2_000, 24
    SMALL, FEW_PARAMS = 256, 4
    BUDGET = 20_000

    def __init__(self, **kw):
        super().__init__(**kw)
        object.__setattr__(self, "_cache", {})
        object.__setattr__(self, "_spent", [0])
        object.__setattr__(self, "_problems", [])

    def header_fetch_parse(self, name, value):
        if hasattr(value, "name"):
            return value
        key = (name.lower(), value)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        text = self._bounded(name, re.sub(r"\n|\r", "", value))
        try:
            header = self.header_factory(name, text)
        except Exception:
            self._problems.append(f"{name[:40]} header could not be read")
            header = self.header_factory(name, "")
        self._cache[key] = header
        return header

    def _bounded(self, name: str, text: str) -> str:
        if ";" in text:
            text = re.sub(r";[\s;]*;", ";", text)
        generous = self._spent[0] < self.BUDGET
        chars, params = (self.CUT, self.PARAMS) if generous else (self.SMALL, self.FEW_PARAMS)
        end = -1
        for _ in range(params + 1):
            end = text.find(";", end + 1)
            if end < 0:
                break
        if end >= 0 or len(text) > chars:
            text = text[: min(chars, end if end >= 0 else len(text))]
            self._problems.append(f"{name[:40]} header too long: cut to be read")
        self._spent[0] += len(text)
        return text


# --- The cheap checks before the parse ----------------------------------------------------

_HEADER_LINE = re.compile(rb"[\x21-\x39\x3b-\x7e]+[ \t]*:|[ \t]|From ")
_BOUNDARY = re.compile(rb"""boundary\s*=\s*(?:"([^"\r\n]{1,200})"|([^\s;"]{1,200}))""")


def _header_block_size(raw: bytes, limit: int) -> int:
    """Bytes of the top header block: up to the first blank line, or to the first line that
    cannot be a header (where the parser starts the body), whichever comes first."""
    ends = [i for i in (raw.find(b"\n\n"), raw.find(b"\n\r\n")) if i >= 0]
    end = min(ends) + 1 if ends else len(raw)
    if end <= limit:
        return end
    offset = 0
    for line in raw[: limit + 1].splitlines(keepends=True):
        if not _HEADER_LINE.match(line):
            return offset
        offset += len(line)
    return end


def _precheck(raw: bytes, limits: Limits) -> None:
    """Reject, before any parsing, what would be too costly to parse."""
    if len(raw) > limits.max_bytes:
        raise MessageRejected(
            f"The message is {_size(len(raw))}; the limit is {_size(limits.max_bytes)}."
        )
    header_bytes = _header_block_size(raw, limits.max_header_bytes)
    if header_bytes > limits.max_header_bytes:
        raise MessageRejected(
            f"The message's header block is {_size(header_bytes)}; "
            f"the limit is {_size(limits.max_header_bytes)}."
        )
    lines = raw.count(b"\n") + raw.count(b"\r") - raw.count(b"\r\n")
    if lines > MAX_LINES:
        raise MessageRejected(f"The message has {lines:,} lines; the limit is {MAX_LINES:,}.")
    parts, depth = _count_parts(raw, limits.max_parts)
    if parts > limits.max_parts:
        raise MessageRejected(
            f"The message has {parts:,} MIME parts; the limit is {limits.max_parts:,}."
        )
    if depth > limits.max_depth:
        raise MessageRejected(
            f"The message nests its parts {depth} levels deep; the limit is {limits.max_depth}."
        )
    if depth > NESTED and lines > MAX_LINES_NESTED:
        raise MessageRejected(
            f"The message has {lines:,} lines in parts nested {depth} levels deep; the limit "
            f"is {MAX_LINES_NESTED:,} lines when parts nest more than {NESTED} levels deep."
        )


def _declared_boundaries(raw: bytes) -> set[bytes]:
    lowered = raw.lower()
    found: set[bytes] = set()
    at = lowered.find(b"boundary")
    while at >= 0:
        match = _BOUNDARY.match(lowered, at)
        if match:
            start, end = match.span(1) if match.group(1) is not None else match.span(2)
            found.add(raw[start:end])  # as written: boundaries are case-sensitive
        at = lowered.find(b"boundary", at + 8)
    return found


def _delimiter_lines(raw: bytes):
    """The text after '--' of every line that starts with '--' (trailing blanks dropped)."""
    at = 0 if raw.startswith(b"--") else raw.find(b"\n--")
    while at >= 0:
        start = at + 2 if at == 0 and raw.startswith(b"--") else at + 3
        end = raw.find(b"\n", start)
        yield raw[start : end if end >= 0 else len(raw)][:210].rstrip(b" \t\r")
        at = raw.find(b"\n--", start)


def _count_parts(raw: bytes, max_parts: int) -> tuple[int, int]:
    """(parts, multipart nesting) estimated from the delimiter lines of the declared
    boundaries: each '--boundary' line opens a part; a boundary not yet open nests one level
    deeper, one already open closes the levels inside it. Plain byte searches, no regex scan
    of the whole message: this runs on up to 30 MB before anything else. Past ``max_parts``
    the walk stops and the total (for the reason shown to staff) is counted in C."""
    boundaries = _declared_boundaries(raw)
    if not boundaries:
        return 1, 0
    parts, deepest = 1, 0
    stack: list[bytes] = []
    for token in _delimiter_lines(raw):
        if token in boundaries:
            if token in stack:
                del stack[stack.index(token) + 1 :]
            else:
                stack.append(token)
                deepest = max(deepest, len(stack))
            parts += 1
            if parts > max_parts:
                return 1 + sum(_count_delimiters(raw, b) for b in boundaries), deepest
        elif token.endswith(b"--") and token[:-2] in stack:
            del stack[stack.index(token[:-2]) :]
    return parts, deepest


def _count_delimiters(raw: bytes, boundary: bytes) -> int:
    """Lines '--boundary' (approximately: where the line starts is not checked)."""
    line = b"--" + boundary
    return raw.count(line + b"\r\n") + raw.count(line + b"\n")


# --- Parts --------------------------------------------------------------------------------

KNOWN_ENCODINGS = {"", "7bit", "8bit", "binary", "base64", "quoted-printable"}
KNOWN_ENCODINGS |= {"x-uuencode", "uuencode", "uue", "x-uue"}
REPORT_TYPES = {"message/delivery-status", "message/disposition-notification"}
REPORT_TYPES |= {"text/rfc822-headers", "message/feedback-report", "message/global-headers"}
REPORT_TYPES |= {"message/global-delivery-status", "message/global-disposition-notification"}
FORWARD_TYPES = {"message/rfc822", "message/global"}
CALENDAR_TYPES = {"text/calendar", "application/ics", "text/x-vcalendar"}
INVITING_METHODS = {"REQUEST", "CANCEL", "REPLY"}
SIGNATURE_TYPES = {"application/pkcs7-signature", "application/x-pkcs7-signature"}
SIGNATURE_TYPES |= {"application/pgp-signature", "application/pgp-keys"}
ENCRYPTED_TYPES = {
    "application/pkcs7-mime",
    "application/x-pkcs7-mime",
    "application/pgp-encrypted",
}
TNEF_TYPES = {"application/ms-tnef", "application/vnd.ms-tnef"}
MSG_TYPES = {"application/vnd.ms-outlook", "application/x-ole-storage"}
_SIGNATURE_IMAGE = re.compile(r"^(?:image\d{3,}|outlook-[\w-]+)\.(?:png|jpe?g|gif|bmp)$", re.I)


def _content_type(part: Message) -> str:
    try:
        value = part.get_content_type()
    except Exception:
        return "application/octet-stream"
    return str(value).lower()[:100] if value else "application/octet-stream"


def _disposition(part: Message) -> str:
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


def _filename(part: Message) -> str:
    """The declared file name (RFC 2231 / 2047 decoded), as given: not yet safe to show."""
    for header, key in (("content-disposition", "filename"), ("content-type", "name")):
        value = _params(part, header).get(key, "")
        if value.strip():
            return _decode_words(_from_raw(value))
    return ""


def _param(part: Message, name: str) -> str:
    return _params(part, "content-type").get(name, "").strip().lower()


def _payload(part: Message, defects: "_Defects") -> bytes:
    """The part's body decoded from its transfer encoding; a broken encoding gives what could
    be decoded (and a defect), never an exception."""
    encoding = (_raw_get(_raw_headers(part), "content-transfer-encoding") or "").strip().lower()
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


def _part_text(part: Message, defects: "_Defects") -> str:
    charset = _param(part, "charset") or None
    text, problem = _charset_decode(_payload(part, defects), charset)
    if problem:
        defects.add(problem)
    return _clean(re.sub(r"\r\n?", "\n", text))


def display_name(name: str, content_type: str, number: int) -> str:
    """A file name safe to show and never used as a path: the part after the last / or \\,
    without control, format or bidi characters (U+202E would hide ``exe``), without dots or
    spaces at the ends, a Windows device name (CON, NUL...) prefixed with "_", at most 150
    characters keeping the extension; "attachment-3.pdf" when nothing is left."""
    name = _one_line(re.split(r"[/\\]", name or "")[-1], 4 * MAX_NAME)
    name = re.sub(r'[<>:"|?*]', "_", name).strip(" .")
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    if re.fullmatch(r"(?i)(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])", stem.split(".")[0].strip()):
        name, stem = f"_{name}", f"_{stem}"
    if len(name) > MAX_NAME:
        if dot and 0 < len(extension) <= 16:
            name = f"{stem[: MAX_NAME - len(extension) - 1].rstrip(' .')}.{extension}"
        else:
            name = name[:MAX_NAME].rstrip(" .")
    if not name:
        guessed = mimetypes.guess_extension(content_type or "", strict=False) or ""
        name = f"attachment-{number}{guessed}"
    return name


class _Defects:
    """Readable names of what was wrong, in order of discovery, each once, at most 50."""

    def __init__(self) -> None:
        self.names: dict[str, None] = {}

    def add(self, name: str) -> None:
        if len(self.names) < MAX_DEFECTS:
            self.names.setdefault(_one_line(name, 200), None)

    def add_from(self, part: Message) -> None:
        for defect in getattr(part, "defects", None) or ():
            words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", type(defect).__name__)
            self.add(words.removesuffix(" Defect").removesuffix("Defect").lower())


# --- HTML to text -------------------------------------------------------------------------


class _TextOfHtml(HTMLParser):
    """The readable text of an HTML body: scripts and styles dropped, blocks on new lines."""

    BLOCKS = {"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "hr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "head", "title"):
            self.hidden += 1
        elif tag in self.BLOCKS:
            self.pieces.append("\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "head", "title"):
            self.hidden = max(0, self.hidden - 1)
        elif tag in self.BLOCKS:
            self.pieces.append("\n")

    def handle_data(self, data):
        if not self.hidden:
            self.pieces.append(data)


def html_to_text(html: str, limit: int) -> str:
    parser = _TextOfHtml()
    try:
        parser.feed(html[: limit * 2])
        parser.close()
    except Exception:
        pass  # what was read so far is the text
    text = re.sub(r"[ \t\xa0]+", " ", "".join(parser.pieces))
    return re.sub(r"\n\s*\n+", "\n\n", text).strip()[:limit]


# --- The walk -----------------------------------------------------------------------------


@dataclass
class _Body:
    """The text found in one message: the top one, or one forwarded inside it."""

    heading: str = ""
    plain: list[str] = field(default_factory=list)
    html: list[str] = field(default_factory=list)


class _Walk:
    """Visits every part iteratively (an explicit stack, no recursion), counting parts and
    depth, sorting leaves into body text, attachments and skipped parts."""

    def __init__(self, limits: Limits, defects: _Defects) -> None:
        self.limits = limits
        self.defects = defects
        self.parts = 0
        self.attachments: list[Attachment] = []
        self.skipped: list[tuple[str, str]] = []
        self.bodies: list[_Body] = [_Body()]
        self.sections: list[str] = []  # bodies of unpacked Outlook messages
        self.delivery_report = False
        self.calendar_methods: set[str] = set()
        self.calendar_parts = 0

    def run(self, message: Message) -> None:
        # (part, depth, origin, body index, inside a forwarded message)
        stack: list[tuple[Message, int, str, int, bool]] = [(message, 0, "", 0, False)]
        while stack:
            part, depth, origin, body, forwarded = stack.pop()
            self.parts += 1
            if self.parts > self.limits.max_parts:
                raise MessageRejected(
                    f"The message has more than {self.limits.max_parts:,} MIME parts; "
                    f"the limit is {self.limits.max_parts:,}."
                )
            if depth > self.limits.max_depth:
                raise MessageRejected(
                    "The message nests its parts or forwarded messages more than "
                    f"{self.limits.max_depth} levels deep; the limit is {self.limits.max_depth}."
                )
            stack.extend(self._visit(part, depth, origin, body, forwarded))
            # After the visit: decoding a body adds its own defects (bad base64...) to the part.
            self.defects.add_from(part)

    def _visit(self, part: Message, depth: int, origin: str, body: int, forwarded: bool):
        """Sort one part; return the parts inside it to visit next (in reverse order)."""
        content_type = _content_type(part)
        try:
            payload = part.get_payload()
        except Exception:
            payload = None
        if not isinstance(payload, list):
            self._leaf(part, content_type, origin, body, forwarded)
            return []
        children = [child for child in payload if isinstance(child, Message)]
        if content_type.startswith("multipart/"):
            return [(child, depth + 1, origin, body, forwarded) for child in reversed(children)]
        if content_type in REPORT_TYPES:
            self._report(part, content_type, forwarded)
            return []
        # A forwarded message (message/rfc822 and kin): its text becomes a section of its own.
        inner = []
        for child in reversed(children):
            self.bodies.append(_Body(heading=_forward_heading(child)))
            inner.append((child, depth + 1, "forwarded message", len(self.bodies) - 1, True))
        return inner

    def _report(self, part: Message, content_type: str, forwarded: bool) -> None:
        if content_type in ("message/delivery-status", "message/global-delivery-status"):
            self.delivery_report = self.delivery_report or not forwarded
        self.skipped.append((_filename(part) or content_type, "part of a delivery report"))

    def _leaf(self, part: Message, content_type: str, origin: str, body: int, forwarded: bool):
        disposition = _disposition(part)
        filename = _filename(part)
        if content_type in REPORT_TYPES:
            self._report(part, content_type, forwarded)
            return
        if content_type in CALENDAR_TYPES or filename.lower().endswith((".ics", ".vcs")):
            self._calendar(part, filename, forwarded)
            return
        if content_type == "message/external-body":
            self.skipped.append(
                (filename or "external-body", "a link to content elsewhere, not fetched")
            )
            return
        if content_type in SIGNATURE_TYPES:
            self.skipped.append((filename or "signature", "the message's digital signature"))
            return
        if content_type in ENCRYPTED_TYPES:
            # Stored as it came (we hold no key); the upload check decides whether it is kept.
            self.defects.add("encrypted content (S/MIME or PGP): kept as it came, unread")
            if content_type == "application/pgp-encrypted":  # only "Version: 1"
                return
        named = bool(filename) or disposition == "attachment"
        if content_type in ("text/plain", "text/html") and not named:
            text = _part_text(part, self.defects)
            target = (
                self.bodies[body].plain if content_type == "text/plain" else self.bodies[body].html
            )
            target.append(text)
            return
        if content_type.startswith("multipart/"):
            self.defects.add(f"{content_type} without a usable boundary: read as text")
            self.bodies[body].plain.append(_part_text(part, self.defects))
            return
        if content_type.startswith("text/") and not named:
            self.skipped.append((f"part-{self.parts}.txt", "inline text that is not the body"))
            return
        data = _payload(part, self.defects)
        headers = _raw_headers(part)
        if self._inline_image(content_type, disposition, headers, filename, len(data)):
            self.skipped.append(
                (display_name(filename, content_type, self.parts), "inline image in the signature")
            )
            return
        self.consider(filename, content_type, data, origin)

    def _inline_image(self, content_type, disposition, headers, filename, size) -> bool:
        if not content_type.startswith("image/") or size >= INLINE_IMAGE_BYTES:
            return False
        has_id = bool((_raw_get(headers, "content-id") or "").strip())
        return (
            disposition == "inline"
            or (has_id and disposition != "attachment")
            or bool(_SIGNATURE_IMAGE.match(display_name(filename, content_type, 0)))
            or (not filename and disposition != "attachment")
        )

    def _calendar(self, part: Message, filename: str, forwarded: bool) -> None:
        method = _param(part, "method").upper()
        if not method:
            text = _part_text(part, self.defects)[:65_536]
            match = re.search(r"(?im)^METHOD:\s*([A-Z-]+)", text)
            method = match.group(1).upper() if match else ""
        if not forwarded:
            self.calendar_parts += 1
            self.calendar_methods.add(method)
        self.skipped.append(
            (
                display_name(filename, "text/calendar", self.parts) if filename else "invite.ics",
                "calendar invitation",
            )
        )

    def consider(self, filename: str, content_type: str, data: bytes, origin: str) -> None:
        """Keep one file as an attachment, unpack it, or skip it with the reason."""
        name = display_name(filename, content_type, len(self.attachments) + 1)
        if not data:
            self.skipped.append((name, "empty"))
            return
        if len(data) > self.limits.max_attachment_bytes:
            self.skipped.append(
                (name, f"larger than the {_size(self.limits.max_attachment_bytes)} limit")
            )
            return
        lower = name.lower()
        if content_type in TNEF_TYPES or lower in ("winmail.dat", "win.dat"):
            self._unpack_tnef(name, content_type, data, origin)
        elif content_type in MSG_TYPES or lower.endswith(".msg"):
            self._unpack_msg(name, content_type, data, origin)
        else:
            self.keep(Attachment(name, content_type, data, origin))

    def keep(self, attachment: Attachment) -> None:
        self.attachments.append(attachment)
        if len(self.attachments) > self.limits.max_attachments:
            raise MessageRejected(
                f"The message has more than {self.limits.max_attachments:,} attachments; "
                f"the limit is {self.limits.max_attachments:,}."
            )

    def _unpack_tnef(self, name: str, content_type: str, data: bytes, origin: str) -> None:
        try:
            files = unpack_tnef(data)
        except UnpackError as error:
            self.defects.add(f"{name} could not be unpacked: {error.reason}")
            self.keep(Attachment(name, content_type, data, origin))
            return
        if not files:
            self.skipped.append((name, "winmail.dat without attached files"))
        for inner_name, inner_type, inner in files:
            self._unpacked(inner_name, inner_type, inner, "winmail.dat")

    def _unpack_msg(self, name: str, content_type: str, data: bytes, origin: str) -> None:
        try:
            text, files = unpack_msg(data)
        except UnpackError as error:
            self.defects.add(f"{name} could not be unpacked: {error.reason}")
            self.keep(Attachment(name, content_type, data, origin))
            return
        if text:
            self.sections.append(f"---------- Outlook message: {name} ----------\n{_clean(text)}")
        if not files:
            self.skipped.append((name, "Outlook message without attached files"))
        for inner_name, inner_type, inner in files:
            self._unpacked(inner_name, inner_type, inner, "Outlook message")

    def _unpacked(self, filename: str, content_type: str, data: bytes, origin: str) -> None:
        """A file out of a container: the same rules as a part (no further unpacking)."""
        name = display_name(filename, content_type, len(self.attachments) + 1)
        small_image = content_type.startswith("image/") and len(data) < INLINE_IMAGE_BYTES
        if small_image and _SIGNATURE_IMAGE.match(name):
            self.skipped.append((name, "inline image in the signature"))
        elif not data:
            self.skipped.append((name, "empty"))
        elif len(data) > self.limits.max_attachment_bytes:
            self.skipped.append(
                (name, f"larger than the {_size(self.limits.max_attachment_bytes)} limit")
            )
        else:
            self.keep(Attachment(name, content_type.lower()[:100], data, origin))

    def text(self) -> str:
        limit = self.limits.max_text_chars
        sections = []
        for body in self.bodies:
            own = "\n\n".join(t for t in body.plain if t.strip())
            if not own and body.html:
                own = html_to_text("\n".join(body.html), limit)
            if body.heading:
                sections.append(f"{body.heading}\n\n{own}".strip())
            elif own:
                sections.append(own)
        return _clean("\n\n".join([*sections, *self.sections])[:limit])

    def html(self) -> str:
        return _clean("\n".join(self.bodies[0].html)[: self.limits.max_text_chars])


def _forward_heading(message: Message) -> str:
    headers = _raw_headers(message)
    lines = ["---------- Forwarded message ----------"]
    for name in ("From", "Date", "Subject"):
        value = _raw_get(headers, name)
        if value:
            lines.append(f"{name}: {_one_line(_header_text(value), MAX_SUBJECT)}")
    return "\n".join(lines)


# --- What kind of message -----------------------------------------------------------------

_BOUNCE_SUBJECT = re.compile(
    r"undeliver|delivery status notification|returned mail|failure notice|delivery fail"
    r"|mail delivery failed|delivery has failed|non-?delivery|could not be delivered"
    r"|delivery incomplete|mail system error",
    re.I,
)
_AUTO_SUBJECT = re.compile(
    r"^\s*(?:automatic reply|out of (?:the )?office(?: autoreply)?|auto(?:matic)?[ -]?reply"
    r"|autoreply|auto)\s*:",
    re.I,
)


def _kind(walk: _Walk, headers: list[tuple[str, str]], sender: str, subject: str, top) -> Kind:
    content_type, report_type = top
    local = sender.partition("@")[0]
    if (
        (content_type == "multipart/report" and report_type == "delivery-status")
        or walk.delivery_report
        or (local in ("mailer-daemon", "postmaster") and _BOUNCE_SUBJECT.search(subject))
    ):
        return Kind.BOUNCE
    if _is_auto_reply(headers, subject):
        return Kind.AUTO_REPLY
    if walk.calendar_methods & INVITING_METHODS or (walk.calendar_parts and not walk.attachments):
        return Kind.CALENDAR
    return Kind.DOCUMENTS if walk.attachments else Kind.NO_DOCUMENTS


def _first_word(raw_value: str | None) -> str:
    if raw_value is None:
        return ""
    text = _strip_comments(_one_line(_header_text(raw_value), 200))
    return text.split(";", 1)[0].strip().lower()


def _is_auto_reply(headers: list[tuple[str, str]], subject: str) -> bool:
    submitted = _first_word(_raw_get(headers, "auto-submitted"))
    if submitted and submitted != "no":
        return True
    for name in ("x-autoreply", "x-autorespond"):
        value = _raw_get(headers, name)
        if value is not None and _first_word(value) not in ("no", "false", "0"):
            return True
    if _first_word(_raw_get(headers, "precedence")) == "auto_reply":
        return True
    return bool(_AUTO_SUBJECT.match(subject))


# --- parse --------------------------------------------------------------------------------


def parse(raw: bytes, limits: Limits = Limits()) -> ParsedMessage:  # noqa: B008
    """Read one raw message. Raise ``MessageRejected`` over a cap; never any other exception,
    whatever the bytes. (``Limits`` is frozen, so the shared default is safe.)"""
    raw = bytes(raw)
    _precheck(raw, limits)
    policy = _BoundedPolicy()
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
        return _read(message, policy, limits)
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


def _read(message: Message, policy: _BoundedPolicy, limits: Limits) -> ParsedMessage:
    defects = _Defects()
    headers = _raw_headers(message)
    from_address, from_name = _sender(_raw_get(headers, "from"))
    subject = _one_line(_header_text(_raw_get(headers, "subject") or ""), MAX_SUBJECT)
    walk = _Walk(limits, defects)
    walk.run(message)
    for problem in policy._problems:
        defects.add(problem)
    authenticated, summary = _authentication(
        _raw_get(headers, "authentication-results"), from_address
    )
    top = (_content_type(message), _param(message, "report-type"))
    return ParsedMessage(
        kind=_kind(walk, headers, from_address, subject, top),
        message_id=_message_id(_raw_get(headers, "message-id")),
        subject=subject,
        from_address=from_address,
        from_name=from_name,
        to=_recipients(headers),
        sent_at=_date(_raw_get(headers, "date")),
        authenticated=authenticated,
        auth_summary=summary,
        text=walk.text(),
        html=walk.html(),
        headers=tuple(
            (_one_line(name, 100), _one_line(_header_text(value), MAX_HEADER_VALUE))
            for name, value in headers[:MAX_HEADERS]
        ),
        attachments=tuple(walk.attachments),
        skipped=tuple((_one_line(name, MAX_NAME) or "part", why) for name, why in walk.skipped),
        defects=tuple(defects.names),
    )


def _recipients(headers: list[tuple[str, str]]) -> tuple[str, ...]:
    found: dict[str, None] = {}
    for name, value in headers:
        if name.lower() in ("to", "cc"):
            for _, address in _mailboxes(value) or ():
                found.setdefault(address, None)
    return tuple(found)[:MAX_RECIPIENTS]
