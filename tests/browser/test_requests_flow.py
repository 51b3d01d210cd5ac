"""Staff open a client's document request, upload a bank statement against its item, the
progress changes, and the pack's collect item ticks itself when the last required item
arrives."""

import datetime

import pytest

from atlasos.tenancy.context import practice_context
from portal import requests as services
from tests.factories.clients import ClientFactory
from tests.factories.portal import DocumentRequestFactory, RequestItemFactory
from tests.factories.tasks import PackFactory, PackItemFactory
from tests.portal import samples

expect = pytest.importorskip(
    "playwright.sync_api", reason="Playwright is not installed (pip install playwright)"
).expect

OCTOBER = datetime.date(2026, 10, 1)
BANK = "Bank statement — Barclays Business Current ****1234"


def upload(page, item_code: str, name: str, content: bytes, mime: str) -> None:
    row = page.locator(f"#item-{item_code}")
    row.locator("summary", has_text="Mark received").click()
    row.locator("input[type=file]").set_input_files(
        files=[{"name": name, "mimeType": mime, "buffer": content}]
    )
    row.get_by_role("button", name="Upload").click()


def test_staff_upload_completes_the_request_and_ticks_the_pack(
    page, log_in, staff, practice, browser_log, media
):
    client = ClientFactory(practice=practice, name="Lighthouse Cafe Ltd", preparer=staff)
    with practice_context(practice.pk):
        pack = PackFactory(practice=practice, client=client, period=OCTOBER, preparer=staff)
        collect = PackItemFactory(
            practice=practice,
            pack=pack,
            title="Bank statements received",
            auto_key=services.AUTO_KEY,
        )
        request = DocumentRequestFactory(
            practice=practice,
            client=client,
            pack=pack,
            title="Documents for October 2026",
            period=OCTOBER,
        )
        bank = RequestItemFactory(
            practice=practice, request=request, title=BANK, doc_type="bank_statement"
        )
        receipts = RequestItemFactory(
            practice=practice, request=request, title="Receipts", doc_type="receipt"
        )

    log_in(staff, then=f"/clients/{client.code}/requests/")
    expect(page.locator("table.data")).to_contain_text("0 of 2 received")
    page.get_by_role("link", name="Documents for October 2026").click()
    expect(page.locator("#request-progress")).to_contain_text("0 of 2 received")

    upload(page, bank.code, "barclays-october.pdf", samples.PDF, "application/pdf")
    expect(page.locator(".messages")).to_contain_text("Stored barclays-october.pdf")
    expect(page.locator("#request-progress")).to_contain_text("1 of 2 received")
    expect(page.locator(f"#item-{bank.code}")).to_contain_text("Received")
    expect(page.locator(f"#item-{bank.code}")).to_contain_text("barclays-october.pdf")

    upload(page, receipts.code, "receipts.png", samples.PNG, "image/png")
    expect(page.locator("#request-progress")).to_contain_text("2 of 2 received")
    expect(page.locator(".pack-summary").first).to_contain_text("Complete")

    page.get_by_role("link", name="October 2026 pack").click()
    expect(page.locator("#pack-request")).to_contain_text("2 of 2 received")
    expect(page.locator(f"#tick-{collect.code}")).to_have_attribute("aria-pressed", "true")
    expect(page.locator(f"#item-{collect.code}")).to_contain_text("Ticked automatically")
    browser_log.assert_clean()
