"""OFX markup as an element tree: bytes to text, then a lenient walk over SGML (OFX 1.x) or XML
(OFX 2.x) tags.

Our own reader, because the maintained library (ofxtools) is GPL and real bank files break the
specification in many small ways: a header with spaces after ':' or wrapped in comments, no
blank line before the body, the whole file on one line, unclosed leaf tags, empty tags, a
1252 header over a UTF-8 body. Unknown tags are kept in the tree and simply never read.

Pure: no Django."""

from __future__ import annotations

import bisect
import codecs
import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

# fmt: off
# Aggregates that must be closed: one still open at the end of the file means the download was
# cut short. (Unknown empty tags are also treated as aggregates, but never count as truncation.)
AGGREGATES = frozenset((
    "OFX", "SIGNONMSGSRSV1", "SONRS", "STATUS", "FI", "BANKMSGSRSV1", "STMTTRNRS", "STMTRS",
    "BANKACCTFROM", "BANKACCTTO", "CCACCTFROM", "CCACCTTO", "BANKTRANLIST", "STMTTRN", "PAYEE",
    "CURRENCY", "ORIGCURRENCY", "LEDGERBAL", "AVAILBAL", "BALLIST", "BAL", "CREDITCARDMSGSRSV1",
    "CCSTMTTRNRS", "CCSTMTRS", "INVSTMTMSGSRSV1", "INVSTMTTRNRS", "INVSTMTRS",
))

# Leaves that may be empty in SGML (`<MEMO>` followed by the next tag): never aggregates.
LEAVES = frozenset((
    "CODE", "SEVERITY", "MESSAGE", "DTSERVER", "LANGUAGE", "DTPROFUP", "DTACCTUP", "ORG", "FID",
    "SESSCOOKIE", "TRNUID", "CLTCOOKIE", "CURDEF", "BANKID", "BRANCHID", "ACCTID", "ACCTTYPE",
    "ACCTKEY", "DTSTART", "DTEND", "TRNTYPE", "DTPOSTED", "DTUSER", "DTAVAIL", "TRNAMT", "FITID",
    "CORRECTFITID", "CORRECTACTION", "SRVRTID", "CHECKNUM", "REFNUM", "SIC", "PAYEEID", "NAME",
    "EXTDNAME", "MEMO", "INV401KSOURCE", "CURRATE", "CURSYM", "BALAMT", "DTASOF", "MKTGINFO",
    "ADDR1", "ADDR2", "ADDR3", "CITY", "STATE", "POSTALCODE", "COUNTRY", "PHONE", "INTU.BID",
    "INTU.USERID",
))
# fmt: on

_TOKEN = re.compile(
    r"<!--.*?(?:-->|\Z)"  # comment (ofxstatement wraps the whole header in one)
    r"|<\?.*?(?:\?>|(?=<)|\Z)"  # processing instruction: <?xml ...?>, <?OFX ...?>, or unclosed
    r"|<!\[CDATA\[.*?(?:\]\]>|\Z)"
    r"|<(/?)\s*([A-Za-z][\w.:-]*)[^<>]*?(/?)>",
    re.S,
)
_HEADER_FIELD = re.compile(r"\b([A-Z]+)[ \t]*:[ \t]*([^\s<]*)")
_XML_ENCODING = re.compile(rb"<\?xml[^>]*encoding\s*=\s*[\"']([\w.:-]+)", re.I)
_CHARSETS = {"1252": "cp1252", "8859-1": "latin-1", "ISO-8859-1": "latin-1", "NONE": ""}


@dataclass(eq=False)
class Element:
    tag: str
    line: int
    value: str | None = None  # a leaf's text; None for an aggregate
    children: list[Element] = field(default_factory=list)
    parent: Element | None = field(default=None, repr=False)

    def find(self, tag: str) -> Element | None:
        """The nearest descendant named ``tag`` (a direct child first): an unknown empty tag
        that swallowed its following siblings must not hide them."""
        level = self.children
        while level:
            for child in level:
                if child.tag == tag:
                    return child
            level = [grandchild for child in level for grandchild in child.children]
        return None

    def iter(self, *tags: str) -> Iterator[Element]:
        """Every descendant named one of ``tags``, in document order."""
        # A loop, not recursion: a garbage file may nest thousands of unknown tags.
        pending = list(reversed(self.children))
        while pending:
            element = pending.pop()
            if element.tag in tags:
                yield element
            pending.extend(reversed(element.children))

    def text(self, tag: str) -> str:
        """The text of the descendant ``tag``; "" when it is absent or empty."""
        element = self.find(tag)
        return element.text_value() if element is not None else ""

    def text_value(self) -> str:
        return self.value if self.value is not None else ""

    @property
    def path(self) -> str:
        """Where the element sits, e.g. ``OFX/BANKMSGSRSV1/STMTTRNRS/STMTRS/BANKTRANLIST/
        STMTTRN[3]`` (an index only where the parent has several of that tag)."""
        names = []
        element = self
        while element.parent is not None:
            siblings = [child for child in element.parent.children if child.tag == element.tag]
            index = f"[{siblings.index(element) + 1}]" if len(siblings) > 1 else ""
            names.append(element.tag + index)
            element = element.parent
        return "/".join(reversed(names))


@dataclass
class Document:
    root: Element
    header: dict[str, str]
    open_at_end: list[Element]  # known aggregates never closed: the file was cut short
    last_line: int


def decode(data: bytes) -> str:
    """The file's text, never failing: valid UTF-8 first (banks often declare CHARSET:1252 over
    a UTF-8 body, and cp1252 text is practically never valid UTF-8 by accident), then the
    declared charset, then cp1252 with replacement characters."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", "replace")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", "replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = _declared_charset(data[:4096])
    if declared:
        try:
            return data.decode(declared)
        except (LookupError, ValueError):  # unknown codec, bad bytes, a NUL in the name
            pass
    return data.decode("cp1252", "replace")


def _declared_charset(head: bytes) -> str:
    match = _XML_ENCODING.search(head)
    if match:
        return match.group(1).decode("ascii")
    header = dict(_HEADER_FIELD.findall(head.decode("latin-1").upper()))
    charset = header.get("CHARSET", "")
    if charset in _CHARSETS:
        return _CHARSETS[charset]
    if charset.isdigit():
        return f"cp{charset}"
    return charset


def parse(text: str) -> Document:
    """The element tree of an OFX text (SGML or XML, with or without its header)."""
    newline = "\n" if "\n" in text else "\r"
    line_starts = [match.start() for match in re.finditer(newline, text)]

    def line_at(offset: int) -> int:
        return bisect.bisect_left(line_starts, offset) + 1

    tokens = [m for m in _TOKEN.finditer(text) if m.group(2)]
    root = Element("", line=1)
    stack = [root]
    body_start = tokens[0].start() if tokens else len(text)
    skip_next = False
    for index, token in enumerate(tokens):
        if skip_next:
            skip_next = False
            continue
        closing, tag, self_closing = token.group(1), token.group(2).upper(), token.group(3)
        if closing:
            _close(stack, tag)
            continue
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        raw = text[token.end() : following.start() if following else len(text)]
        value = _character_data(raw)
        closes_here = bool(following and following.group(1) and following.group(2).upper() == tag)
        element = Element(tag, line=line_at(token.start()), parent=stack[-1])
        stack[-1].children.append(element)
        if self_closing or value or closes_here or tag in LEAVES:
            element.value = value
            skip_next = closes_here
        else:
            stack.append(element)
    header_fields = _HEADER_FIELD.findall(text[:body_start].upper())
    open_at_end = [element for element in stack[1:] if element.tag in AGGREGATES]
    return Document(root, dict(header_fields), open_at_end, line_at(len(text.rstrip())))


def _close(stack: list[Element], tag: str) -> None:
    # A closing tag closes every unclosed element opened after its own opening tag (SGML leaves
    # and unknown empty tags); a stray closing tag with no opening is ignored.
    for depth in range(len(stack) - 1, 0, -1):
        if stack[depth].tag == tag:
            del stack[depth:]
            return


_COMMENT = re.compile(r"<!--.*?-->", re.S)
_CDATA = re.compile(r"<!\[CDATA\[(.*?)\]\]>", re.S)


def _character_data(raw: str) -> str:
    """The text between two tags, without any comment, with CDATA unwrapped and entities
    (``&amp;``) resolved."""
    if "<" in raw:
        raw = _CDATA.sub(r"\1", _COMMENT.sub("", raw))
    if "&" in raw:
        raw = html.unescape(raw)
    return raw.strip()
