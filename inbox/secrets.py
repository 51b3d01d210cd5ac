"""IMAP passwords encrypted at rest (Fernet: AES-128-CBC with an HMAC-SHA256, from
``cryptography``).

The key is ``ATLAS_INBOX_SECRET_KEY`` (a Fernet key), or, when that is empty, one derived from
``SECRET_KEY`` with HKDF-SHA256 under a fixed label, so that the database alone never reveals a
password. Rotation: ``ATLAS_INBOX_SECRET_KEY`` may list several keys separated by commas; the
first encrypts, every one decrypts, and so do the keys derived from ``SECRET_KEY`` and
``SECRET_KEY_FALLBACKS`` (a password saved before the setting was set stays readable). A password
that no key can read (the key changed) raises ``SecretError``: staff enter it again.
"""

import base64

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from atlasos.refusals import Refusal

# Changing the label changes every derived key: every stored password would need entering again.
DERIVATION_LABEL = b"atlasos inbox: IMAP mailbox passwords, v1"


class SecretError(Refusal):
    """A stored password that this server's keys cannot read."""

    def __init__(self, message: str = ""):
        super().__init__(
            message
            or "The mailbox password cannot be read with this server's key; "
            "enter it again under Settings › Inbox."
        )


def derived_key(secret_key: str) -> bytes:
    """A Fernet key from Django's ``SECRET_KEY`` (HKDF-SHA256, fixed label, no salt)."""
    material = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=DERIVATION_LABEL).derive(
        secret_key.encode()
    )
    return base64.urlsafe_b64encode(material)


def _configured_keys() -> list[bytes]:
    value = settings.ATLAS_INBOX_SECRET_KEY or ""
    return [part.strip().encode() for part in value.split(",") if part.strip()]


def _fernet() -> MultiFernet:
    keys = _configured_keys()
    fernets = []
    for key in keys:
        try:
            fernets.append(Fernet(key))
        except ValueError as error:
            raise ImproperlyConfigured(
                "ATLAS_INBOX_SECRET_KEY must be Fernet keys (32 url-safe base64-encoded bytes), "
                "separated by commas."
            ) from error
    secret_keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    fernets.extend(Fernet(derived_key(secret)) for secret in secret_keys if secret)
    return MultiFernet(fernets)


def encrypt(text: str) -> str:
    """``text`` encrypted with the first key (a Fernet token, ASCII)."""
    return _fernet().encrypt(text.encode()).decode("ascii")


def decrypt(token: str) -> str:
    """The text ``token`` encrypts; ``SecretError`` when no key of this server reads it."""
    if not token:
        raise SecretError()
    try:
        return _fernet().decrypt(token.encode("ascii")).decode()
    except (InvalidToken, UnicodeError) as error:
        raise SecretError() from error


def set_password(mailbox, raw: str) -> None:
    """Keep ``raw`` as ``mailbox``'s password, encrypted. Like Django's ``set_password`` it
    does not save: the caller saves the mailbox (``form.save(commit=False)``, then this, then
    ``mailbox.save()``)."""
    mailbox.password_encrypted = encrypt(raw)
