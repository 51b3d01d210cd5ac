"""Browser tests: the system Chromium driven by Playwright against pytest-django's live server.

Every test in this folder is marked ``browser``; one Chromium serves the whole folder, and the
tests skip themselves when Chromium or Playwright is missing. The ``page`` fixture records
console messages and uncaught page errors: a test fails when one of them is a
Content-Security-Policy violation or a script error.
"""

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.browser.helpers import open_page, submit_sign_in
from tests.factories.accounts import PASSWORD

try:
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import expect, sync_playwright
except ImportError:  # pragma: no cover - depends on the environment
    sync_playwright = None
    PlaywrightError = Exception
    expect = None

# ATLAS_CHROMIUM points the suite at another Chromium build.
CHROMIUM = os.environ.get("ATLAS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HERE = Path(__file__).resolve().parent
# Chromium has said "Refused to execute inline script because it violates the following
# Content Security Policy directive…" and, since 2025, "Executing inline script violates…".
CSP_VIOLATION = re.compile(
    r"Content Security Policy|Refused to|violates the following", re.IGNORECASE
)


def pytest_collection_modifyitems(config, items):
    for item in items:
        if HERE in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    # Keep each phase's report on the item, so the page fixture knows whether the test
    # body already failed before it adds its own failure about the browser console.
    report = yield
    setattr(item, f"_browser_report_{report.when}", report)
    log = item.funcargs.get("browser_log") if hasattr(item, "funcargs") else None
    if report.failed and isinstance(log, BrowserLog) and (log.console or log.page_errors):
        lines = log.console + [f"page error: {error}" for error in log.page_errors]
        report.sections.append(("Browser console", "\n".join(lines)))
    return report


@pytest.fixture(scope="package")
def playwright_browser():
    """One Chromium for every test in this folder, closed when the folder is done.

    Playwright's sync API keeps an asyncio event loop running in this thread (in a
    greenlet), so Django's sync ORM believes it is called from async code and raises
    SynchronousOnlyOperation: in factories, in the database flush after each test. Nothing
    here is concurrent, so DJANGO_ALLOW_ASYNC_UNSAFE is set, but only while the browser is
    alive: set for the whole process it would leak into other tests (``manage.py check
    --deploy`` in a subprocess fails on it), and after this folder the loop is gone.
    """
    if sync_playwright is None:
        pytest.skip("Playwright is not installed in this environment (pip install playwright)")
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"the system Chromium is missing: no {CHROMIUM}")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            try:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
                )
            except PlaywrightError as exc:
                pytest.skip(f"{CHROMIUM} could not be launched: {exc}")
            yield browser
            browser.close()


@dataclass
class BrowserLog:
    """What the page said on its console and which script errors it raised."""

    console: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    @property
    def csp_violations(self) -> list[str]:
        return [line for line in self.console if CSP_VIOLATION.search(line)]

    def problems(self) -> list[str]:
        return [f"CSP violation: {line}" for line in self.csp_violations] + [
            f"page error: {error}" for error in self.page_errors
        ]

    def assert_clean(self) -> None:
        problems = self.problems()
        assert not problems, "The browser reported:\n" + "\n".join(problems)


@pytest.fixture
def browser_log() -> BrowserLog:
    return BrowserLog()


@pytest.fixture
def page(request, playwright_browser, live_server, settings, browser_log):
    """A fresh browser context per test on the live server, recording console and errors.

    Fails the test at the end if there was a CSP violation or an uncaught page error
    (tests may call ``browser_log.assert_clean()`` earlier to fail at a precise point).
    """
    # Production settings mark the cookies Secure unless DEBUG. Chromium treats
    # http://localhost as a secure context and keeps Secure cookies there, so sign-in works
    # as in production; these overrides only matter for a --liveserver on another host.
    if not live_server.url.startswith(("http://localhost", "http://127.0.0.1")):
        settings.SESSION_COOKIE_SECURE = False
        settings.CSRF_COOKIE_SECURE = False
    context, page = open_page(playwright_browser, live_server.url, browser_log)
    try:
        yield page
    finally:
        context.close()
    call = getattr(request.node, "_browser_report_call", None)
    if call is not None and call.passed and browser_log.problems():
        pytest.fail("The browser reported:\n" + "\n".join(browser_log.problems()), pytrace=False)


@pytest.fixture
def log_in(page):
    """Sign in through the real login form, land on the start page (the board for partners and
    managers, My work for staff), then open ``then`` (the client list by default)."""

    def log_in(user, password: str = PASSWORD, then: str = "/clients/"):
        submit_sign_in(page, user.email, password)
        start = "/board/" if user.can_review else "/my-work/"
        expect(page).to_have_url(re.compile(re.escape(start) + "$"))
        if then:
            page.goto(then)
        return page

    return log_in


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Every file a browser test stores goes to a throwaway MEDIA_ROOT on local disk."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.AWS_STORAGE_BUCKET_NAME = ""
    return settings.MEDIA_ROOT
