"""A manager builds a template with a custom item, assigns it to a client, the recurrence makes
the pack, the preparer ticks it through preparation, the reviewer reviews and delivers it."""

import re

import pytest

from atlasos.tenancy.context import practice_context
from cycle.stages import STAGES
from tasks.models import Pack, PackEvent
from tests.factories.clients import ClientFactory

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


def test_template_to_delivered_pack(page, log_in, manager, staff, practice, browser_log):
    client = ClientFactory(
        practice=practice, name="Lighthouse Cafe Ltd", preparer=staff, reviewer=manager
    )

    # A manager creates a template with one custom item in every stage.
    log_in(manager, then="/settings/templates/new/")
    page.get_by_label("Name", exact=True).fill("Cafe monthly pack")
    page.get_by_role("button", name="Create template").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Cafe monthly pack")
    for stage in STAGES:
        section = page.locator(f"#stage-{stage}")
        section.locator("summary").click()
        section.get_by_label("Title").fill(f"Cafe {stage} check")
        section.get_by_role("button", name="Add item").click()
        expect(page.locator(f"#stage-{stage}")).to_contain_text(f"Cafe {stage} check")

    # ... and assigns it to the client: the recurrence creates the pack at once.
    page.goto(f"/clients/{client.code}/templates/")
    page.get_by_label(re.compile("Template")).select_option(label="Cafe monthly pack (monthly)")
    page.get_by_role("button", name="Assign template").click()
    expect(page.locator(".messages")).to_contain_text("pack")
    with practice_context(practice.pk):
        pack = Pack.objects.get(client=client, template__name="Cafe monthly pack")

    # The preparer ticks the four preparation stages.
    page.context.clear_cookies()
    log_in(staff, then=f"/packs/{pack.code}/")
    expect(page.locator("#stage-collect")).to_contain_text("Cafe collect check")
    for stage in STAGES[:4]:
        tick_all(page, stage)
    expect(page.locator("#stage-review")).to_contain_text("Current stage")
    # Staff may not review.
    expect(page.locator("#stage-review button.pack-tick").first).to_be_disabled()

    # The reviewer (a manager who prepared nothing) reviews and delivers.
    page.context.clear_cookies()
    log_in(manager, then=f"/packs/{pack.code}/")
    tick_all(page, "review")
    # Nothing was uploaded against the pack's document request: delivering warns that it
    # closes the request, and asks; the reviewer accepts.
    expect(page.locator("#deliver-outstanding")).to_contain_text("outstanding")
    questions = []
    page.on("dialog", lambda dialog: (questions.append(dialog.message), dialog.accept()))
    tick_all(page, "deliver")
    assert questions and "outstanding" in questions[0]
    expect(page.locator("#pack-header")).to_contain_text("Complete")

    with practice_context(practice.pk):
        pack.refresh_from_db()
        assert pack.completed_at is not None
        ticks = PackEvent.objects.filter(pack=pack, action="ticked")
        assert set(ticks.values_list("actor__email", flat=True)) >= {staff.email, manager.email}
    browser_log.assert_clean()
