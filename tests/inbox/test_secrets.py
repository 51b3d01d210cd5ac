"""IMAP passwords are encrypted at rest: Fernet, under ATLAS_INBOX_SECRET_KEY or a key derived
from SECRET_KEY; a password no key of this server can read says so in words."""

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from inbox import secrets
from inbox.models import Mailbox
from inbox.secrets import SecretError

UNREADABLE = (
    "The mailbox password cannot be read with this server's key; "
    "enter it again under Settings › Inbox."
)


@pytest.fixture(autouse=True)
def keys(settings):
    settings.SECRET_KEY = "the-suite-secret-key"
    settings.SECRET_KEY_FALLBACKS = []
    settings.ATLAS_INBOX_SECRET_KEY = ""
    return settings


def test_a_password_comes_back_and_is_not_in_the_token():
    token = secrets.encrypt("correct horse battery staple")

    assert "correct horse" not in token
    assert token.isascii()
    assert secrets.decrypt(token) == "correct horse battery staple"


def test_the_same_password_encrypts_differently_each_time():
    assert secrets.encrypt("same") != secrets.encrypt("same")


def test_letters_beyond_ascii_survive():
    assert secrets.decrypt(secrets.encrypt("pässwörd ✓")) == "pässwörd ✓"


def test_without_a_configured_key_the_key_is_derived_from_secret_key(keys):
    token = secrets.encrypt("hunter2")

    derived = Fernet(secrets.derived_key("the-suite-secret-key"))
    assert derived.decrypt(token.encode()) == b"hunter2"
    # Not the secret key itself, and another SECRET_KEY derives another key.
    assert secrets.derived_key("the-suite-secret-key") != secrets.derived_key("another")


def test_a_configured_key_encrypts(keys):
    key = Fernet.generate_key()
    keys.ATLAS_INBOX_SECRET_KEY = key.decode()

    token = secrets.encrypt("hunter2")

    assert Fernet(key).decrypt(token.encode()) == b"hunter2"


def test_a_password_saved_before_the_key_was_configured_stays_readable(keys):
    token = secrets.encrypt("hunter2")  # under the key derived from SECRET_KEY
    keys.ATLAS_INBOX_SECRET_KEY = Fernet.generate_key().decode()

    assert secrets.decrypt(token) == "hunter2"


def test_keys_rotate_the_first_encrypts_and_every_one_decrypts(keys):
    old, new = Fernet.generate_key(), Fernet.generate_key()
    keys.ATLAS_INBOX_SECRET_KEY = old.decode()
    old_token = secrets.encrypt("hunter2")

    keys.ATLAS_INBOX_SECRET_KEY = f"{new.decode()}, {old.decode()}"

    assert secrets.decrypt(old_token) == "hunter2"
    assert Fernet(new).decrypt(secrets.encrypt("x").encode()) == b"x"


def test_a_secret_key_moved_to_the_fallbacks_still_reads_its_passwords(keys):
    token = secrets.encrypt("hunter2")
    keys.SECRET_KEY = "the-next-secret-key"
    keys.SECRET_KEY_FALLBACKS = ["the-suite-secret-key"]

    assert secrets.decrypt(token) == "hunter2"


def test_a_changed_configured_key_gives_the_sentence(keys):
    keys.ATLAS_INBOX_SECRET_KEY = Fernet.generate_key().decode()
    token = secrets.encrypt("hunter2")
    keys.ATLAS_INBOX_SECRET_KEY = Fernet.generate_key().decode()

    with pytest.raises(SecretError) as refused:
        secrets.decrypt(token)

    assert refused.value.message == UNREADABLE
    assert str(refused.value) == UNREADABLE


def test_a_changed_secret_key_gives_the_sentence(keys):
    token = secrets.encrypt("hunter2")
    keys.SECRET_KEY = "a-new-secret-key"

    with pytest.raises(SecretError, match="cannot be read with this server's key"):
        secrets.decrypt(token)


@pytest.mark.parametrize("token", ["", "not a token", "gAAAAA" + "A" * 80, "é"])
def test_what_is_not_a_token_gives_the_sentence(token):
    with pytest.raises(SecretError) as refused:
        secrets.decrypt(token)

    assert refused.value.message == UNREADABLE


def test_a_configured_key_that_is_not_a_fernet_key_is_a_configuration_error(keys):
    keys.ATLAS_INBOX_SECRET_KEY = "too-short"

    with pytest.raises(ImproperlyConfigured, match="ATLAS_INBOX_SECRET_KEY"):
        secrets.encrypt("hunter2")


def test_set_password_keeps_it_encrypted_and_leaves_saving_to_the_caller():
    mailbox = Mailbox(host="imap.example.com", username="office")

    secrets.set_password(mailbox, "hunter2")

    assert mailbox.pk is None
    assert mailbox.password_encrypted
    assert "hunter2" not in mailbox.password_encrypted
    assert secrets.decrypt(mailbox.password_encrypted) == "hunter2"
