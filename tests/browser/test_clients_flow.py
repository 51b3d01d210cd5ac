"""A manager signs in, adds a client with a contact and a bank account, and finds it again."""

import re

import pytest

from atlasos.tenancy.context import practice_context
from clients.models import BankAccount, Client, ClientContact
from tests.factories.clients import ClientFactory

expect = pytest.importorskip(
    "playwright.sync_api", reason="Playwright is not installed (pip install playwright)"
).expect

CLIENT_NAME = "Harbourview Bakery Ltd"
OTHER_NAME = "Quayside Joinery Ltd"


def client_tab(page, name: str):
    return page.get_by_role("navigation", name="Client sections").get_by_role(
        "link", name=re.compile(rf"^{name}")
    )


def test_manager_adds_a_client_with_contact_and_bank_account_then_finds_it(
    page, log_in, manager, practice, browser_log
):
    ClientFactory(practice=practice, name=OTHER_NAME, short_code="QUAY01")

    # Sign in through the login form; the start page is the client list.
    page.goto("/accounts/login/")
    expect(page.get_by_role("heading", name="Sign in to AtlasOS")).to_be_visible()
    log_in(manager)
    expect(page.get_by_role("heading", name="Clients", exact=True)).to_be_visible()

    # New client.
    page.get_by_role("link", name="New client").click()
    expect(page).to_have_url(re.compile(r"/clients/new/$"))
    page.get_by_label("Name", exact=True).fill(CLIENT_NAME)
    page.get_by_label("Code", exact=True).fill("hbak01")
    page.get_by_label("Entity type").select_option(label="Limited company")
    page.get_by_label("Company number").fill("1234567")
    page.get_by_label("Reviewer").select_option(label="Priya Shah (Manager)")
    page.get_by_role("button", name="Create client").click()

    expect(page).to_have_url(re.compile(r"/clients/[^/]+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(CLIENT_NAME)
    expect(page.get_by_role("status")).to_contain_text(f"{CLIENT_NAME} added.")
    entity = page.get_by_role("region", name="Entity")
    expect(entity).to_contain_text("HBAK01")  # the code is upper-cased
    expect(entity).to_contain_text("01234567")  # the company number padded to 8 digits
    client_url = page.url

    # Contacts tab: add a contact.
    client_tab(page, "Contacts").click()
    expect(page).to_have_url(client_url + "contacts/")
    expect(page.get_by_text("No contacts yet")).to_be_visible()
    page.get_by_label("Name", exact=True).fill("Sarah Baker")
    page.get_by_label("Email").fill("Sarah.Baker@harbourview.example.com")
    page.get_by_label("Position").fill("Director")
    page.get_by_role("button", name="Add contact").click()

    expect(page.get_by_role("status")).to_contain_text(
        f"Sarah Baker is now a contact of {CLIENT_NAME}."
    )
    row = page.get_by_role("row").filter(has_text="Sarah Baker")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Director")
    expect(row).to_contain_text("sarah.baker@harbourview.example.com")
    expect(client_tab(page, "Contacts")).to_contain_text("1")

    # Bank accounts tab: add a UK account.
    client_tab(page, "Bank accounts").click()
    expect(page).to_have_url(client_url + "bank-accounts/")
    page.get_by_label("Name", exact=True).fill("Business Current Account")
    page.get_by_label("Bank", exact=True).fill("Barclays")
    page.get_by_label("Sort code").fill("20-00-00")
    page.get_by_label("Account number").fill("12345678")
    expect(page.get_by_label("Currency")).to_have_value("GBP")
    page.get_by_role("button", name="Add bank account").click()

    expect(page.get_by_role("status")).to_contain_text(
        f"Business Current Account added to {CLIENT_NAME}."
    )
    row = page.get_by_role("row").filter(has_text="Business Current Account")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("20-00-00")
    expect(row).to_contain_text("12345678")
    expect(client_tab(page, "Bank accounts")).to_contain_text("1")

    # The client list: "/" focuses the search box, without typing the slash into it.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Clients").click()
    expect(page).to_have_url(re.compile(r"/clients/$"))
    results = page.locator("#client-results")
    expect(results.get_by_role("link", name=CLIENT_NAME)).to_be_visible()
    expect(results.get_by_role("link", name=OTHER_NAME)).to_be_visible()
    search = page.get_by_role("search").get_by_label("Search", exact=True)
    expect(search).not_to_be_focused()
    page.keyboard.press("/")
    expect(search).to_be_focused()
    expect(search).to_have_value("")

    # Typing filters the list live through htmx: no page load, the URL follows the query.
    page.evaluate("window.atlasSameDocument = true")
    with page.expect_response(
        lambda r: "q=harbourv" in r.url and r.request.headers.get("hx-request") == "true"
    ) as response:
        search.press_sequentially("harbourv", delay=20)
    assert response.value.ok
    expect(page).to_have_url(re.compile(r"/clients/\?(.*&)?q=harbourv"))
    expect(results.get_by_role("link", name=CLIENT_NAME)).to_be_visible()
    expect(results.get_by_role("link", name=OTHER_NAME)).to_have_count(0)
    expect(results.get_by_role("row")).to_have_count(2)  # the header and one client
    assert page.evaluate("window.atlasSameDocument") is True
    expect(search).to_have_value("harbourv")

    # What the pages showed is what was stored.
    with practice_context(practice.pk):
        client = Client.objects.get(short_code="HBAK01")
        assert client.name == CLIENT_NAME
        assert client.reviewer == manager
        link = ClientContact.objects.select_related("contact").get(client=client)
        assert link.contact.name == "Sarah Baker"
        assert link.position == "Director"
        account = BankAccount.objects.get(client=client)
        assert (account.sort_code, account.account_number) == ("200000", "12345678")
    browser_log.assert_clean()


def test_an_invalid_iban_is_refused_and_no_bank_account_is_added(
    page, log_in, manager, practice, browser_log
):
    client = ClientFactory(practice=practice, name=CLIENT_NAME, short_code="HBAK01")
    log_in(manager)

    page.goto(f"/clients/{client.code}/bank-accounts/")
    page.get_by_label("Name", exact=True).fill("Euro Account")
    page.get_by_label("Bank", exact=True).fill("Barclays")
    # A real IBAN's shape with one digit changed: the checksum no longer matches.
    page.get_by_label("IBAN").fill("GB33 BUKB 2020 1555 5555 56")
    page.get_by_role("button", name="Add bank account").click()

    expect(page).to_have_url(re.compile(rf"/clients/{client.code}/bank-accounts/$"))
    expect(page.get_by_role("alert")).to_contain_text("Please correct the 1 problem below.")
    iban_error = page.locator("#id_iban_error")
    expect(iban_error).to_contain_text("This IBAN is not valid")
    expect(page.locator(".field-error")).to_have_count(1)
    expect(page.locator(".field-error").get_by_label("IBAN")).to_be_visible()
    # The form keeps what was typed, and nothing was added.
    expect(page.get_by_label("Name", exact=True)).to_have_value("Euro Account")
    expect(page.get_by_text("No bank accounts yet")).to_be_visible()
    expect(client_tab(page, "Bank accounts")).to_contain_text("0")
    expect(page.get_by_role("status")).to_have_count(0)

    with practice_context(practice.pk):
        assert not BankAccount.objects.filter(client_id=client.pk).exists()
    browser_log.assert_clean()


@pytest.fixture
def searched_list(page, log_in, manager, practice):
    """The client list after typing "harbourv" into the search box (one of two clients)."""
    ClientFactory(practice=practice, name=CLIENT_NAME, short_code="HBAK01")
    ClientFactory(practice=practice, name=OTHER_NAME, short_code="QUAY01")
    log_in(manager)
    page.get_by_role("search").get_by_label("Search", exact=True).fill("harbourv")
    expect(page).to_have_url(re.compile(r"[?&]q=harbourv"))
    expect(page.locator("#client-results").get_by_role("link", name=OTHER_NAME)).to_have_count(0)
    return page


def test_the_client_search_box_is_a_search_input(page, log_in, manager):
    log_in(manager)
    search = page.get_by_role("search").get_by_label("Search", exact=True)
    assert search.get_attribute("type") == "search"
    expect(page.get_by_role("searchbox", name="Search")).to_have_count(1, timeout=0)


def test_live_search_updates_the_match_count(searched_list):
    main = searched_list.get_by_role("main")
    expect(main).to_contain_text("1 client matches these filters.", timeout=500)
    expect(main).not_to_contain_text("2 clients match", timeout=0)


def test_live_search_updates_the_export_link(searched_list):
    expect(searched_list.get_by_role("link", name="Export CSV")).to_have_attribute(
        "href", re.compile(r"q=harbourv"), timeout=500
    )


def test_back_after_a_history_cache_miss_restores_the_whole_list_page(page, log_in, manager):
    log_in(manager)
    # htmx keeps 10 snapshots in sessionStorage; going back further than that (or with the
    # storage full) re-fetches the page. A cache of 0 makes the first step back a miss.
    page.evaluate("htmx.config.historyCacheSize = 0")
    page.get_by_role("search").get_by_label("Search", exact=True).fill("harbourv")
    expect(page).to_have_url(re.compile(r"[?&]q=harbourv"))
    with page.expect_response(
        lambda r: r.request.headers.get("hx-history-restore-request") == "true"
    ) as restore:
        page.go_back()
    assert restore.value.ok
    expect(page).to_have_url(re.compile(r"/clients/$"))
    expect(page.get_by_role("navigation", name="Main")).to_have_count(1, timeout=500)
    expect(page.get_by_role("search")).to_have_count(1, timeout=0)
