"""Amazon SNS's message signatures, checked for the SES inbound webhook (``inbox.webhooks``;
anymail 13 does not check them).

SNS signs the fields of each message type, in order, each as "name\\nvalue\\n", with RSA
(SignatureVersion 1: SHA-1, 2: SHA-256) and the key of a certificate it serves over HTTPS from
its own host. The caller fetches and keeps the certificates (``certificate_for``); this module
only says whether a certificate's address is SNS's and whether a signature verifies.
"""

import base64
import binascii
import re
from collections.abc import Callable
from urllib.parse import urlsplit

from anymail.exceptions import AnymailWebhookValidationFailure
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

SNS_CERT_HOST = re.compile(r"^sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$")
SNS_SIGNED_FIELDS = {
    "Notification": ("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"),
    "SubscriptionConfirmation": (
        "Message",
        "MessageId",
        "SubscribeURL",
        "Timestamp",
        "Token",
        "TopicArn",
        "Type",
    ),
}
SNS_SIGNED_FIELDS["UnsubscribeConfirmation"] = SNS_SIGNED_FIELDS["SubscriptionConfirmation"]
SNS_OPTIONAL = {"Subject"}
SNS_HASHES = {"1": hashes.SHA1, "2": hashes.SHA256}


def check_certificate_url(url: str) -> None:
    """Raise ``AnymailWebhookValidationFailure`` unless ``url`` is an HTTPS address of a
    ``.pem`` file on an SNS host (so that nothing else is ever fetched)."""
    parts = urlsplit(url or "")
    if (
        parts.scheme != "https"
        or not SNS_CERT_HOST.match(parts.hostname or "")
        or parts.port is not None
        or parts.username is not None
        or not parts.path.endswith(".pem")
    ):
        raise AnymailWebhookValidationFailure(f"SNS signing certificate not from SNS: {url!r}")


def verify_sns_signature(message: dict, certificate_for: Callable[[str], x509.Certificate]) -> None:
    """Raise ``AnymailWebhookValidationFailure`` unless ``message`` carries a valid signature
    of Amazon SNS, made with the certificate ``certificate_for`` gives for its
    ``SigningCertURL`` (asked only once everything else about the message is in order)."""
    fields = SNS_SIGNED_FIELDS.get(message.get("Type"))
    algorithm = SNS_HASHES.get(str(message.get("SignatureVersion")))
    if fields is None or algorithm is None:
        raise AnymailWebhookValidationFailure("SNS message of an unknown type or signature")
    signed = ""
    for name in fields:
        value = message.get(name)
        if value is None and name in SNS_OPTIONAL:
            continue
        if not isinstance(value, str):
            raise AnymailWebhookValidationFailure(f"SNS message without {name}")
        signed += f"{name}\n{value}\n"
    try:
        signature = base64.b64decode(message.get("Signature") or "", validate=True)
    except (binascii.Error, ValueError) as error:
        raise AnymailWebhookValidationFailure("SNS signature is not base64") from error
    certificate = certificate_for(message.get("SigningCertURL", ""))
    try:
        certificate.public_key().verify(
            signature, signed.encode("utf-8"), padding.PKCS1v15(), algorithm()
        )
    except (InvalidSignature, TypeError, ValueError) as error:
        raise AnymailWebhookValidationFailure("SNS signature does not verify") from error
