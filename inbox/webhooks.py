"""Mail from email providers' inbound webhooks (django-anymail): Postmark, Mailgun, SendGrid and
Amazon SES.

Each provider's view is anymail's own with the inbox's rules on top (``InboxWebhook``):

- every call must carry the basic-auth pair of ``ANYMAIL["WEBHOOK_SECRET"]``: without one set,
  every call is refused (anymail alone would only warn and let anyone post mail);
- the provider's own check runs after it: Mailgun's HMAC signature (anymail), Amazon SNS's
  certificate signature (``inbox.sns_signatures``: anymail 13 does not check it);
- a call failing a check is answered 400 (anymail's ``AnymailWebhookValidationFailure``) and
  recorded as a ``RefusedDelivery``, never stored as mail;
- a provider the server is not configured for (Mailgun without
  ``MAILGUN_WEBHOOK_SIGNING_KEY``: anymail raises ``AnymailConfigurationError`` as the view is
  made), or a provider posting here what belongs elsewhere (Postmark's bounce webhook, an SES
  sending event's topic), is answered 400 and recorded in the same way, with the reason.

A call that passes becomes a ``Delivery``: the message's raw bytes (the provider's raw MIME when
it sends one, byte for byte; otherwise anymail's reconstruction with stable MIME boundaries, so
a provider's retry hashes the same: ``inbox.webhook_bytes``), its envelope recipients and
sender. ``on_inbound``, the receiver of anymail's ``inbound`` signal, hands it to
``intake.accept``. Mail to an address no practice has is answered 200 (the provider would
otherwise retry for days) and intake records the refusal; a storage failure is a 500, which
providers retry. A post larger than Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE`` is answered 400
and recorded too.

Verdicts (``inbox.webhook_verdicts``): every delivery gets an ``Authentication-Results`` header
of ours on top, written from what the provider itself verified and posted beside the message,
never from anything in the message: Amazon SES's receipt verdicts (DMARC, SPF), SendGrid's
``SPF`` and ``dkim`` fields, and for Postmark and Mailgun the SPF result they put above the
original headers. A DKIM result is only written with the signing domain it is for (alignment
needs it), so Postmark and Mailgun give no DKIM and no DMARC: mail from them is never
"authenticated" by sender alone.
"""

import base64
import ipaddress
import json
import logging
import re
from dataclasses import dataclass, field

import requests
from anymail.exceptions import (
    AnymailAPIError,
    AnymailConfigurationError,
    AnymailWebhookValidationFailure,
)
from anymail.webhooks.amazon_ses import AmazonSESInboundWebhookView
from anymail.webhooks.base import AnymailBasicAuthMixin
from anymail.webhooks.mailgun import MailgunInboundWebhookView
from anymail.webhooks.postmark import PostmarkInboundWebhookView
from anymail.webhooks.sendgrid import SendGridInboundWebhookView
from cryptography import x509
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse, HttpResponseBadRequest

from inbox import intake
from inbox.models import Channel
from inbox.recipients import header_recipients
from inbox.sns_signatures import check_certificate_url, verify_sns_signature
from inbox.webhook_bytes import form_field_bytes, stable_bytes, text_bytes
from inbox.webhook_verdicts import first_header, verdict_header, with_verdict

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Delivery:
    """What a provider delivered: the bytes to keep, who it was for, who sent it."""

    provider: str
    raw: bytes
    recipients: list[str] = field(default_factory=list)
    envelope_from: str = ""


def _split(addresses) -> list[str]:
    if isinstance(addresses, str):
        addresses = addresses.split(",")
    return [a.strip() for a in addresses or [] if isinstance(a, str) and a.strip()]


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

    def __init__(self, **kwargs):
        self.misconfigured = ""
        try:
            super().__init__(**kwargs)
        except AnymailConfigurationError as error:
            # anymail reads the provider's settings as each request's view is made and raises
            # when one it needs is missing: answered by ``post``, never a 500.
            self.misconfigured = self.configuration_problem(error)

    def configuration_problem(self, error: AnymailConfigurationError) -> str:
        """What is missing, in the words staff read on the refusal."""
        return str(error)

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
        if self.misconfigured:
            return self.refused_as_misconfigured(request, self.misconfigured)
        try:
            self.before(request)
            return super().post(request, *args, **kwargs)
        except AnymailWebhookValidationFailure as failure:
            self.refused(request, f"{self.esp_name} webhook refused: {failure}")
            raise
        except AnymailConfigurationError as error:
            # The provider posts here what belongs to another URL (Postmark's bounce webhook,
            # an SES sending event's topic): the operator's to set right, never mail.
            return self.refused_as_misconfigured(request, str(error))
        except RequestDataTooBig:
            # Django's DATA_UPLOAD_MAX_MEMORY_SIZE is smaller than this post: the mail is not
            # kept (400), and staff can see that it came.
            self.refused(
                request,
                f"{self.esp_name} webhook post of {request.META.get('CONTENT_LENGTH')} bytes "
                "refused: larger than DATA_UPLOAD_MAX_MEMORY_SIZE",
            )
            raise

    def refused_as_misconfigured(self, request, problem: str) -> HttpResponse:
        """A 400, as for every other refusal here (an unset ``WEBHOOK_SECRET`` among them), and
        the problem recorded where staff read refusals. Not a 5xx: the call can never succeed
        until the operator changes a setting, and a 5xx reads as the server failing. Not a 404,
        which sends the operator to check the URL they gave the provider. Providers retry a
        400 for hours (Mailgun 8, Postmark 10.5; SNS does not retry a 4xx), so mail posted
        just before the setting is fixed still arrives, and then they stop."""
        self.refused(request, f"{self.esp_name} webhook refused: {problem}")
        return HttpResponseBadRequest(
            f"{self.esp_name} webhook refused: this server's webhook settings are incomplete "
            "or wrong (the reason is recorded with the inbox's refused deliveries).\n",
            content_type="text/plain; charset=utf-8",
        )

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
        raw = text_bytes(raw_email) if raw_email else stable_bytes(message)
        recipients = _split(payload.get("OriginalRecipient") or "")
        if not recipients:
            bcc = [a.get("Email", "") for a in payload.get("BccFull") or [] if isinstance(a, dict)]
            recipients = header_recipients(raw) + _split(bcc)
        envelope_from = message.envelope_sender or ""
        # Postmark writes its SPF check above the original headers (Return-Path, which it
        # prepends, is first).
        headers = [(h.get("Name", ""), h.get("Value", "")) for h in payload.get("Headers") or []]
        spf = first_header(headers, "Received-SPF")
        header = verdict_header("Postmark", spf=spf or None, mail_from=envelope_from)
        return Delivery(self.provider, with_verdict(raw, header), recipients, envelope_from)


class MailgunInbound(InboxWebhook, MailgunInboundWebhookView):
    """Mailgun: a form post, the raw message in ``body-mime`` on the ``…/inbound_mime/`` URL,
    parsed fields on ``…/inbound/``. Signed: HMAC-SHA256 of timestamp + token with the webhook
    signing key (``MAILGUN_WEBHOOK_SIGNING_KEY``), checked by anymail."""

    provider = "mailgun"

    def configuration_problem(self, error):
        # The one setting anymail's Mailgun view cannot do without (settings.ANYMAIL takes it
        # from the environment variable of the same name).
        if "MAILGUN_WEBHOOK_SIGNING_KEY" in str(error):
            return "MAILGUN_WEBHOOK_SIGNING_KEY is not set"
        return super().configuration_problem(error)

    def before(self, request):
        if "mime" in request.path:
            # Keep the body before Django parses the form, to read body-mime byte for byte.
            request.body  # noqa: B018

    def delivery(self, request, event) -> Delivery:
        message = event.message
        if "body-mime" in request.POST:
            raw = form_field_bytes(request, "body-mime") or text_bytes(request.POST["body-mime"])
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
        spf = first_header(headers, "X-Mailgun-Spf")
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
            raw = form_field_bytes(request, "email") or text_bytes(request.POST["email"])
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


# SNS's signing certificates, each fetched once. Fetched here, beside the view, not in
# inbox.sns_signatures: the only network call of the webhooks, and the seam tests stand in for.
_SNS_CERTIFICATES: dict[str, x509.Certificate] = {}


def fetch_certificate_pem(url: str) -> bytes:
    """SNS's signing certificate, over HTTPS from the SNS host (the only network call here)."""
    response = requests.get(url, timeout=5, allow_redirects=False)
    response.raise_for_status()
    return response.content


def sns_certificate(url: str) -> x509.Certificate:
    """The certificate at ``url``, once it is known to be an SNS address."""
    check_certificate_url(url)
    if url not in _SNS_CERTIFICATES:
        try:
            pem = fetch_certificate_pem(url)
            _SNS_CERTIFICATES[url] = x509.load_pem_x509_certificate(pem)
        except (requests.RequestException, ValueError) as error:
            # Not a refusal of the sender: SNS retries on a 5xx.
            raise AnymailAPIError(f"SNS signing certificate unavailable: {error}") from error
    return _SNS_CERTIFICATES[url]


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
        verify_sns_signature(message, sns_certificate)

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
            raw = text_bytes(notification.get("content") or "")
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
