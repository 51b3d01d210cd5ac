"""A partner creates this period's packs now instead of waiting for the hourly job."""

from atlasos.tenancy.context import practice_context
from tasks.models import Pack
from templates_engine.models import ClientTemplate, TaskTemplate
from templates_engine.standard import STANDARD_NAME
from tests.factories.clients import ClientFactory
from tests.helpers import signed_in


def assign_standard_template(practice, count):
    clients = [ClientFactory(practice=practice) for _ in range(count)]
    with practice_context(practice.pk):
        template = TaskTemplate.objects.get(name=STANDARD_NAME)
        for client in clients:
            ClientTemplate.objects.create(client=client, template=template)
    return clients


def pack_count(practice) -> int:
    with practice_context(practice.pk):
        return Pack.objects.count()


def test_a_partner_creates_the_packs_and_a_second_click_creates_none(practice, partner):
    assign_standard_template(practice, 2)
    as_partner = signed_in(partner)
    first = as_partner.post("/packs/create-now/", follow=True)
    assert first.redirect_chain == [("/my-work/", 302)]
    assert "Created 2 packs (44 checklist items)." in first.content.decode()
    assert pack_count(practice) == 2
    second = as_partner.post("/packs/create-now/", follow=True)
    assert "Created 0 packs: every client already has this period&#x27;s pack." in (
        second.content.decode()
    )
    assert pack_count(practice) == 2


def test_only_for_this_practice(practice, partner, other_practice):
    assign_standard_template(other_practice, 1)
    signed_in(partner).post("/packs/create-now/")
    assert pack_count(other_practice) == 0


def test_managers_and_staff_may_not(practice, manager, staff):
    assign_standard_template(practice, 1)
    assert signed_in(manager).post("/packs/create-now/").status_code == 403
    assert signed_in(staff).post("/packs/create-now/").status_code == 403
    assert pack_count(practice) == 0


def test_it_is_a_post(practice, partner):
    assert signed_in(partner).get("/packs/create-now/").status_code == 405
