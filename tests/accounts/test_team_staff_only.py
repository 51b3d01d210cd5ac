"""The team is the practice's staff. A client contact is another kind of user: never listed
as a team member, never given a role, and every team action on their code is a 404."""

import re

import pytest
from django.test import Client as HttpClient

from atlasos.accounts.models import Role
from tests.factories.clients import ClientFactory
from tests.factories.portal import PortalUserFactory
from tests.helpers import sign_in

SELECT = re.compile(r'<select name="role"[^>]*>(.*?)</select>', re.S)
OPTION = re.compile(r'<option value="([^"]*)"')


@pytest.fixture
def contact_user(practice):
    """A client contact's sign-in: this practice, no role."""
    return PortalUserFactory(
        practice=practice, full_name="Ann Baker", email="ann@bakery.example", role=""
    )


def test_team_page_lists_staff_and_not_client_contacts(partner_client, staff, contact_user):
    response = partner_client.get("/settings/team/")
    assert response.status_code == 200
    page = response.content.decode()
    assert staff.email in page
    assert contact_user.email not in page
    assert str(contact_user.code) not in page
    # Helen (partner) and Tom (staff): the contact is not counted as a member.
    assert "2 active members, 1 partner." in page


@pytest.mark.parametrize(
    ("action", "data"),
    [
        ("role", {"role": Role.STAFF}),
        ("role", {"role": Role.PARTNER}),
        ("deactivate", {}),
        ("reactivate", {}),
    ],
)
def test_every_team_action_on_a_client_contact_is_a_404_and_changes_nothing(
    partner_client, contact_user, action, data
):
    response = partner_client.post(f"/settings/team/{contact_user.code}/{action}/", data)
    assert response.status_code == 404
    contact_user.refresh_from_db()
    assert contact_user.role == ""
    assert contact_user.is_active and contact_user.deactivated_at is None
    assert contact_user.is_client_contact and not contact_user.is_practice_staff


def test_a_contact_offered_the_staff_role_still_cannot_read_the_practices_clients(
    partner_client, practice, contact_user
):
    ClientFactory(practice=practice, name="Harbourview Bakery Ltd")
    theirs = sign_in(HttpClient(), contact_user, reauthenticate=False)
    partner_client.post(f"/settings/team/{contact_user.code}/role/", {"role": Role.STAFF})
    assert theirs.get("/clients/").status_code == 403
    assert theirs.get("/clients/export.csv").status_code == 403


def test_another_practices_member_is_a_404_on_team_actions(partner_client, other_partner):
    response = partner_client.post(
        f"/settings/team/{other_partner.code}/role/", {"role": Role.STAFF}
    )
    assert response.status_code == 404
    other_partner.refresh_from_db()
    assert other_partner.role == Role.PARTNER


def test_role_selectors_offer_the_staff_roles_from_fewest_rights_to_most(partner_client, staff):
    page = partner_client.get("/settings/team/").content.decode()
    selectors = SELECT.findall(page)
    assert selectors, "each active member has a role selector"
    for options in selectors:
        assert OPTION.findall(options) == ["staff", "manager", "partner"]
    invite_page = partner_client.get("/settings/team/invite/").content.decode()
    (options,) = SELECT.findall(invite_page)
    assert OPTION.findall(options) == ["staff", "manager", "partner"]
    assert re.search(r'<option value="staff"[^>]*selected', options)


def test_a_role_that_is_not_a_staff_role_is_refused_with_a_message(partner_client, staff):
    response = partner_client.post(f"/settings/team/{staff.code}/role/", {"role": ""}, follow=True)
    assert "Choose staff, manager or partner." in response.content.decode()
    staff.refresh_from_db()
    assert staff.role == Role.STAFF


def test_preparer_and_reviewer_choices_are_staff_never_client_contacts(
    partner_client, practice, contact_user, partner, staff
):
    client = ClientFactory(practice=practice, name="Harbourview Bakery Ltd", preparer=partner)
    page = partner_client.get(f"/clients/{client.code}/edit/").content.decode()
    preparers = re.search(r'<select name="preparer".*?</select>', page, re.S).group(0)
    reviewers = re.search(r'<select name="reviewer".*?</select>', page, re.S).group(0)
    assert staff.full_name in preparers and partner.full_name in reviewers
    assert contact_user.full_name not in preparers + reviewers
    assert not contact_user.can_review and not contact_user.is_partner
