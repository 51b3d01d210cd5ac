"""Staff invite a client's contacts to the portal from the client's Contacts tab: the emailed
link sets a password; refusals (staff and other practices' addresses, no address); the tab
shows and revokes portal access."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.core import mail as django_mail
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from atlasos import clock as wall_clock
from atlasos.accounts.models import hash_token
from atlasos.tenancy.context import practice_context
from portal import portal_accounts
from portal.models import PortalAccount, PortalEmail, PortalGrant, PortalLink
from tests.clock import current_date
from tests.factories.clients import ClientContactFactory, ClientFactory, ContactFactory
from tests.portal.helpers import portal_contact, token_in

User = get_user_model()
NEW_PASSWORD = "a-long-portal-passphrase-42"


@pytest.fixture
def jane(practice, bakery):
    """A contact of the bakery, not yet invited."""
    return ClientContactFactory(
        practice=practice,
        client=bakery,
        contact=ContactFactory(practice=practice, name="Jane Baker", email="Jane@Bakery.example"),
    )


def invite(staff_http, link, capture):
    with capture(execute=True):
        return staff_http.post(reverse("client_contact_portal_invite", args=[link.code]))


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def counts(practice) -> dict:
    with practice_context(practice.pk):
        return {
            "users": User.objects.count(),
            "accounts": PortalAccount.objects.count(),
            "grants": PortalGrant.objects.count(),
            "links": PortalLink.objects.count(),
            "emails": PortalEmail.objects.count(),
        }


def test_invitation_email_then_password_set_through_link_signs_in_to_portal(
    practice, partner, bakery, jane, staff_http, django_capture_on_commit_callbacks
):
    practice.reply_to_email = "office@harbour.example"
    practice.save()
    response = invite(staff_http, jane, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert response["Location"] == reverse("client_contacts", args=[bakery.code])
    assert "Invitation emailed to Jane@Bakery.example" in messages_of(response)[-1]

    (message,) = django_mail.outbox
    assert message.to == ["Jane@Bakery.example"]
    assert message.subject == "Harbour & Co Bookkeeping invites you to their client portal"
    assert message.from_email.startswith("Harbour & Co Bookkeeping <")
    assert message.reply_to == ["office@harbour.example"]
    assert "Harbour & Co Bookkeeping invites you to their client portal for Harbourview " in (
        message.body
    )
    token = token_in(message)
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert f"/portal/link/{token}/" in html
    assert "Harbour &amp; Co Bookkeeping" in html and "Harbourview Bakery Ltd" in html
    expires = timezone.localtime(wall_clock.now() + datetime.timedelta(days=7))
    assert f"expires on {expires:%-d %B %Y}" in message.body

    with practice_context(practice.pk):
        account = PortalAccount.objects.select_related("user").get(contact=jane.contact)
        user = account.user
        assert (user.email, user.role, user.practice_id) == ("jane@bakery.example", "", practice.pk)
        assert user.full_name == "Jane Baker"
        assert not user.has_usable_password()
        assert list(account.grants.values_list("client", flat=True)) == [bakery.pk]
        (link,) = PortalLink.objects.filter(account=account)
        assert link.purpose == "set_password"
        assert link.token_hash == hash_token(token) and token not in link.token_hash
        assert abs(link.expires_at - wall_clock.now() - datetime.timedelta(days=7)).seconds < 60
        email = PortalEmail.objects.get(contact=jane.contact)
        assert (email.kind, email.state) == ("invitation", "sent")

    # The contact opens the link: a form, nothing consumed yet.
    visitor = HttpClient()
    page = visitor.get(f"/portal/link/{token}/")
    assert page.status_code == 200
    assert "Choose your password" in page.content.decode()
    with practice_context(practice.pk):
        assert PortalLink.objects.get(pk=link.pk).used_at is None

    mismatch = visitor.post(
        f"/portal/link/{token}/",
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD + "x"},
    )
    assert mismatch.status_code == 200
    with practice_context(practice.pk):
        assert PortalLink.objects.get(pk=link.pk).used_at is None

    response = visitor.post(
        f"/portal/link/{token}/", {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("portal_home")
    home = visitor.get(reverse("portal_home"))
    assert home.status_code == 200
    assert "Harbourview Bakery Ltd" in home.content.decode()

    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    with practice_context(practice.pk):
        link.refresh_from_db()
        account.refresh_from_db()
    assert link.used_at is not None
    assert account.activated_at is not None and account.last_sign_in_at is not None

    # Next time: the ordinary sign-in page with the new password lands on the portal.
    again = HttpClient()
    response = again.post("/accounts/login/", {"login": user.email, "password": NEW_PASSWORD})
    assert response.status_code == 302
    assert again.get(response["Location"])["Location"] == reverse("portal_home")


def test_used_link_is_refused(
    practice, bakery, jane, staff_http, django_capture_on_commit_callbacks
):
    invite(staff_http, jane, django_capture_on_commit_callbacks)
    token = token_in(django_mail.outbox[0])
    visitor = HttpClient()
    form = {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    assert visitor.post(f"/portal/link/{token}/", form).status_code == 302

    stranger = HttpClient()
    page = stranger.get(f"/portal/link/{token}/")
    assert page.status_code == 410
    assert "This link has been used already" in page.content.decode()
    second = stranger.post(
        f"/portal/link/{token}/", {"new_password1": "other-pass-9876", "new_password2": "x"}
    )
    assert second.status_code == 410
    assert stranger.get(reverse("portal_home"))["Location"].startswith("/portal/sign-in/")
    with pytest.raises(portal_accounts.LinkError, match="used already"):
        portal_accounts.use_link(token)


def test_expired_invitation_link_is_refused_and_sets_nothing(practice, partner, bakery, jane):
    with practice_context(practice.pk):
        account = portal_accounts.invite_contact(
            jane.contact, bakery, by=partner, now=wall_clock.now() - datetime.timedelta(days=8)
        )
        token = token_in(PortalEmail.objects.get(contact=jane.contact))
    visitor = HttpClient()
    page = visitor.get(f"/portal/link/{token}/")
    assert page.status_code == 410
    assert "This link has expired" in page.content.decode()
    response = visitor.post(
        f"/portal/link/{token}/", {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response.status_code == 410
    account.user.refresh_from_db()
    assert not account.user.has_usable_password()
    with practice_context(practice.pk):
        assert PortalLink.objects.get(account=account).used_at is None


def test_unknown_link_is_a_404(db, client):
    response = client.get("/portal/link/not-a-real-token/")
    assert response.status_code == 404
    assert "This link is not valid" in response.content.decode()


def test_inviting_again_for_another_client_adds_a_grant_not_an_account(
    practice, partner, bakery, jane, staff_http, django_capture_on_commit_callbacks
):
    deli = ClientFactory(practice=practice, name="Quayside Deli Ltd")
    deli_link = ClientContactFactory(practice=practice, client=deli, contact=jane.contact)
    invite(staff_http, jane, django_capture_on_commit_callbacks)
    invite(staff_http, jane, django_capture_on_commit_callbacks)  # resent: same grant
    invite(staff_http, deli_link, django_capture_on_commit_callbacks)
    assert len(django_mail.outbox) == 3
    assert "Quayside Deli Ltd" in django_mail.outbox[2].body
    with practice_context(practice.pk):
        assert PortalAccount.objects.count() == 1
        account = PortalAccount.objects.get()
        assert sorted(account.grants.values_list("client__name", flat=True)) == [
            "Harbourview Bakery Ltd",
            "Quayside Deli Ltd",
        ]
    assert User.objects.filter(email="jane@bakery.example").count() == 1


def test_a_contact_whose_address_changed_signs_in_with_the_new_one(
    practice, partner, bakery, jane, staff
):
    with practice_context(practice.pk):
        account = portal_accounts.invite_contact(jane.contact, bakery, by=partner)
        jane.contact.email = "jane@newbakery.example"
        jane.contact.save()
        portal_accounts.invite_contact(jane.contact, bakery, by=partner)
        assert PortalAccount.objects.count() == 1
        jane.contact.email = staff.email
        jane.contact.save()
        with pytest.raises(portal_accounts.PortalAccessError, match="someone else's"):
            portal_accounts.invite_contact(jane.contact, bakery, by=partner)
    account.user.refresh_from_db()
    assert account.user.email == "jane@newbakery.example"
    assert not User.objects.filter(email="jane@bakery.example").exists()


def test_invitation_for_a_staff_email_is_refused_and_creates_nothing(
    practice, staff, bakery, staff_http, django_capture_on_commit_callbacks
):
    link = ClientContactFactory(
        practice=practice,
        client=bakery,
        contact=ContactFactory(practice=practice, name="Tom at home", email=staff.email.upper()),
    )
    before = counts(practice)
    response = invite(staff_http, link, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    text = messages_of(response)[-1]
    assert "is the sign-in of a member of staff" in text
    assert counts(practice) == before
    assert django_mail.outbox == []


def test_invitation_for_an_email_of_another_practices_portal_is_refused(
    practice, other_practice, bakery, partner
):
    elsewhere = portal_contact(
        other_practice, [ClientFactory(practice=other_practice)], email="sam@director.example"
    )
    link = ClientContactFactory(
        practice=practice,
        client=bakery,
        contact=ContactFactory(practice=practice, email="Sam@Director.example"),
    )
    before = counts(practice)
    with (
        practice_context(practice.pk),
        pytest.raises(portal_accounts.PortalAccessError, match="cannot be used as a sign-in here"),
    ):
        portal_accounts.invite_contact(link.contact, bakery, by=partner)
    assert counts(practice) == before
    assert elsewhere.user.practice_id == other_practice.pk


def test_invitation_needs_an_email_address(
    practice, bakery, staff_http, django_capture_on_commit_callbacks
):
    link = ClientContactFactory(
        practice=practice, client=bakery, contact=ContactFactory(practice=practice, email="")
    )
    page = staff_http.get(reverse("client_contacts", args=[bakery.code])).content.decode()
    assert "Add an email address to invite" in page
    before = counts(practice)
    response = invite(staff_http, link, django_capture_on_commit_callbacks)
    assert "has no email address" in messages_of(response)[-1]
    assert counts(practice) == before


def test_contacts_tab_shows_portal_access_and_revokes_it(
    practice, partner, bakery, jane, staff_http, django_capture_on_commit_callbacks
):
    url = reverse("client_contacts", args=[bakery.code])
    assert "Invite to portal" in staff_http.get(url).content.decode()
    invite(staff_http, jane, django_capture_on_commit_callbacks)
    page = staff_http.get(url).content.decode()
    assert "not signed in yet" in page and "Resend invitation" in page

    token = token_in(django_mail.outbox[0])
    form = {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    contact_http = HttpClient()
    contact_http.post(f"/portal/link/{token}/", form)
    page = staff_http.get(url).content.decode()
    assert f"Portal access since {current_date():%-d %b %Y}" in page
    assert "Revoke access" in page
    assert contact_http.get(reverse("portal_client", args=[bakery.code])).status_code == 200

    response = staff_http.post(reverse("client_contact_portal_revoke", args=[jane.code]))
    assert "no longer sees Harbourview Bakery Ltd" in messages_of(response)[-1]
    assert "Invite to portal" in staff_http.get(url).content.decode()
    assert contact_http.get(reverse("portal_client", args=[bakery.code])).status_code == 404


def test_removing_a_contact_from_the_client_removes_their_portal_access(
    practice, bakery, staff_http
):
    account = portal_contact(practice, [bakery])
    with practice_context(practice.pk):
        client_link = account.contact.client_links.get(client=bakery)
    staff_http.post(reverse("client_contact_remove", args=[client_link.code]))
    with practice_context(practice.pk):
        assert not PortalGrant.objects.filter(account=account).exists()
