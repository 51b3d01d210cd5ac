"""Safe, namespace-agnostic XML reading for the camt importer.

Parsing goes through defusedxml with DTDs forbidden: a bank statement never needs one, and a
DTD is how entity-expansion bombs and external entities get in. Elements are matched on their
local name, so any camt namespace version (and the wrong ``iso:20023`` some banks write) reads
the same. Values are read with the element path in hand, so errors can say where."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException, DTDForbidden
from defusedxml.ElementTree import fromstring

from reconciliation.statements import StatementError

_DECLARED_ENCODING = re.compile(rb"""^<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
# ISO 20022 amounts: up to 18 digits, at most 5 of them after the decimal point.
_AMOUNT = re.compile(r"\d{1,18}(?:\.\d{1,5})?|\.\d{1,5}")


def parse(data: bytes, filename: str) -> Element:
    if not data.strip():
        raise StatementError(filename, "", "the file is empty")
    if data[:3] == b"\xef\xbb\xbf":
        data = data[3:]
    if not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        data = data.lstrip()  # expat refuses anything before the XML declaration
    try:
        return fromstring(data, forbid_dtd=True)
    except DTDForbidden:
        raise StatementError(
            filename,
            "",
            "the file contains a document type declaration (<!DOCTYPE>); bank statements never "
            "have one, and it can hide an entity bomb or a reference to another file, so the "
            "file is refused",
        ) from None
    except DefusedXmlException:
        raise StatementError(
            filename, "", "the file declares XML entities, which bank statements never do"
        ) from None
    except ParseError as error:
        raise StatementError(filename, *_describe(error, data)) from None


def _describe(error: ParseError, data: bytes) -> tuple[str, str]:
    line, column = error.position
    where = f"line {line}, column {column}"
    declared = _DECLARED_ENCODING.match(data)
    encoding = declared.group(1).decode("ascii") if declared else "UTF-8"
    try:
        data.decode(encoding)
    except LookupError:
        return where, f"the file declares an unknown character encoding '{encoding}'"
    except UnicodeDecodeError as bad:
        bad_line = data.count(b"\n", 0, bad.start) + 1
        byte = data[bad.start : bad.start + 1].hex().upper()
        claim = f"says it is {encoding}" if declared else "declares no encoding, so is UTF-8,"
        return (
            f"line {bad_line}",
            f"the file {claim} but contains a byte (0x{byte}) that is not {encoding}; it was "
            "probably saved in another encoding: export it again",
        )
    reason = str(error).split(":")[0]
    if reason in ("no element found", "unclosed token"):
        return where, f"the XML stops too early ({reason}): the file looks cut off"
    return where, f"the file is not well-formed XML ({reason})"


def local(element: Element) -> str:
    tag = element.tag if isinstance(element.tag, str) else ""
    return tag.rsplit("}", 1)[-1]


def children(element: Element | None, name: str) -> list[Element]:
    if element is None:
        return []
    return [child for child in element if local(child) == name]


def find(element: Element | None, path: str) -> Element | None:
    """The first element down ``path`` ("Acct/Id/IBAN"), or None."""
    for name in path.split("/"):
        if element is None:
            return None
        element = next((child for child in element if local(child) == name), None)
    return element


def text(element: Element | None, path: str = "") -> str:
    found = find(element, path) if path else element
    if found is None or found.text is None:
        return ""
    return " ".join(found.text.split())


def texts(element: Element | None, path: str) -> list[str]:
    """The texts of every element down ``path`` (all matches at the last step)."""
    *parents, last = path.split("/")
    parent = find(element, "/".join(parents)) if parents else element
    return [value for value in (text(child) for child in children(parent, last)) if value]


class Reader:
    """Reads typed values and raises ``StatementError`` naming the element path."""

    def __init__(self, filename: str):
        self.filename = filename

    def error(self, where: str, problem: str) -> StatementError:
        return StatementError(self.filename, where, problem)

    def amount(self, element: Element | None, where: str) -> Decimal:
        if element is None:
            raise self.error(where, "the amount is missing")
        raw = (element.text or "").strip()
        if raw.startswith("-") and _AMOUNT.fullmatch(raw[1:]):
            raise self.error(where, f"amount '{raw}' is negative; camt gives the sign in CdtDbtInd")
        if not _AMOUNT.fullmatch(raw):
            raise self.error(where, f"amount '{raw}' is not a number")
        return Decimal(raw)

    def sign(self, element: Element, where: str) -> int:
        indicator = text(element, "CdtDbtInd")
        if indicator == "CRDT":
            return 1
        if indicator == "DBIT":
            return -1
        if not indicator:
            raise self.error(f"{where}/CdtDbtInd", "the credit/debit indicator is missing")
        raise self.error(
            f"{where}/CdtDbtInd", f"credit/debit indicator '{indicator}' is not CRDT or DBIT"
        )

    def signed_amount(self, element: Element, where: str) -> Decimal:
        amount = self.amount(find(element, "Amt"), f"{where}/Amt")
        return self.sign(element, where) * amount

    def date(self, element: Element | None, where: str) -> datetime.date | None:
        """A date from an element holding <Dt> or <DtTm> (or the value itself)."""
        if element is None:
            return None
        for name in ("Dt", "DtTm", ""):
            raw = text(element, name)
            if raw:
                # A DtTm's date part is the bank's local date; a trailing offset is dropped.
                try:
                    return datetime.date.fromisoformat(raw[:10])
                except ValueError:
                    path = f"{where}/{name}" if name else where
                    raise self.error(path, f"date '{raw}' is not a valid date") from None
        return None
