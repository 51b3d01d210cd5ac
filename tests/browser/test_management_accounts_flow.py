"""A bookkeeper brings Harbour Demo Ltd's November trial balance in from Xero in the browser:
from the client's page to the management accounts, reads the export, saves it, maps the one
account the defaults do not place, and reads a balance sheet that balances."""

import datetime
import re

import pytest

from tests.factories.clients import ClientFactory
from tests.reporting.helpers import FILES

expect = pytest.importorskip(
    "playwright.sync_api", reason="Playwright is not installed (pip install playwright)"
).expect

IN_DECEMBER = datetime.datetime(2026, 12, 7, 9, 30, tzinfo=datetime.UTC)


def test_a_trial_balance_imported_and_read_in_the_browser(
    page, log_in, partner, practice, clock, browser_log, tmp_path
):
    clock.set(IN_DECEMBER)
    harbour = ClientFactory(
        practice=practice,
        name="Harbour Demo Ltd",
        accounting_system="xero",
        year_end_month=3,
        year_end_day=31,
        preparer=partner,
    )
    november = tmp_path / "Harbour_Demo_Ltd_-_Trial_Balance.csv"
    data = (FILES / "xero_old_2026-11.csv").read_bytes()
    november.write_bytes(
        data.replace(b"Rent (469)", b"Rent (Z99)").replace(b"\nExpenses\n", b"\nCosts\n")
    )

    log_in(partner, then=f"/clients/{harbour.code}/")
    part = page.locator("section", has=page.get_by_role("heading", name="Management accounts"))
    part.get_by_role("link", name="Management accounts").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Management accounts · November 2026")
    expect(page.get_by_test_id("no-trial-balance")).to_be_visible()

    page.set_input_files("#id_file", str(november))
    page.get_by_role("button", name="Read the file").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(november.name)
    expect(page.locator("main")).to_contain_text("Read as: Xero · for November 2026")
    page.get_by_role("button", name="Save the trial balance for November 2026").click()
    expect(page.locator(".messages")).to_contain_text("Trial balance for November 2026 saved")

    unmapped = page.get_by_test_id("unmapped")
    expect(unmapped).to_contain_text("1 account with a balance is not mapped")
    unmapped.get_by_role("link", name="map it").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Account mapping")
    row = page.get_by_role("row", name=re.compile("Z99"))
    row.get_by_label("Report line for Rent").select_option(label="Premises costs")
    row.get_by_role("button", name="Set").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Management accounts · November 2026")
    checks = page.get_by_test_id("check")
    expect(checks.first).to_have_text(
        re.compile("The balance sheet balances: net assets 23,770.00")
    )
    expect(page.get_by_test_id("unmapped")).to_have_count(0)
    income = page.get_by_test_id("income-statement")
    expect(income.get_by_role("row", name=re.compile("^Premises costs"))).to_contain_text(
        "8,000.00"
    )
    expect(income.get_by_role("row", name=re.compile("^Profit after tax"))).to_contain_text(
        "21,760.00"
    )


def test_from_trial_balance_to_the_delivered_pack(
    page, log_in, partner, manager, practice, clock, browser_log
):
    """The partner prepared Harbour's November pack; the manager reviews it in the browser:
    renders the pack PDF, raises and clears a point, signs the review off, approves the PDF
    and publishes it to the client's portal."""
    from django.db.models import Q

    from atlasos.tenancy.context import practice_context
    from cycle.stages import PREPARATION_STAGES
    from portal.models import Delivery
    from tasks.models import PackItem
    from tasks.progress import refresh_progress
    from tests.helpers import standard_pack

    clock.set(IN_DECEMBER)
    harbour = ClientFactory(
        practice=practice,
        name="Harbour Demo Ltd",
        accounting_system="xero",
        year_end_month=3,
        year_end_day=31,
        preparer=partner,
        reviewer=manager,
    )
    pack = standard_pack(practice, harbour, now=IN_DECEMBER)
    with practice_context(practice.pk):
        PackItem.objects.filter(
            Q(pack=pack, stage__in=PREPARATION_STAGES) & ~Q(auto_key="accounts_rendered")
        ).update(done_at=IN_DECEMBER, done_by=partner)
        refresh_progress(pack, now=IN_DECEMBER)

    log_in(manager, then=f"/clients/{harbour.code}/management-accounts/?period=2026-11")
    page.set_input_files("#id_file", str(FILES / "xero_old_2026-11.csv"))
    page.get_by_role("button", name="Read the file").click()
    page.get_by_role("button", name="Save the trial balance for November 2026").click()
    expect(page.get_by_test_id("check").first).to_contain_text("The balance sheet balances")

    page.get_by_role("button", name="Render the pack").click()
    versions = page.get_by_test_id("pack-version")
    expect(versions.first).to_contain_text("Ready")
    page.get_by_role("button", name="Approve for delivery").click()
    expect(versions.first).to_contain_text("Approved")

    page.goto(f"/packs/{pack.code}/")
    page.get_by_role("link", name="Review the management accounts").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Review · November 2026")
    page.get_by_role("textbox", name="Review point").fill("Check the VAT on the council order.")
    page.get_by_role("button", name="Raise the point").click()
    point = page.get_by_test_id("review-point")
    expect(point).to_contain_text("Check the VAT on the council order.")
    point.get_by_role("button", name="Clear").click()
    expect(page.get_by_test_id("review-point")).to_contain_text("Cleared")
    page.get_by_role("button", name="Sign off the review").click()
    expect(page.locator(".messages")).to_contain_text("Review signed off")

    page.goto(f"/packs/{pack.code}/")
    deliver = page.locator("#stage-deliver")
    expect(
        deliver.get_by_role("checkbox", name=re.compile("Management accounts Harbour"))
    ).to_be_checked()
    # The month's request still misses receipts: the partner delivers all the same.
    deliver.get_by_label("Deliver with documents outstanding").check()
    deliver.get_by_role("button", name="Publish to the portal").click()
    expect(page.locator(".messages")).to_contain_text("Published “")
    with practice_context(practice.pk):
        delivery = Delivery.objects.get(pack=pack)
        assert [d.doc_type for d in delivery.documents.all()] == ["management_accounts"]
