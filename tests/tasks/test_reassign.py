"""Changing a pack's preparer and reviewer: one pack from its page, or many from a list."""

import pytest
from django.contrib.messages import get_messages

from atlasos.accounts.models import Role
from atlasos.tenancy.context import practice_context
from tasks.models import PackEvent
from tests.factories.accounts import UserFactory
from tests.factories.clients import ClientFactory
from tests.factories.tasks import PackFactory
from tests.helpers import reload, signed_in, standard_pack


def last_message(response) -> str:
    """The message the request added (after the sign-in message, still unread)."""
    return [str(message) for message in get_messages(response.wsgi_request)][-1]


@pytest.fixture
def pack(practice, staff, manager):
    client = ClientFactory(practice=practice, name="Quayside Joinery Ltd")
    return PackFactory(practice=practice, client=client, preparer=staff, reviewer=manager)


@pytest.fixture
def second_staff(practice):
    return UserFactory(practice=practice, role=Role.STAFF, full_name="Sam Okafor")


# --- one pack ---------------------------------------------------------------------------------


def test_a_manager_reassigns_a_pack_and_it_is_recorded(pack, manager, partner, second_staff):
    as_manager = signed_in(manager)
    response = as_manager.post(
        f"/packs/{pack.code}/reassign/", {"preparer": second_staff.pk, "reviewer": partner.pk}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/packs/{pack.code}/#people"
    pack = reload(pack)
    assert pack.preparer == second_staff and pack.reviewer == partner
    with practice_context(pack.practice_id):
        event = PackEvent.objects.get(pack=pack, action="reassigned")
    assert event.actor == manager
    assert "preparer Tom Reilly → Sam Okafor" in event.detail
    assert "reviewer Priya Shah → Helen Marsh" in event.detail
    page = as_manager.get(response["Location"]).content.decode()
    assert "Preparer and reviewer saved." in page


def test_staff_cannot_reassign(pack, staff, second_staff, manager):
    as_staff = signed_in(staff)
    response = as_staff.post(
        f"/packs/{pack.code}/reassign/", {"preparer": second_staff.pk, "reviewer": manager.pk}
    )
    assert response.status_code == 403
    bulk = as_staff.post(
        "/packs/reassign/", {"packs": [str(pack.code)], "preparer": second_staff.pk}
    )
    assert bulk.status_code == 403
    assert reload(pack).preparer == staff


def test_another_practice_cannot_reassign(pack, other_partner, staff):
    response = signed_in(other_partner).post(
        f"/packs/{pack.code}/reassign/", {"preparer": "", "reviewer": ""}
    )
    assert response.status_code == 404
    assert reload(pack).preparer == staff


def test_a_staff_member_cannot_be_the_reviewer(pack, partner, staff, second_staff, manager):
    response = signed_in(partner).post(
        f"/packs/{pack.code}/reassign/", {"preparer": staff.pk, "reviewer": second_staff.pk}
    )
    assert response.status_code == 200
    assert "Choose a partner or manager of the practice as reviewer." in response.content.decode()
    assert reload(pack).reviewer == manager


def test_the_preparer_cannot_also_be_the_reviewer(pack, partner, manager):
    response = signed_in(partner).post(
        f"/packs/{pack.code}/reassign/", {"preparer": manager.pk, "reviewer": manager.pk}
    )
    assert response.status_code == 200
    assert "The preparer cannot also review the pack." in response.content.decode()
    assert reload(pack).preparer != manager


def test_a_member_of_another_practice_cannot_be_assigned(pack, partner, other_partner, manager):
    response = signed_in(partner).post(
        f"/packs/{pack.code}/reassign/", {"preparer": other_partner.pk, "reviewer": manager.pk}
    )
    assert response.status_code == 200
    assert "Choose a member of the practice" in response.content.decode()
    assert reload(pack).preparer != other_partner


# --- many packs -------------------------------------------------------------------------------


def test_bulk_reassign_ignores_codes_of_another_practice(
    practice, other_practice, partner, manager, staff, second_staff, other_partner
):
    ours = [PackFactory(practice=practice, preparer=staff, reviewer=manager) for _ in range(2)]
    theirs = PackFactory(practice=other_practice, preparer=other_partner)
    response = signed_in(partner).post(
        "/packs/reassign/",
        {
            "packs": [str(p.code) for p in [*ours, theirs]] + ["not-a-code"],
            "preparer": second_staff.pk,
            "reviewer": "",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/my-work/"
    for pack in ours:
        pack = reload(pack)
        assert pack.preparer == second_staff
        assert pack.reviewer == manager  # "leave unchanged"
    assert reload(theirs).preparer == other_partner
    with practice_context(other_practice.pk):
        assert not PackEvent.objects.filter(action="reassigned").exists()
    assert last_message(response) == "Reassigned 2 packs."


def test_bulk_reassign_refuses_a_staff_reviewer(practice, partner, staff, second_staff, manager):
    pack = PackFactory(practice=practice, preparer=staff, reviewer=manager)
    response = signed_in(partner).post(
        "/packs/reassign/", {"packs": [str(pack.code)], "reviewer": second_staff.pk}
    )
    assert response.status_code == 302
    assert reload(pack).reviewer == manager
    message = last_message(response)
    assert message.startswith("Nothing reassigned:") and "partner or manager" in message


def test_bulk_reassign_needs_packs_and_a_change(practice, partner, manager):
    pack = PackFactory(practice=practice, reviewer=manager)
    as_partner = signed_in(partner)
    nothing_ticked = as_partner.post("/packs/reassign/", {"preparer": partner.pk})
    assert "tick the packs" in last_message(nothing_ticked)
    no_change = as_partner.post("/packs/reassign/", {"packs": [str(pack.code)]})
    assert "Choose a new preparer, a new reviewer, or both." in last_message(no_change)
    assert reload(pack).reviewer == manager


def test_bulk_reassign_skips_packs_whose_preparer_would_review(practice, partner, manager, staff):
    clash = PackFactory(practice=practice, preparer=manager, reviewer=partner)
    fine = PackFactory(practice=practice, preparer=staff, reviewer=partner)
    response = signed_in(partner).post(
        "/packs/reassign/",
        {"packs": [str(clash.code), str(fine.code)], "reviewer": manager.pk},
    )
    assert reload(clash).reviewer == partner
    assert reload(fine).reviewer == manager
    message = last_message(response)
    assert message.startswith("Reassigned 1 pack.") and "1 pack left as they were" in message


def test_bulk_reassign_returns_to_the_list_it_came_from(practice, partner, manager, staff):
    client = ClientFactory(practice=practice)
    pack = standard_pack(practice, client)
    as_partner = signed_in(partner)
    back = f"/clients/{client.code}/packs/"
    data = {"packs": [str(pack.code)], "preparer": staff.pk, "next": back}
    assert as_partner.post("/packs/reassign/", data)["Location"] == back
    data["next"] = "https://evil.example.com/"
    assert as_partner.post("/packs/reassign/", data)["Location"] == "/my-work/"
