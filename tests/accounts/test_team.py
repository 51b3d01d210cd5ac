import re
from datetime import timedelta
from html import escape

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client as HttpClient

from atlasos import clock as wall_clock
from atlasos.accounts.models import Invitation, Role
from atlasos.tenancy.context import practice_context
from tests.factories.accounts import UserFactory
from tests.helpers import sign_in

User = get_user_model()


@pytest.fixture
def invite(django_capture_on_commit_callbacks):
    """POST the invitation form; the email goes out when the transaction commits."""

    def post(client, email="new.person@example.com", role=Role.STAFF):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                "/settings/team/invite/", {"email": email, "full_name": "New Person", "role": role}
            )

    return post


def link_from_outbox() -> str:
    match = re.search(r"http://[^\s]+/invitation/([^/\s]+)/", mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return f"/invitation/{match.group(1)}/"


def accept(client, path, password="a-long-enough-passphrase"):
    return client.post(
        path, {"full_name": "New Person", "password1": password, "password2": password}
    )


@pytest.mark.parametrize("role", [Role.STAFF, Role.MANAGER])
def test_only_partners_manage_the_team(invite, client, practice, role):
    member = UserFactory(practice=practice, role=role)
    sign_in(client, member)
    assert client.get("/settings/team/").status_code == 403
    assert invite(client).status_code == 403
    with practice_context(practice.pk):
        assert not Invitation.objects.exists()


def test_team_changes_ask_for_the_password_again(client, partner, staff):
    sign_in(client, partner, reauthenticate=False)
    response = client.post(f"/settings/team/{staff.code}/deactivate/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")
    staff.refresh_from_db()
    assert staff.is_active


def test_invitation_link_creates_the_member_who_is_signed_in(invite, partner_client, practice):
    response = invite(partner_client, role=Role.MANAGER)
    assert response.status_code == 302
    message = mail.outbox[-1]
    assert message.to == ["new.person@example.com"]
    assert practice.name in message.subject
    assert message.alternatives, "an HTML part is sent too"
    newcomer = HttpClient()
    path = link_from_outbox()
    assert escape(practice.name) in newcomer.get(path).content.decode()
    response = accept(newcomer, path)
    assert response.status_code == 302
    user = User.objects.get(email="new.person@example.com")
    assert user.practice == practice and user.role == Role.MANAGER
    assert newcomer.get("/clients/").status_code == 200


def test_invitation_link_works_once(invite, partner_client):
    invite(partner_client)
    path = link_from_outbox()
    accept(HttpClient(), path)
    again = accept(HttpClient(), path, password="another-long-passphrase")
    assert again.status_code == 410
    assert "already been used" in again.content.decode()
    assert User.objects.filter(email="new.person@example.com").count() == 1


def test_expired_invitation_is_refused(invite, partner_client, practice):
    invite(partner_client)
    with practice_context(practice.pk):
        Invitation.objects.update(expires_at=wall_clock.now() - timedelta(minutes=1))
    response = accept(HttpClient(), link_from_outbox())
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    assert not User.objects.filter(email="new.person@example.com").exists()


def test_withdrawn_invitation_is_refused(invite, partner_client, practice):
    invite(partner_client)
    path = link_from_outbox()
    with practice_context(practice.pk):
        invitation = Invitation.objects.get()
    partner_client.post(f"/settings/invitations/{invitation.code}/revoke/")
    response = accept(HttpClient(), path)
    assert response.status_code == 410
    assert not User.objects.filter(email="new.person@example.com").exists()


def test_a_forged_invitation_link_is_a_404(client, db):
    response = client.get("/invitation/not-a-real-token/")
    assert response.status_code == 404


def test_weak_password_is_refused_with_a_message(invite, partner_client):
    invite(partner_client)
    response = accept(HttpClient(), link_from_outbox(), password="password")
    assert response.status_code == 200
    assert "too common" in response.content.decode()
    assert not User.objects.filter(email="new.person@example.com").exists()


def test_inviting_an_existing_account_is_refused(invite, partner_client, staff):
    response = invite(partner_client, email=staff.email)
    assert response.status_code == 200
    assert "is already the sign-in of Tom Reilly, a member of the team" in (
        response.content.decode()
    )
    assert not mail.outbox


def test_partner_changes_a_members_role(partner_client, staff):
    response = partner_client.post(f"/settings/team/{staff.code}/role/", {"role": "manager"})
    assert response.status_code == 302
    staff.refresh_from_db()
    assert staff.role == Role.MANAGER


def test_the_last_partner_cannot_step_down_or_be_deactivated(partner_client, partner):
    partner_client.post(f"/settings/team/{partner.code}/role/", {"role": "staff"})
    partner_client.post(f"/settings/team/{partner.code}/deactivate/")
    partner.refresh_from_db()
    assert partner.role == Role.PARTNER and partner.is_active
    page = partner_client.get("/settings/team/", follow=True).content.decode()
    assert "at least one partner" in page or "last partner" in page


def test_a_partner_can_step_down_when_another_remains(partner_client, partner, practice):
    UserFactory(practice=practice, role=Role.PARTNER)
    partner_client.post(f"/settings/team/{partner.code}/role/", {"role": "manager"})
    partner.refresh_from_db()
    assert partner.role == Role.MANAGER


def test_deactivating_a_member_ends_their_sessions_and_keeps_their_history(partner_client, staff):
    theirs = sign_in(HttpClient(), staff, reauthenticate=False)
    assert theirs.get("/clients/").status_code == 200
    response = partner_client.post(f"/settings/team/{staff.code}/deactivate/")
    assert response.status_code == 302
    assert theirs.get("/clients/").status_code == 302
    staff.refresh_from_db()
    assert not staff.is_active and staff.deactivated_at is not None
    assert User.objects.filter(pk=staff.pk).exists()


def test_team_page_lists_only_our_members(partner_client, staff, other_partner):
    page = partner_client.get("/settings/team/").content.decode()
    assert staff.email in page
    assert other_partner.email not in page
