"""Every link the product emails is built from the configured SITE_URL, never from the Host
header of the request that caused the email: where ALLOWED_HOSTS is wide, a stranger who asks
for a password reset with their own Host would otherwise get the victim's reset key sent to
their server when the victim clicks."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories.clients import ClientContactFactory, ClientFactory, ContactFactory
from tests.helpers import sign_in
from tests.portal.mailing import portal_contact

SITE_URL = "https://books.harbour.example"
EVIL = "evil.example"
URL = re.compile(r"https?://[^\s\"'<>]+")


@pytest.fixture(autouse=True)
def wide_hosts(settings):
    settings.ALLOWED_HOSTS = ["*"]
    settings.SITE_URL = SITE_URL


@pytest.fixture
def evil_client(client):
    client.defaults["HTTP_HOST"] = EVIL
    return client


def texts(message) -> list[str]:
    return [message.subject, message.body, *(body for body, _ in message.alternatives)]


def links_of(message) -> list[str]:
    """Every link in the message, after checking that each is on the configured site and that
    nothing in the message (the subject included) names the request's host."""
    links = [link for text in texts(message) for link in URL.findall(text)]
    for link in links:
        assert link.startswith(SITE_URL + "/"), link
    for text in texts(message):
        assert EVIL not in text, text
    return links


def path_of(link: str) -> str:
    return link.removeprefix(SITE_URL)


def test_password_reset_link_starts_with_site_url_whatever_the_host(evil_client, staff):
    response = evil_client.post("/accounts/password/reset/", {"email": staff.email})
    assert response.status_code == 302
    (message,) = mail.outbox
    (link,) = [link for link in links_of(message) if "/accounts/password/reset/key/" in link]
    # The link works on the configured site: it sets a new password.
    response = evil_client.get(path_of(link), follow=True)
    form_url = response.redirect_chain[-1][0]
    response = evil_client.post(
        form_url, {"password1": "a-new-long-passphrase", "password2": "a-new-long-passphrase"}
    )
    assert response.status_code == 302
    staff.refresh_from_db()
    assert staff.check_password("a-new-long-passphrase")


def test_a_client_contacts_password_reset_link_starts_with_site_url(evil_client, practice):
    client = ClientFactory(practice=practice, name="Harbourview Bakery Ltd")
    portal_contact(practice, client, "Ann Baker", "ann@bakery.example")
    evil_client.post("/accounts/password/reset/", {"email": "ann@bakery.example"})
    (message,) = mail.outbox
    assert any("/accounts/password/reset/key/" in link for link in links_of(message))


def test_a_reset_for_an_unknown_address_names_no_host_and_offers_no_sign_up(evil_client, db):
    response = evil_client.post("/accounts/password/reset/", {"email": "nobody@example.com"})
    assert response.status_code == 302
    for message in mail.outbox:
        links = links_of(message)
        assert not any("signup" in link for link in links)
        assert "invit" in message.body


def test_email_confirmation_link_starts_with_site_url(evil_client, staff):
    sign_in(evil_client, staff)
    response = evil_client.post(
        "/accounts/email/", {"action_add": "", "email": "tom.at.home@example.com"}
    )
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == ["tom.at.home@example.com"]
    (link,) = [link for link in links_of(message) if "/accounts/confirm-email/" in link]
    assert evil_client.get(path_of(link)).status_code == 200


def test_staff_invitation_link_starts_with_site_url(
    evil_client, partner, django_capture_on_commit_callbacks
):
    sign_in(evil_client, partner)
    with django_capture_on_commit_callbacks(execute=True):
        response = evil_client.post(
            "/settings/team/invite/",
            {"email": "new.person@example.com", "full_name": "New Person", "role": "staff"},
        )
    assert response.status_code == 302
    (message,) = mail.outbox
    (link,) = {link for link in links_of(message) if "/invitation/" in link}
    assert evil_client.get(path_of(link)).status_code == 200


def test_portal_invitation_and_sign_in_links_start_with_site_url(
    evil_client, practice, partner, django_capture_on_commit_callbacks
):
    bakery = ClientFactory(practice=practice, name="Harbourview Bakery Ltd", preparer=partner)
    link = ClientContactFactory(
        practice=practice,
        client=bakery,
        contact=ContactFactory(practice=practice, name="Jane Baker", email="jane@bakery.example"),
    )
    staff_http = sign_in(evil_client, partner)
    with django_capture_on_commit_callbacks(execute=True):
        staff_http.post(reverse("client_contact_portal_invite", args=[link.code]))
    (invitation,) = mail.outbox
    assert any("/portal/link/" in url for url in links_of(invitation))

    staff_http.post("/accounts/logout/")
    with django_capture_on_commit_callbacks(execute=True):
        evil_client.post(reverse("portal_sign_in_link"), {"email": "jane@bakery.example"})
    assert len(mail.outbox) == 2
    assert any("/portal/link/" in url for url in links_of(mail.outbox[1]))
