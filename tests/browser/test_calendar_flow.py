"""A partner opens the calendar, filters it to one bookkeeper and to overdue packs (the URL
follows, the back button undoes), drills into a client in the side panel, ticks its checklist
there and sees the day's counts change."""

import re
from datetime import UTC, datetime

import pytest

from atlasos.tenancy.context import practice_context
from tasks.models import PackItem
from tests.browser.helpers import sign_in
from tests.factories.tasks import PackItemFactory
from tests.helpers import make_pack_with_stages_done

expect = pytest.importorskip(
    "playwright.sync_api", reason="Playwright is not installed (pip install playwright)"
).expect


@pytest.fixture(autouse=True)
def thursday_12_november(clock):
    clock.set(datetime(2026, 11, 12, 10, tzinfo=UTC))


def test_partner_filters_the_calendar_and_ticks_from_the_side_panel(
    page, practice, partner, manager, staff, browser_log
):
    acme = make_pack_with_stages_done(
        practice, "Acme Ltd", "ACME01", preparer=staff, reviewer=partner
    )
    for title in ["Bank statements received", "Sales invoices received"]:
        PackItemFactory(practice=practice, pack=acme, stage="collect", title=title)
    for stage in ["capture", "review", "deliver"]:
        PackItemFactory(practice=practice, pack=acme, stage=stage, title=f"Acme {stage}")
    make_pack_with_stages_done(
        practice,
        "Baker & Sons",
        "BAKE01",
        completed=("collect", "capture"),
        preparer=staff,
        reviewer=manager,
    )
    make_pack_with_stages_done(
        practice,
        "Cole Trading",
        "COLE01",
        completed=("collect",),
        preparer=manager,
        reviewer=partner,
    )

    sign_in(page, partner.email)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Calendar").click()
    expect(page).to_have_url(re.compile(r"/calendar/$"))
    page.goto("/calendar/?month=2026-11")
    results = page.locator("#calendar-results")
    expect(page.get_by_role("heading", level=1)).to_have_text("November 2026")
    expect(results).to_contain_text("18 stage targets this month, 3 overdue, 3 done")
    for code in ["ACME01", "BAKE01", "COLE01"]:
        expect(results).to_contain_text(code)
    expect(page.locator('td[aria-current="date"]')).to_contain_text("Today")

    # Filter to Tom Reilly's packs: the URL says so and Cole (Priya's) goes.
    page.get_by_label("Assigned to").select_option(label="Tom Reilly")
    expect(page).to_have_url(re.compile(rf"assignee={staff.code}"))
    expect(results).not_to_contain_text("COLE01")
    expect(results).to_contain_text("BAKE01")
    expect(results).to_contain_text("12 stage targets this month, 2 overdue, 2 done")

    # ... and to overdue packs: only Acme is left.
    page.get_by_label("Status").select_option(label="Overdue")
    expect(page).to_have_url(re.compile(r"status=overdue"))
    expect(page).to_have_url(re.compile(rf"assignee={staff.code}"))
    expect(results).not_to_contain_text("BAKE01")
    expect(results).to_contain_text("ACME01")

    # Back: the status filter is undone, in the results and in the form.
    page.go_back()
    expect(page).not_to_have_url(re.compile(r"status="))
    expect(results).to_contain_text("BAKE01")
    expect(results).not_to_contain_text("COLE01")
    expect(page.get_by_label("Status")).to_have_value("")
    expect(page.get_by_label("Assigned to")).to_have_value(str(staff.code))
    # Back again: everyone.
    page.go_back()
    expect(results).to_contain_text("COLE01")
    expect(page.get_by_label("Assigned to")).to_have_value("")
    page.go_forward()
    expect(results).not_to_contain_text("COLE01")
    expect(page).to_have_url(re.compile(rf"assignee={staff.code}"))

    # Fri 6 Nov: Acme's collect is overdue, Baker's done.
    friday = page.locator("#day-2026-11-06")
    expect(friday).to_contain_text("2 due, 1 overdue, 1 done")

    # Drill into Acme: the side panel opens on its collect checklist, without leaving.
    calendar_url = page.url
    friday.get_by_role("link", name=re.compile("ACME01")).click()
    panel = page.locator("#calendar-panel")
    expect(panel.get_by_role("heading", name=re.compile("Acme Ltd"))).to_be_visible()
    expect(panel).to_contain_text("October 2026")
    expect(panel).to_contain_text("Checklist: Collect documents")
    expect(panel.get_by_role("link", name="Open the full pack page")).to_have_attribute(
        "href", f"/packs/{acme.code}/"
    )
    assert page.url == calendar_url

    # The partner is Acme's reviewer: the panel warns that ticking preparation items bars them
    # from reviewing, and asks before the tick; dismissing the question changes nothing.
    expect(panel.locator("#panel-bars-review")).to_contain_text("no longer be able to review")
    questions = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    panel.get_by_role("button", name="Tick “Bank statements received”").click()
    expect(panel.get_by_role("button", name="Tick “Bank statements received”")).to_be_visible()
    assert questions == [
        "Ticking “Bank statements received” means you can no longer review this pack. Tick it?"
    ]
    with practice_context(practice.pk):
        assert not PackItem.objects.filter(pack=acme, done_at__isnull=False).exists()

    # Tick both collect items, accepting: the stage is done, the panel moves on to capture,
    # and the calendar's Friday counts change without a reload.
    page.on("dialog", lambda dialog: dialog.accept())
    panel.get_by_role("button", name="Tick “Bank statements received”").click()
    expect(panel.get_by_role("button", name="Untick “Bank statements received”")).to_have_attribute(
        "aria-pressed", "true"
    )
    panel.get_by_role("button", name="Tick “Sales invoices received”").click()
    expect(panel).to_contain_text("Checklist: Capture transactions")
    expect(friday).to_contain_text("2 due, 2 done")
    expect(friday).not_to_contain_text("overdue")
    assert page.url == calendar_url
    with practice_context(practice.pk):
        ticked = PackItem.objects.filter(pack=acme, stage="collect", done_by=partner)
        assert ticked.count() == 2

    # Escape closes the panel.
    page.keyboard.press("Escape")
    expect(panel).to_be_empty()
    browser_log.assert_clean()
