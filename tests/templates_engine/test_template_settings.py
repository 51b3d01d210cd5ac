"""Settings › Task templates: the list, creating and editing a template with its due days,
duplicating, archiving and restoring; who may do it; query counts."""

import re

import pytest

from atlasos.tenancy.context import practice_context
from cycle.stages import DEFAULT_DUE_DAYS
from tasks.models import Pack
from tasks.recurrence import ensure_packs
from templates_engine.models import TaskTemplate
from templates_engine.standard import STANDARD_NAME
from tests.factories.templates_engine import (
    ClientTemplateFactory,
    TaskTemplateFactory,
    TemplateItemFactory,
)
from tests.helpers import reload
from tests.templates_engine.helpers import VALID_TEMPLATE, at


def names(practice) -> list[str]:
    with practice_context(practice.pk):
        return list(TaskTemplate.objects.order_by("name").values_list("name", flat=True))


# --- the list ---------------------------------------------------------------------------------


def test_list_shows_recurrence_item_counts_clients_and_archived_state(partner_http, template):
    ClientTemplateFactory(practice=template.practice, template=template)
    ClientTemplateFactory(practice=template.practice, template=template, is_active=False)
    TaskTemplateFactory(
        practice=template.practice, name="Old quarterly", is_archived=True, recurrence="quarterly"
    )
    response = partner_http.get("/settings/templates/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Monthly — Small" in page and STANDARD_NAME in page
    row = page.split("Monthly — Small")[1].split("</tr>")[0]
    # 3 items, 2 mandatory, 1 optional, 1 active client.
    assert re.findall(r'<td class="num">(\d+)</td>', row) == ["3", "2", "1", "1"]
    old_row = page.split("Old quarterly")[1].split("</tr>")[0]
    assert "Quarterly" in old_row and "Archived" in old_row


def test_manager_may_manage_templates(manager_http, template):
    assert manager_http.get("/settings/templates/").status_code == 200
    assert manager_http.get(f"/settings/templates/{template.code}/").status_code == 200


def test_staff_get_403_on_every_template_page(staff_http, template):
    assert staff_http.get("/settings/templates/").status_code == 403
    assert staff_http.get("/settings/templates/new/").status_code == 403
    assert staff_http.post("/settings/templates/new/", VALID_TEMPLATE).status_code == 403
    assert staff_http.get(f"/settings/templates/{template.code}/").status_code == 403
    assert (
        staff_http.post(f"/settings/templates/{template.code}/", VALID_TEMPLATE).status_code == 403
    )
    for action in ("duplicate", "archive", "restore", "apply"):
        response = staff_http.post(f"/settings/templates/{template.code}/{action}/")
        assert response.status_code == 403, action
    assert reload(template).is_archived is False
    assert len(names(template.practice)) == 2


def test_another_practice_gets_404_for_a_template(other_http, template):
    assert other_http.get(f"/settings/templates/{template.code}/").status_code == 404
    response = other_http.post(f"/settings/templates/{template.code}/archive/")
    assert response.status_code == 404
    assert reload(template).is_archived is False


# --- creating and editing -------------------------------------------------------------------


def test_partner_creates_a_template_and_lands_on_it(partner_http, practice, partner):
    response = partner_http.post("/settings/templates/new/", VALID_TEMPLATE)
    with practice_context(practice.pk):
        template = TaskTemplate.objects.get(name="Monthly — Retail")
    assert response.status_code == 302
    assert response["Location"] == f"/settings/templates/{template.code}/"
    assert template.created_by == partner
    assert template.due_days == DEFAULT_DUE_DAYS
    page = partner_http.get(response["Location"]).content.decode()
    assert "Now add its checklist items" in page


@pytest.mark.parametrize(
    "days, message",
    [
        ({"capture_day": "3"}, "Capture is due before Collect"),
        ({"collect_day": "0"}, "Collect must be a whole number of working days from 1 to 60"),
        ({"deliver_day": "61"}, "Deliver must be a whole number of working days from 1 to 60"),
        ({"review_day": ""}, "Review needs a target working day"),
    ],
)
def test_bad_due_days_get_a_clear_message_and_nothing_is_stored(
    partner_http, practice, days, message
):
    response = partner_http.post("/settings/templates/new/", {**VALID_TEMPLATE, **days})
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "Please correct the 1 problem below" in page
    assert names(practice) == [STANDARD_NAME]


def test_a_name_already_used_is_refused(partner_http, practice):
    response = partner_http.post(
        "/settings/templates/new/", {**VALID_TEMPLATE, "name": STANDARD_NAME}
    )
    assert "Another template already has this name." in response.content.decode()
    assert names(practice) == [STANDARD_NAME]


def test_editing_saves_details_and_due_days(partner_http, template):
    data = {
        **VALID_TEMPLATE,
        "name": "Monthly — Small clients",
        "recurrence": "quarterly",
        "collect_day": "3",
    }
    response = partner_http.post(f"/settings/templates/{template.code}/", data)
    assert response.status_code == 302
    template = reload(template)
    assert template.name == "Monthly — Small clients"
    assert template.recurrence == "quarterly"
    assert template.due_days["collect"] == 3


def test_editing_with_days_backwards_changes_nothing(partner_http, template):
    data = {**VALID_TEMPLATE, "name": "Renamed", "reconcile_day": "7"}
    response = partner_http.post(f"/settings/templates/{template.code}/", data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Reconcile is due before Capture" in page
    assert "<h1>Monthly — Small" in page  # the header keeps the stored name
    stored = reload(template)
    assert stored.name == "Monthly — Small" and stored.reconcile_day == 10


def test_detail_shows_items_grouped_by_stage_with_stage_labels(partner_http, template):
    page = partner_http.get(f"/settings/templates/{template.code}/").content.decode()
    collect = page.split('id="stage-collect"')[1].split("</section>")[0]
    prepare = page.split('id="stage-prepare"')[1].split("</section>")[0]
    assert "Collect documents" in collect and "Due working day 5" in collect
    assert collect.index("Bank statements received") < collect.index("Petty cash records")
    assert "Optional" in collect and "Mandatory" in collect
    assert "Management accounts prepared" in prepare
    assert "No items in this stage yet" in page.split('id="stage-review"')[1]


# --- duplicate, archive, restore ------------------------------------------------------------


def test_duplicate_copies_items_under_a_unique_name(partner_http, template, practice):
    first = partner_http.post(f"/settings/templates/{template.code}/duplicate/")
    second = partner_http.post(f"/settings/templates/{template.code}/duplicate/")
    assert first.status_code == second.status_code == 302
    with practice_context(practice.pk):
        copy = TaskTemplate.objects.get(name="Monthly — Small (copy)")
        assert TaskTemplate.objects.filter(name="Monthly — Small (copy 2)").exists()
        assert list(copy.items.values_list("stage", "title", "mandatory", "position")) == list(
            template.items.values_list("stage", "title", "mandatory", "position")
        )
    assert first["Location"] == f"/settings/templates/{copy.code}/"


def test_archive_and_restore(partner_http, template):
    response = partner_http.post(f"/settings/templates/{template.code}/archive/")
    assert response.status_code == 302
    assert reload(template).is_archived is True
    page = partner_http.get(response["Location"]).content.decode()
    assert "creates no new packs" in page
    partner_http.post(f"/settings/templates/{template.code}/restore/")
    assert reload(template).is_archived is False


# --- query counts -------------------------------------------------------------------------


def many_templates(practice, count: int, items_each: int):
    for n in range(count):
        template = TaskTemplateFactory(practice=practice, name=f"Template {n:02d}")
        ClientTemplateFactory(practice=practice, template=template)
        for i in range(items_each):
            TemplateItemFactory(
                practice=practice,
                template=template,
                stage=["collect", "capture", "reconcile", "prepare", "review", "deliver"][i % 6],
                mandatory=bool(i % 2),
            )
    with practice_context(practice.pk):
        return TaskTemplate.objects.get(name="Template 00")


# Every signed-in page: 1 the session, 2 the user with their practice, 3 the bell's unread
# count, 4 the top bar's inbox count (messages waiting in triage). Then the page's own.
REQUEST_QUERIES = 4


@pytest.mark.parametrize("count", [1, 19])
def test_template_list_query_count_does_not_grow(
    partner_http, practice, count, django_assert_num_queries
):
    many_templates(practice, count, items_each=30 if count > 1 else 2)
    # 5 the templates with their item, mandatory, optional and client counts.
    with django_assert_num_queries(REQUEST_QUERIES + 1):
        response = partner_http.get("/settings/templates/")
    assert response.content.decode().count("<tr>") == count + 2  # header row + standard


@pytest.mark.parametrize("items_each", [2, 30])
def test_template_detail_query_count_does_not_grow(
    partner_http, practice, items_each, django_assert_num_queries
):
    template = many_templates(practice, 20 if items_each > 2 else 2, items_each)
    # 5 the template, 6 its client count, 7 its items, 8 its open packs.
    with django_assert_num_queries(REQUEST_QUERIES + 4):
        response = partner_http.get(f"/settings/templates/{template.code}/")
    assert response.content.decode().count('class="checklist-item"') == items_each


def test_an_archived_template_creates_no_packs(partner_http, template, practice):
    client = ClientTemplateFactory(practice=practice, template=template).client
    partner_http.post(f"/settings/templates/{template.code}/archive/")
    with practice_context(practice.pk):
        assert ensure_packs(practice, at(2026, 11, 18)).packs_created == 0
    partner_http.post(f"/settings/templates/{template.code}/restore/")
    with practice_context(practice.pk):
        assert ensure_packs(practice, at(2026, 11, 18)).packs_created == 1
        assert Pack.objects.get().client == client
