"""Assigning a template to the clients ticked in the client list."""

import pytest

from atlasos.tenancy.context import practice_context
from templates_engine.models import ClientTemplate
from tests.factories.clients import ClientFactory
from tests.factories.templates_engine import ClientTemplateFactory
from tests.helpers import HTMX

URL = "/clients/assign-template/"


@pytest.fixture
def clients(practice):
    return [ClientFactory(practice=practice, name=f"Client {n} Ltd") for n in range(3)]


def assigned(practice, template) -> set[int]:
    with practice_context(practice.pk):
        return set(
            ClientTemplate.objects.filter(template=template).values_list("client_id", flat=True)
        )


def test_client_list_has_a_checkbox_per_row_inside_the_bulk_form(partner_http, clients):
    for headers in ({}, HTMX):
        page = partner_http.get("/clients/", headers=headers).content.decode()
        form = page.split(f'<form method="post" action="{URL}"')[1].split("</form>")[0]
        for client in clients:
            assert f'name="clients" value="{client.code}"' in form
        assert "data-select-all" in form and "Assign a template" in form


def test_staff_see_no_checkboxes(staff_http, clients):
    page = staff_http.get("/clients/").content.decode()
    assert 'name="clients"' not in page and URL not in page


def test_ticked_clients_without_a_template_get_the_choice_first(partner_http, clients, template):
    response = partner_http.post(
        URL, {"clients": [str(c.code) for c in clients[:2]], "query": "q=Client"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Assign a template to 2 clients" in page
    assert page.count('name="clients"') == 2 and "Monthly — Small" in page
    assert assigned(template.practice, template) == set()


def test_bulk_assign_skips_clients_that_have_it_and_ignores_other_practices(
    partner_http, practice, clients, template, other_practice
):
    ClientTemplateFactory(practice=practice, client=clients[0], template=template)
    foreign = ClientFactory(practice=other_practice)
    response = partner_http.post(
        URL,
        {
            "clients": [str(c.code) for c in clients] + [str(foreign.code), "not-a-code"],
            "template": str(template.code),
            "query": "q=Client&status=active",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/clients/?q=Client&status=active"
    assert assigned(practice, template) == {c.pk for c in clients}
    with practice_context(other_practice.pk):
        assert not ClientTemplate.objects.exists()
    page = partner_http.get(response["Location"]).content.decode()
    assert "Assigned Monthly — Small to 2 clients (1 already had it)." in page


def test_bulk_assign_with_no_client_of_the_practice_assigns_nothing(
    partner_http, template, other_practice
):
    foreign = ClientFactory(practice=other_practice)
    response = partner_http.post(
        URL, {"clients": [str(foreign.code)], "template": str(template.code)}, follow=True
    )
    assert "Tick the clients to assign a template to first." in response.content.decode()
    with practice_context(other_practice.pk):
        assert not ClientTemplate.objects.exists()


def test_an_archived_template_cannot_be_bulk_assigned(partner_http, clients, template):
    template.is_archived = True
    with practice_context(template.practice_id):
        template.save()
    response = partner_http.post(
        URL, {"clients": [str(clients[0].code)], "template": str(template.code)}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert assigned(template.practice, template) == set()


def test_staff_cannot_bulk_assign(staff_http, clients, template):
    response = staff_http.post(
        URL, {"clients": [str(clients[0].code)], "template": str(template.code)}
    )
    assert response.status_code == 403
    assert assigned(template.practice, template) == set()


def test_bulk_assign_is_post_only(partner_http):
    assert partner_http.get(URL).status_code == 405
