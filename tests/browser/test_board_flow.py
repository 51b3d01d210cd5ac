"""A partner signs in and lands on the task board, filters it through htmx, completes a
pack's collect stage on the pack page, and sees the board and the kanban move the pack on."""

import re

import pytest

from atlasos import clock as wall_clock
from atlasos.tenancy.context import practice_context
from cycle.periods import period_label
from tasks.models import Pack
from tests.factories.clients import ClientFactory
from tests.helpers import standard_pack

expect = pytest.importorskip(
    "playwright.sync_api", reason="Playwright is not installed (pip install playwright)"
).expect


def tick_all(page, stage: str) -> None:
    buttons = page.locator(f"#stage-{stage} button.pack-tick")
    for index in range(buttons.count()):
        button = page.locator(f"#stage-{stage} button.pack-tick").nth(index)
        if button.get_attribute("aria-pressed") == "false":
            button.click()
            expect(page.locator(f"#stage-{stage} button.pack-tick").nth(index)).to_have_attribute(
                "aria-pressed", "true"
            )


def test_partner_sees_the_board_change_after_completing_a_stage(
    page, log_in, partner, staff, practice, browser_log
):
    ours = ClientFactory(practice=practice, name="Quayside Deli Ltd", preparer=staff)
    theirs = ClientFactory(practice=practice, name="Other Ltd", preparer=partner)
    pack = standard_pack(practice, ours, now=wall_clock.now())
    standard_pack(practice, theirs, now=wall_clock.now())
    label = period_label(pack.period, "monthly")

    log_in(partner, then="")  # partners start on the board
    expect(page.get_by_role("heading", level=1)).to_have_text("Task board")
    expect(page.locator("#completion-figure")).to_contain_text(
        f"0% — 0 of 2 clients delivered for {label}"
    )
    expect(page.locator("#completion-chart")).to_be_visible()
    # Both packs wait in collect; whether they are overdue depends on today's date.
    expect(page.locator("#stage-chart")).to_contain_text("2 open")
    expect(page.locator("#bottleneck-sentence")).not_to_be_empty()

    # The filters swap the results through htmx and live in the URL.
    page.get_by_label("Assigned to").select_option(label="Tom Reilly")
    expect(page).to_have_url(re.compile(rf"assignee={staff.code}"))
    expect(page.locator("#completion-figure")).to_contain_text("0 of 1 client delivered")
    expect(page.locator("#stage-chart")).to_contain_text("1 open")

    # The partner completes the collect stage on the pack page, accepting that this bars them
    # from reviewing it.
    page.goto(f"/packs/{pack.code}/")
    expect(page.locator("#stage-collect-bars-review")).to_be_visible()
    page.on("dialog", lambda dialog: dialog.accept())
    tick_all(page, "collect")
    expect(page.locator("#stage-capture")).to_contain_text("Current stage")

    # Back on the filtered board, the pack has moved on to capture.
    page.go_back()
    page.reload()
    stages = page.locator("#stage-chart")
    expect(stages).to_contain_text("1 open")
    rows = page.locator("#stage-chart .chart-row")
    expect(rows.nth(0)).to_contain_text("0 open")  # collect
    expect(rows.nth(1)).to_contain_text("1 open")  # capture
    expect(page.locator("#times-collect")).to_contain_text("1")  # one collect stage timed

    # The kanban shows the same: collect holds the other client's pack, capture ours.
    page.get_by_role("link", name="Kanban by stage").click()
    expect(page).to_have_url(re.compile(r"/board/kanban/\?assignee="))
    expect(page.locator("#column-collect .kanban-total")).to_have_text("0")
    expect(page.locator("#column-capture .kanban-total")).to_have_text("1")
    expect(page.locator("#column-capture")).to_contain_text("Quayside Deli Ltd")
    page.get_by_role("link", name="Task board").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Task board")

    with practice_context(practice.pk):
        assert Pack.objects.get(pk=pack.pk).current_stage == "capture"
    browser_log.assert_clean()
