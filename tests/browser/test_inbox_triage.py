"""A staff member opens Inbox › Triage, where an emailed invoice from an unknown sender waits
with the client it most likely belongs to, and files it with one click: the row says it was
filed, the client's November request counts one more document received, and the invoice is in
the client's Documents tab."""

import datetime
import re

import pytest

from tests.factories.clients import ClientFactory
from tests.factories.inbox import SAMPLE_PDF, InboundAttachmentFactory, InboundMessageFactory
from tests.factories.portal import DocumentRequestFactory, RequestItemFactory

expect = pytest.importorskip(
    "playwright.sync_api", reason="Playwright is not installed (pip install playwright)"
).expect

NOVEMBER = datetime.date(2026, 11, 1)


def test_a_message_in_triage_is_filed_in_one_click_and_the_request_moves(
    page, log_in, staff, practice, browser_log
):
    acme = ClientFactory(practice=practice, name="Acme Trading Ltd", preparer=staff)
    request = DocumentRequestFactory(
        practice=practice,
        client=acme,
        period=NOVEMBER,
        status="sent",
        title="Documents for November 2026",
    )
    RequestItemFactory(
        practice=practice, request=request, title="Purchase invoices", doc_type="purchase_invoice"
    )
    RequestItemFactory(
        practice=practice, request=request, title="Bank statements", doc_type="bank_statement"
    )
    message = InboundMessageFactory(
        practice=practice,
        from_name="Accounts Payable",
        from_address="ap@newsupplier.example",
        subject="Invoice INV-1042",
        html_body=(
            '<p style="color: #1a4fa0">Please find <b>INV-1042</b> attached.</p>'
            '<img src="http://tracker.example/open.gif" alt="">'
            '<script>document.title = "pwned"</script>'
        ),
        candidates=[
            {
                "client_id": acme.pk,
                "confidence": "Suggestion",
                "score": 0.58,
                "reasons": ["“Acme Trading Ltd” appears in the attachment."],
            }
        ],
    )
    InboundAttachmentFactory(
        practice=practice,
        message=message,
        name="purchase-invoice-1042.pdf",
        content=SAMPLE_PDF + b"% INV-1042\n",
    )

    requested = []
    page.on("request", lambda request: requested.append(request.url))
    log_in(staff, then=f"/requests/{request.code}/")
    expect(page.locator("#request-progress")).to_contain_text("0 of 2 received")

    page.goto("/inbox/")
    page.get_by_role("navigation", name="Inbox").get_by_role(
        "link", name=re.compile("Triage")
    ).click()
    expect(page).to_have_url(re.compile(r"/inbox/triage/$"))
    row = page.locator(f"#triage-{message.code}")
    expect(row).to_contain_text("Invoice INV-1042")
    expect(row).to_contain_text("“Acme Trading Ltd” appears in the attachment.")

    row.get_by_role("button", name="File to Acme Trading Ltd").click()

    expect(row).to_contain_text("Filed 1 document to Acme Trading Ltd.")
    expect(row.get_by_role("button")).to_have_count(0)
    expect(page).to_have_url(re.compile(r"/inbox/triage/$"))  # swapped in place

    # The email itself, its HTML body in a frame that loads nothing from elsewhere.
    row.get_by_role("link", name="Open the email").click()
    expect(page.get_by_role("heading", name="Invoice INV-1042")).to_be_visible()
    frame = page.frame_locator("iframe.message-html")
    expect(frame.locator("body")).to_contain_text("Please find INV-1042 attached.")
    assert not [url for url in requested if "tracker.example" in url]

    page.goto(f"/requests/{request.code}/")
    expect(page.locator("#request-progress")).to_contain_text("1 of 2 received")

    page.goto(f"/clients/{acme.code}/documents/")
    documents = page.get_by_role("row").filter(has_text="purchase-invoice-1042.pdf")
    expect(documents).to_have_count(1)
    expect(documents).to_contain_text("November 2026")
    expect(documents).to_contain_text("Purchase invoice")
    browser_log.assert_clean()
