"""Staff open a reviewed pack, choose documents in its Deliver panel and publish them: the
panel says "Delivered", the client's portal contact is emailed and the deliver item has ticked
itself (completing the pack)."""

import datetime

import pytest
from django.core import mail

from atlasos import clock as wall_clock
from atlasos.tenancy.context import practice_context
from portal.models import Delivery
from tasks.models import Pack
from tests.factories import (
    ClientContactFactory,
    ClientFactory,
    DocumentFactory,
    PackFactory,
    PackItemFactory,
    PortalAccountFactory,
    PortalGrantFactory,
)

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
