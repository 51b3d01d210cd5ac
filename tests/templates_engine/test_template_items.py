"""Checklist items of a template: add, edit, move and remove, as full-page POSTs and inline
with htmx (the stage's fragment swapped in place)."""

import pytest

from atlasos.tenancy.context import practice_context
from templates_engine.models import ClientDisabledItem, TemplateItem
from tests.factories.templates_engine import ClientDisabledItemFactory, ClientTemplateFactory
from tests.helpers import HTMX, reload
from tests.templates_engine.helpers import NEW_ITEM, template_items


def titles(template, stage) -> list[str]:
    with practice_context(template.practice_id):
        return list(template.items.filter(stage=stage).values_list("title", flat=True))


# --- add ------------------------------------------------------------------------------------


def test_add_item_without_htmx_redirects_to_the_stage(partner_http, template):
    response = partner_http.post(f"/settings/templates/{template.code}/items/add/", NEW_ITEM)
    assert response.status_code == 302
    assert response["Location"] == f"/settings/templates/{template.code}/#stage-collect"
    item = template_items(template)["Payroll report received"]
    assert item.mandatory is False and item.guidance == NEW_ITEM["guidance"]
    assert titles(template, "collect")[-1] == "Payroll report received"


def test_add_item_with_htmx_returns_the_stage_fragment(partner_http, template):
    data = {**NEW_ITEM, "stage": "reconcile", "mandatory": "on", "auto_key": "bank_reconciled"}
    response = partner_http.post(
        f"/settings/templates/{template.code}/items/add/", data, headers=HTMX
    )
    assert response.status_code == 200
    fragment = response.content.decode()
    assert fragment.lstrip().startswith('<section class="card stage-card" id="stage-reconcile"')
    assert "<html" not in fragment
    assert "Payroll report received" in fragment and "Ticks itself" in fragment
    assert template_items(template)["Payroll report received"].auto_key == "bank_reconciled"


def test_add_item_without_a_title_shows_the_error_and_stores_nothing(partner_http, template):
    url = f"/settings/templates/{template.code}/items/add/"
    data = {**NEW_ITEM, "title": ""}
    full = partner_http.post(url, data)
    assert full.status_code == 200 and "This field is required." in full.content.decode()
    inline = partner_http.post(url, data, headers=HTMX)
    assert inline.status_code == 200
    assert "This field is required." in inline.content.decode()
    assert "<html" not in inline.content.decode()
    assert len(template_items(template)) == 3


def test_staff_cannot_add_items(staff_http, template):
    response = staff_http.post(f"/settings/templates/{template.code}/items/add/", NEW_ITEM)
    assert response.status_code == 403
    assert len(template_items(template)) == 3


# --- edit -----------------------------------------------------------------------------------


def test_edit_page_and_inline_form(partner_http, template):
    item = template_items(template)["Petty cash records received"]
    page = partner_http.get(f"/settings/template-items/{item.code}/")
    assert page.status_code == 200 and "<html" in page.content.decode()
    inline = partner_http.get(f"/settings/template-items/{item.code}/", headers=HTMX)
    fragment = inline.content.decode()
    assert fragment.lstrip().startswith(f'<li class="checklist-item editing" id="item-{item.code}"')
    assert 'hx-target="#stage-collect"' in fragment


def test_edit_item_without_htmx(partner_http, template):
    item = template_items(template)["Petty cash records received"]
    data = {
        "stage": "collect",
        "title": "Petty cash book received",
        "mandatory": "on",
        "guidance": "The book, not loose slips.",
        "auto_key": "",
    }
    response = partner_http.post(f"/settings/template-items/{item.code}/", data)
    assert response.status_code == 302
    item = reload(item)
    assert item.title == "Petty cash book received" and item.mandatory is True
    assert item.guidance == "The book, not loose slips."


def test_edit_item_with_htmx_moving_it_to_another_stage_swaps_both_stages(partner_http, template):
    item = template_items(template)["Petty cash records received"]
    data = {
        "stage": "capture",
        "title": "Petty cash vouchers captured",
        "mandatory": "",
        "guidance": "",
        "auto_key": "",
    }
    response = partner_http.post(f"/settings/template-items/{item.code}/", data, headers=HTMX)
    fragment = response.content.decode()
    assert fragment.lstrip().startswith('<section class="card stage-card" id="stage-collect"')
    assert 'id="stage-capture" aria-labelledby="stage-capture-heading" hx-swap-oob="true"' in (
        fragment
    )
    assert titles(template, "collect") == ["Bank statements received"]
    assert titles(template, "capture") == ["Petty cash vouchers captured"]


def test_rejected_inline_edit_stays_in_the_items_place(partner_http, template):
    item = template_items(template)["Petty cash records received"]
    data = {"stage": "collect", "title": "", "mandatory": "", "guidance": "", "auto_key": ""}
    response = partner_http.post(f"/settings/template-items/{item.code}/", data, headers=HTMX)
    assert response["HX-Retarget"] == f"#item-{item.code}"
    assert response["HX-Reswap"] == "outerHTML"
    assert "This field is required." in response.content.decode()
    assert reload(item).title == "Petty cash records received"


def test_cancel_inline_edit_gives_the_stage_back(partner_http, template):
    response = partner_http.get(f"/settings/templates/{template.code}/?stage=collect", headers=HTMX)
    assert (
        response.content.decode()
        .lstrip()
        .startswith('<section class="card stage-card" id="stage-collect"')
    )


def test_staff_cannot_edit_items(staff_http, template):
    item = template_items(template)["Petty cash records received"]
    assert staff_http.get(f"/settings/template-items/{item.code}/").status_code == 403
    response = staff_http.post(f"/settings/template-items/{item.code}/", {"title": "X"})
    assert response.status_code == 403


# --- move -----------------------------------------------------------------------------------


def test_move_down_and_up_without_htmx(partner_http, template):
    bank = template_items(template)["Bank statements received"]
    response = partner_http.post(
        f"/settings/template-items/{bank.code}/move/", {"direction": "down"}
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#stage-collect")
    assert titles(template, "collect") == [
        "Petty cash records received",
        "Bank statements received",
    ]
    partner_http.post(f"/settings/template-items/{bank.code}/move/", {"direction": "up"})
    assert titles(template, "collect") == [
        "Bank statements received",
        "Petty cash records received",
    ]


def test_move_with_htmx_returns_the_reordered_stage(partner_http, template):
    petty = template_items(template)["Petty cash records received"]
    response = partner_http.post(
        f"/settings/template-items/{petty.code}/move/", {"direction": "up"}, headers=HTMX
    )
    fragment = response.content.decode()
    assert fragment.index("Petty cash records received") < fragment.index("Bank statements")
    assert "<html" not in fragment


def test_moving_the_first_item_up_changes_nothing(partner_http, template):
    bank = template_items(template)["Bank statements received"]
    partner_http.post(f"/settings/template-items/{bank.code}/move/", {"direction": "up"})
    assert titles(template, "collect") == [
        "Bank statements received",
        "Petty cash records received",
    ]


def test_move_swaps_only_within_the_stage_even_with_equal_positions(partner_http, template):
    with practice_context(template.practice_id):
        TemplateItem.objects.filter(template=template).update(position=10)
    prepare = template_items(template)["Management accounts prepared"]
    partner_http.post(f"/settings/template-items/{prepare.code}/move/", {"direction": "up"})
    assert titles(template, "prepare") == ["Management accounts prepared"]
    petty = template_items(template)["Petty cash records received"]
    partner_http.post(f"/settings/template-items/{petty.code}/move/", {"direction": "up"})
    assert titles(template, "collect") == [
        "Petty cash records received",
        "Bank statements received",
    ]


def test_staff_cannot_move_items(staff_http, template):
    petty = template_items(template)["Petty cash records received"]
    response = staff_http.post(f"/settings/template-items/{petty.code}/move/", {"direction": "up"})
    assert response.status_code == 403
    assert titles(template, "collect")[0] == "Bank statements received"


# --- remove ---------------------------------------------------------------------------------


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["full page", "htmx"])
def test_remove_item(partner_http, template, headers):
    petty = template_items(template)["Petty cash records received"]
    response = partner_http.post(f"/settings/template-items/{petty.code}/delete/", headers=headers)
    if headers:
        assert response.status_code == 200
        assert "Petty cash" not in response.content.decode()
    else:
        assert response.status_code == 302
    assert titles(template, "collect") == ["Bank statements received"]


def test_removing_an_item_also_drops_clients_switching_it_off(partner_http, template):
    petty = template_items(template)["Petty cash records received"]
    ct = ClientTemplateFactory(practice=template.practice, template=template)
    ClientDisabledItemFactory(practice=template.practice, client_template=ct, template_item=petty)
    partner_http.post(f"/settings/template-items/{petty.code}/delete/")
    with practice_context(template.practice_id):
        assert not ClientDisabledItem.objects.exists()


def test_staff_cannot_remove_items(staff_http, template):
    petty = template_items(template)["Petty cash records received"]
    assert staff_http.post(f"/settings/template-items/{petty.code}/delete/").status_code == 403
    assert len(template_items(template)) == 3


def test_another_practice_cannot_touch_items(other_http, template):
    petty = template_items(template)["Petty cash records received"]
    assert other_http.post(f"/settings/template-items/{petty.code}/delete/").status_code == 404
    assert (
        other_http.post(f"/settings/templates/{template.code}/items/add/", NEW_ITEM).status_code
        == 404
    )
    assert len(template_items(template)) == 3
