"""Helpers for the browser tests: a page in a browser context of its own (the ``page`` fixture's,
or a second person's browser in the same test), and the sign-in forms."""

import re

from tests.factories.accounts import PASSWORD

try:
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover - depends on the environment; the tests skip themselves
    expect = None

# Short waits: every page is served locally; a slow one is a bug worth seeing.
TIMEOUT_MS = 5_000

# Reports every CSP violation on the console, even those Chromium does not log itself
# (init scripts run before the page's own and are not subject to its policy).
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(
    `Content Security Policy violation: Refused to load ${event.blockedURI || "inline code"} ` +
    `(directive ${event.violatedDirective}) at ${event.sourceFile}:${event.lineNumber}`
  );
});
"""


def open_page(browser, base_url: str, browser_log):
    """A new browser context on ``base_url`` (British locale, London time, short waits) and a
    page in it whose console messages and script errors go to ``browser_log``. Returns
    (context, page); the caller closes the context."""
    context = browser.new_context(base_url=base_url, locale="en-GB", timezone_id="Europe/London")
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    context.add_init_script(REPORT_CSP_VIOLATIONS)
    page = context.new_page()
    page.on("console", lambda msg: browser_log.console.append(f"{msg.type}: {msg.text}"))
    page.on("pageerror", lambda error: browser_log.page_errors.append(str(error)))
    return context, page


def submit_sign_in(page, email: str, password: str = PASSWORD, at: str = "/accounts/login/"):
    """Fill in and send a sign-in form: the staff's (``/accounts/login/``, also the contacts')
    or the portal's own (``/portal/sign-in/``)."""
    page.goto(at)
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


def sign_in(page, email: str) -> None:
    """Sign in through the real form and wait until the browser has left it."""
    submit_sign_in(page, email)
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
