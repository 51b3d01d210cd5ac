"""The strict Content-Security-Policy holds in a real browser: no inline script or style
anywhere, htmx still works, and nothing the pages do is refused."""

import re

import pytest

from tests.factories.clients import BankAccountFactory, ClientContactFactory, ClientFactory

expect = pytest.importorskip(
    "playwright.sync_api", reason="Playwright is not installed (pip install playwright)"
).expect


def assert_strict_policy(response) -> None:
    policy = response.headers.get("content-security-policy")
    assert policy, f"no Content-Security-Policy header on {response.url}"
    directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
    assert directives.get("script-src") == ["'self'"], policy
    assert "'unsafe-inline'" not in policy, policy
    assert "'unsafe-eval'" not in policy, policy


def assert_htmx_loaded(page) -> None:
    assert page.evaluate("typeof htmx") == "object", f"htmx did not load on {page.url}"


def test_csp_header_is_strict_on_login_and_client_list(page, log_in, partner):
    assert_strict_policy(page.goto("/accounts/login/"))
    log_in(partner)
    assert_strict_policy(page.goto("/clients/"))


def test_pages_run_under_the_policy_without_violations(
    page, log_in, partner, practice, browser_log
):
    client = ClientFactory(practice=practice, name="Harbourview Bakery Ltd", short_code="HBAK01")
    ClientFactory(practice=practice, name="Quayside Joinery Ltd", short_code="QUAY01")
    link = ClientContactFactory(practice=practice, client=client, position="Director")
    account = BankAccountFactory(practice=practice, client=client)

    page.goto("/accounts/login/")
    assert_htmx_loaded(page)
    log_in(partner)

    # The client list, with a search typed so htmx fetches and swaps the results.
    assert_htmx_loaded(page)
    search = page.get_by_role("search").get_by_label("Search", exact=True)
    with page.expect_response(
        lambda r: "q=quay" in r.url and r.request.headers.get("hx-request") == "true"
    ) as response:
        search.press_sequentially("quay", delay=20)
    assert_strict_policy(response.value)
    expect(page).to_have_url(re.compile(r"[?&]q=quay"))
    results = page.locator("#client-results")
    expect(results.get_by_role("link", name="Quayside Joinery Ltd")).to_be_visible()
    expect(results.get_by_role("link", name="Harbourview Bakery Ltd")).to_have_count(0)
    # A select filter submits through htmx too.
    page.get_by_label("Status").select_option(label="All")
    expect(page).to_have_url(re.compile(r"[?&]status=all"))

    # A client's pages.
    for path in ("", "contacts/", "bank-accounts/"):
        page.goto(f"/clients/{client.code}/{path}")
        expect(page.get_by_role("heading", level=1)).to_contain_text("Harbourview Bakery Ltd")
        assert_htmx_loaded(page)

    # The team page (partners only).
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Settings").click()
    expect(page).to_have_url(re.compile(r"/settings/templates/$"))
    assert_htmx_loaded(page)
    page.get_by_role("navigation", name="Settings").get_by_role("link", name="Team").click()
    expect(page).to_have_url(re.compile(r"/settings/team/$"))
    expect(page.get_by_text("Helen Marsh").first).to_be_visible()
    assert_htmx_loaded(page)

    # The other forms, and allauth's pages in the app's layout.
    for path in (
        f"/clients/{client.code}/edit/",
        "/clients/new/",
        "/clients/import/",
        f"/contacts/{link.contact.code}/",
        f"/bank-accounts/{account.code}/",
        "/settings/practice/",
        "/accounts/2fa/",
        "/accounts/password/change/",
    ):
        response = page.goto(path)
        assert response.status == 200, path
        assert_htmx_loaded(page)

    browser_log.assert_clean()


def test_a_csp_violation_is_detected(page, log_in, partner, browser_log):
    """The check above is not vacuous: an inline script is refused and reported."""
    log_in(partner)
    with page.expect_console_message(lambda m: "Content Security Policy" in m.text):
        page.evaluate(
            """() => {
            const script = document.createElement("script");
            script.textContent = "window.inlineRan = true";
            document.body.append(script);
        }"""
        )
    assert page.evaluate("window.inlineRan") is None
    assert browser_log.csp_violations
    assert browser_log.problems()
    browser_log.console.clear()  # expected here: do not fail the test at teardown
