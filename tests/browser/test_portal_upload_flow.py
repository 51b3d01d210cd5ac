"""A client contact signs in to the portal, uploads a bank statement against the request with
the drop zone's script (progress bar, checklist updated in place), staff see the document and
the request's progress, and a delivery appears in the portal and downloads."""

import datetime
import re

import pytest

from atlasos import clock as wall_clock
from atlasos.tenancy.context import practice_context
from tests.browser.helpers import open_page, sign_in
from tests.factories.clients import ClientFactory
from tests.factories.portal import (
    DeliveryDocumentFactory,
    DocumentRequestFactory,
    PortalGrantFactory,
    RequestItemFactory,
)
from tests.portal import samples

expect = pytest.importorskip(
    "playwright.sync_api", reason="Playwright is not installed (pip install playwright)"
).expect

OCTOBER = datetime.date(2026, 10, 1)
BANK = "Bank statement — Barclays Business Current ****1234"


def test_contact_uploads_a_statement_staff_see_it_and_a_delivery_downloads(
    media, page, playwright_browser, live_server, practice, staff, browser_log
):
    client = ClientFactory(practice=practice, name="Lighthouse Cafe Ltd", preparer=staff)
    account = PortalGrantFactory(
        practice=practice, client=client, account__contact__name="Ada Lovelace"
    ).account
    with practice_context(practice.pk):
        document_request = DocumentRequestFactory(
            practice=practice,
            client=client,
            title="Documents for October 2026",
            period=OCTOBER,
            status="sent",
            sent_at=wall_clock.now(),
        )
        bank = RequestItemFactory(
            practice=practice, request=document_request, title=BANK, doc_type="bank_statement"
        )
        RequestItemFactory(
            practice=practice, request=document_request, title="Receipts", doc_type="receipt"
        )
    delivered = DeliveryDocumentFactory(
        practice=practice,
        delivery__client=client,
        delivery__title="Management accounts — October 2026",
        document__source="generated",
        document__doc_type="management_accounts",
        document__original_name="management-accounts-october.pdf",
    )

    # The contact opens the request from the client's page.
    sign_in(page, account.user.email)
    page.goto(f"/portal/clients/{client.code}/")
    expect(page.locator(".portal-request").first).to_contain_text("0 of 2 received")
    page.get_by_role("link", name="Documents for October 2026", exact=True).click()
    expect(page.locator("#request-progress")).to_contain_text("0 of 2 received")

    # Choosing the file in the drop zone uploads it with the script: no page load.
    page.evaluate("window.portalUploadMarker = 'still here'")
    item = page.locator(f"#item-{bank.code}")
    item.locator("[data-drop-zone] input[type=file]").set_input_files(
        files=[
            {"name": "barclays-october.pdf", "mimeType": "application/pdf", "buffer": samples.PDF}
        ]
    )
    expect(page.locator(f"#item-{bank.code}")).to_contain_text("Received barclays-october.pdf.")
    expect(page.locator(f"#item-{bank.code} .badge")).to_have_text("Received")
    expect(page.locator("#request-progress")).to_contain_text("1 of 2 received")
    expect(page.locator("#upload-announcer")).to_contain_text("Received barclays-october.pdf.")
    assert page.evaluate("window.portalUploadMarker") == "still here"
    expect(page.locator(f"#item-{bank.code} .portal-item-files")).to_contain_text(
        "barclays-october.pdf"
    )

    # The delivery is on the Documents page, downloads, and can be acknowledged.
    page.get_by_role("link", name="Documents", exact=True).click()
    expect(page.locator("#sent-heading + .table-wrap")).to_contain_text("barclays-october.pdf")
    delivery_card = page.locator(f"#delivery-{delivered.delivery.code}")
    expect(delivery_card).to_contain_text("Management accounts — October 2026")
    with page.expect_download() as download_info:
        delivery_card.get_by_role("link", name="Download management-accounts-october.pdf").click()
    download = download_info.value
    assert download.suggested_filename == "management-accounts-october.pdf"
    with open(download.path(), "rb") as downloaded:
        assert downloaded.read().startswith(b"%PDF-1.4")
    delivery_card.get_by_role("button", name=re.compile("Acknowledge receipt")).click()
    expect(page.locator(".messages")).to_contain_text("you have acknowledged receipt")
    expect(page.locator(f"#delivery-{delivered.delivery.code}")).to_contain_text(
        "Receipt acknowledged"
    )
    browser_log.assert_clean()

    # Staff, in their own browser context on the same live server, see the upload.
    context, staff_page = open_page(playwright_browser, live_server.url, browser_log)
    try:
        sign_in(staff_page, staff.email)
        staff_page.goto(f"/clients/{client.code}/documents/")
        expect(staff_page.locator("table.data")).to_contain_text("barclays-october.pdf")
        expect(staff_page.locator("table.data")).to_contain_text("Portal")
        staff_page.goto(f"/clients/{client.code}/requests/")
        expect(staff_page.locator("table.data")).to_contain_text("1 of 2 received")
        staff_page.goto(f"/requests/{document_request.code}/")
        expect(staff_page.locator(f"#item-{bank.code}")).to_contain_text("barclays-october.pdf")
    finally:
        context.close()
    browser_log.assert_clean()


def test_choosing_another_client_in_the_switcher_opens_its_requests(page, practice, browser_log):
    lighthouse = ClientFactory(practice=practice, name="Lighthouse Cafe Ltd")
    harbour = ClientFactory(practice=practice, name="Harbour Bakery Ltd")
    account = PortalGrantFactory(practice=practice, client=lighthouse).account
    PortalGrantFactory(practice=practice, account=account, client=harbour)

    sign_in(page, account.user.email)
    page.goto(f"/portal/clients/{lighthouse.code}/")
    page.get_by_label("Client").select_option(label="Harbour Bakery Ltd")
    expect(page).to_have_url(re.compile(re.escape(f"/portal/clients/{harbour.code}/") + "$"))
    expect(page.locator("h1")).to_have_text("Harbour Bakery Ltd")
    browser_log.assert_clean()


def test_files_dropped_on_an_items_zone_are_uploaded(media, page, practice, browser_log):
    client = ClientFactory(practice=practice, name="Lighthouse Cafe Ltd")
    account = PortalGrantFactory(practice=practice, client=client).account
    with practice_context(practice.pk):
        document_request = DocumentRequestFactory(
            practice=practice, client=client, status="sent", sent_at=wall_clock.now()
        )
        receipts = RequestItemFactory(
            practice=practice, request=document_request, title="Receipts", doc_type="receipt"
        )
        RequestItemFactory(practice=practice, request=document_request, title="Sales invoices")

    sign_in(page, account.user.email)
    page.goto(f"/portal/requests/{document_request.code}/")
    dropped = page.evaluate_handle(
        """(bytes) => {
            const transfer = new DataTransfer();
            const file = new File([new Uint8Array(bytes)], "receipts.png", {type: "image/png"});
            transfer.items.add(file);
            return transfer;
        }""",
        list(samples.PNG),
    )
    zone = page.locator(f"#item-{receipts.code} [data-drop-zone]")
    zone.dispatch_event("dragenter", {"dataTransfer": dropped})
    expect(zone).to_have_class(re.compile(r"\bis-dragging\b"))
    zone.dispatch_event("drop", {"dataTransfer": dropped})
    expect(page.locator(f"#item-{receipts.code}")).to_contain_text("Received receipts.png.")
    expect(page.locator("#request-progress")).to_contain_text("1 of 2 received")
    browser_log.assert_clean()


def test_an_upload_to_a_request_completed_meanwhile_says_so_in_the_zone(
    media, page, practice, browser_log
):
    client = ClientFactory(practice=practice)
    account = PortalGrantFactory(practice=practice, client=client).account
    with practice_context(practice.pk):
        document_request = DocumentRequestFactory(
            practice=practice, client=client, status="sent", sent_at=wall_clock.now()
        )
        receipts = RequestItemFactory(practice=practice, request=document_request)

    sign_in(page, account.user.email)
    page.goto(f"/portal/requests/{document_request.code}/")
    with practice_context(practice.pk):
        type(document_request).objects.filter(pk=document_request.pk).update(status="complete")
    page.locator(f"#item-{receipts.code} input[type=file]").set_input_files(
        files=[{"name": "late.pdf", "mimeType": "application/pdf", "buffer": samples.PDF}]
    )
    status = page.locator(f"#item-{receipts.code} [data-upload-status]")
    expect(status).to_contain_text("is complete; nothing more is needed for it")
    expect(status).to_have_class(re.compile(r"\bis-error\b"))
    expect(page.locator(f"#item-{receipts.code} [data-upload-progress]")).to_be_hidden()
    browser_log.assert_clean()
