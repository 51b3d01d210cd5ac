"""Client contacts get into the portal: staff invite them from the client's Contacts tab, the
emailed link sets a password, a one-time sign-in link works without one; the home page says
what is still needed; access follows the grants."""

import datetime
import re

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
from tests.factories.accounts import PASSWORD
from tests.factories.clients import ClientContactFactory, ClientFactory, ContactFactory
from tests.factories.portal import (
    DeliveryFactory,
    DocumentRequestFactory,
    PortalAccountFactory,
    PortalGrantFactory,
    RequestItemFactory,
)
from tests.helpers import sign_in

User = get_user_model()
NEW_PASSWORD = "a-long-portal-passphrase-42"
CSRF = re.compile(r'"X-CSRFToken": "[^"]*"')
LINK = re.compile(r"http://[^\s\"<]+/portal/link/([A-Za-z0-9_\-]+)/")


@pytest.fixture
def bakery(practice, partner):
    return ClientFactory(practice=practice, name="Harbourview Bakery Ltd", preparer=partner)


@pytest.fixture
def jane(practice, bakery):
    """A contact of the bakery, not yet invited."""
    return ClientContactFactory(
        practice=practice,
        client=bakery,
        contact=ContactFactory(practice=practice, name="Jane Baker", email="Jane@Bakery.example"),
    )


@pytest.fixture
def staff_http(partner):
    return sign_in(HttpClient(), partner)


def invite(staff_http, link, capture):
    with capture(execute=True):
        return staff_http.post(reverse("client_contact_portal_invite", args=[link.code]))


def token_in(message) -> str:
    """The link's token in a sent message (``body``) or a recorded PortalEmail."""
    body = getattr(message, "body", None) or message.body_text
    match = LINK.search(body)
    assert match, body
    return match.group(1)


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def portal_contact(practice, clients, email=None):
    """A contact with a password and portal access to ``clients``; returns the account."""
    kwargs = {"user__email": email} if email else {}
    account = PortalAccountFactory(practice=practice, contact__name="Sam Director", **kwargs)
    for client in clients:
        ClientContactFactory(practice=practice, client=client, contact=account.contact)
        PortalGrantFactory(practice=practice, account=account, client=client)
    return account


def counts(practice) -> dict:
    with practice_context(practice.pk):
        return {
            "users": User.objects.count(),
            "accounts": PortalAccount.objects.count(),
            "grants": PortalGrant.objects.count(),
            "links": PortalLink.objects.count(),
            "emails": PortalEmail.objects.count(),
        }


# --- invitation -----------------------------------------------------------------------------


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


# --- home, switcher, access -------------------------------------------------------------------


def test_home_lists_only_sent_requests_with_progress_and_overdue(practice, bakery, client):
    account = portal_contact(practice, [bakery])
    today = current_date()
    with practice_context(practice.pk):
        late = DocumentRequestFactory(
            practice=practice,
            client=bakery,
            title="September documents",
            status="sent",
            due=today - datetime.timedelta(days=3),
        )
        RequestItemFactory(practice=practice, request=late, received_at=wall_clock.now())
        RequestItemFactory(practice=practice, request=late)
        RequestItemFactory(practice=practice, request=late)
        RequestItemFactory(practice=practice, request=late, required=False)
        soon = DocumentRequestFactory(
            practice=practice,
            client=bakery,
            title="October documents",
            status="sent",
            due=today + datetime.timedelta(days=5),
        )
        RequestItemFactory(practice=practice, request=soon)
        for status in ("draft", "complete", "cancelled"):
            DocumentRequestFactory(
                practice=practice, client=bakery, title=f"A {status} request", status=status
            )
    sign_in(client, account.user, reauthenticate=False)
    page = client.get(reverse("portal_home")).content.decode()
    assert "2 open requests, <strong>1 overdue</strong>" in page
    assert "September documents" in page and "October documents" in page
    assert page.index("September documents") < page.index("October documents")
    assert "1 of 3 received" in page and "2 items" in page and "Overdue" in page
    assert "0 of 1 received" in page
    for status in ("draft", "complete", "cancelled"):
        assert f"A {status} request" not in page


def test_contact_of_three_clients_sees_all_three_and_switches(practice, client):
    clients = [ClientFactory(practice=practice, name=f"Company {n} Ltd") for n in "ABC"]
    other = ClientFactory(practice=practice, name="Not Theirs Ltd")
    account = portal_contact(practice, clients)
    sign_in(client, account.user, reauthenticate=False)
    page = client.get(reverse("portal_home")).content.decode()
    for c in clients:
        assert f'<option value="{c.code}"' in page
        assert f'<h2 id="client-{c.code}">' in page
    assert "Not Theirs Ltd" not in page

    response = client.get(reverse("portal_switch"), {"client": str(clients[1].code)})
    assert response["Location"] == reverse("portal_client", args=[clients[1].code])
    assert client.get(reverse("portal_switch"), {"client": str(other.code)}).status_code == 404
    assert client.get(reverse("portal_switch"), {"client": "not-a-code"}).status_code == 404
    assert client.get(reverse("portal_switch"))["Location"] == reverse("portal_home")


@pytest.mark.parametrize("size", [1, 4])
def test_home_query_count_does_not_grow(practice, client, size, django_assert_max_num_queries):
    clients = [ClientFactory(practice=practice) for _ in range(size)]
    account = portal_contact(practice, clients)
    with practice_context(practice.pk):
        for c in clients:
            for _ in range(size):
                request = DocumentRequestFactory(practice=practice, client=c, status="sent")
                RequestItemFactory.create_batch(size, practice=practice, request=request)
    sign_in(client, account.user, reauthenticate=False)
    # session, user, portal account, granted client ids, the clients' names, the requests
    # with their counts.
    with django_assert_max_num_queries(6):
        response = client.get(reverse("portal_home"))
    assert response.status_code == 200
    assert response.content.decode().count("received</span>") == size * size


def test_revoked_client_disappears_and_its_pages_are_404(practice, client):
    kept, revoked = ClientFactory(practice=practice), ClientFactory(practice=practice)
    account = portal_contact(practice, [kept, revoked])
    with practice_context(practice.pk):
        request = DocumentRequestFactory(practice=practice, client=revoked, status="sent")
        portal_accounts.revoke_grant(account, revoked)
    sign_in(client, account.user, reauthenticate=False)
    page = client.get(reverse("portal_home")).content.decode()
    assert revoked.name not in page and kept.name in page
    assert client.get(reverse("portal_client", args=[revoked.code])).status_code == 404
    assert client.get(reverse("portal_request", args=[request.code])).status_code == 404
    assert client.get(reverse("portal_client", args=[kept.code])).status_code == 200


def test_staff_get_403_in_the_portal_and_contacts_403_on_staff_pages(
    practice, bakery, staff_http, client
):
    assert staff_http.get(reverse("portal_home")).status_code == 403
    assert staff_http.get(reverse("portal_client", args=[bakery.code])).status_code == 403
    account = portal_contact(practice, [bakery])
    sign_in(client, account.user, reauthenticate=False)
    assert client.get(reverse("client_list")).status_code == 403
    assert client.get(reverse("client_detail", args=[bakery.code])).status_code == 403
    assert client.get("/")["Location"] == reverse("portal_home")


def test_anonymous_visitors_are_sent_to_the_portal_sign_in(client):
    response = client.get(reverse("portal_home"))
    assert response.status_code == 302
    assert response["Location"] == "/portal/sign-in/?next=/portal/"


def test_compulsory_two_factor_is_for_staff_not_contacts(practice, bakery, client, staff):
    practice.require_mfa = True
    practice.save()
    account = portal_contact(practice, [bakery])
    sign_in(client, account.user, reauthenticate=False)
    assert client.get(reverse("portal_home")).status_code == 200
    staff_client = sign_in(HttpClient(), staff, reauthenticate=False)
    assert staff_client.get(reverse("client_list"))["Location"] == "/accounts/2fa/totp/activate/"
