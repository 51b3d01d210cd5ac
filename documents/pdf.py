"""HTML to PDF with WeasyPrint, for every PDF AtlasOS renders (the bank reconciliation
statement, the management accounts pack): one font configuration per process, and a renderer
that fetches nothing from the network — the page's base URL is a made-up origin and
``fetch_static`` serves its ``/static/`` files from disk and refuses every other URL.

Also the money format the PDFs print. WeasyPrint is imported inside the functions: only the
workers that render pay for it."""

import functools
import mimetypes
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage

BASE_URL = "https://report.atlasos.invalid/"  # never resolves: only fetch_static answers it
STATIC_PREFIX = BASE_URL + "static/"
CENT = Decimal("0.01")


class ResourceRefused(Exception):
    """The renderer asked for something that is not one of our static files."""


def money(value: Decimal | None) -> str:
    """``-1,234.50``: two decimals (half up), thousands separators, a minus when negative;
    an empty string for no value."""
    if value is None:
        return ""
    rounded = value.quantize(CENT, rounding=ROUND_HALF_UP)
    return f"{rounded if rounded else abs(rounded):,.2f}"


def _static_file(name: str) -> Path | None:
    """A static file on disk: from the source folders (finders), else the collected ones."""
    if not name or ".." in Path(name).parts or name.startswith("/"):
        return None
    found = finders.find(name)
    if found:
        return Path(found)
    try:
        collected = Path(staticfiles_storage.path(name))
    except (NotImplementedError, ValueError):  # remote storage, or an unsafe name
        return None
    return collected if collected.is_file() else None


def fetch_static(url: str):
    """WeasyPrint's URL fetcher: our ``/static/`` files from disk; every other URL (another
    host, ``file:``, ``data:``, a path outside /static/) is refused, so nothing is fetched
    from the network whatever the page refers to."""
    if not url.startswith(STATIC_PREFIX):
        raise ResourceRefused(f"{url[:200]} is not one of AtlasOS's static files: not fetched.")
    name = unquote(urlsplit(url).path).removeprefix(urlsplit(STATIC_PREFIX).path)
    path = _static_file(name)
    if path is None:
        raise ResourceRefused(f"{name[:200]} is not a static file.")
    content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return _response(url, path.read_bytes(), content_type)


def _response(url: str, body: bytes, content_type: str):
    try:
        from weasyprint.urls import URLFetcherResponse
    except ImportError:  # WeasyPrint before 68 takes a dict
        return {"string": body, "mime_type": content_type, "redirected_url": url}
    return URLFetcherResponse(url, body=body, headers={"Content-Type": content_type})


@functools.cache
def _font_config():
    """One FontConfiguration per process: building it scans the installed fonts."""
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def html_to_pdf(html: str, extra: dict | None = None, with_pages: bool = False):
    """The PDF's bytes (and its number of pages, ``with_pages``). ``extra`` maps URLs under
    ``BASE_URL`` to (bytes, content type) the page may also use: the practice's logo."""
    import weasyprint

    extra = extra or {}

    def fetch(url: str):
        if url in extra:
            body, content_type = extra[url]
            return _response(url, body, content_type)
        return fetch_static(url)

    document = weasyprint.HTML(string=html, base_url=BASE_URL, url_fetcher=fetch).render(
        font_config=_font_config()
    )
    pdf = document.write_pdf()
    return (pdf, len(document.pages)) if with_pages else pdf
