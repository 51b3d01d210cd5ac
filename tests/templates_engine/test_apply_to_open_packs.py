"""Carrying a template change into the open packs: the plan, applying it, and the page."""

import pytest

from atlasos import clock as wall_clock
from atlasos.tenancy.context import practice_context
from tasks.from_templates import apply_template_update, assign_template, plan_template_update
from tasks.models import Pack, PackEvent, PackItem
from tasks.services import set_item_done
from templates_engine.models import ClientDisabledItem, ClientExtraItem, ClientTemplate
from tests.factories.clients import ClientFactory
from tests.factories.templates_engine import TemplateItemFactory
from tests.helpers import reload
from tests.templates_engine.helpers import at, template_items


@pytest.fixture
def packs(practice, template):
    """October packs of four clients on the template: A ticked petty cash, B switched petty
    cash off, C's pack is complete, D is untouched."""
    clients = {
        name: ClientFactory(practice=practice, name=f"{name} Ltd") for name in ("A", "B", "C", "D")
    }
    items = template_items(template)
    with practice_context(practice.pk):
        assign_template(template, clients.values(), practice=practice, now=at(2026, 11, 18))
        ClientDisabledItem.objects.create(
            client_template=ClientTemplate.objects.get(client=clients["B"]),
            template_item=items["Petty cash records received"],
        )
        packs = {name: Pack.objects.get(client=client) for name, client in clients.items()}
        PackItem.objects.filter(pack=packs["B"], title__startswith="Petty").delete()
        PackItem.objects.filter(pack=packs["A"], title__startswith="Petty").update(
            done_at=wall_clock.now()
        )
        Pack.objects.filter(pk=packs["C"].pk).update(completed_at=wall_clock.now())
    return packs


def change_the_template(template, practice):
    """Add an optional item (switched off for B), rename one, delete petty cash."""
    items = template_items(template)
    new = TemplateItemFactory(
        practice=practice,
        template=template,
        stage="collect",
        title="Payroll report received",
        mandatory=False,
        position=15,
    )
    with practice_context(practice.pk):
        ClientDisabledItem.objects.create(
            client_template=ClientTemplate.objects.get(client__name="B Ltd"), template_item=new
        )
        accounts = items["Management accounts prepared"]
        accounts.title = "Management accounts prepared and checked"
        accounts.save()
        items["Petty cash records received"].delete()


def titles(pack) -> list[str]:
    with practice_context(pack.practice_id):
        return list(pack.items.order_by("position").values_list("title", flat=True))


def test_plan_lists_adds_changes_removals_and_kept_ticked_items(practice, template, packs):
    change_the_template(template, practice)
    with practice_context(practice.pk):
        plan = plan_template_update(template)
    assert plan.open_packs == 3  # C is complete
    by_client = {p.pack.client.name: p.diff for p in plan.packs}
    assert set(by_client) == {"A Ltd", "B Ltd", "D Ltd"}
    assert [s.title for s in by_client["A Ltd"].to_add] == ["Payroll report received"]
    assert by_client["B Ltd"].to_add == []  # B switched the new item off
    assert [r.title for r in by_client["A Ltd"].kept] == ["Petty cash records received"]
    assert by_client["A Ltd"].to_remove == []
    assert [r.title for r in by_client["D Ltd"].to_remove] == ["Petty cash records received"]
    assert [c.fields for c in by_client["B Ltd"].to_change] == [["title"]]
    assert plan.totals == {"packs": 3, "added": 2, "removed": 1, "changed": 3, "kept": 1}


def test_apply_updates_open_packs_only_and_never_removes_ticked_items(
    practice, template, packs, partner
):
    change_the_template(template, practice)
    with practice_context(practice.pk):
        result = apply_template_update(
            plan_template_update(template), partner, now=at(2026, 11, 19)
        )
    assert (result.packs, result.added, result.removed, result.changed, result.kept) == (
        3,
        2,
        1,
        3,
        1,
    )
    assert titles(packs["A"]) == [
        "Bank statements received",
        "Payroll report received",
        "Petty cash records received",  # ticked: kept
        "Management accounts prepared and checked",
    ]
    assert titles(packs["D"]) == [
        "Bank statements received",
        "Payroll report received",
        "Management accounts prepared and checked",
    ]
    assert titles(packs["B"]) == [
        "Bank statements received",
        "Management accounts prepared and checked",
    ]
    assert titles(packs["C"]) == [  # complete: history stays
        "Bank statements received",
        "Petty cash records received",
        "Management accounts prepared",
    ]
    with practice_context(practice.pk):
        events = PackEvent.objects.filter(action=PackEvent.Action.ITEMS_UPDATED)
        assert sorted(e.pack.client.name for e in events) == ["A Ltd", "B Ltd", "D Ltd"]
        event_a = events.get(pack=packs["A"])
        assert event_a.actor == partner
        assert event_a.detail == (
            "From the template Monthly — Small: 1 added, 1 updated; 1 ticked item kept"
        )
        assert reload(packs["A"]).collect_due == packs["A"].collect_due  # due dates stay
        assert not plan_template_update(template).has_changes  # applying twice adds nothing


def test_apply_recomputes_the_stages(practice, template, packs, partner):
    with practice_context(practice.pk):
        # A deliver item of the client's own, so one tick cannot complete the whole pack.
        extra = ClientExtraItem.objects.create(
            client_template=ClientTemplate.objects.get(client=packs["D"].client),
            stage="deliver",
            title="Pack delivered",
        )
        PackItem.objects.create(
            pack=packs["D"], stage="deliver", title=extra.title, extra_item=extra, position=100
        )
        bank = PackItem.objects.get(pack=packs["D"], title="Bank statements received")
        set_item_done(bank, partner, True)
    assert reload(packs["D"]).collect_done_at is not None
    TemplateItemFactory(
        practice=practice,
        template=template,
        stage="collect",
        title="Sales invoices received",
        mandatory=True,
        position=12,
    )
    with practice_context(practice.pk):
        apply_template_update(plan_template_update(template), partner, now=at(2026, 11, 19))
        assert reload(packs["D"]).collect_done_at is None
        assert PackEvent.objects.filter(
            pack=packs["D"], action=PackEvent.Action.STAGE_REOPENED, stage="collect"
        ).exists()


def test_an_item_ticked_after_the_preview_is_still_kept(practice, template, packs, partner):
    change_the_template(template, practice)
    with practice_context(practice.pk):
        plan = plan_template_update(template)
        PackItem.objects.filter(pack=packs["D"], title__startswith="Petty").update(
            done_at=wall_clock.now()
        )
        result = apply_template_update(plan, partner)
    assert result.removed == 0 and result.kept == 2
    assert "Petty cash records received" in titles(packs["D"])


# --- the page ----------------------------------------------------------------------------


def test_preview_page_shows_the_changes_per_pack(partner_http, practice, template, packs):
    change_the_template(template, practice)
    response = partner_http.get(f"/settings/templates/{template.code}/apply/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "3 of 3" in page and "Update 3 open packs" in page
    assert "A Ltd" in page and "C Ltd" not in page
    assert "October 2026" in page and "Payroll report received" in page
    with practice_context(practice.pk):
        assert not PackEvent.objects.filter(action=PackEvent.Action.ITEMS_UPDATED).exists()


def test_posting_applies_and_says_what_changed(partner_http, practice, template, packs):
    change_the_template(template, practice)
    response = partner_http.post(f"/settings/templates/{template.code}/apply/")
    assert response.status_code == 302
    page = partner_http.get(response["Location"]).content.decode()
    assert "Updated 3 open packs: 2 items added, 3 updated, 1 removed. 1 ticked item kept." in (
        page
    )
    assert "Payroll report received" in titles(packs["A"])


def test_nothing_to_apply(partner_http, template, packs):
    page = partner_http.get(f"/settings/templates/{template.code}/apply/").content.decode()
    assert "Nothing to change" in page
    response = partner_http.post(f"/settings/templates/{template.code}/apply/", follow=True)
    assert "already match the template" in response.content.decode()


def test_staff_cannot_preview_or_apply(staff_http, practice, template, packs):
    change_the_template(template, practice)
    assert staff_http.get(f"/settings/templates/{template.code}/apply/").status_code == 403
    assert staff_http.post(f"/settings/templates/{template.code}/apply/").status_code == 403
    assert "Payroll report received" not in titles(packs["A"])


def test_another_practice_cannot_apply(other_http, practice, template, packs):
    change_the_template(template, practice)
    assert other_http.post(f"/settings/templates/{template.code}/apply/").status_code == 404
    assert "Payroll report received" not in titles(packs["A"])
