"""Mailbox polling against a real IMAP server: Debian's Dovecot on loopback (tests/integration/
dovecot.py), never a mock. Messages are delivered into its mailboxes over IMAP APPEND, polled
through ``inbox.polling`` and the beat task, and read back from the server to see how they were
marked. Parsing and routing are other tests' business: here, intake's queue is only recorded."""

import dataclasses
import hashlib
from contextlib import contextmanager
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import make_msgid

import pytest
from cryptography.fernet import Fernet
from django.core.files.storage import default_storage
from django.db import connection

from atlasos.tenancy.context import practice_context, unscoped
from inbox import addresses, intake, polling, secrets
from inbox.models import Channel, InboundMessage, Mailbox
from inbox.tasks import poll_mailboxes
from tests.clock import DEFAULT_NOW
from tests.factories.clients import ClientFactory
from tests.factories.tenancy import PracticeFactory
from tests.integration.dovecot import DOVECOT, Dovecot, free_port

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not DOVECOT.exists(),
        reason="needs Dovecot (/usr/sbin/dovecot: apt-get install dovecot-imapd, as .ci/run does)",
    ),
]

TAKEN = "$AtlasTaken"
WRONG_PASSWORD = "The server refused the user name or password."
UNREADABLE = (
    "The mailbox password cannot be read with this server's key; "
    "enter it again under Settings › Inbox."
)


@pytest.fixture(scope="module")
def dovecot():
    server = Dovecot()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Raw messages go to a throwaway MEDIA_ROOT; inbox addresses are under a fixed domain."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ATLAS_INBOX_DOMAIN = "in.atlas.test"


@pytest.fixture(autouse=True)
def queued(monkeypatch):
    """What intake hands to processing (not run here)."""
    pks = []
    monkeypatch.setattr(intake, "enqueue", lambda message: pks.append(message.pk))
    monkeypatch.setattr(
        intake, "enqueue_batches", lambda messages: pks.extend(m.pk for m in messages)
    )
    return pks


@pytest.fixture
def account(dovecot):
    """A fresh IMAP account on the server: (user, password)."""
    return dovecot.add_user()


@pytest.fixture
def bakery(practice):
    client = ClientFactory(practice=practice, name="Harbourview Bakery Ltd")
    return client, addresses.client_address(client)


def mail(to: str, subject: str = "November statement", *, cc: str = "", body: str = "") -> bytes:
    """A message as an MTA delivers it (CRLF line ends), with a Message-ID."""
    message = EmailMessage()
    message["From"] = "Ann Baker <ann@bakery.example>"
    message["To"] = to
    if cc:
        message["Cc"] = cc
    message["Subject"] = subject
    message["Date"] = "Tue, 17 Nov 2026 09:00:00 +0000"
    message["Message-ID"] = make_msgid(domain="bakery.example")
    message.set_content(body or "The statement is attached.\n")
    message.add_attachment(
        b"%PDF-1.4 statement", maintype="application", subtype="pdf", filename="november.pdf"
    )
    return message.as_bytes(policy=SMTP)


def make_mailbox(practice, dovecot, account, **fields) -> Mailbox:
    user, password = account
    values = {"host": dovecot.host, "port": dovecot.port, "security": "none", "username": user}
    with practice_context(practice.pk):
        mailbox = Mailbox(**{**values, **fields})
        secrets.set_password(mailbox, password)
        mailbox.save()
    return mailbox


def poll(mailbox) -> int:
    with practice_context(mailbox.practice_id):
        taken = polling.poll(mailbox)
        mailbox.refresh_from_db()
    return taken


def messages_of(practice) -> list[InboundMessage]:
    with practice_context(practice.pk):
        return list(InboundMessage.objects.select_related("address").order_by("pk"))


def check(mailbox, password=None, *, practice=None):
    with practice_context(practice.pk if practice else mailbox.practice_id):
        return polling.check_connection(mailbox, password)


# --- taking messages ------------------------------------------------------------------------


def test_a_message_to_a_clients_address_is_taken_once_and_marked_on_the_server(
    practice, bakery, dovecot, account, queued
):
    client, address = bakery
    raw = mail(to=address)
    dovecot.append(*account, raw)
    mailbox = make_mailbox(practice, dovecot, account)

    assert poll(mailbox) == 1

    (message,) = messages_of(practice)
    assert message.channel == Channel.IMAP
    assert message.provider == "127.0.0.1"
    assert message.recipient == address
    assert message.address.client_id == client.pk
    # The exact bytes the server held: the SHA-256 that deduplicates across channels.
    assert message.sha256 == hashlib.sha256(raw).hexdigest()
    assert default_storage.open(message.raw_key).read() == raw
    assert queued == [message.pk]
    (on_server,) = dovecot.messages(*account)
    assert TAKEN in on_server["flags"]
    assert "\\Seen" not in on_server["flags"]  # read with PEEK: staff still see it unread
    assert mailbox.last_error == ""
    assert mailbox.last_polled_at == DEFAULT_NOW

    assert poll(mailbox) == 0
    assert len(messages_of(practice)) == 1


def test_with_a_processed_folder_taken_messages_move_there(practice, bakery, dovecot, account):
    _client, address = bakery
    dovecot.append(*account, mail(to=address, subject="one"))
    dovecot.append(*account, mail(to=address, subject="two"))
    mailbox = make_mailbox(practice, dovecot, account, processed_folder="Filed by AtlasOS")

    assert poll(mailbox) == 2

    assert dovecot.messages(*account) == []
    moved = dovecot.messages(*account, folder="Filed by AtlasOS")
    assert [b"Subject: one" in m["raw"] for m in moved] == [True, False]
    assert all(TAKEN in m["flags"] for m in moved)
    assert len(messages_of(practice)) == 2
    assert poll(mailbox) == 0
    assert mailbox.last_error == ""


def test_the_folder_polled_is_the_one_configured(practice, bakery, dovecot, account):
    _client, address = bakery
    dovecot.append(*account, mail(to=address, subject="in the inbox"))
    dovecot.append(*account, mail(to=address, subject="an invoice"), folder="Invoices")
    mailbox = make_mailbox(practice, dovecot, account, folder="Invoices")

    assert poll(mailbox) == 1

    (message,) = messages_of(practice)
    assert b"Subject: an invoice" in default_storage.open(message.raw_key).read()
    (inbox_message,) = dovecot.messages(*account)
    assert TAKEN not in inbox_message["flags"]


def test_the_same_message_through_another_channel_is_one_message(
    practice, bakery, dovecot, account
):
    _client, address = bakery
    raw = mail(to=address)
    (first,) = intake.accept(raw, recipients=[address], channel=Channel.SMTP)
    dovecot.append(*account, raw)
    mailbox = make_mailbox(practice, dovecot, account)

    assert poll(mailbox) == 1  # taken from the server...

    (message,) = messages_of(practice)  # ...and it is the message SMTP delivered
    assert message.pk == first.message.pk
    assert message.channel == Channel.SMTP
    assert TAKEN in dovecot.messages(*account)[0]["flags"]
    (again,) = intake.accept(raw, recipients=[address], channel=Channel.FILE)
    assert again.kind == "duplicate"
    assert len(messages_of(practice)) == 1


def test_a_message_naming_no_inbox_address_is_kept_for_the_practice(practice, dovecot, account):
    dovecot.append(*account, mail(to="office@harbour.example"))
    mailbox = make_mailbox(practice, dovecot, account)

    assert poll(mailbox) == 1

    (message,) = messages_of(practice)
    assert message.recipient == addresses.practice_address(practice)
    assert message.address.client_id is None  # the practice's own address: triage


def test_another_practices_address_in_the_headers_never_carries_mail_there(
    practice, other_practice, bakery, dovecot, account
):
    _client, address = bakery
    elsewhere = addresses.client_address(ClientFactory(practice=other_practice))
    dovecot.append(*account, mail(to=elsewhere, subject="only theirs"))
    dovecot.append(*account, mail(to=elsewhere, cc=address, subject="theirs and ours"))
    mailbox = make_mailbox(practice, dovecot, account)

    assert poll(mailbox) == 2

    only_theirs, both = messages_of(practice)
    assert only_theirs.recipient == addresses.practice_address(practice)
    assert both.recipient == address
    assert messages_of(other_practice) == []


def test_messages_over_the_size_cap_are_taken_all_the_same(
    practice, bakery, dovecot, account, settings
):
    settings.ATLAS_INBOX_MAX_BYTES = 2_000
    _client, address = bakery
    raw = mail(to=address, body="x" * 10_000 + "\n")
    dovecot.append(*account, raw)
    mailbox = make_mailbox(practice, dovecot, account)

    assert poll(mailbox) == 1

    (message,) = messages_of(practice)
    assert message.raw_size == len(raw) > settings.ATLAS_INBOX_MAX_BYTES
    assert default_storage.open(message.raw_key).read() == raw  # parsing rejects it, with why


def test_one_run_takes_at_most_its_cap_oldest_first(
    practice, bakery, dovecot, account, monkeypatch
):
    monkeypatch.setattr(polling, "MAX_PER_RUN", 2)
    _client, address = bakery
    for subject in ("first", "second", "third"):
        dovecot.append(*account, mail(to=address, subject=subject))
    mailbox = make_mailbox(practice, dovecot, account)

    assert poll(mailbox) == 2
    taken = [m for m in dovecot.messages(*account) if TAKEN in m["flags"]]
    assert [b"Subject: third" in m["raw"] for m in taken] == [False, False]

    assert poll(mailbox) == 1
    assert poll(mailbox) == 0
    assert len(messages_of(practice)) == 3


def test_a_password_with_letters_beyond_ascii_logs_in(practice, bakery, dovecot):
    _client, address = bakery
    account = dovecot.utf8_account
    dovecot.append(*account, mail(to=address))
    mailbox = make_mailbox(practice, dovecot, account)

    assert poll(mailbox) == 1
    assert mailbox.last_error == ""


@pytest.fixture
def server_lacking(monkeypatch):
    """The poller sees Dovecot as a server without keywords of our own and/or without MOVE
    (Dovecot has both): the fallbacks run against the real server."""

    def lacking(*, keywords=False, move=False):
        real_session = polling._session

        @contextmanager
        def session(mailbox, password):
            with real_session(mailbox, password) as real:
                yield dataclasses.replace(
                    real,
                    keywords=real.keywords and not keywords,
                    capabilities=real.capabilities - ({"MOVE"} if move else set()),
                )

        monkeypatch.setattr(polling, "_session", session)

    return lacking


def test_a_server_without_keywords_has_taken_messages_marked_seen(
    practice, bakery, dovecot, account, server_lacking
):
    server_lacking(keywords=True)
    _client, address = bakery
    dovecot.append(*account, mail(to=address))
    mailbox = make_mailbox(practice, dovecot, account)

    assert poll(mailbox) == 1

    (on_server,) = dovecot.messages(*account)
    assert "\\Seen" in on_server["flags"]
    assert TAKEN not in on_server["flags"]
    assert poll(mailbox) == 0
    assert len(messages_of(practice)) == 1


def test_without_move_a_message_is_copied_and_only_it_is_expunged(
    practice, bakery, dovecot, account, server_lacking
):
    server_lacking(keywords=True, move=True)
    _client, address = bakery
    dovecot.append(*account, mail(to=address, subject="deleted by staff"), flags="\\Deleted")
    dovecot.append(*account, mail(to=address, subject="new"))
    mailbox = make_mailbox(practice, dovecot, account, processed_folder="Taken")

    assert poll(mailbox) == 1

    (left,) = dovecot.messages(*account)  # staff's deleted message is theirs to expunge
    assert b"Subject: deleted by staff" in left["raw"]
    (moved,) = dovecot.messages(*account, folder="Taken")
    assert b"Subject: new" in moved["raw"]
    assert poll(mailbox) == 0
    assert len(messages_of(practice)) == 1


# --- when something goes wrong --------------------------------------------------------------


def test_one_bad_message_does_not_stop_the_rest_and_is_taken_next_time(
    practice, bakery, dovecot, account, monkeypatch
):
    _client, address = bakery
    for subject in ("first", "broken", "third"):
        dovecot.append(*account, mail(to=address, subject=subject))
    mailbox = make_mailbox(practice, dovecot, account)
    storage = intake.default_storage

    class FullDisk:  # the disk is full when the broken one is written
        def save(self, name, content, **kwargs):
            if b"Subject: broken" in content.read():
                raise OSError(28, "No space left on device")
            content.seek(0)
            return storage.save(name, content, **kwargs)

        def __getattr__(self, name):
            return getattr(storage, name)

    monkeypatch.setattr(intake, "default_storage", FullDisk())
    assert poll(mailbox) == 2
    assert mailbox.last_error == (
        "1 message could not be taken and will be tried again at the next run "
        "(first: OSError: [Errno 28] No space left on device)."
    )
    flagged = {
        b"Subject: broken" in m["raw"]: TAKEN in m["flags"] for m in dovecot.messages(*account)
    }
    assert flagged == {True: False, False: True}

    monkeypatch.setattr(intake, "default_storage", storage)
    assert poll(mailbox) == 1
    assert mailbox.last_error == ""
    assert len(messages_of(practice)) == 3


def test_a_run_that_dies_between_intake_and_marking_takes_the_message_again_harmlessly(
    practice, bakery, dovecot, account, monkeypatch
):
    _client, address = bakery
    dovecot.append(*account, mail(to=address))
    mailbox = make_mailbox(practice, dovecot, account)
    mark = polling._mark_taken

    def connection_drops(*args):
        raise polling.ConnectionLost() from ConnectionResetError(104, "Connection reset by peer")

    monkeypatch.setattr(polling, "_mark_taken", connection_drops)
    assert poll(mailbox) == 0
    assert mailbox.last_error == (
        f"The connection to 127.0.0.1:{dovecot.port} was lost: connection reset by peer."
    )
    assert len(messages_of(practice)) == 1  # kept by intake, not marked on the server
    assert TAKEN not in dovecot.messages(*account)[0]["flags"]

    monkeypatch.setattr(polling, "_mark_taken", mark)
    assert poll(mailbox) == 1  # taken again: intake knows it

    assert len(messages_of(practice)) == 1
    assert TAKEN in dovecot.messages(*account)[0]["flags"]
    assert mailbox.last_error == ""


def test_a_wrong_password_is_said_and_nothing_is_taken(practice, bakery, dovecot, account):
    _client, address = bakery
    user, _password = account
    dovecot.append(*account, mail(to=address))
    mailbox = make_mailbox(practice, dovecot, (user, "not-the-password"))

    assert poll(mailbox) == 0

    assert mailbox.last_error == WRONG_PASSWORD
    assert mailbox.last_polled_at == DEFAULT_NOW
    assert messages_of(practice) == []
    assert TAKEN not in dovecot.messages(*account)[0]["flags"]


def test_an_inactive_mailbox_is_not_polled(practice, bakery, dovecot, account):
    _client, address = bakery
    dovecot.append(*account, mail(to=address))
    make_mailbox(practice, dovecot, account, is_active=False)

    with practice_context(practice.pk):
        assert polling.poll_practice(practice) == 0

    assert messages_of(practice) == []


def test_a_practice_without_a_mailbox_takes_nothing(practice):
    with practice_context(practice.pk):
        assert polling.poll_practice(practice) == 0


# --- check_connection: the sentences staff see ----------------------------------------------


def test_check_connection_is_none_when_it_connects_logs_in_and_selects(practice, dovecot, account):
    assert check(make_mailbox(practice, dovecot, account)) is None


def test_check_connection_says_when_nothing_listens(practice, dovecot, account):
    port = free_port()
    mailbox = make_mailbox(practice, dovecot, account, port=port)

    assert check(mailbox) == f"Could not connect to 127.0.0.1:{port}: connection refused."


def test_check_connection_says_when_the_password_is_refused(practice, dovecot, account):
    mailbox = make_mailbox(practice, dovecot, account)

    assert check(mailbox, password="not-the-password") == WRONG_PASSWORD
    assert check(mailbox) is None  # the stored password is still right


def test_check_connection_says_when_the_folder_does_not_exist(practice, dovecot, account):
    mailbox = make_mailbox(practice, dovecot, account, folder="Invoices")

    assert check(mailbox) == "There is no folder “Invoices” in this mailbox."
    assert poll(mailbox) == 0
    assert mailbox.last_error == "There is no folder “Invoices” in this mailbox."


def test_check_connection_works_on_a_mailbox_not_yet_saved(practice, dovecot, account):
    user, password = account
    mailbox = Mailbox(host=dovecot.host, port=dovecot.port, security="none", username=user)

    assert check(mailbox, password=password, practice=practice) is None
    assert check(mailbox, password="wrong", practice=practice) == WRONG_PASSWORD


# --- security -------------------------------------------------------------------------------


def test_no_encryption_is_refused_beyond_loopback_without_connecting(practice, dovecot, account):
    mailbox = make_mailbox(practice, dovecot, account, host="imap.example.com", port=143)
    sentence = (
        "A mailbox without encryption may only be on this server itself (localhost, "
        "127.0.0.1 or ::1); choose SSL/TLS or STARTTLS for imap.example.com."
    )

    assert check(mailbox) == sentence
    assert poll(mailbox) == 0
    assert mailbox.last_error == sentence


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "[::1]", "127.0.0.2"])
def test_loopback_hosts_are_loopback(host):
    assert polling.is_loopback(host)


@pytest.mark.parametrize("host", ["imap.example.com", "10.0.0.1", "localhost.example.com", ""])
def test_other_hosts_are_not(host):
    assert not polling.is_loopback(host)


def test_ssl_verifies_the_certificate(practice, bakery, dovecot, account, monkeypatch):
    mailbox = make_mailbox(practice, dovecot, account, security="ssl", port=dovecot.tls_port)

    assert check(mailbox) == (
        f"Could not connect to 127.0.0.1:{dovecot.tls_port}: its certificate could not be "
        "verified (self-signed certificate)."
    )

    # Once its certificate is trusted, the same mailbox is read over TLS.
    monkeypatch.setenv("SSL_CERT_FILE", str(dovecot.cert))
    assert check(mailbox) is None
    _client, address = bakery
    dovecot.append(*account, mail(to=address))
    assert poll(mailbox) == 1
    assert mailbox.last_error == ""


def test_starttls_verifies_the_certificate(practice, dovecot, account, monkeypatch):
    mailbox = make_mailbox(practice, dovecot, account, security="starttls")

    assert check(mailbox) == (
        f"Could not connect to 127.0.0.1:{dovecot.port}: its certificate could not be "
        "verified (self-signed certificate)."
    )
    monkeypatch.setenv("SSL_CERT_FILE", str(dovecot.cert))
    assert check(mailbox) is None


def test_ssl_to_a_port_that_speaks_plain_imap_says_so(practice, dovecot, account):
    mailbox = make_mailbox(practice, dovecot, account, security="ssl")

    sentence = check(mailbox)

    assert sentence.startswith(f"Could not connect to 127.0.0.1:{dovecot.port}: ")
    assert "secure connection failed" in sentence


def test_the_password_is_encrypted_at_rest(practice, dovecot, account, settings):
    user, password = account
    settings.ATLAS_INBOX_SECRET_KEY = Fernet.generate_key().decode()
    mailbox = make_mailbox(practice, dovecot, account)
    with practice_context(practice.pk), connection.cursor() as cursor:  # RLS: the practice's
        cursor.execute("SELECT password_encrypted FROM inbox_mailbox WHERE id = %s", [mailbox.pk])
        (stored,) = cursor.fetchone()

    assert stored != password
    assert password not in stored
    assert secrets.decrypt(stored) == password
    assert check(mailbox) is None

    settings.ATLAS_INBOX_SECRET_KEY = Fernet.generate_key().decode()  # the key changed

    assert check(mailbox) == UNREADABLE
    assert poll(mailbox) == 0
    assert mailbox.last_error == UNREADABLE


# --- the beat task --------------------------------------------------------------------------


def test_the_beat_task_polls_every_practice_and_a_broken_mailbox_stops_no_other(
    practice, other_practice, dovecot, queued
):
    third_practice = PracticeFactory(name="Third Street Accounts")
    ours, theirs = dovecot.add_user(), dovecot.add_user()
    first_client = ClientFactory(practice=practice)
    third_client = ClientFactory(practice=third_practice)
    dovecot.append(*ours, mail(to=addresses.client_address(first_client)))
    dovecot.append(*ours, mail(to="someone@harbour.example"))
    dovecot.append(*theirs, mail(to=addresses.client_address(third_client)))
    harbour = make_mailbox(practice, dovecot, ours)
    broken = make_mailbox(other_practice, dovecot, (dovecot.add_user()[0], "wrong"))
    third = make_mailbox(third_practice, dovecot, theirs)

    assert poll_mailboxes() == 3

    for mailbox in (harbour, broken, third):
        with practice_context(mailbox.practice_id):
            mailbox.refresh_from_db()
        assert mailbox.last_polled_at == DEFAULT_NOW
    assert (harbour.last_error, broken.last_error, third.last_error) == ("", WRONG_PASSWORD, "")
    assert [m.address.client_id for m in messages_of(practice)] == [first_client.pk, None]
    assert [m.address.client_id for m in messages_of(third_practice)] == [third_client.pk]
    assert messages_of(other_practice) == []
    with unscoped("test: every message of every practice"):
        assert InboundMessage.unscoped_objects.count() == 3
    assert len(queued) == 3

    assert poll_mailboxes() == 0  # nothing new anywhere
