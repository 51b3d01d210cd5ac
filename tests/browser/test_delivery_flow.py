"""Staff open a reviewed pack, choose documents in its Deliver panel and publish them: the
panel says "Delivered", the client's portal contact is emailed and the deliver item has ticked
itself (completing the pack). And the pack and its document request agree: a contact's last
upload ticks the matching collect item; delivering with documents outstanding warns, asks for
a confirmation, and closes the request so the portal no longer asks for it."""

import datetime

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from atlasos import clock as wall_clock
from atlasos.tenancy.context import practice_context
from portal.models import Delivery, DocumentRequest, RequestItem
from portal.requests import upload_to_item
from tasks.models import Pack, PackItem
from tasks.services import set_item_done
from tests.browser.helpers import open_page, submit_sign_in
from tests.factories.clients import BankAccountFactory, ClientContactFactory, ClientFactory
from tests.factories.documents import DocumentFactory
from tests.factories.portal import PortalAccountFactory, PortalGrantFactory
from tests.factories.tasks import PackFactory, PackItemFactory
from tests.helpers import standard_pack
from tests.portal import samples

expect = pytest.importorskip(
    "playwright.sync_api", reason="Playwright is not installed (pip install playwright)"
).expect

OCTOBER = datetime.date(2026, 10, 1)


def test_staff_publish_the_pack_to_the_portal(page, log_in, staff, manager, practice, media):
    client = ClientFactory(practice=practice, name="Lighthouse Cafe Ltd", preparer=staff)
    account = PortalAccountFactory(practice=practice, contact__name="Ann Baker")
    PortalGrantFactory(practice=practice, account=account, client=client)
    ClientContactFactory(practice=practice, client=client, contact=account.contact)
    with practice_context(practice.pk):
        pack = PackFactory(
            practice=practice,
            client=client,
            period=OCTOBER,
            preparer=staff,
            reviewer=manager,
            review_done_at=wall_clock.now(),
            current_stage="deliver",
        )
        deliver = PackItemFactory(
            practice=practice,
            pack=pack,
            stage="deliver",
            title="Pack delivered to client",
            auto_key="pack_delivered",
        )
    accounts = DocumentFactory(
        practice=practice,
        client=client,
        period=OCTOBER,
        doc_type="management_accounts",
        original_name="Management accounts October 2026.pdf",
    )
    statement = DocumentFactory(
        practice=practice, client=client, period=OCTOBER, original_name="Barclays October.pdf"
    )

    log_in(staff, then=f"/packs/{pack.code}/")
    panel = page.locator("#delivery")
    expect(panel).to_contain_text("Deliver to client")
    expect(page.get_by_label("Title")).to_have_value("Management accounts — October 2026")
    accounts_box = panel.get_by_role("checkbox", name="Management accounts October 2026.pdf")
    statement_box = panel.get_by_role("checkbox", name="Barclays October.pdf")
    expect(accounts_box).to_be_checked()
    expect(statement_box).not_to_be_checked()
    statement_box.check()
    page.get_by_label("Message to the client").fill("Profit is up on September.")
    panel.get_by_role("button", name="Publish to the portal").click()

    expect(page.locator(".messages")).to_contain_text(
        "Published “Management accounts — October 2026” to the portal: 2 documents. "
        "Emailed to Ann Baker."
    )
    expect(panel.locator("#delivery-status")).to_contain_text("Delivered")
    expect(panel.locator("#delivery-status")).to_contain_text("by Tom Reilly")
    expect(panel).to_contain_text("Emailed to Ann Baker")
    expect(panel).to_contain_text("Not yet acknowledged")
    expect(panel).to_contain_text("Barclays October.pdf")
    expect(panel.get_by_role("button", name="Publish to the portal")).to_have_count(0)
    item = page.locator(f"#item-{deliver.code}")
    expect(item).to_contain_text("Ticked automatically")
    expect(item.get_by_role("button", name="Untick “Pack delivered to client”")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(page.locator("#pack-header")).to_contain_text("Delivered")
    assert [m.to for m in mail.outbox] == [[account.contact.email]]
    with practice_context(practice.pk):
        delivery = Delivery.objects.get()
        assert set(delivery.documents.all()) == {accounts, statement}
        assert delivery.message == "Profit is up on September."
        assert Pack.objects.get(pk=pack.pk).completed_at is not None


def test_the_last_receipt_ticks_its_collect_item_and_delivery_closes_the_request(
    page, playwright_browser, live_server, staff, manager, practice, media, browser_log
):
    """A contact uploads the last missing receipt in the portal: the pack page's "Receipts
    received" has ticked itself. Staff deliver while a bank statement is still outstanding:
    warned, refused until they confirm, then the request is closed and the portal no longer
    asks for it."""
    client = ClientFactory(
        practice=practice, name="Lighthouse Cafe Ltd", preparer=staff, payroll_frequency="none"
    )
    BankAccountFactory(
        practice=practice,
        client=client,
        bank_name="Barclays",
        name="Business Current",
        account_number="41231234",
    )
    account = PortalGrantFactory(
        practice=practice, client=client, account__contact__name="Ann Baker"
    ).account
    pack = standard_pack(practice, client, now=wall_clock.now())
    with practice_context(practice.pk):
        Pack.objects.filter(pk=pack.pk).update(preparer=staff, reviewer=manager)
        request = DocumentRequest.objects.get(pack=pack)
        DocumentRequest.objects.filter(pk=request.pk).update(
            status="sent", sent_at=wall_clock.now()
        )
        for number, title in enumerate(["Sales invoices", "Purchase invoices"]):
            item = RequestItem.objects.get(request=request, title=title)
            upload = SimpleUploadedFile(f"{number}.pdf", samples.PDF + bytes([number]))
            upload_to_item(item, upload, user=staff)
        receipts = RequestItem.objects.get(request=request, title="Receipts")
        collect_receipts = PackItem.objects.get(pack=pack, title="Receipts received")

    # The contact uploads the receipts, the last one of their kind.
    submit_sign_in(page, account.user.email, at="/portal/sign-in/")
    expect(page.locator("#portal-summary")).to_contain_text("1 open request")
    page.goto(f"/portal/requests/{request.code}/")
    page.locator(f"#item-{receipts.code} [data-drop-zone] input[type=file]").set_input_files(
        files=[{"name": "receipts.pdf", "mimeType": "application/pdf", "buffer": samples.PDF}]
    )
    expect(page.locator(f"#item-{receipts.code}")).to_contain_text("Received receipts.pdf.")
    browser_log.assert_clean()

    # Staff see the matching collect item ticked by itself; the bank statements still await.
    context, staff_page = open_page(playwright_browser, live_server.url, browser_log)
    try:
        submit_sign_in(staff_page, staff.email)
        staff_page.goto(f"/packs/{pack.code}/")
        line = staff_page.locator(f"#item-{collect_receipts.code}")
        expect(line).to_contain_text("Ticked automatically")
        expect(line.get_by_role("button", name="Untick “Receipts received”")).to_have_attribute(
            "aria-pressed", "true"
        )
        bank = staff_page.locator("#stage-collect .pack-item", has_text="Bank statements received")
        expect(bank).to_contain_text(
            "still missing: Bank statement — Barclays Business Current ****1234"
        )

        # The rest of the cycle is done (the bank statements ticked by hand: an override).
        with practice_context(practice.pk):
            for item in PackItem.objects.filter(pack=pack, mandatory=True).exclude(
                stage__in=["review", "deliver"]
            ):
                set_item_done(item, staff, True)
            for item in PackItem.objects.filter(pack=pack, stage="review", mandatory=True):
                set_item_done(item, manager, True)
        DocumentFactory(
            practice=practice,
            client=client,
            period=OCTOBER,
            doc_type="management_accounts",
            original_name="Management accounts October 2026.pdf",
        )
        staff_page.goto(f"/packs/{pack.code}/")
        expect(staff_page.locator("#deliver-outstanding")).to_contain_text(
            "1 bank statement is still outstanding on Documents for October 2026: delivering "
            "closes the request and stops its reminders."
        )
        panel = staff_page.locator("#delivery")
        panel.get_by_role("button", name="Publish to the portal").click()
        expect(staff_page.locator("#delivery-errors")).to_contain_text(
            "Nothing published: 1 bank statement is still outstanding"
        )
        panel.get_by_label("Deliver with documents outstanding").check()
        panel.get_by_role("button", name="Publish to the portal").click()
        expect(staff_page.locator(".messages")).to_contain_text(
            "Closed Documents for October 2026: the client is no longer asked for it and "
            "reminders stop."
        )
        expect(staff_page.locator("#pack-request")).to_contain_text("Closed at delivery")
        staff_page.goto(f"/requests/{request.code}/")
        expect(staff_page.locator(".pack-summary")).to_contain_text(
            "The October 2026 pack was delivered with 1 bank statement outstanding."
        )
    finally:
        context.close()

    # The contact's portal no longer asks for it.
    page.goto("/portal/")
    expect(page.locator("#portal-summary")).to_contain_text("Nothing needed right now")
    expect(page.get_by_role("link", name="Documents for October 2026")).to_have_count(0)
    browser_log.assert_clean()
