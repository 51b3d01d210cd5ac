"""The cheap checks on the raw bytes before the parse: ``precheck`` rejects a message whose
size, top header block, number of lines, MIME parts or multipart nesting (counted from the
declared boundaries by plain byte searches) would make the standard library's parse too
costly, with the reason for staff in ``MessageRejected``.

They run on up to 30 MB before anything else, so each is a linear scan with no regex over the
whole message. Pure: standard library only.
"""

import re

from inbox.parsed_message import Limits, MessageRejected, readable_size

# Beyond these the standard library's parse alone takes seconds: a line costs it about a
# microsecond, plus a seventh of one per level of multipart nesting around it.
MAX_LINES = 600_000
MAX_LINES_NESTED = 400_000  # when parts nest more than NESTED levels deep
NESTED = 3

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


def precheck(raw: bytes, limits: Limits) -> None:
    """Reject, before any parsing, what would be too costly to parse."""
    if len(raw) > limits.max_bytes:
        raise MessageRejected(
            f"The message is {readable_size(len(raw))}; "
            f"the limit is {readable_size(limits.max_bytes)}."
        )
    header_bytes = _header_block_size(raw, limits.max_header_bytes)
    if header_bytes > limits.max_header_bytes:
        raise MessageRejected(
            f"The message's header block is {readable_size(header_bytes)}; "
            f"the limit is {readable_size(limits.max_header_bytes)}."
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
