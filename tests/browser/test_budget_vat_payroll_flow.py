"""A bookkeeper brings in Harbour Demo Ltd's budget, its VAT return and its November payroll
summary in the browser, and reads the month against budget and the compliance figures beside
the earlier periods on the management accounts."""

import datetime
import re

import pytest

from tests.factories.clients import ClientFactory
from tests.reporting.helpers import FILES

expect = pytest.importorskip(
    "playwright.sync_api", reason="Playwright is not installed (pip install playwright)"
).expect

IN_DECEMBER = datetime.datetime(2026, 12, 7, 9, 30, tzinfo=datetime.UTC)


def test_budget_vat_return_and_payroll_imported_in_the_browser(
    page, log_in, partner, practice, clock, browser_log
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
    log_in(partner, then=f"/clients/{harbour.code}/management-accounts/?period=2026-11")
    for name in ("xero_old_2026-10.csv", "xero_old_2026-11.csv"):
        month = "2026-10" if "-10" in name else "2026-11"
        page.goto(f"/clients/{harbour.code}/management-accounts/?period={month}")
        page.set_input_files("#id_file", str(FILES / name))
        page.get_by_role("button", name="Read the file").click()
        page.get_by_role("button", name=re.compile("Save the trial balance")).click()
        expect(page.locator(".messages")).to_contain_text("saved")
    page.goto(f"/clients/{harbour.code}/management-accounts/?period=2026-11")

    budget = page.locator("#budget")
    budget.get_by_label("Budget").set_input_files(str(FILES / "budget" / "xero_budget_2026-27.csv"))
    budget.get_by_role("button", name="Read the budget").click()
    expect(page.get_by_test_id("rejected")).to_contain_text("Consulting")
    preview = page.get_by_test_id("budget-preview")
    expect(preview.get_by_role("row", name=re.compile("^Turnover"))).to_contain_text("9,500.00")
    page.get_by_role("button", name="Save the budget").click()
    expect(page.locator(".messages")).to_contain_text(
        "Budget saved: 84 figures for April 2026 to March 2027."
    )
    against = page.get_by_test_id("budget-income-statement")
    expect(against.get_by_role("row", name=re.compile("^Profit after tax"))).to_contain_text(
        "18,400.00"
    )

    compliance = page.locator("#compliance")
    compliance.get_by_label("VAT return").set_input_files(
        str(FILES / "vat" / "xero_vat_return_2026-q4.csv")
    )
    compliance.get_by_role("button", name="Read the VAT return").click()
    expect(page.get_by_test_id("vat-boxes")).to_contain_text("2,760.00")
    page.get_by_label("First month of the VAT period").fill("2026-09")
    page.get_by_label("Last month of the VAT period").fill("2026-11")
    page.get_by_role("button", name="Save the VAT return").click()
    expect(page.locator(".messages")).to_contain_text(
        "VAT return for September 2026 to November 2026 saved (the file says 1 October 2026"
    )

    page.locator("#compliance").get_by_label("Payroll summary").set_input_files(
        str(FILES / "payroll" / "brightpay_2026-11.csv")
    )
    page.get_by_role("button", name="Read the payroll summary").click()
    expect(page.get_by_test_id("payroll-figures")).to_contain_text("6,450.00")
    page.get_by_role("button", name="Save the payroll summary").click()
    expect(page.locator(".messages")).to_contain_text("Payroll summary for November 2026 saved.")
    vat = page.get_by_test_id("compliance-vat")
    expect(vat).to_contain_text("Sep 2026 – Nov 2026")
    expect(vat.get_by_role("row", name=re.compile("^Box 5"))).to_contain_text("2,760.00")
    payroll = page.get_by_test_id("compliance-payroll")
    expect(payroll.get_by_role("row", name=re.compile("^Gross pay"))).to_contain_text("6,450.00")
