"""A staff member opens a client's Documents tab, uploads a PDF, sees it listed with its
preview and download links, and opens the document page, where Chromium shows the PDF."""

import contextlib
import re

import pytest

from atlasos.tenancy.context import practice_context
from tests.factories.clients import ClientFactory
from tests.factories.documents import DocumentFactory
from tests.portal import samples

playwright = pytest.importorskip(
    "playwright.sync_api", reason="Playwright is not installed (pip install playwright)"
)
expect = playwright.expect
PlaywrightTimeoutError = playwright.TimeoutError


def test_staff_uploads_a_pdf_to_the_client_documents(
    page, log_in, staff, practice, browser_log, tmp_path
):
    client = ClientFactory(practice=practice, name="Harbourview Bakery Ltd")
    statement = tmp_path / "barclays-october.pdf"
    statement.write_bytes(samples.PDF)
    program = tmp_path / "invoice.pdf"
    program.write_bytes(samples.EXE)

    log_in(staff, then=f"/clients/{client.code}/")
    page.get_by_role("navigation", name="Client sections").get_by_role(
        "link", name="Documents"
    ).click()
    expect(page).to_have_url(re.compile(rf"/clients/{client.code}/documents/$"))
    expect(page.get_by_text("No documents for Harbourview Bakery Ltd yet")).to_be_visible()

    upload = page.get_by_role("region", name="Upload")
    upload.get_by_label("Files").set_input_files([str(statement), str(program)])
    upload.get_by_label("Type").select_option(label="Bank statement")
    upload.get_by_label("Period").select_option(label="October 2026")
    upload.get_by_role("button", name="Upload").click()

    messages = page.locator(".messages")
    expect(messages).to_contain_text("Stored barclays-october.pdf.")
    expect(messages).to_contain_text(
        "invoice.pdf is not a file type we accept (it looks like a Windows program)."
    )
    row = page.get_by_role("row").filter(has_text="barclays-october.pdf")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("October 2026")
    expect(row).to_contain_text("Bank statement")
    expect(row).to_contain_text("Staff upload")
    expect(row).to_contain_text("Tom Reilly")
    expect(row.get_by_role("link", name="Preview barclays-october.pdf")).to_be_visible()
    download = row.get_by_role("link", name="Download barclays-october.pdf")
    expect(download).to_have_attribute("href", re.compile(r"^/documents/[0-9a-f-]+/download/$"))

    # The document page shows the PDF in a frame, its facts, and the download.
    row.get_by_role("link", name="barclays-october.pdf", exact=True).click()
    expect(page.get_by_role("heading", name="barclays-october.pdf")).to_be_visible()
    expect(page.get_by_title("Preview of barclays-october.pdf")).to_have_attribute(
        "src", re.compile(r"^/documents/[0-9a-f-]+/preview/$")
    )
    expect(page.get_by_role("link", name="Download", exact=True)).to_be_visible()
    page.go_back()

    # The filter narrows the list through htmx; the URL says what is shown.
    page.get_by_label("Source").select_option(label="Portal")
    expect(page.get_by_text("No documents match these filters.")).to_be_visible()
    expect(page).to_have_url(re.compile(r"source=portal"))

    browser_log.assert_clean()


# Chromium's built-in PDF viewer: the frame of a PDF holds this extension's page, which holds
# the plugin. A frame the browser refused to fill shows chrome-error://chromewebdata/ instead
# ("This page has been blocked by Chromium").
PDF_VIEWER = "chrome-extension://mhjfbmdgcfjbbpaeojofohoefgiehjai/"


def one_page_pdf(text: str) -> bytes:
    """A real one-page PDF (a catalogue, a page tree, a page with a line of text, an xref)."""
    stream = f"BT /F1 24 Tf 72 700 Td ({text}) Tj ET".encode()
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]"
        b"/Resources<</Font<</F1 5 0 R>>>>/Contents 4 0 R>>",
        b"<</Length %d>>stream\n%s\nendstream" % (len(stream), stream),
        b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>",
    ]
    pdf = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    pdf += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    pdf += b"trailer<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return pdf


def child_frame(frame, url_prefix: str, page):
    """The child of ``frame`` at a URL starting with ``url_prefix``: already there, or the first
    to navigate there within the page's timeout (None if none does)."""

    def is_it(child) -> bool:
        return child.parent_frame == frame and child.url.startswith(url_prefix)

    for child in frame.child_frames:
        if is_it(child):
            return child
    try:
        return page.wait_for_event("framenavigated", predicate=is_it)
    except PlaywrightTimeoutError:
        return None


def test_the_document_page_shows_the_pdf_in_chromiums_viewer(
    page, log_in, staff, practice, browser_log
):
    client = ClientFactory(practice=practice, name="Harbourview Bakery Ltd")
    with practice_context(practice.pk):
        document = DocumentFactory(
            practice=practice,
            client=client,
            original_name="barclays-october.pdf",
            content=one_page_pdf("Barclays, October 2026"),
        )

    log_in(staff, then=f"/clients/{client.code}/documents/")
    page.get_by_role("link", name="Preview barclays-october.pdf").click()
    frame_element = page.get_by_title("Preview of barclays-october.pdf")
    expect(frame_element).to_be_visible()
    preview = frame_element.element_handle().content_frame()

    # The frame holds the preview itself, not Chromium's "blocked" page...
    preview.wait_for_load_state()
    assert preview.url.endswith(f"/documents/{document.code}/preview/"), (
        preview.url,
        preview.evaluate("document.body && document.body.innerText"),
    )
    # ...which Chromium hands to its PDF viewer, and the viewer loaded the document: it takes
    # the file's name as its title and counts its one page (a PDF it cannot read leaves the
    # title empty and zero pages).
    viewer = child_frame(preview, PDF_VIEWER, page)
    assert viewer is not None, [child.url for child in preview.child_frames]
    with contextlib.suppress(PlaywrightTimeoutError):  # the assertion below says what it was
        viewer.wait_for_function("() => document.title === 'barclays-october.pdf'")
    assert viewer.title() == "barclays-october.pdf"
    pages = viewer.evaluate(
        "document.querySelector('pdf-viewer').shadowRoot.querySelector('viewer-toolbar').docLength"
    )
    assert pages == 1
    plugin = child_frame(viewer, preview.url, page)
    assert plugin is not None
    assert plugin.evaluate("document.querySelector('embed').type") == (
        "application/x-google-chrome-pdf"
    )
    browser_log.assert_clean()
