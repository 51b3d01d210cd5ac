"""A bookkeeper reconciles Whitfield Joinery's November bank account in the browser: reads the
bank's MT940 and the ledger's Xero export, accepts the matcher's suggestions, matches the card
takings to the books by hand with the fee written off, explains the bank charge and the
unpresented cheque, finishes, and finds the reconciliation statement in the documents."""

import datetime
import re

import pytest

from tests.factories.clients import BankAccountFactory, ClientFactory
from tests.factories.reconciliation import MatchSettingsFactory
from tests.reconciliation.conftest import WORKSPACE_FILES

expect = pytest.importorskip(
    "playwright.sync_api", reason="Playwright is not installed (pip install playwright)"
).expect

IN_DECEMBER = datetime.datetime(2026, 12, 7, 9, 30, tzinfo=datetime.UTC)


def test_a_month_reconciled_in_the_browser(page, log_in, partner, practice, clock, browser_log):
    clock.set(IN_DECEMBER)
    whitfield = ClientFactory(practice=practice, name="Whitfield Joinery Ltd", preparer=partner)
    BankAccountFactory(
        practice=practice,
        client=whitfield,
        name="Business Current Account",
        bank_name="Lloyds",
        sort_code="309174",
        account_number="02344812",
    )
    # Exact amounts only: the card takings, net of the fee at the bank, are matched by hand.
    MatchSettingsFactory(practice=practice, client=whitfield, tolerance=0, tolerance_percent=0)

    log_in(partner, then=f"/clients/{whitfield.code}/")
    part = page.locator("section", has=page.get_by_role("heading", name="Bank reconciliations"))
    expect(part).to_contain_text("Business Current Account")
    part.get_by_role("button", name="Reconcile November").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Business Current Account · November 2026"
    )

    page.set_input_files("#bank_file", str(WORKSPACE_FILES / "november.sta"))
    page.get_by_role("button", name="Read the statement").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import november.sta")
    expect(page.locator("main")).to_contain_text("30-91-74 02344812")
    page.get_by_role("button", name="Import").click()
    expect(page.locator(".messages")).to_contain_text("8 lines imported from november.sta")

    page.set_input_files("#ledger_file", str(WORKSPACE_FILES / "november_xero.csv"))
    page.get_by_role("button", name="Read the export").click()
    expect(page.locator("main")).to_contain_text("Payment: HMRC VAT Q3")
    page.get_by_role("button", name="Import").click()
    expect(page.locator(".messages")).to_contain_text("9 lines imported from november_xero.csv")

    suggestions = page.locator("#suggestions")
    expect(suggestions).to_contain_text("PAYING IN 300123")
    while suggestions.get_by_role("button", name="Accept", exact=True).count():
        before = suggestions.get_by_role("button", name="Accept", exact=True).count()
        suggestions.get_by_role("button", name="Accept", exact=True).first.click()
        expect(suggestions.get_by_role("button", name="Accept", exact=True)).to_have_count(
            before - 1
        )

    lines = page.locator("#lines")
    lines.get_by_role("row", name=re.compile("STRIPE PAYMENTS UK")).get_by_role("checkbox").check()
    lines.get_by_role("row", name=re.compile("Stripe takings")).get_by_role("checkbox").check()
    expect(page.locator("[data-difference]")).to_have_text("-7.65")
    page.get_by_label("write off the difference").check()
    page.get_by_role("button", name="Match ticked lines").click()
    expect(page.locator(".messages")).to_contain_text("2 lines matched")

    for text, reason in (
        ("SERVICE CHARGE", "Missing from the ledger"),
        ("Smith Supplies", "Timing difference"),
    ):
        row = page.locator("#lines").get_by_role("row", name=re.compile(text))
        row.locator("summary", has_text="Explain").click()
        row.get_by_label("Reason").select_option(label=reason)
        with page.expect_response(
            lambda r: r.request.method == "GET" and "/reconciliations/" in r.url
        ):
            row.get_by_role("button", name="Save").click()  # htmx: the POST, then the page
        explained = page.locator("#lines").get_by_role("row", name=re.compile(text))
        expect(explained.locator(".tag", has_text=reason)).to_be_visible()

    expect(page.get_by_test_id("difference")).to_have_text("0.00")
    finish = page.get_by_role("button", name="Finish and render the statement")
    expect(finish).to_be_enabled()
    finish.click()
    expect(page.locator("#finish")).to_contain_text("prepared by Helen Marsh")
    expect(page.get_by_test_id("report-link")).to_contain_text("Bank reconciliation")
    page.get_by_role("button", name="Sign off").click()
    expect(page.locator("#finish")).to_contain_text("Signed off by Helen Marsh")

    page.goto(f"/clients/{whitfield.code}/documents/")
    expect(page.locator("main")).to_contain_text(
        "Bank reconciliation Business Current Account 2026-11.pdf"
    )
    browser_log.assert_clean()
