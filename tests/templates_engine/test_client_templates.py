"""A client's Templates tab: assignment (with the current period's pack at once) and the
client's customisation: own due days, optional items switched off, extra items."""

from datetime import date

import pytest

from atlasos import clock
from atlasos import clock as wall_clock
from atlasos.tenancy.context import practice_context
from clients.choices import ClientStatus
from cycle.workdays import WorkCalendar
from tasks.from_templates import assign_template
from tasks.models import Pack
from tasks.recurrence import due_period
from templates_engine.models import ClientExtraItem, ClientTemplate
from templates_engine.services import client_checklist
from tests.factories.clients import ClientFactory
from tests.factories.templates_engine import (
    ClientExtraItemFactory,
    ClientTemplateFactory,
    TaskTemplateFactory,
    TemplateItemFactory,
)
from tests.helpers import reload
from tests.templates_engine.helpers import at, template_items


@pytest.fixture
def client_entity(practice):
    return ClientFactory(practice=practice, name="Harbourview Bakery Ltd")


@pytest.fixture
def assignment(template, client_entity):
    return ClientTemplateFactory(
        practice=template.practice, client=client_entity, template=template
    )


def checklist(ct):
    with practice_context(ct.practice_id):
        return [(spec.stage, spec.title) for spec in client_checklist(reload(ct))]


# --- the tab and assignment -----------------------------------------------------------------


def test_staff_see_the_tab_without_the_assign_form(staff_http, assignment, client_entity):
    response = staff_http.get(f"/clients/{client_entity.code}/templates/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Monthly — Small" in page and 'aria-current="page">Templates' in page
    assert "Assign a template" not in page


def test_tab_offers_the_active_templates_not_yet_assigned(
    partner_http, assignment, practice, client_entity
):
    TaskTemplateFactory(practice=practice, name="Archived one", is_archived=True)
    page = partner_http.get(f"/clients/{client_entity.code}/templates/").content.decode()
    form = page.split('<h2 id="assign-heading">')[1]
    assert "Monthly Bookkeeping Pack — Standard" in form
    assert "Archived one" not in form and "Monthly — Small (monthly)" not in form


def test_assigning_a_template_creates_the_current_periods_pack(
    partner_http, template, practice, client_entity
):
    response = partner_http.post(
        f"/clients/{client_entity.code}/templates/assign/", {"template": str(template.code)}
    )
    assert response.status_code == 302
    with practice_context(practice.pk):
        ct = ClientTemplate.objects.select_related("template", "client").get(client=client_entity)
        today = clock.local_date(practice.timezone, wall_clock.now())
        expected = due_period(
            ct, today, WorkCalendar(practice.country), practice.pack_release_offset
        )
        packs = list(Pack.objects.filter(client=client_entity, template=template))
    message = partner_http.get(response["Location"]).content.decode()
    if expected is None:  # the first working days of a month: last month not released yet
        assert packs == [] and "no pack was created yet" in message
    else:
        assert [p.period for p in packs] == [expected]
        assert f"its {packs[0].period_label} pack was created" in message


def test_assign_service_creates_the_pack_for_the_period_just_ended(
    template, practice, client_entity
):
    with practice_context(practice.pk):
        result = assign_template(template, [client_entity], practice=practice, now=at(2026, 11, 18))
        pack = Pack.objects.get(client=client_entity, template=template)
        titles = list(pack.items.order_by("position").values_list("title", flat=True))
    assert result.assigned == 1 and result.already == 0 and result.packs_created == 1
    assert pack.period == date(2026, 10, 1) and result.latest_pack == pack
    assert titles == [
        "Bank statements received",
        "Petty cash records received",
        "Management accounts prepared",
    ]


def test_assign_service_before_the_release_date_creates_no_pack(template, practice, client_entity):
    # October 2026 ends on a Saturday; its packs appear on Monday 2 November.
    with practice_context(practice.pk):
        result = assign_template(template, [client_entity], practice=practice, now=at(2026, 11, 1))
        assert result.packs_created == 0 and not Pack.objects.exists()


def test_assigning_an_archived_client_creates_no_pack(template, practice):
    archived = ClientFactory(practice=practice, status=ClientStatus.ARCHIVED)
    with practice_context(practice.pk):
        result = assign_template(template, [archived], practice=practice, now=at(2026, 11, 18))
        assert result.assigned == 1 and result.packs_created == 0


def test_staff_cannot_assign(staff_http, template, client_entity, practice):
    response = staff_http.post(
        f"/clients/{client_entity.code}/templates/assign/", {"template": str(template.code)}
    )
    assert response.status_code == 403
    with practice_context(practice.pk):
        assert not ClientTemplate.objects.exists()


def test_another_practices_template_cannot_be_assigned(
    partner_http, client_entity, other_practice, practice
):
    foreign = TaskTemplateFactory(practice=other_practice, name="Theirs")
    response = partner_http.post(
        f"/clients/{client_entity.code}/templates/assign/", {"template": str(foreign.code)}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    with practice_context(practice.pk):
        assert not ClientTemplate.objects.exists()


def test_another_practice_gets_404_for_the_tab(other_http, client_entity, assignment):
    assert other_http.get(f"/clients/{client_entity.code}/templates/").status_code == 404
    assert other_http.get(f"/client-templates/{assignment.code}/").status_code == 404


# --- customisation ------------------------------------------------------------------------


def test_staff_see_the_customisation_read_only(staff_http, assignment):
    response = staff_http.get(f"/client-templates/{assignment.code}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Petty cash records received" in page
    assert "Save due days" not in page and "Switch off" not in page


def test_own_due_days_override_the_templates(partner_http, assignment):
    response = partner_http.post(
        f"/client-templates/{assignment.code}/days/", {"collect_day": "3", "deliver_day": "20"}
    )
    assert response.status_code == 302
    ct = reload(assignment)
    assert ct.collect_day == 3 and ct.capture_day is None
    with practice_context(ct.practice_id):
        due_days = ct.due_days
    assert due_days == {
        "collect": 3,
        "capture": 8,
        "reconcile": 10,
        "prepare": 12,
        "review": 14,
        "deliver": 20,
    }


def test_own_due_days_out_of_order_with_the_templates_are_refused(partner_http, assignment):
    response = partner_http.post(f"/client-templates/{assignment.code}/days/", {"collect_day": "9"})
    assert response.status_code == 200
    assert "Capture is due before Collect" in response.content.decode()
    assert reload(assignment).collect_day is None


def test_switching_an_optional_item_off_and_on(partner_http, assignment, template):
    petty = template_items(template)["Petty cash records received"]
    url = f"/client-templates/{assignment.code}/items/"
    response = partner_http.post(url, {"item": str(petty.code), "include": "no"})
    assert response.status_code == 302
    assert ("collect", "Petty cash records received") not in checklist(assignment)
    partner_http.post(url, {"item": str(petty.code), "include": "yes"})
    assert ("collect", "Petty cash records received") in checklist(assignment)


def test_a_mandatory_item_cannot_be_switched_off(partner_http, assignment, template):
    bank = template_items(template)["Bank statements received"]
    response = partner_http.post(
        f"/client-templates/{assignment.code}/items/",
        {"item": str(bank.code), "include": "no"},
        follow=True,
    )
    assert "is mandatory in Monthly — Small: it cannot be switched off" in (
        response.content.decode()
    )
    assert ("collect", "Bank statements received") in checklist(assignment)


def test_an_item_of_another_template_cannot_be_switched(partner_http, assignment, practice):
    other_item = TemplateItemFactory(practice=practice, mandatory=False)
    response = partner_http.post(
        f"/client-templates/{assignment.code}/items/",
        {"item": str(other_item.code), "include": "no"},
        follow=True,
    )
    assert "not part of this template" in response.content.decode()


def test_extra_items_are_added_to_the_clients_checklist_and_removed(partner_http, assignment):
    response = partner_http.post(
        f"/client-templates/{assignment.code}/extra-items/",
        {"stage": "prepare", "title": "Board pack", "mandatory": "on", "guidance": "Quarterly."},
    )
    assert response.status_code == 302
    assert checklist(assignment) == [
        ("collect", "Bank statements received"),
        ("collect", "Petty cash records received"),
        ("prepare", "Management accounts prepared"),
        ("prepare", "Board pack"),
    ]
    with practice_context(assignment.practice_id):
        extra = ClientExtraItem.objects.get()
    response = partner_http.post(f"/client-extra-items/{extra.code}/delete/")
    assert response["Location"] == f"/client-templates/{assignment.code}/"
    assert ("prepare", "Board pack") not in checklist(assignment)


def test_an_extra_item_needs_a_title(partner_http, assignment):
    response = partner_http.post(
        f"/client-templates/{assignment.code}/extra-items/", {"stage": "prepare", "title": ""}
    )
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()


def test_deactivate_and_reactivate(partner_http, assignment):
    partner_http.post(f"/client-templates/{assignment.code}/deactivate/")
    assert reload(assignment).is_active is False
    page = partner_http.get(f"/client-templates/{assignment.code}/").content.decode()
    assert "no new packs" in page
    partner_http.post(f"/client-templates/{assignment.code}/reactivate/")
    assert reload(assignment).is_active is True


def test_staff_cannot_change_the_customisation(staff_http, assignment, template):
    petty = template_items(template)["Petty cash records received"]
    extra = ClientExtraItemFactory(practice=assignment.practice, client_template=assignment)
    posts = [
        (f"/client-templates/{assignment.code}/days/", {"collect_day": "3"}),
        (f"/client-templates/{assignment.code}/items/", {"item": str(petty.code), "include": "no"}),
        (f"/client-templates/{assignment.code}/extra-items/", {"stage": "collect", "title": "X"}),
        (f"/client-templates/{assignment.code}/deactivate/", {}),
        (f"/client-extra-items/{extra.code}/delete/", {}),
    ]
    for url, data in posts:
        assert staff_http.post(url, data).status_code == 403, url
    ct = reload(assignment)
    assert ct.is_active and ct.collect_day is None
    assert len(checklist(ct)) == 4
