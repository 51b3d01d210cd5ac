"""The pack page: the checklist by stage, ticking and unticking through HTTP (with and without
htmx), the review and delivery rules, notes, history, and its query count."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from atlasos import clock as wall_clock
from atlasos.tenancy.context import practice_context
from cycle.stages import STAGES
from tasks.models import Pack, PackEvent
from tasks.services import auto_tick
from templates_engine.standard import STANDARD_NAME
from tests.factories.accounts import UserFactory
from tests.factories.clients import ClientFactory
from tests.factories.tasks import PackEventFactory, PackFactory, PackItemFactory
from tests.helpers import HTMX, reload, signed_in, standard_pack
from tests.tasks.helpers import items, tick, tick_stage

LONDON = ZoneInfo("Europe/London")


@pytest.fixture(autouse=True)
def the_day_after(clock):
    """The pages are read on 26 November 2026, after every stage of the October pack fell due."""
    clock.set(datetime(2026, 11, 26, 10, tzinfo=LONDON))


# --- fixtures ---------------------------------------------------------------------------------


@pytest.fixture
def pack(practice, staff, manager):
    """Tom Reilly (staff) prepares; Priya Shah (manager) reviews."""
    client = ClientFactory(
        practice=practice, name="Harbourview Bakery Ltd", preparer=staff, reviewer=manager
    )
    return standard_pack(practice, client)


@pytest.fixture
def as_staff(staff):
    return signed_in(staff)


@pytest.fixture
def as_manager(manager):
    return signed_in(manager)


@pytest.fixture
def as_partner(partner):
    return signed_in(partner)


# --- the page ---------------------------------------------------------------------------------


def test_pack_page_shows_client_period_people_due_dates_and_checklist(as_partner, pack):
    page = as_partner.get(f"/packs/{pack.code}/").content.decode()
    assert "Harbourview Bakery Ltd" in page and f"/clients/{pack.client.code}/" in page
    assert "October 2026" in page
    assert STANDARD_NAME in page
    assert "Tom Reilly" in page and "Priya Shah" in page
    for due in ["Fri 6 Nov", "Wed 11 Nov", "Fri 13 Nov", "Tue 17 Nov", "Thu 19 Nov", "Fri 20 Nov"]:
        assert f"Due {due}" in page
    for stage in STAGES:
        assert f'id="stage-{stage}"' in page
    assert "Bank statements received" in page
    assert "A statement for every active bank account" in page  # guidance
    # Every date has passed: the badge says so in words, not only in colour.
    assert 'class="badge badge-overdue"' in page and ">Overdue</span>" in page
    assert "Current stage" in page
    assert "Mandatory 0 of 4" in page and "All items 0 of 6" in page  # collect
    assert "Mandatory items done: 0 of 18" in page
    assert 'class="pack-stage card is-current is-overdue"' in page


def test_another_practice_gets_404_for_the_pack_page_and_its_items(pack, other_partner):
    attacker = signed_in(other_partner)
    item = items(pack, "collect")[0]
    assert attacker.get(f"/packs/{pack.code}/").status_code == 404
    assert tick(attacker, item).status_code == 404
    assert tick(attacker, item, htmx=True).status_code == 404
    note = attacker.post(f"/pack-items/{item.code}/note/", {"note": "mine now"})
    assert note.status_code == 404
    item = reload(item)
    assert item.done_at is None and item.note == ""


def test_staff_see_the_page_without_the_reassign_form(as_staff, as_manager, pack):
    staff_page = as_staff.get(f"/packs/{pack.code}/")
    assert staff_page.status_code == 200
    assert f"/packs/{pack.code}/reassign/" not in staff_page.content.decode()
    assert (
        f"/packs/{pack.code}/reassign/" in as_manager.get(f"/packs/{pack.code}/").content.decode()
    )


def test_pack_page_answers_only_get(as_partner, pack):
    assert as_partner.post(f"/packs/{pack.code}/").status_code == 405


# --- ticking ------------------------------------------------------------------------------------


def test_tick_without_htmx_records_who_and_when_and_returns_to_the_stage(as_staff, pack, staff):
    item = items(pack, "collect")[0]
    before = wall_clock.now()
    response = tick(as_staff, item)
    assert response.status_code == 302
    assert response["Location"] == f"/packs/{pack.code}/#stage-collect"
    item = reload(item)
    assert item.done_by == staff and item.done_at >= before and not item.done_automatically
    with practice_context(pack.practice_id):
        event = PackEvent.objects.get(pack=pack, action="ticked")
    assert event.actor == staff and event.item_id == item.pk and not event.automatic
    page = as_staff.get(response["Location"]).content.decode()
    assert f"Ticked “{item.title}”." in page  # the message
    local = timezone.localtime(item.done_at, LONDON)
    assert f"Ticked by Tom Reilly, {local:%a} {local.day} {local:%b %H:%M}" in page


def test_tick_with_htmx_returns_the_stage_and_the_header_out_of_band(as_staff, pack, staff):
    item = items(pack, "collect")[0]
    response = tick(as_staff, item, htmx=True)
    assert response.status_code == 200
    html = response.content.decode()
    # The target, first and without hx-swap-oob; then, out of band, the header, the history
    # and review (whoever ticks preparation items may not review); stages the tick did not
    # change are left alone, so a note being typed there survives.
    assert html.lstrip().startswith('<section id="stage-collect"')
    assert 'id="stage-collect" class="pack-stage card is-current is-overdue" ' in html
    assert '<div id="pack-header" class="pack-header" hx-swap-oob="true">' in html
    assert '<section id="pack-history" class="card pack-history"' in html
    assert 'id="stage-review" class="pack-stage card is-overdue"' in html
    assert 'id="stage-capture"' not in html and "<html" not in html
    assert "Ticked by Tom Reilly" in html
    assert "Mandatory 1 of 4" in html
    assert "Mandatory items done: 1 of 18" in html
    assert reload(item).done_by == staff
    with practice_context(pack.practice_id):
        assert PackEvent.objects.get(pack=pack, action="ticked").actor == staff


def test_ticking_the_last_mandatory_item_completes_the_stage_and_moves_the_current_stage(
    as_staff, pack
):
    collect = items(pack, "collect", mandatory=True)
    for item in collect[:-1]:
        tick(as_staff, item)
    assert reload(pack).collect_done_at is None
    html = tick(as_staff, collect[-1], htmx=True).content.decode()
    pack = reload(pack)
    assert pack.collect_done_at is not None
    assert pack.current_stage == "capture" and pack.current_due == pack.capture_due
    with practice_context(pack.practice_id):
        assert PackEvent.objects.filter(pack=pack, action="stage_completed", stage="collect")
    # The fragment says so without a reload: collect complete, capture current.
    stage_html = html.split('<div id="pack-header"')[0]
    assert "Complete</span>" in stage_html and "Current stage" not in stage_html
    assert '<a href="#stage-capture" aria-current="step">' in html
    assert 'id="stage-capture" class="pack-stage card is-current is-overdue"' in html
    assert 'hx-swap-oob="true"' in html.split('id="stage-capture"')[1].split(">")[0]


def test_optional_items_do_not_hold_a_stage_open(as_staff, pack):
    tick_stage(as_staff, pack, "collect")
    assert any(not item.is_done for item in items(pack, "collect", mandatory=False))
    assert reload(pack).collect_done_at is not None


def test_untick_reopens_the_stage_and_is_recorded(as_staff, pack, staff):
    pack = tick_stage(as_staff, pack, "collect")
    assert pack.current_stage == "capture"
    item = items(pack, "collect", mandatory=True)[0]
    response = tick(as_staff, item, done=False, htmx=True)
    assert response.status_code == 200
    item, pack = reload(item), reload(pack)
    assert item.done_at is None and item.done_by is None
    assert pack.collect_done_at is None and pack.current_stage == "collect"
    with practice_context(pack.practice_id):
        untick = PackEvent.objects.get(pack=pack, action="unticked")
        assert untick.actor == staff and untick.item == item
        assert PackEvent.objects.filter(pack=pack, action="stage_reopened", stage="collect")
    assert 'aria-current="step"' in response.content.decode()


def test_tick_without_a_done_value_changes_nothing(as_partner, pack):
    item = items(pack, "collect")[0]
    response = as_partner.post(f"/pack-items/{item.code}/tick/")
    assert response.status_code == 302
    assert reload(item).done_at is None
    assert (
        "did not say whether the item is done"
        in as_partner.get(response["Location"]).content.decode()
    )


# --- review segregation and delivery -----------------------------------------------------------


def test_staff_cannot_tick_review_items_and_are_told_why(as_staff, pack):
    item = items(pack, "review")[0]
    response = tick(as_staff, item)
    assert response.status_code == 302
    assert reload(item).done_at is None
    page = as_staff.get(response["Location"]).content.decode()
    assert "Only a partner or manager can tick review items." in page
    # The page explains the rule and disables the control beforehand, too.
    assert "Who may tick these:" in page
    assert f'id="tick-{item.code}" class="pack-tick" aria-pressed="false" disabled' in page


def test_a_refused_tick_with_htmx_shows_the_message_in_the_stage(as_staff, pack):
    item = items(pack, "review")[0]
    response = tick(as_staff, item, htmx=True)
    assert response.status_code == 200
    stage_html = response.content.decode().split('<div id="pack-header"')[0]
    assert 'id="stage-review"' in stage_html and 'role="alert"' in stage_html
    assert "Only a partner or manager can tick review items." in stage_html
    assert reload(item).done_at is None


def test_the_preparer_cannot_review_even_as_a_manager(practice, manager, partner):
    client = ClientFactory(practice=practice, preparer=manager, reviewer=partner)
    pack = standard_pack(practice, client)
    item = items(pack, "review")[0]
    as_preparer = signed_in(manager)
    response = tick(as_preparer, item, htmx=True)
    assert "The preparer of a pack cannot review it." in response.content.decode()
    assert reload(item).done_at is None


def test_whoever_ticked_preparation_items_cannot_review(as_partner, pack):
    tick(as_partner, items(pack, "reconcile")[0])
    item = items(pack, "review")[0]
    response = tick(as_partner, item)
    assert reload(item).done_at is None
    assert (
        "You ticked preparation items on this pack"
        in as_partner.get(response["Location"]).content.decode()
    )


def test_a_manager_who_did_not_prepare_can_review(as_staff, as_manager, pack, manager):
    for stage in ["collect", "capture", "reconcile", "prepare"]:
        tick_stage(as_staff, pack, stage)
    pack = tick_stage(as_manager, pack, "review")
    assert pack.review_done_at is not None and pack.current_stage == "deliver"
    assert {item.done_by for item in items(pack, "review")} == {manager}


def test_delivery_waits_for_the_review(as_partner, pack):
    deliver = items(pack, "deliver")[0]
    response = tick(as_partner, deliver)
    assert reload(deliver).done_at is None
    assert (
        "once the review stage is complete" in as_partner.get(response["Location"]).content.decode()
    )


def test_delivering_completes_the_pack(as_staff, as_manager, pack):
    for stage in ["collect", "capture", "reconcile", "prepare"]:
        tick_stage(as_staff, pack, stage)
    tick_stage(as_manager, pack, "review")
    html = tick(as_manager, items(pack, "deliver")[0], htmx=True).content.decode()
    pack = reload(pack)
    assert pack.completed_at is not None and pack.current_stage == ""
    assert 'class="badge badge-complete"' in html and ">Complete</span>" in html
    page = as_manager.get(f"/packs/{pack.code}/").content.decode()
    assert "Delivered " in page and 'aria-current="step"' not in page
    with practice_context(pack.practice_id):
        assert PackEvent.objects.filter(pack=pack, action="completed").exists()


# --- notes and history ------------------------------------------------------------------------


def test_a_note_is_saved_shown_and_recorded(as_staff, pack, staff):
    item = items(pack, "capture")[0]
    response = as_staff.post(f"/pack-items/{item.code}/note/", {"note": "  Waiting for Q3 VAT  "})
    assert response.status_code == 302
    assert response["Location"] == f"/packs/{pack.code}/#item-{item.code}"
    assert reload(item).note == "Waiting for Q3 VAT"
    page = as_staff.get(response["Location"]).content.decode()
    assert "<strong>Note:</strong> Waiting for Q3 VAT" in page
    with practice_context(pack.practice_id):
        event = PackEvent.objects.get(pack=pack, action="note")
    assert event.actor == staff and "Waiting for Q3 VAT" in event.detail


def test_a_note_with_htmx_returns_the_stage_and_can_be_removed(as_staff, pack):
    item = items(pack, "capture")[0]
    html = as_staff.post(
        f"/pack-items/{item.code}/note/", {"note": "Ask about the loan"}, headers=HTMX
    ).content.decode()
    assert html.lstrip().startswith('<section id="stage-capture"')
    assert "Ask about the loan" in html
    assert 'id="stage-collect"' not in html  # a note changes no other stage
    as_staff.post(f"/pack-items/{item.code}/note/", {"note": ""}, headers=HTMX)
    assert reload(item).note == ""


def test_history_lists_events_newest_first_with_automatic_ones_marked(as_staff, pack):
    tick(as_staff, items(pack, "collect")[1])
    with practice_context(pack.practice_id):
        auto_tick(pack, "bank_statements", reason="every bank statement received")
    page = as_staff.get(f"/packs/{pack.code}/").content.decode()
    history = page.split('id="pack-history"')[1]
    assert "3 events, newest first." in history  # created, ticked by Tom, ticked automatically
    automatic = history.index("Bank statements received (every bank statement received)")
    by_tom = history.index("Ticked: Sales invoices received")
    created = history.index("Pack created")
    assert automatic < by_tom < created
    assert "Automatic" in history and "Tom Reilly" in history
    assert "Ticked automatically" in page  # on the item itself


def test_history_shows_the_latest_200_of_more(as_staff, practice, pack):
    PackEventFactory.create_batch(
        205, practice=practice, pack=pack, action="note", detail="Chased the client"
    )
    history = as_staff.get(f"/packs/{pack.code}/").content.decode().split('id="pack-history"')[1]
    assert "The latest 200 of 206 events" in history
    assert history.count("Chased the client") == 200


# --- query count --------------------------------------------------------------------------------


def big_or_small_pack(practice, preparer, reviewer, n_items, n_events) -> Pack:
    pack = PackFactory(practice=practice, preparer=preparer, reviewer=reviewer)
    for n in range(n_items):
        PackItemFactory(
            practice=practice,
            pack=pack,
            stage=STAGES[n % len(STAGES)],
            done_at=wall_clock.now() if n % 2 else None,
            done_by=preparer if n % 2 else None,
        )
    author = UserFactory(practice=practice, full_name="Somebody Else")
    PackEventFactory.create_batch(n_events, practice=practice, pack=pack, actor=author)
    return pack


@pytest.mark.parametrize("n_items, n_events", [(6, 10), (60, 200)])
def test_pack_page_query_count_does_not_grow_with_items_or_events(
    as_partner, practice, staff, manager, n_items, n_events, django_assert_num_queries
):
    pack = big_or_small_pack(practice, staff, manager, n_items, n_events)
    # 1 session, 2 user (with practice), 3 pack (with client, template, preparer, reviewer),
    # 4 checklist items (with who ticked), 5 the stages the viewer ticked (segregation rules),
    # 6 latest events (with actor), 7 event count, 8-9 reassign form: preparer and reviewer
    # choices, 10 the viewer's notifications about the pack marked read, 11 the bell's count,
    # 12 the pack's document request with its progress (portal.requests.pack_request),
    # 13 the Deliver panel's delivery document links (with delivery, publisher, acknowledger,
    # documents), 14 the delivery's emails with contacts — or, before delivery, the candidate
    # documents, 15 the top bar's inbox count (messages waiting in triage), 16 the reconcile
    # stage's bank accounts with their reconciliation of the month (reconciliation.integration),
    # 17 the prepare stage's trial balance of the month (reporting.integration; with one, its
    # lines and the client's account mapping: two more), 18 the Deliver panel's earlier renders
    # of the management accounts, left unticked (reporting.integration), 19 the review stage's
    # review points (reporting.integration).
    with django_assert_num_queries(19):
        response = as_partner.get(f"/packs/{pack.code}/")
    assert response.status_code == 200
    assert response.content.decode().count('<li id="item-') == n_items
