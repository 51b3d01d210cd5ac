"""Is an uploaded file safe to keep? Size, type sniffed from the content, a clean name.

``validate_upload(upload)`` reads the file once (hashing it on the way) and returns a
``ValidatedUpload`` or raises ``UploadRefused`` with a message for the person who uploaded it.

- Size: an empty file and a file over ``settings.ATLAS_UPLOAD_MAX_BYTES`` are refused.
- Type: libmagic (python-magic) looks at the first 8 KB, never at the name, and the result
  must be on the allow-list below. Text and XML are looked at more closely (OFX/QFX, MT940,
  camt.05x); HTML, SVG and anything else a browser could run are refused (stored XSS).
- Name: directories, control characters and leading dots go; the extension is one that
  matches the sniffed type; at most 150 characters; never empty.
"""

import hashlib
import re
import unicodedata
import zipfile
from dataclasses import dataclass

import magic
from django.conf import settings

from atlasos.refusals import Refusal

SNIFF_BYTES = 8 * 1024
MAX_NAME_LENGTH = 150
CHUNK = 64 * 1024

ACCEPTED = (
    "Upload PDF, images (PNG, JPEG), CSV, Excel (XLSX, XLS), OFX/QFX, QIF, camt.053 XML, MT940 "
    "or Word (DOCX) files."
)


@dataclass(frozen=True)
class Kind:
    content_type: str
    extensions: tuple[str, ...]  # the first is the default
    previewable: bool = False


PDF = Kind("application/pdf", ("pdf",), previewable=True)
PNG = Kind("image/png", ("png",), previewable=True)
JPEG = Kind("image/jpeg", ("jpg", "jpeg"), previewable=True)
GIF = Kind("image/gif", ("gif",), previewable=True)
WEBP = Kind("image/webp", ("webp",), previewable=True)
HEIC = Kind("image/heic", ("heic", "heif"))
CSV = Kind("text/csv", ("csv", "tsv"))
TEXT = Kind("text/plain", ("txt", "csv", "tsv"))
MT940 = Kind("text/plain", ("sta", "mt940", "940", "txt"))
OFX = Kind("application/x-ofx", ("ofx", "qfx"))
QIF = Kind("application/qif", ("qif",))
CAMT = Kind("application/xml", ("xml",))
XLSX = Kind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ("xlsx",))
XLS = Kind("application/vnd.ms-excel", ("xls",))
DOCX = Kind("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ("docx",))

# libmagic's answer → the kind we keep. Text and XML are decided by ``_text_kind``.
BY_MIME = {
    "application/pdf": PDF,
    "image/png": PNG,
    "image/jpeg": JPEG,
    "image/gif": GIF,
    "image/webp": WEBP,
    "image/heic": HEIC,
    "image/heif": HEIC,
    XLSX.content_type: XLSX,
    "application/vnd.ms-excel": XLS,
    DOCX.content_type: DOCX,
}
TEXT_MIMES = {"text/plain", "text/csv", "application/csv", "text/xml", "application/xml"}

# What a refused file looks like, in words the uploader knows.
LOOKS_LIKE = {
    "application/x-dosexec": "a Windows program",
    "application/x-msdownload": "a Windows program",
    "application/vnd.microsoft.portable-executable": "a Windows program",
    "application/x-executable": "a program",
    "application/x-elf": "a program",
    "application/x-mach-binary": "a program",
    "application/x-sharedlib": "a program",
    "application/x-pie-executable": "a program",
    "text/html": "a web page (HTML)",
    "image/svg+xml": "an SVG image, which can carry scripts",
    "application/javascript": "a script",
    "text/javascript": "a script",
    "text/x-shellscript": "a script",
    "application/zip": "a ZIP archive",
    "application/x-rar": "a RAR archive",
    "application/x-7z-compressed": "a 7-Zip archive",
    "application/gzip": "a compressed archive",
    "application/msword": "an old Word document, which can carry macros",
    "application/x-ole-storage": "an old Office document, which can carry macros",
    "application/vnd.ms-excel.sheet.macroEnabled.12": "an Excel workbook with macros",
    "application/octet-stream": "binary data of an unknown kind",
}

MT940_TAGS = re.compile(rb"^:(20|25|28C|60F|60M):", re.MULTILINE)
CAMT_NAMESPACE = re.compile(rb"urn:iso:std:iso:20022:tech:xsd:camt\.05[2-4]\.")
OFX_XML = re.compile(rb"<\?OFX\b|<OFX>", re.IGNORECASE)
HTML_MARKERS = re.compile(rb"<\s*(html|script|svg|body|iframe|!doctype\s+html)\b", re.IGNORECASE)


class UploadRefused(Refusal):
    """The rules refuse it; ``message`` says why."""


@dataclass(frozen=True)
class ValidatedUpload:
    name: str
    content_type: str
    size: int
    sha256: str


def human_size(size: int) -> str:
    """1234567 → "1.2 MB"; 25 MB exactly → "25 MB"; 900 → "900 bytes"."""
    for unit, scale in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if size >= scale:
            return f"{size / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{size} byte{'' if size == 1 else 's'}"


# --- names ------------------------------------------------------------------------------------


def clean_name(raw: str | None) -> str:
    """The name as given, made harmless: last path part only, no control characters, no
    leading dots, whitespace collapsed, at most 150 characters, never empty."""
    name = unicodedata.normalize("NFC", raw or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if not unicodedata.category(ch).startswith("C"))
    name = re.sub(r"\s+", " ", name).strip().lstrip(".").strip()
    name = re.sub(r'[<>:"|?*]', "_", name)
    return _shorten(name or "document")


def _split(name: str) -> tuple[str, str]:
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem:
        return name, ""
    return stem, ext.lower()


def _shorten(name: str) -> str:
    if len(name) <= MAX_NAME_LENGTH:
        return name
    stem, ext = _split(name)
    if ext and len(ext) < 10:
        return stem[: MAX_NAME_LENGTH - len(ext) - 1].rstrip() + "." + ext
    return name[:MAX_NAME_LENGTH]


def safe_name(raw: str | None, kind: Kind) -> str:
    """``clean_name`` with an extension that matches the sniffed type."""
    name = clean_name(raw)
    stem, ext = _split(name)
    if ext in kind.extensions:
        return _shorten(f"{stem}.{ext}")
    return _shorten(f"{name}.{kind.extensions[0]}")


# --- types ------------------------------------------------------------------------------------


QIF_HEADER = re.compile(rb"!(type|account|option|clear)", re.IGNORECASE)


def _text_kind(head: bytes, name: str) -> Kind | None:
    body = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if HTML_MARKERS.search(head):
        return None
    if body.upper().startswith(b"OFXHEADER") or OFX_XML.search(head):
        return OFX
    if body.startswith(b"<"):
        return CAMT if CAMT_NAMESPACE.search(head) else None
    if len(MT940_TAGS.findall(head)) >= 2:
        return MT940
    if QIF_HEADER.match(body):
        return QIF
    return CSV if _split(name)[1] in ("csv", "tsv") else TEXT


def _zip_kind(upload) -> Kind | None:
    """Office files that libmagic calls a plain ZIP (the parts in an unusual order)."""
    try:
        upload.seek(0)
        names = set(zipfile.ZipFile(upload).namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if "[Content_Types].xml" not in names or any(n.endswith("vbaProject.bin") for n in names):
        return None
    if "xl/workbook.xml" in names:
        return XLSX
    if "word/document.xml" in names:
        return DOCX
    return None


def sniff(head: bytes, name: str, upload=None) -> tuple[Kind | None, str]:
    """The kind of file these first bytes start (None if refused) and libmagic's MIME type."""
    mime = magic.from_buffer(head, mime=True)
    if mime in BY_MIME:
        return BY_MIME[mime], mime
    if mime in TEXT_MIMES:
        return _text_kind(head, name), mime
    if mime == "application/zip" and upload is not None:
        return _zip_kind(upload), mime
    return None, mime


def _looks_like(mime: str, head: bytes) -> str:
    if mime in LOOKS_LIKE:
        return LOOKS_LIKE[mime]
    if mime in TEXT_MIMES:
        if HTML_MARKERS.search(head):
            return "a web page (HTML)"
        return "XML that is not a camt.053 or OFX statement"
    description = magic.from_buffer(head).split(",")[0].strip()
    return f"“{description[:60]}”" if description else "a kind of file we do not know"


# --- the whole check --------------------------------------------------------------------------


def validate_upload(upload, *, max_bytes: int | None = None) -> ValidatedUpload:
    """Check ``upload`` (a Django ``UploadedFile``) and describe it; raise ``UploadRefused``."""
    limit = settings.ATLAS_UPLOAD_MAX_BYTES if max_bytes is None else max_bytes
    shown = clean_name(upload.name)
    if upload.size is not None and upload.size > limit:
        raise UploadRefused(_too_big(shown, upload.size, limit))
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    if not head:
        raise UploadRefused(f"{shown} is empty.")
    digest = hashlib.sha256(head)
    size = len(head)
    while chunk := upload.read(CHUNK):
        size += len(chunk)
        if size > limit:
            raise UploadRefused(_too_big(shown, size, limit))
        digest.update(chunk)
    kind, mime = sniff(head, shown, upload)
    upload.seek(0)
    if kind is None:
        raise UploadRefused(
            f"{shown} is not a file type we accept (it looks like {_looks_like(mime, head)}). "
            f"{ACCEPTED}"
        )
    content_type = kind.content_type
    name = safe_name(upload.name, kind)
    if kind is TEXT and _split(name)[1] in ("csv", "tsv"):
        content_type = CSV.content_type
    return ValidatedUpload(
        name=name, content_type=content_type, size=size, sha256=digest.hexdigest()
    )


def _too_big(name: str, size: int, limit: int) -> str:
    if human_size(size) == human_size(limit):
        return f"{name} is larger than the {human_size(limit)} limit per file."
    return f"{name} is {human_size(size)}; the limit is {human_size(limit)} per file."


def is_previewable(content_type: str) -> bool:
    """PDFs and raster images a browser shows itself (served sandboxed, never as a page)."""
    return content_type in {k.content_type for k in (PDF, PNG, JPEG, GIF, WEBP)}
