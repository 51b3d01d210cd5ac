"""The bytes of a message a provider posted (``inbox.webhooks``): exactly those it sent when
it sends the raw message, else a repeatable rebuild of the parsed fields, so that a provider's
retry hashes the same in intake.
"""

import email.encoders
import email.policy
import hashlib
import logging
from email.parser import BytesParser

from anymail.inbound import AnymailInboundMessage
from django.http.request import RawPostDataException

logger = logging.getLogger(__name__)


def stable_bytes(message: AnymailInboundMessage) -> bytes:
    """The bytes of a message anymail rebuilt from a provider's parsed fields, made safe and
    repeatable:

    - anymail sets each attachment's bytes as the part's payload with no transfer encoding,
      and serialising such a part rewrites its line endings (a PDF comes out changed): each
      part without one is base64-encoded first;
    - the email package draws a random MIME boundary for each multipart part on every
      serialisation: each is named after a digest of the parts' content instead, so the same
      post (a provider's retry) gives the same bytes, and the same SHA-256 for intake."""
    for part in message.walk():
        if not part.is_multipart() and part.get_payload() and not part["Content-Transfer-Encoding"]:
            email.encoders.encode_base64(part)
    digest = hashlib.sha256()
    for part in message.walk():
        digest.update(repr(part.items()).encode("utf-8", "surrogateescape"))
        if not part.is_multipart():
            digest.update(part.as_bytes())
    seed = digest.hexdigest()[:32]
    containers = [
        part
        for part in message.walk()
        if part.get_content_maintype() == "multipart" and part.get_boundary() is None
    ]
    for number, part in enumerate(containers):
        part.set_boundary(f"=_atlas_{seed}_{number}")
    return message.as_bytes(policy=message.policy.clone(linesep="\r\n"))


def text_bytes(text: str) -> bytes:
    """A raw message Django or anymail decoded, back to its bytes (undecodable bytes kept)."""
    return text.encode("utf-8", "surrogateescape")


def form_field_bytes(request, name: str) -> bytes | None:
    """The exact bytes a multipart/form-data post sent for the text field ``name`` (Django
    decodes text fields, replacing bytes that are not UTF-8: a raw message in another 8-bit
    charset would lose them). None when the body was not kept or the field is not there."""
    content_type = request.META.get("CONTENT_TYPE", "")
    if not content_type.lower().startswith("multipart/form-data"):
        return None
    try:
        body = request.body
    except RawPostDataException:
        return None
    head = b"Content-Type: " + content_type.encode("latin-1", "replace") + b"\r\n\r\n"
    try:
        form = BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
        for part in form.iter_parts():
            if part.get_param("name", header="content-disposition") == name:
                return part.get_payload(decode=True)
    except Exception:  # a form the email package cannot read: Django's decoding will do
        logger.warning("inbox: could not re-read the %s field of a webhook post", name)
    return None
