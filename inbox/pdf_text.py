"""The text of a PDF's first pages (through pypdf), for routing: identifiers such as a sort code
and account number, a VAT number, a statement period.

Pure and defensive: the PDF came from a stranger. ``pdf_text`` returns ``""`` on any failure
(not a PDF, broken, encrypted with a password, a page tree pypdf refuses) and never raises.
It does not hang: pypdf's own resource limits are tightened for the call, a document that
declares an absurd page count is not read at all, only the first pages are read and the text
is cut once long enough. pypdf's log and warnings about malformed files are silenced for the
call: for mail from strangers they are expected noise.
"""

import io
import logging
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

from pypdf import PdfReader, apply_configuration

MAX_DECLARED_PAGES = 5_000

# Tighter than pypdf's defaults (75 MB of decompressed output, 100,000 page-tree entries):
# we read ten pages of a document of at most 25 MB for a few identifiers.
LIMITS = {
    "zlib_maximum_output_length": 20_000_000,
    "lzw_maximum_output_length": 20_000_000,
    "run_length_maximum_output_length": 20_000_000,
    "array_based_stream_maximum_output_length": 20_000_000,
    "page_tree_maximum_entries": 20_000,
    "page_tree_maximum_depth": 50,
    "xform_maximum_invocations_per_extraction": 500,
}


@contextmanager
def _quiet() -> Iterator[None]:
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.CRITICAL + 1)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(level)


def pdf_text(data: bytes, *, max_pages: int = 10, max_chars: int = 50_000) -> str:
    """The text of the first ``max_pages`` pages, at most ``max_chars`` characters; "" when
    the bytes are not a PDF whose text can be read without a password."""
    if not isinstance(data, bytes | bytearray) or b"%PDF-" not in data[:1024]:
        return ""
    try:
        with _quiet(), apply_configuration(**LIMITS):
            return _read(bytes(data), max_pages, max_chars)
    except Exception:
        # pypdf raises many kinds (PdfReadError, LimitReachedError, ValueError, KeyError,
        # RecursionError, struct.error...): every one means "no text from this file".
        return ""


def _read(data: bytes, max_pages: int, max_chars: int) -> str:
    reader = PdfReader(io.BytesIO(data), strict=False)
    # A PDF encrypted only against editing opens with the empty password, as in any viewer;
    # one that needs a real password gives no text.
    if reader.is_encrypted and not reader.decrypt(""):
        return ""
    declared = reader.root_object["/Pages"].get_object().get("/Count", 0)
    declared = declared.get_object() if hasattr(declared, "get_object") else declared
    if not isinstance(declared, int) or not 0 <= declared <= MAX_DECLARED_PAGES:
        return ""
    pieces: list[str] = []
    length = 0
    for number, page in enumerate(reader.pages):
        if number >= max_pages or length >= max_chars:
            break
        try:
            text = page.extract_text() or ""
        except Exception:
            continue  # one unreadable page (or one over pypdf's limits) does not hide the rest
        pieces.append(text)
        length += len(text) + 1
    return "\n".join(pieces)[:max_chars].replace("\x00", "")
