"""A bookkeeper brings Harbour Demo Ltd's November trial balance in from Xero in the browser:
from the client's page to the management accounts, reads the export, saves it, maps the one
account the defaults do not place, and reads a balance sheet that balances."""

import datetime
import re

import pytest

from tests.factories.clients import ClientFactory
from tests.reporting.test_import_and_accounts import FILES

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
