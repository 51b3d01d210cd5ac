"""Settings › Inbox (managers and partners): the practice's inbound address with a copy button,
the IMAP mailbox with a write-only password stored encrypted and a "Test connection" button
(against a real server: a closed port on loopback, and Dovecot when it is installed); and a
partner rotating a client's address."""

import pytest
from django.test import Client as HttpClient

from atlasos.tenancy.context import practice_context
from inbox import addresses, secrets
from inbox.models import Mailbox
from tests.factories.clients import ClientFactory
from tests.factories.inbox import MailboxFactory
from tests.factories.portal import PortalAccountFactory
from tests.helpers import sign_in, signed_in

pytestmark = pytest.mark.django_db

FORM = {
    "host": "imap.example.com",
    "port": "993",
    "security": "ssl",
    "username": "documents@harbour.example",
    "password": "s3cret-Pa55",
    "folder": "INBOX",
    "processed_folder": "Filed by AtlasOS",
    "is_active": "on",
}


def the_mailbox(practice) -> Mailbox:
    with practice_context(practice.pk):
        return Mailbox.objects.get()


def closed_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_page_shows_the_practice_address_with_a_copy_button(practice, manager):
    page = signed_in(manager).get("/settings/inbox/").content.decode()
    address = addresses.practice_address(practice)
    assert address == "harbour-co-bookkeeping@in.atlas.test"
    assert f'value="{address}" readonly' in page
    assert f'<button type="button" data-copy="{address}" hidden>Copy</button>' in page
    assert "Test connection" in page and "Save mailbox" in page


def test_saving_the_mailbox_keeps_the_password_encrypted_and_never_shows_it(practice, partner):
    http = signed_in(partner)
    response = http.post("/settings/inbox/", FORM, follow=True)

    assert response.redirect_chain[-1][0] == "/settings/inbox/"
    page = response.content.decode()
    assert "Mailbox documents@harbour.example@imap.example.com saved: it is polled." in page
    mailbox = the_mailbox(practice)
    assert (mailbox.host, mailbox.port, mailbox.processed_folder) == (
        "imap.example.com",
        993,
        "Filed by AtlasOS",
    )
    assert "s3cret-Pa55" not in mailbox.password_encrypted
    assert secrets.decrypt(mailbox.password_encrypted) == "s3cret-Pa55"
    assert "s3cret-Pa55" not in page and mailbox.password_encrypted not in page
    assert 'name="password"' in page and 'value="s3cret' not in page


def test_a_blank_password_keeps_the_stored_one_and_a_new_one_replaces_it(practice, manager):
    http = signed_in(manager)
    http.post("/settings/inbox/", FORM)
    stored = the_mailbox(practice).password_encrypted

    http.post("/settings/inbox/", {**FORM, "password": "", "folder": "Clients"})
    mailbox = the_mailbox(practice)
    assert mailbox.folder == "Clients" and mailbox.password_encrypted == stored

    http.post("/settings/inbox/", {**FORM, "password": "n3w-one"})
    assert secrets.decrypt(the_mailbox(practice).password_encrypted) == "n3w-one"
    with practice_context(practice.pk):
        assert Mailbox.objects.count() == 1


def test_a_new_mailbox_needs_a_password_and_a_real_port(practice, manager):
    page = (
        signed_in(manager)
        .post("/settings/inbox/", {**FORM, "password": "", "port": "70000"})
        .content.decode()
    )
    assert "Enter the mailbox&#x27;s password." in page
    assert "A port is a number from 1 to 65535." in page
    with practice_context(practice.pk):
        assert not Mailbox.objects.exists()


def test_test_connection_says_why_it_failed_and_saves_nothing(practice, manager):
    port = closed_port()
    page = (
        signed_in(manager)
        .post(
            "/settings/inbox/",
            {**FORM, "host": "127.0.0.1", "port": str(port), "security": "none", "test": "1"},
        )
        .content.decode()
    )
    assert 'id="connection-test"' in page and "message-error" in page
    assert f"Could not connect to 127.0.0.1:{port}" in page or "Could not connect" in page
    with practice_context(practice.pk):
        assert not Mailbox.objects.exists()


def test_an_unencrypted_mailbox_elsewhere_is_refused_by_the_test(practice, manager):
    page = (
        signed_in(manager)
        .post("/settings/inbox/", {**FORM, "security": "none", "test": "1"})
        .content.decode()
    )
    assert "A mailbox without encryption may only be on this server itself" in page


def test_test_connection_uses_the_stored_password_when_none_is_typed(
    practice, manager, monkeypatch
):
    from inbox import polling

    MailboxFactory(practice=practice, password_encrypted=secrets.encrypt("kept-pw"))
    seen = []

    def check(mailbox, password=None):
        seen.append((mailbox.host, password, secrets.decrypt(mailbox.password_encrypted)))
        return None

    monkeypatch.setattr(polling, "check_connection", check)
    page = (
        signed_in(manager)
        .post("/settings/inbox/", {**FORM, "password": "", "test": "1"})
        .content.decode()
    )
    assert seen == [("imap.example.com", None, "kept-pw")]
    assert "Connected to imap.example.com as documents@harbour.example" in page
    assert the_mailbox(practice).host == "imap.example.com"  # the factory's, unchanged


def test_the_mailbox_status_is_shown(practice, manager):
    MailboxFactory(practice=practice, last_error="The server refused the user name or password.")
    page = signed_in(manager).get("/settings/inbox/").content.decode()
    assert "Last error" in page and "The server refused the user name or password." in page
    assert "Leave blank to keep the password already saved." in page


def test_staff_and_contacts_may_not_see_the_settings(practice, staff):
    assert signed_in(staff).get("/settings/inbox/").status_code == 403
    assert signed_in(staff).post("/settings/inbox/", FORM).status_code == 403
    account = PortalAccountFactory(practice=practice)
    http = sign_in(HttpClient(), account.user, reauthenticate=False)
    assert http.get("/settings/inbox/").status_code == 403


# --- a real IMAP server -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def dovecot():
    from tests.integration.dovecot import DOVECOT, Dovecot

    if not DOVECOT.exists():
        pytest.skip("needs Dovecot (apt-get install dovecot-imapd, as .ci/run does)")
    server = Dovecot()
    try:
        yield server
    finally:
        server.stop()


def test_test_connection_against_a_real_server(practice, manager, dovecot):
    user, password = dovecot.add_user()
    form = {
        **FORM,
        "host": "127.0.0.1",
        "port": str(dovecot.port),
        "security": "none",
        "username": user,
        "password": password,
        "test": "1",
    }
    http = signed_in(manager)
    page = http.post("/settings/inbox/", form).content.decode()
    assert f"Connected to 127.0.0.1 as {user}: the folder INBOX opened." in page

    page = http.post("/settings/inbox/", {**form, "password": "wrong"}).content.decode()
    assert "The server refused the user name or password." in page


# --- rotating a client's address --------------------------------------------------------------


def test_a_partner_rotates_a_clients_address(practice, partner):
    client = ClientFactory(practice=practice, name="Acme Ltd")
    with practice_context(practice.pk):
        old = addresses.client_address(client)

    response = signed_in(partner).post(f"/clients/{client.code}/inbox-address/rotate/", follow=True)

    assert response.redirect_chain[-1][0] == f"/clients/{client.code}/"
    with practice_context(practice.pk):
        new = addresses.client_address(client)
    assert new != old
    page = response.content.decode()
    assert f"Acme Ltd&#x27;s inbox address is now {new}." in page
    assert f"The old one, {old}, keeps working for 30 more days (until 18 December 2026)" in page


def test_only_a_partner_rotates(practice, manager, staff):
    client = ClientFactory(practice=practice)
    with practice_context(practice.pk):
        old = addresses.client_address(client)
    for user in (manager, staff):
        assert (
            signed_in(user).post(f"/clients/{client.code}/inbox-address/rotate/").status_code == 403
        )
    with practice_context(practice.pk):
        assert addresses.client_address(client) == old
    assert signed_in(manager).get(f"/clients/{client.code}/inbox-address/rotate/").status_code in (
        403,
        405,
    )


def test_another_practices_client_is_404(practice, partner, other_practice):
    theirs = ClientFactory(practice=other_practice)
    assert (
        signed_in(partner).post(f"/clients/{theirs.code}/inbox-address/rotate/").status_code == 404
    )
