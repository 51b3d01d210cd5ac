"""Staff send a request to the client's portal contact and see it in the request's emails; a
manager sets the practice's reminder policy."""

import datetime

import pytest
from django.core import mail as outbox

from atlasos.tenancy.context import practice_context
from portal.models import ReminderSettings
from tests.clock import current_date
from tests.factories.clients import ClientFactory
from tests.portal.mailing import open_request, portal_contact

expect = pytest.importorskip(
    "playwright.sync_api", reason="Playwright is not installed (pip install playwright)"
).expect


def test_staff_send_a_request_and_see_it_in_the_emails(page, log_in, staff, practice, browser_log):
    client = ClientFactory(practice=practice, name="Lighthouse Cafe Ltd", preparer=staff)
    portal_contact(practice, client, "Cara Cafe", "cara@cafe.example")
    request = open_request(
        practice,
        client,
        due=current_date() + datetime.timedelta(days=14),
        title="Documents for October 2026",
    )

    log_in(staff, then=request.get_absolute_url())
    expect(page.locator("#send-recipients")).to_contain_text("Cara Cafe <cara@cafe.example>")
    expect(page.locator("#request-emails")).to_contain_text("No emails yet")
    page.get_by_role("button", name="Send to client").click()

    expect(page.locator(".messages")).to_contain_text("Sent to Cara Cafe (cara@cafe.example).")
    emails = page.locator("#request-emails")
    expect(emails).to_contain_text("Cara Cafe")
    expect(emails).to_contain_text("The request")
    expect(emails).to_contain_text("Sent")
    expect(page.get_by_role("button", name="Send again")).to_be_visible()
    expect(page.locator("#reminder-outlook")).to_contain_text("Next reminder:")
    assert [message.to for message in outbox.outbox] == [["cara@cafe.example"]]
    browser_log.assert_clean()


def test_a_manager_sets_the_reminder_policy(page, log_in, manager, practice, browser_log):
    log_in(manager, then="/settings/templates/")
    page.get_by_role("navigation", name="Settings").get_by_role("link", name="Reminders").click()
    expect(page.get_by_role("heading", name="Reminder policy")).to_be_visible()

    page.get_by_label("First reminder, days before the due date").fill("5")
    page.get_by_label("Then every (days) after the due date").fill("0")
    page.get_by_role("button", name="Save policy").click()
    expect(page.locator(".errorlist")).to_contain_text(
        "Reminders after the due date must be 1 to 60 days apart."
    )

    page.get_by_label("Then every (days) after the due date").fill("2")
    page.get_by_label("At most (reminders in all)").fill("3")
    page.get_by_role("button", name="Save policy").click()
    expect(page.locator(".messages")).to_contain_text("Reminder policy saved.")
    expect(page.locator("#policy-summary")).to_contain_text(
        "first 5 days before the due date, then every 2 days, at most 3"
    )
    expect(page.locator("#policy-example li")).to_have_count(3)
    with practice_context(practice.pk):
        row = ReminderSettings.objects.get(client__isnull=True)
    assert (row.days_before, row.every_days, row.max_reminders) == (5, 2, 3)
    browser_log.assert_clean()
