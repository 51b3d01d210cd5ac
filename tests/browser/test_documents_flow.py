"""A staff member opens a client's Documents tab, uploads a PDF, sees it listed with its
preview and download links, and opens the document page."""

import re

import pytest

from tests.factories import ClientFactory
from tests.portal import samples

expect = pytest.importorskip(
    "playwright.sync_api", reason="Playwright is not installed (pip install playwright)"
).expect


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

    # The document page shows the PDF in a sandboxed frame, its facts, and the download.
    row.get_by_role("link", name="barclays-october.pdf", exact=True).click()
    expect(page.get_by_role("heading", name="barclays-october.pdf")).to_be_visible()
    expect(page.locator("iframe[sandbox]")).to_have_attribute(
        "src", re.compile(r"^/documents/[0-9a-f-]+/preview/$")
    )
    expect(page.get_by_role("link", name="Download", exact=True)).to_be_visible()
    page.go_back()

    # The filter narrows the list through htmx; the URL says what is shown.
    page.get_by_label("Source").select_option(label="Portal")
    expect(page.get_by_text("No documents match these filters.")).to_be_visible()
    expect(page).to_have_url(re.compile(r"source=portal"))

    browser_log.assert_clean()
