"""A client contact signs in to the portal: by a one-time emailed link without a password,
or with their password on the portal's own sign-in page."""

import datetime
import re

import pytest
from django.core import mail as django_mail
from django.test import Client as HttpClient
from django.urls import reverse

from atlasos import clock as wall_clock
from atlasos.tenancy.context import practice_context
from portal import portal_accounts
from portal.models import PortalEmail, PortalLink
from tests.factories.accounts import PASSWORD
from tests.factories.portal import (
    DeliveryFactory,
    DocumentRequestFactory,
)
from tests.helpers import sign_in
from tests.portal.helpers import portal_contact, token_in

CSRF = re.compile(r'"X-CSRFToken": "[^"]*"')


# --- sign-in links ----------------------------------------------------------------------------


def test_sign_in_link_answers_the_same_for_unknown_and_known_addresses(
    practice, bakery, staff, client, django_capture_on_commit_callbacks
):
    account = portal_contact(practice, [bakery], email="sam@director.example")
    url = reverse("portal_sign_in_link")
    answers = []
    for address in ("nobody@nowhere.example", staff.email, "SAM@director.example"):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, {"email": address})
        assert response.status_code == 302
        page = CSRF.sub("", client.get(response["Location"]).content.decode())
        answers.append((response["Location"], page))
    assert answers[0] == answers[1] == answers[2]
    assert "If that address has portal access, we have emailed a sign-in link" in answers[0][1]
    (message,) = django_mail.outbox
    assert message.to == [account.contact.email]
    assert message.subject == "Your sign-in link for Harbour & Co Bookkeeping"
    assert "expires in 20 minutes" in message.body
    with practice_context(practice.pk):
        link = PortalLink.objects.get(account=account)
    assert link.purpose == "sign_in"
    assert abs((link.expires_at - link.created_at) - datetime.timedelta(minutes=20)).seconds < 5


def test_sign_in_link_is_confirmed_by_a_post_and_works_once(
    practice, bakery, client, django_capture_on_commit_callbacks
):
    account = portal_contact(practice, [bakery])
    with django_capture_on_commit_callbacks(execute=True):
        assert portal_accounts.request_sign_in_link(account.user.email)
    token = token_in(django_mail.outbox[0])
    # A mail scanner's GET does not use the link.
    assert client.get(f"/portal/link/{token}/").status_code == 200
    assert client.get(f"/portal/link/{token}/").status_code == 200
    response = client.post(f"/portal/link/{token}/")
    assert response["Location"] == reverse("portal_home")
    assert client.get(reverse("portal_home")).status_code == 200
    with practice_context(practice.pk):
        account.refresh_from_db()
    assert account.last_sign_in_at is not None
    assert HttpClient().post(f"/portal/link/{token}/").status_code == 410


def test_sign_in_link_expires_after_20_minutes(practice, bakery, client):
    account = portal_contact(practice, [bakery])
    past = wall_clock.now() - datetime.timedelta(minutes=21)
    assert portal_accounts.request_sign_in_link(account.user.email, now=past)
    with practice_context(practice.pk):
        token = token_in(PortalEmail.objects.get(kind="sign_in"))
    response = client.post(f"/portal/link/{token}/")
    assert response.status_code == 410
    assert "This link has expired" in response.content.decode()
    assert client.get(reverse("portal_home")).status_code == 302


def test_sign_in_links_are_limited_per_address(practice, bakery):
    account = portal_contact(practice, [bakery])
    sent = [portal_accounts.request_sign_in_link(account.user.email) for _ in range(7)]
    assert sent == [True] * portal_accounts.SIGN_IN_LINKS_PER_HOUR + [False, False]


def test_no_sign_in_link_without_any_grant(practice, bakery):
    account = portal_contact(practice, [])
    assert not portal_accounts.request_sign_in_link(account.user.email)
    with practice_context(practice.pk):
        assert not PortalLink.objects.exists()


def test_the_staff_sign_in_page_sends_a_client_to_the_portal_sign_in(client):
    page = client.get("/accounts/login/").content.decode()
    assert f'href="{reverse("portal_sign_in")}">Sign in to your client portal</a>' in page
    # The portal's page offers the one-time link.
    assert (
        f'href="{reverse("portal_sign_in_link")}"'
        in client.get("/portal/sign-in/").content.decode()
    )


# --- the portal's own sign-in page ------------------------------------------------------------


def test_portal_sign_in_page_speaks_to_a_client_in_the_portal_frame(client):
    response = client.get("/portal/sign-in/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>Sign in to your client portal</h1>" in page
    assert '<body class="portal">' in page
    assert f'action="{reverse("portal_sign_in")}"' in page
    assert f'href="{reverse("portal_sign_in_link")}"' in page
    # Not the staff page's words: a client has no partner of their own practice to ask.
    assert "Sign in to AtlasOS</h1>" not in page
    assert "Ask a partner of your practice" not in page


@pytest.mark.parametrize(
    "route",
    ["portal_home", "portal_client", "portal_documents", "portal_request", "portal_delivery"],
)
def test_every_portal_page_sends_an_anonymous_visitor_to_the_portal_sign_in(
    route, practice, bakery, client
):
    with practice_context(practice.pk):
        document_request = DocumentRequestFactory(practice=practice, client=bakery, status="sent")
        delivery = DeliveryFactory(practice=practice, client=bakery)
    args = {
        "portal_client": [bakery.code],
        "portal_documents": [bakery.code],
        "portal_request": [document_request.code],
        "portal_delivery": [delivery.code],
    }.get(route, [])
    url = reverse(route, args=args)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('portal_sign_in')}?next={url}"


def test_contact_signs_in_on_the_portal_page_and_lands_on_the_page_they_asked_for(
    practice, bakery, client
):
    account = portal_contact(practice, [bakery])
    with practice_context(practice.pk):
        document_request = DocumentRequestFactory(
            practice=practice, client=bakery, status="sent", title="October documents"
        )
    wanted = reverse("portal_request", args=[document_request.code])
    sign_in_page = client.get(wanted)["Location"]
    assert sign_in_page.startswith("/portal/sign-in/?next=")
    assert client.get(sign_in_page).status_code == 200
    response = client.post(
        sign_in_page, {"login": account.user.email, "password": PASSWORD, "next": wanted}
    )
    assert response.status_code == 302
    assert response["Location"] == wanted
    assert "October documents" in client.get(wanted).content.decode()


def test_contact_signs_in_on_the_portal_page_and_lands_on_the_portal_home(practice, bakery, client):
    account = portal_contact(practice, [bakery])
    response = client.post("/portal/sign-in/", {"login": account.user.email, "password": PASSWORD})
    assert response.status_code == 302
    home = client.get(response["Location"], follow=True)
    assert home.redirect_chain[-1][0] == reverse("portal_home")
    assert "Harbourview Bakery Ltd" in home.content.decode()
    # Signed in, the sign-in page sends the contact on to their portal.
    again = client.get("/portal/sign-in/", follow=True)
    assert again.redirect_chain[-1][0] == reverse("portal_home")


def test_a_wrong_password_on_the_portal_page_says_so_and_signs_nobody_in(practice, bakery, client):
    account = portal_contact(practice, [bakery])
    response = client.post(
        "/portal/sign-in/", {"login": account.user.email, "password": "not-the-password"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "The email address and/or password you specified are not correct." in page
    assert "<h1>Sign in to your client portal</h1>" in page
    assert client.get(reverse("portal_home"))["Location"].startswith("/portal/sign-in/")


def test_failed_sign_ins_on_the_portal_page_count_against_the_account(practice, bakery, client):
    account = portal_contact(practice, [bakery])
    for _ in range(5):
        client.post("/portal/sign-in/", {"login": account.user.email, "password": "wrong-guess"})
    # Even the right password is refused once the account's failed attempts reach the limit.
    response = client.post("/portal/sign-in/", {"login": account.user.email, "password": PASSWORD})
    assert response.status_code == 200
    assert "Too many failed login attempts. Try again later." in response.content.decode()
    assert client.get(reverse("portal_home")).status_code == 302


def test_signing_out_of_the_portal_lands_on_the_portal_sign_in(practice, bakery, client):
    account = portal_contact(practice, [bakery])
    sign_in(client, account.user, reauthenticate=False)
    home = client.get(reverse("portal_home")).content.decode()
    assert f'<input type="hidden" name="next" value="{reverse("portal_sign_in")}">' in home
    response = client.post(reverse("account_logout"), {"next": reverse("portal_sign_in")})
    assert response.status_code == 302
    assert response["Location"] == reverse("portal_sign_in")
    assert client.get(reverse("portal_home"))["Location"].startswith("/portal/sign-in/")


def test_link_pages_offer_the_portal_sign_in_not_the_staff_one(db, client):
    problem = client.get("/portal/link/not-a-real-token/")
    assert problem.status_code in (404, 410)
    for page in (problem.content.decode(), client.get("/portal/sign-in/link/").content.decode()):
        assert f'href="{reverse("portal_sign_in")}"' in page
        assert f'href="{reverse("account_login")}"' not in page
        assert '<body class="portal">' in page
