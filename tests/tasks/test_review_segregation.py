"""Segregation of duties on a pack, through HTTP as the partner in issue 10 walked round it:
review only after preparation is complete, by someone who prepared nothing; whoever reviewed
may not then prepare; and the warning before a tick that would bar the viewer from reviewing."""

from datetime import UTC, datetime

import pytest

from atlasos.tenancy.context import practice_context
from tasks.models import PackEvent
from tests.factories.clients import ClientFactory
from tests.helpers import reload, signed_in, standard_pack
from tests.tasks.helpers import items, tick, tick_stage

PREPARATION = ["collect", "capture", "reconcile", "prepare"]


@pytest.fixture(autouse=True)
def after_every_due_date(clock):
    clock.set(datetime(2026, 11, 26, 10, tzinfo=UTC))


@pytest.fixture
def pack(practice, staff, manager):
    """Tom Reilly (staff) prepares the October pack; Priya Shah (manager) reviews it."""
    client = ClientFactory(practice=practice, preparer=staff, reviewer=manager)
    return standard_pack(practice, client)


@pytest.fixture
def as_staff(staff):
    return signed_in(staff)


def refusal_after(http, response) -> str:
    return http.get(response["Location"]).content.decode()


def test_review_items_cannot_be_ticked_while_preparation_is_incomplete(as_staff, pack, partner):
    as_reviewer = signed_in(partner)
    tick_stage(as_staff, pack, "collect")  # capture, reconcile and prepare are still open
    for item in items(pack, "review"):
        response = tick(as_reviewer, item)
        assert reload(item).done_at is None
    assert "Review comes after preparation: stages 1–4 must be complete first." in (
        refusal_after(as_reviewer, response)
    )
    assert reload(pack).review_done_at is None


def test_whoever_ticked_a_review_item_may_not_tick_or_untick_preparation_items(
    as_staff, pack, partner
):
    for stage in PREPARATION:
        tick_stage(as_staff, pack, stage)
    as_reviewer = signed_in(partner)
    tick(as_reviewer, items(pack, "review")[0])
    assert items(pack, "review")[0].done_by == partner

    prepared = items(pack, "prepare")[0]
    response = tick(as_reviewer, prepared, done=False)  # untick a preparation item
    assert reload(prepared).done_at is not None
    assert "You ticked review items on this pack, so you may not tick its preparation" in (
        refusal_after(as_reviewer, response)
    )
    optional = items(pack, "collect", mandatory=False)[0]
    tick(as_reviewer, optional, htmx=True)
    assert reload(optional).done_at is None


def test_the_walk_round_of_issue_10_ends_with_two_people_on_the_pack(as_staff, pack, partner):
    """A partner ticks the review items early (refused), then every preparation item, then tries
    the review again (refused): the pack never reaches deliver with one person on it."""
    as_partner_alone = signed_in(partner)
    for item in items(pack, "review"):
        tick(as_partner_alone, item)
    for stage in PREPARATION:
        tick_stage(as_partner_alone, pack, stage)
    for item in items(pack, "review"):
        tick(as_partner_alone, item)
    pack = reload(pack)
    assert pack.review_done_at is None and pack.current_stage == "review"
    assert not [item for item in items(pack, "review") if item.done_at]


def test_a_tick_someone_else_undid_still_bars_its_author_from_reviewing(as_staff, pack, partner):
    as_reviewer = signed_in(partner)
    reconcile = items(pack, "reconcile")[0]
    tick(as_reviewer, reconcile)  # the partner did some of the preparation…
    tick(as_staff, reconcile, done=False)  # …the preparer unticked it and did it again
    tick(as_staff, reconcile)
    assert reload(reconcile).done_by != partner
    for stage in PREPARATION:
        tick_stage(as_staff, pack, stage)
    review = items(pack, "review")[0]
    response = tick(as_reviewer, review)
    assert reload(review).done_at is None
    assert "You ticked preparation items on this pack" in refusal_after(as_reviewer, response)
    with practice_context(pack.practice_id):
        assert PackEvent.objects.filter(pack=pack, actor=partner, action="ticked").count() == 1


def test_the_reviewer_is_warned_before_a_tick_that_would_bar_them(as_staff, pack, manager):
    as_reviewer = signed_in(manager)
    page = as_reviewer.get(f"/packs/{pack.code}/").content.decode()
    assert 'id="stage-collect-bars-review"' in page
    assert "you will no longer be able to review it" in page
    assert 'hx-confirm="Ticking “Bank statements received” means you can no longer review' in page
    # The preparer is not warned: preparing is their job.
    assert "bars-review" not in as_staff.get(f"/packs/{pack.code}/").content.decode()
    # Nor is a reviewer who already prepared (they are barred, not about to be).
    tick(as_reviewer, items(pack, "collect")[0])
    assert "bars-review" not in as_reviewer.get(f"/packs/{pack.code}/").content.decode()


def test_the_calendar_panel_warns_the_reviewer_too(pack, manager, staff):
    panel = signed_in(manager).get(f"/calendar/packs/{pack.code}/panel/?month=2026-11")
    html = panel.content.decode()
    assert panel.status_code == 200
    assert 'id="panel-bars-review"' in html and "no longer be able to review" in html
    staff_panel = signed_in(staff).get(f"/calendar/packs/{pack.code}/panel/?month=2026-11")
    assert "panel-bars-review" not in staff_panel.content.decode()
