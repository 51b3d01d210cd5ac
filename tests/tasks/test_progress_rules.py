"""Stage completion, review segregation, delivery and the audit trail, at the service level."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from atlasos.tenancy.context import practice_context
from cycle.stages import STAGES
from tasks.models import Pack, PackEvent
from tasks.recurrence import ensure_packs
from tasks.services import TickRefused, auto_tick, reassign, set_item_done, set_item_note
from templates_engine.models import ClientTemplate, TaskTemplate
from templates_engine.standard import STANDARD_NAME
from tests.factories.accounts import UserFactory
from tests.factories.clients import ClientFactory


@pytest.fixture
def pack(practice, staff, manager):
    client = ClientFactory(practice=practice, preparer=staff, reviewer=manager)
    with practice_context(practice.pk):
        template = TaskTemplate.objects.get(name=STANDARD_NAME)
        ClientTemplate.objects.create(client=client, template=template)
        ensure_packs(practice, datetime(2026, 11, 25, 9, tzinfo=ZoneInfo("Europe/London")))
        yield Pack.objects.get(client=client)


def items(pack, stage, mandatory=None):
    qs = pack.items.filter(stage=stage)
    if mandatory is not None:
        qs = qs.filter(mandatory=mandatory)
    return list(qs)


def tick_stage(pack, stage, user, mandatory_only=True):
    for item in items(pack, stage, True if mandatory_only else None):
        set_item_done(item, user, True)
    pack.refresh_from_db()


def test_stage_completes_when_its_mandatory_items_are_done(pack, staff):
    collect = items(pack, "collect", mandatory=True)
    for item in collect[:-1]:
        set_item_done(item, staff, True)
    pack.refresh_from_db()
    assert pack.collect_done_at is None and pack.current_stage == "collect"
    assert pack.started_at is not None
    set_item_done(collect[-1], staff, True)
    pack.refresh_from_db()
    assert pack.collect_done_at is not None
    assert pack.current_stage == "capture"
    assert pack.current_due == pack.capture_due
    assert PackEvent.objects.filter(pack=pack, action="stage_completed", stage="collect").exists()


def test_tick_records_who_and_when_and_untick_is_recorded(pack, staff):
    item = items(pack, "collect")[0]
    item = set_item_done(item, staff, True)
    assert item.done_by == staff and item.done_at is not None
    item = set_item_done(item, staff, False)
    assert item.done_by is None and item.done_at is None
    actions = list(
        PackEvent.objects.filter(pack=pack, item=item)
        .order_by("created_at", "pk")
        .values_list("action", "actor")
    )
    assert actions == [("ticked", staff.pk), ("unticked", staff.pk)]


def test_unticking_reopens_a_completed_stage(pack, staff):
    tick_stage(pack, "collect", staff)
    set_item_done(items(pack, "collect", True)[0], staff, False)
    pack.refresh_from_db()
    assert pack.collect_done_at is None and pack.current_stage == "collect"
    assert PackEvent.objects.filter(pack=pack, action="stage_reopened").exists()


def test_staff_cannot_tick_review_items(pack, staff, practice):
    with pytest.raises(TickRefused, match="partner or manager"):
        set_item_done(items(pack, "review")[0], staff, True)


def test_the_preparer_cannot_review(pack, practice, manager):
    pack.preparer = manager
    pack.save()
    with pytest.raises(TickRefused, match="preparer"):
        set_item_done(items(pack, "review")[0], manager, True)


def test_whoever_ticked_preparation_items_cannot_review(pack, practice, partner):
    set_item_done(items(pack, "capture")[0], partner, True)
    with pytest.raises(TickRefused, match="someone else must review"):
        set_item_done(items(pack, "review")[0], partner, True)


def test_delivery_waits_for_review(pack, manager):
    with pytest.raises(TickRefused, match="review stage is complete"):
        set_item_done(items(pack, "deliver")[0], manager, True)


def test_a_full_cycle_completes_the_pack(pack, staff, manager):
    for stage in STAGES[:4]:
        tick_stage(pack, stage, staff)
    tick_stage(pack, "review", manager)
    assert pack.current_stage == "deliver"
    tick_stage(pack, "deliver", staff)
    assert pack.completed_at is not None and pack.current_stage == "" and pack.current_due is None
    assert PackEvent.objects.filter(pack=pack, action="completed").count() == 1
    assert set(pack.completed_stages) == set(STAGES)


def test_auto_tick_hook_ticks_its_items_and_says_why(pack, staff):
    assert auto_tick(pack, "bank_statements", reason="every bank statement received") == 1
    item = pack.items.get(auto_key="bank_statements")
    assert item.done_automatically and item.done_by is None
    event = PackEvent.objects.get(pack=pack, item=item)
    assert event.automatic and "every bank statement received" in event.detail
    assert auto_tick(pack, "bank_statements", reason="again") == 0
    set_item_done(item, staff, False)  # a person can always untick it
    item.refresh_from_db()
    assert item.done_at is None


def test_note_and_reassignment_are_in_the_history(pack, staff, practice, partner):
    item = items(pack, "collect")[0]
    set_item_note(item, staff, "Client sent October only up to the 28th")
    other = UserFactory(practice=practice, role="staff", full_name="Grace Lin")
    assert reassign(pack, preparer=other, reviewer=partner, actor=partner)
    assert not reassign(pack, preparer=other, reviewer=partner, actor=partner)
    details = list(PackEvent.objects.filter(pack=pack).values_list("action", "detail"))
    assert ("note", f"{item.title}: Client sent October only up to the 28th") in details
    assert any(a == "reassigned" and "Grace Lin" in d for a, d in details)


def test_history_survives_a_template_change(pack, practice):
    with practice_context(practice.pk):
        template = TaskTemplate.objects.get(name=STANDARD_NAME)
        first = template.items.first()
        title = first.title
        first.title = "Renamed in the template"
        first.save()
    assert pack.items.filter(title=title).exists()
    assert not pack.items.filter(title="Renamed in the template").exists()


def test_an_empty_stage_waits_for_the_stages_before_it(practice, staff, manager):
    client = ClientFactory(practice=practice, preparer=staff, reviewer=manager)
    with practice_context(practice.pk):
        template = TaskTemplate.objects.create(name="No review or delivery items")
        template.items.create(stage="collect", title="Statements", practice=practice)
        template.items.create(stage="capture", title="Captured", practice=practice)
        ClientTemplate.objects.create(client=client, template=template)
        ensure_packs(practice, datetime(2026, 11, 25, 9, tzinfo=ZoneInfo("Europe/London")))
        pack = Pack.objects.get(client=client)
        set_item_done(pack.items.get(stage="collect"), staff, True)
        pack.refresh_from_db()
        assert pack.completed_at is None and pack.current_stage == "capture"
        set_item_done(pack.items.get(stage="capture"), staff, True)
        pack.refresh_from_db()
        assert pack.completed_at is not None
