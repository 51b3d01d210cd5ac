"""Mail from email providers' inbound webhooks (django-anymail): Postmark, Mailgun, SendGrid and
Amazon SES.

Each provider's view is anymail's own with the inbox's rules on top (``InboxWebhook``):

- every call must carry the basic-auth pair of ``ANYMAIL["WEBHOOK_SECRET"]``: without one set,
  every call is refused (anymail alone would only warn and let anyone post mail);
- the provider's own check runs after it: Mailgun's HMAC signature (anymail), Amazon SNS's
  certificate signature (here: anymail 13 does not check it);
- a call failing a check is answered 400 (anymail's ``AnymailWebhookValidationFailure``) and
  recorded as a ``RefusedDelivery``, never stored as mail.

A call that passes becomes a ``Delivery``: the message's raw bytes (the provider's raw MIME when
it sends one, byte for byte; otherwise anymail's reconstruction with stable MIME boundaries, so
a provider's retry hashes the same), its envelope recipients and sender. ``on_inbound``, the
receiver of anymail's ``inbound`` signal, hands it to ``intake.accept``. Mail to an address no
practice has is answered 200 (the provider would otherwise retry for days) and intake records
the refusal; a storage failure is a 500, which providers retry. A post larger than Django's
``DATA_UPLOAD_MAX_MEMORY_SIZE`` is answered 400 and recorded too.

Verdicts: message parsing trusts only the topmost ``Authentication-Results`` header. When a
provider posts mail, the topmost one in the raw message may have been written by the sender
(nothing below the provider adds one), so every delivery gets one prepended, written from what
the provider itself verified and posted beside the message, never from anything in the message:
Amazon SES's receipt verdicts (DMARC, SPF), SendGrid's ``SPF`` and ``dkim`` fields, and for
Postmark and Mailgun the SPF result they put above the original headers. A DKIM result is only
written with the signing domain it is for (alignment needs it), so Postmark and Mailgun give no
DKIM and no DMARC: mail from them is never "authenticated" by sender alone.
"""

import base64
import binascii
import email.encoders
import email.policy
import hashlib
import ipaddress
import json
import logging
import re
from dataclasses import dataclass, field
from email.parser import BytesParser
from urllib.parse import urlsplit

import requests
from anymail.exceptions import AnymailAPIError, AnymailWebhookValidationFailure
from anymail.inbound import AnymailInboundMessage
from anymail.webhooks.amazon_ses import AmazonSESInboundWebhookView
from anymail.webhooks.base import AnymailBasicAuthMixin
from anymail.webhooks.mailgun import MailgunInboundWebhookView
from anymail.webhooks.postmark import PostmarkInboundWebhookView
from anymail.webhooks.sendgrid import SendGridInboundWebhookView
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http.request import RawPostDataException

from inbox import intake
from inbox.models import Channel
from inbox.recipients import header_recipients

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Delivery:
    """What a provider delivered: the bytes to keep, who it was for, who sent it."""

    provider: str
    raw: bytes
    recipients: list[str] = field(default_factory=list)
    envelope_from: str = ""


# --- the verdict header ---------------------------------------------------------------------

RESULTS = {"pass", "fail", "softfail", "neutral", "none", "temperror", "permerror", "policy"}
DOMAIN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}\.)*[a-z0-9-]{1,63}$")


def _result(value) -> str:
    """A verdict as RFC 8601 spells it, or "none" for anything else."""
    word = str(value or "").strip().split(" ", 1)[0].split("(", 1)[0].lower()
    return word if word in RESULTS else "none"


def _domain(address) -> str:
    """The domain of ``address`` when it is a plain DNS name, else "" (never written)."""
    domain = str(address or "").strip().strip("<>").rpartition("@")[2].lower().rstrip(".")
    return domain if len(domain) <= 253 and DOMAIN.match(domain) else ""


def verdict_header(
    provider: str,
    *,
    spf=None,
    mail_from: str = "",
    dkim: list[tuple[str, str]] = (),
    dmarc=None,
    header_from: str = "",
) -> str:
    """An ``Authentication-Results`` header of ours stating what ``provider`` verified: only
    known result words and plain domains go in, so nothing the sender wrote can shape it."""
    results = []
    if spf is not None:
        result = _result(spf)
        domain = _domain(mail_from)
        results.append(f"spf={result} smtp.mailfrom={domain}" if domain else f"spf={result}")
    for result, domain in dkim:
        domain = _domain(f"@{domain}")
        if domain:
            results.append(f"dkim={_result(result)} header.d={domain}")
    if dmarc is not None:
        domain = _domain(header_from)
        result = _result(dmarc)
        results.append(f"dmarc={result} header.from={domain}" if domain else f"dmarc={result}")
    body = "; ".join(results) if results else "none"
    authserv = settings.ATLAS_INBOX_DOMAIN
    return f"Authentication-Results: {authserv} (verdicts of {provider}); {body}"


def with_verdict(raw: bytes, header: str) -> bytes:
    """``raw`` with ``header`` on top, in the message's own line endings."""
    first_line = raw.split(b"\n", 1)[0]
    newline = b"\r\n" if first_line.endswith(b"\r") or not raw else b"\n"
    return header.encode("ascii") + newline + raw


# --- the message's bytes --------------------------------------------------------------------


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


def _text_bytes(text: str) -> bytes:
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


def _split(addresses) -> list[str]:
    if isinstance(addresses, str):
        addresses = addresses.split(",")
    return [a.strip() for a in addresses or [] if isinstance(a, str) and a.strip()]


def _first_header(headers, name: str) -> str:
    """The first (topmost) ``name`` in a provider's list of headers: the provider's own, which
    it writes above the message's original headers."""
    for header_name, value in headers:
        if str(header_name).lower() == name.lower():
            return str(value)
    return ""


# --- the views ------------------------------------------------------------------------------


def remote_address(request) -> str | None:
    value = request.META.get("REMOTE_ADDR", "")
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


class InboxWebhook:
    """The inbox's rules on an anymail inbound view (see the module's docstring). Mixed in
    before the anymail view, so its ``validate_request`` runs first: basic auth, then the
    provider's own check, then anymail's."""

    provider = ""  # our name for the provider, stored on each message

    def validate_request(self, request):
        if not self.basic_auth:
            raise AnymailWebhookValidationFailure(
                "no WEBHOOK_SECRET is set in ANYMAIL: every provider's call is refused"
            )
        AnymailBasicAuthMixin.validate_request(self, request)
        self.verify_signature(request)

    def verify_signature(self, request):
        """The provider's own proof, where anymail does not check one."""

    def before(self, request):
        """Anything to do with the request before anymail reads it."""

    def post(self, request, *args, **kwargs):
        try:
            self.before(request)
            return super().post(request, *args, **kwargs)
        except AnymailWebhookValidationFailure as failure:
            self.refused(request, f"{self.esp_name} webhook refused: {failure}")
            raise
        except RequestDataTooBig:
            # Django's DATA_UPLOAD_MAX_MEMORY_SIZE is smaller than this post: the mail is not
            # kept (400), and staff can see that it came.
            self.refused(
                request,
                f"{self.esp_name} webhook post of {request.META.get('CONTENT_LENGTH')} bytes "
                "refused: larger than DATA_UPLOAD_MAX_MEMORY_SIZE",
            )
            raise

    def refused(self, request, reason: str) -> None:
        intake.record_refusal(
            Channel.WEBHOOK, self.provider, reason, remote_addr=remote_address(request)
        )

    def parse_events(self, request):
        events = super().parse_events(request)
        for event in events:
            event.inbox_delivery = self.delivery(request, event)
        return events

    def delivery(self, request, event) -> Delivery:
        raise NotImplementedError


class PostmarkInbound(InboxWebhook, PostmarkInboundWebhookView):
    """Postmark: JSON; the raw message in ``RawEmail`` when the server's "include raw email
    content" is on, else anymail rebuilds it. Only basic auth: Postmark signs nothing."""

    provider = "postmark"

    def esp_to_anymail_event(self, esp_event):
        # Postmark posts ``"ContentID": ""`` for an ordinary attachment (Outlook's, for one);
        # anymail takes any ContentID for an inline part. Rebuilt without it, it stays an
        # attachment. (With RawEmail on, the message's own MIME is kept and this is moot.)
        attachments = esp_event.get("Attachments")
        if isinstance(attachments, list) and "RawEmail" not in esp_event:
            esp_event = {
                **esp_event,
                "Attachments": [
                    {k: v for k, v in a.items() if k != "ContentID" or v}
                    for a in attachments
                    if isinstance(a, dict)
                ],
            }
        return super().esp_to_anymail_event(esp_event)

    def delivery(self, request, event) -> Delivery:
        payload = event.esp_event
        message = event.message
        raw_email = payload.get("RawEmail")
        raw = _text_bytes(raw_email) if raw_email else stable_bytes(message)
        recipients = _split(payload.get("OriginalRecipient") or "")
        if not recipients:
            bcc = [a.get("Email", "") for a in payload.get("BccFull") or [] if isinstance(a, dict)]
            recipients = header_recipients(raw) + _split(bcc)
        envelope_from = message.envelope_sender or ""
        # Postmark writes its SPF check above the original headers (Return-Path, which it
        # prepends, is first).
        headers = [(h.get("Name", ""), h.get("Value", "")) for h in payload.get("Headers") or []]
        spf = _first_header(headers, "Received-SPF")
        header = verdict_header("Postmark", spf=spf or None, mail_from=envelope_from)
        return Delivery(self.provider, with_verdict(raw, header), recipients, envelope_from)


class MailgunInbound(InboxWebhook, MailgunInboundWebhookView):
    """Mailgun: a form post, the raw message in ``body-mime`` on the ``…/inbound_mime/`` URL,
    parsed fields on ``…/inbound/``. Signed: HMAC-SHA256 of timestamp + token with the webhook
    signing key (``MAILGUN_WEBHOOK_SIGNING_KEY``), checked by anymail."""

    provider = "mailgun"

    def before(self, request):
        if "mime" in request.path:
            # Keep the body before Django parses the form, to read body-mime byte for byte.
            request.body  # noqa: B018

    def delivery(self, request, event) -> Delivery:
        message = event.message
        if "body-mime" in request.POST:
            raw = form_field_bytes(request, "body-mime") or _text_bytes(request.POST["body-mime"])
        else:
            raw = stable_bytes(message)
        recipients = _split(request.POST.get("recipient", "")) or header_recipients(raw)
        envelope_from = message.envelope_sender or ""
        if "message-headers" in request.POST:
            try:
                headers = [tuple(h) for h in json.loads(request.POST["message-headers"])]
            except (TypeError, ValueError):
                headers = []
        else:
            headers = list(message.items())
        spf = _first_header(headers, "X-Mailgun-Spf")
        header = verdict_header("Mailgun", spf=spf or None, mail_from=envelope_from)
        return Delivery(self.provider, with_verdict(raw, header), recipients, envelope_from)


DKIM_FIELD = re.compile(r"@([A-Za-z0-9.-]+)\s*:\s*([A-Za-z]+)")


class SendGridInbound(InboxWebhook, SendGridInboundWebhookView):
    """SendGrid Inbound Parse: a form post, the raw message in ``email`` when "POST the raw,
    full MIME message" is on, else parsed fields. Only basic auth (anymail does not check
    SendGrid's inbound signature; anymail 13 no longer supports SendGrid officially and warns,
    but its inbound view is unchanged)."""

    provider = "sendgrid"

    def delivery(self, request, event) -> Delivery:
        message = event.message
        if "email" in request.POST and "headers" not in request.POST:
            raw = form_field_bytes(request, "email") or _text_bytes(request.POST["email"])
        else:
            raw = stable_bytes(message)
        try:
            envelope = json.loads(request.POST.get("envelope") or "{}")
        except ValueError:
            envelope = {}
        envelope = envelope if isinstance(envelope, dict) else {}
        recipients = _split(envelope.get("to")) or header_recipients(raw)
        envelope_from = str(envelope.get("from") or "")
        found = DKIM_FIELD.findall(request.POST.get("dkim", ""))
        dkim = [(result, domain) for domain, result in found]
        spf = request.POST.get("SPF")
        header = verdict_header("SendGrid", spf=spf, mail_from=envelope_from, dkim=dkim)
        return Delivery(self.provider, with_verdict(raw, header), recipients, envelope_from)


# Amazon SNS signs every message with a certificate it serves from its own host.
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
_SNS_CERTIFICATES: dict[str, x509.Certificate] = {}


def fetch_certificate_pem(url: str) -> bytes:
    """SNS's signing certificate, over HTTPS from the SNS host (the only network call here)."""
    response = requests.get(url, timeout=5, allow_redirects=False)
    response.raise_for_status()
    return response.content


def sns_certificate(url: str) -> x509.Certificate:
    parts = urlsplit(url or "")
    if (
        parts.scheme != "https"
        or not SNS_CERT_HOST.match(parts.hostname or "")
        or parts.port is not None
        or parts.username is not None
        or not parts.path.endswith(".pem")
    ):
        raise AnymailWebhookValidationFailure(f"SNS signing certificate not from SNS: {url!r}")
    if url not in _SNS_CERTIFICATES:
        try:
            pem = fetch_certificate_pem(url)
            _SNS_CERTIFICATES[url] = x509.load_pem_x509_certificate(pem)
        except (requests.RequestException, ValueError) as error:
            # Not a refusal of the sender: SNS retries on a 5xx.
            raise AnymailAPIError(f"SNS signing certificate unavailable: {error}") from error
    return _SNS_CERTIFICATES[url]


def verify_sns_signature(message: dict) -> None:
    """Raise ``AnymailWebhookValidationFailure`` unless ``message`` carries a valid signature
    of Amazon SNS (SignatureVersion 1: RSA SHA-1, 2: RSA SHA-256, over the fields of its type
    in order, each as "name\\nvalue\\n")."""
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
    certificate = sns_certificate(message.get("SigningCertURL", ""))
    try:
        certificate.public_key().verify(
            signature, signed.encode("utf-8"), padding.PKCS1v15(), algorithm()
        )
    except (InvalidSignature, TypeError, ValueError) as error:
        raise AnymailWebhookValidationFailure("SNS signature does not verify") from error


SES_RESULTS = {"PASS": "pass", "FAIL": "fail", "GRAY": "none", "PROCESSING_FAILED": "temperror"}


class AmazonSESInbound(InboxWebhook, AmazonSESInboundWebhookView):
    """Amazon SES receipt rules publishing to SNS, the message in the notification (SNS action)
    or in S3 (S3 action, fetched by anymail). SNS first posts without credentials and expects
    a 401 to send its basic auth (anymail answers it); then the SNS signature is checked here,
    and SNS's own headers against the body by anymail."""

    provider = "amazon_ses"
    _s3_raw = b""

    def verify_signature(self, request):
        try:
            message = self._parse_sns_message(request)
        except AnymailAPIError as error:
            raise AnymailWebhookValidationFailure("not an SNS message") from error
        if not isinstance(message, dict):
            raise AnymailWebhookValidationFailure("not an SNS message")
        verify_sns_signature(message)

    def download_s3_object(self, bucket_name, object_key):
        fp = super().download_s3_object(bucket_name, object_key)
        self._s3_raw = fp.read()
        fp.seek(0)
        return fp

    def delivery(self, request, event) -> Delivery:
        notification = event.esp_event
        receipt = notification.get("receipt") or {}
        action = receipt.get("action") or {}
        mail = notification.get("mail") or {}
        message = event.message
        if action.get("type") == "S3":
            raw = self._s3_raw
        elif action.get("encoding") == "BASE64":
            raw = base64.b64decode(notification.get("content") or "")
        else:
            raw = _text_bytes(notification.get("content") or "")
        recipients = _split(receipt.get("recipients")) or header_recipients(raw)
        envelope_from = str(mail.get("source") or "")
        sender = message.from_email  # a list when there are several: DMARC names none
        header_from = getattr(sender, "addr_spec", "") or ""

        def verdict(name):
            status = (receipt.get(name) or {}).get("status")
            return SES_RESULTS.get(str(status).upper(), "none") if status else None

        header = verdict_header(
            "Amazon SES",
            spf=verdict("spfVerdict"),
            mail_from=envelope_from,
            dmarc=verdict("dmarcVerdict"),
            header_from=header_from,
        )
        return Delivery(self.provider, with_verdict(raw, header), recipients, envelope_from)


# --- the receiver ---------------------------------------------------------------------------


def on_inbound(sender, event, esp_name, **kwargs):
    """anymail's ``inbound`` signal: keep the message through the one intake. Events from
    anymail views that are not the inbox's (none are routed) carry no delivery: ignored."""
    delivery = getattr(event, "inbox_delivery", None)
    if delivery is None:
        logger.warning("inbox: ignored a %s inbound event from %s", esp_name, sender.__name__)
        return
    outcomes = intake.accept(
        delivery.raw,
        recipients=delivery.recipients,
        channel=Channel.WEBHOOK,
        provider=delivery.provider,
        envelope_from=delivery.envelope_from,
    )
    for outcome in outcomes:
        logger.info(
            "inbox: %s webhook delivery %s: %s",
            esp_name,
            outcome.kind,
            outcome.message.pk if outcome.message else outcome.detail,
        )
