"""Task templates, their items and a client's extra items: names and titles stay on one line
(they are copied into every pack and into emails), guidance keeps its lines, and neither takes a
NUL or another control character. Nothing is stored when a value is refused."""

import pytest

from atlasos.tenancy.context import practice_context
from templates_engine.models import ClientExtraItem, TaskTemplate, TemplateItem
from tests.factories.clients import ClientFactory
from tests.factories.templates_engine import ClientTemplateFactory
from tests.helpers import HTMX, reload
from tests.templates_engine.helpers import NEW_ITEM, VALID_TEMPLATE

ONE_LINE = "Keep this on one line (it has a line break)."
NUL = "Remove the null character (NUL) from this text."


def count(model, practice, **filters) -> int:
    with practice_context(practice.pk):
        return model.objects.filter(**filters).count()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "Monthly\r\nRetail", ONE_LINE),
        ("name", "Monthly\tRetail", "Replace the tab with a space"),
        ("description", "Shops\x00", NUL),
    ],
)
def test_a_new_template_with_a_bad_name_or_description_is_refused(
    partner_http, practice, field, value, message
):
    before = count(TaskTemplate, practice)
    response = partner_http.post("/settings/templates/new/", {**VALID_TEMPLATE, field: value})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert count(TaskTemplate, practice) == before


def test_renaming_a_template_to_two_lines_keeps_its_name(partner_http, template):
    data = {**VALID_TEMPLATE, "name": "Monthly\nSmall"}
    response = partner_http.post(f"/settings/templates/{template.code}/", data)
    assert response.status_code == 200 and ONE_LINE in response.content.decode()
    assert reload(template).name == "Monthly — Small"


def test_a_description_keeps_its_lines(partner_http, practice):
    data = {**VALID_TEMPLATE, "description": "Shops with daily takings.\r\nAnd a café."}
    assert partner_http.post("/settings/templates/new/", data).status_code == 302
    with practice_context(practice.pk):
        template = TaskTemplate.objects.get(name=VALID_TEMPLATE["name"])
    assert template.description == "Shops with daily takings.\r\nAnd a café."


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [("title", "Payroll\nreport", ONE_LINE), ("guidance", "Only\x00 payroll", NUL)],
)
@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_a_template_item_with_a_bad_title_or_guidance_is_refused(
    partner_http, template, field, value, message, headers
):
    url = f"/settings/templates/{template.code}/items/add/"
    before = count(TemplateItem, template.practice)
    response = partner_http.post(url, {**NEW_ITEM, field: value}, headers=headers)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert count(TemplateItem, template.practice) == before


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [("title", "Board\r\npack", ONE_LINE), ("guidance", "Quarterly\x1b", "U+001B")],
)
def test_a_clients_extra_item_with_a_bad_title_or_guidance_is_refused(
    partner_http, practice, template, field, value, message
):
    assignment = ClientTemplateFactory(
        practice=practice, template=template, client=ClientFactory(practice=practice)
    )
    data = {"stage": "prepare", "title": "Board pack", "mandatory": "on", "guidance": ""}
    data[field] = value
    response = partner_http.post(
        f"/client-templates/{assignment.code}/extra-items/", data, follow=True
    )
    assert message in response.content.decode()
    assert count(ClientExtraItem, practice) == 0
