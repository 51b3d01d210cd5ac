"""A preparer whose pack fell behind sees the bell's count, opens the notifications, marks one
read through htmx and the rest with "Mark all as read", and the count disappears."""

import datetime

import pytest

from atlasos.tenancy.context import practice_context
from tasks.alerts import raise_overdue_alerts
from tests.clock import current_date
from tests.helpers import make_pack_due_from_6_nov

expect = pytest.importorskip(
    "playwright.sync_api", reason="Playwright is not installed (pip install playwright)"
).expect


def test_overdue_alert_bell_and_mark_read(page, log_in, practice, staff, manager, browser_log):
    today = current_date()
    days = {"collect": -3, "capture": 5, "reconcile": 7, "prepare": 9, "review": 11, "deliver": 12}
    late = {f"{stage}_due": today + datetime.timedelta(days=n) for stage, n in days.items()}
    period = (today - datetime.timedelta(days=40)).replace(day=1)
    make_pack_due_from_6_nov(
        practice, "Lighthouse Cafe Ltd", period=period, preparer=staff, reviewer=manager, **late
    )
    make_pack_due_from_6_nov(
        practice, "Harbour Books Ltd", period=period, preparer=staff, reviewer=manager, **late
    )
    with practice_context(practice.pk):
        assert raise_overdue_alerts(practice).notifications == 4

    log_in(staff, then="/my-work/")
    bell = page.get_by_role("link", name="Notifications, 2 unread")
    expect(bell).to_be_visible()
    expect(bell.locator(".bell-count")).to_have_text("2")

    bell.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
    expect(page.locator("li.notification.is-unread")).to_have_count(2)
    expect(page.locator("#notification-list")).to_contain_text("Collect documents was due")

    # One read in place (htmx): its row and the bell change without a page load.
    page.get_by_role("button", name="Mark “Harbour Books Ltd").click()
    expect(page.locator("li.notification.is-unread")).to_have_count(1)
    expect(page.get_by_role("link", name="Notifications, 1 unread")).to_be_visible()

    page.get_by_role("button", name="Mark all as read").click()
    expect(page.locator("li.notification.is-unread")).to_have_count(0)
    expect(page.get_by_role("link", name="Notifications, none unread")).to_be_visible()
    expect(page.locator(".bell-count")).to_have_count(0)

    # Reloaded, the count is still gone.
    page.reload()
    expect(page.locator(".bell-count")).to_have_count(0)
    browser_log.assert_clean()
