"""From a kept message to a filed one: parse it (with caps), keep its attachments, route each
to a client with a confidence and reasons, and file them, or leave the message in triage.

Every path ends in a recorded status with a reason: ``rejected`` (over a cap), ``ignored`` (a
bounce, an automatic reply, an invitation, nothing to file), ``triage`` (no confident route),
``routed`` (filed), or ``failed`` (an error of ours, logged; the sweep and "reprocess" try
again). Running it twice gives the result of running it once.
"""

import datetime
import hashlib
import logging

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction

from atlasos import clock
from inbox import classify, facts, filing, learning
from inbox.models import Confidence, InboundAttachment, InboundMessage
from inbox.parsing import Kind, Limits, MessageRejected, ParsedMessage, parse
from inbox.pdf_text import pdf_text
from inbox.routing import Candidate, Evidence, decide, rank
from inbox.storage import keep_bytes_of, raw_prefix

logger = logging.getLogger(__name__)

Status = InboundMessage.Status
Filed = InboundAttachment.Status

IGNORED_BECAUSE = {
    Kind.BOUNCE: "A delivery failure report (bounce): nothing to file, and never answered.",
    Kind.AUTO_REPLY: "An automatic reply (out of office): nothing to file, and never answered.",
    Kind.CALENDAR: "A calendar invitation: nothing to file.",
    Kind.NO_DOCUMENTS: "No attachment that is a document: nothing to file.",
}
TEXT_TYPES = ("text/plain", "text/csv")


def limits() -> Limits:
    return Limits(
        max_bytes=settings.ATLAS_INBOX_MAX_BYTES,
        max_attachments=settings.ATLAS_INBOX_MAX_ATTACHMENTS,
        max_parts=settings.ATLAS_INBOX_MAX_PARTS,
        max_depth=settings.ATLAS_INBOX_MAX_DEPTH,
        max_attachment_bytes=settings.ATLAS_UPLOAD_MAX_BYTES,
    )


def trusted_authserv_ids() -> list[str]:
    """The receiving servers we trust to say whether a sender was authenticated: the ones
    configured, ours (the webhooks write the inbox domain) and mx.<inbox domain>."""
    domain = settings.ATLAS_INBOX_DOMAIN
    return [*settings.ATLAS_INBOX_AUTHSERV_IDS, domain, f"mx.{domain}"]


def settle(message: InboundMessage, status: str, reason: str, **fields) -> InboundMessage:
    """Set the message's outcome (not saved: ``_finish`` saves one, a batch saves many)."""
    message.status = status
    message.reason = reason[:500]
    message.processed_at = clock.now()
    for name, value in fields.items():
        setattr(message, name, value)
    return message


def _finish(message: InboundMessage, status: str, reason: str, **fields) -> InboundMessage:
    settle(message, status, reason, **fields).save()
    return message


def claim_window() -> datetime.timedelta:
    """How long a claim holds: a message claimed more recently is someone else's in hand
    (a batch's, or its own task's); one claimed longer ago is released by the sweep."""
    return datetime.timedelta(minutes=settings.ATLAS_INBOX_STUCK_MINUTES)


def claim(message_pk: int) -> InboundMessage | None:
    """Mark the message taken (one more attempt); None when it is no longer to process, or
    when another worker holds it."""
    with transaction.atomic():
        message = InboundMessage.objects.select_for_update().filter(pk=message_pk).first()
        if message is None or message.status not in (Status.RECEIVED, Status.PARSED):
            return None
        if message.claimed_at and message.claimed_at > clock.now() - claim_window():
            return None
        message.claimed_at = clock.now()
        message.attempts += 1
        message.save(update_fields=["claimed_at", "attempts"])
    return message


def process(message_pk: int) -> InboundMessage | None:
    """Parse, route and file one message (in the practice's context)."""
    message = claim(message_pk)
    if message is None:
        return None
    return run(message)


def run(message: InboundMessage) -> InboundMessage:
    """Process a claimed message; an error of ours ends it "failed" with the reason."""
    try:
        return _process(message)
    except Exception as error:
        logger.exception("inbox: message %s failed", message.pk)
        message.refresh_from_db()
        return _finish(
            message,
            Status.FAILED,
            f"Processing failed ({type(error).__name__}); it is kept and can be reprocessed.",
        )


def _process(message: InboundMessage) -> InboundMessage:
    with default_storage.open(message.raw_key, "rb") as stored:
        raw = stored.read()
    try:
        parsed = parse(raw, limits(), trusted_authserv_ids=trusted_authserv_ids())
    except MessageRejected as rejected:
        return _finish(message, Status.REJECTED, rejected.reason)
    _keep_parsed(message, parsed)
    if parsed.kind != Kind.DOCUMENTS:
        why = IGNORED_BECAUSE[parsed.kind]
        message.attachments.filter(status=Filed.WAITING).update(
            status=Filed.NOT_DOCUMENT, reason=why
        )
        return _finish(message, Status.IGNORED, why)
    return route_and_file(message)


def _keep_parsed(message: InboundMessage, parsed: ParsedMessage) -> None:
    """Write what parsing found and the attachments' bytes, replacing an earlier attempt's."""
    with transaction.atomic():
        discard_attachments(message)
        apply_parsed(message, parsed)
        message.save()
        for row in attachment_rows(message, parsed):
            row.save()


def apply_parsed(message: InboundMessage, parsed: ParsedMessage) -> None:
    """What parsing found, on the message (not saved)."""
    message.from_address = parsed.from_address[:254]
    message.from_name = parsed.from_name[:200]
    message.subject = parsed.subject[:500]
    message.sent_at = parsed.sent_at
    message.text_body = parsed.text
    message.html_body = parsed.html
    message.headers = [list(pair) for pair in parsed.headers]
    message.defects = list(parsed.defects)
    message.authenticated = parsed.authenticated
    message.status = Status.PARSED


def attachment_rows(
    message: InboundMessage, parsed: ParsedMessage, *, keep_bytes: bool = True
) -> list[InboundAttachment]:
    """The message's attachments as rows, not yet saved, and a row for each part skipped as
    not a document. ``content`` keeps each one's bytes in memory for filing; they are saved
    in the practice's inbox folder now, or, with ``keep_bytes`` False, by ``keep_bytes_of``
    when the attachment is not filed (a filed one's bytes are its document's)."""
    rows = [
        _attachment_row(message, position, attachment, keep_bytes)
        for position, attachment in enumerate(parsed.attachments, start=1)
    ]
    for position, (name, why) in enumerate(parsed.skipped, start=len(parsed.attachments) + 1):
        rows.append(
            InboundAttachment(
                message=message,
                position=position,
                name=name[:150],
                size=0,
                sha256="",
                status=InboundAttachment.Status.NOT_DOCUMENT,
                reason=why[:500],
            )
        )
    return rows


def _attachment_row(message, position, attachment, keep_bytes: bool) -> InboundAttachment:
    if attachment.content_type == "application/pdf" or attachment.name.lower().endswith(".pdf"):
        text = pdf_text(attachment.data)
    elif attachment.content_type in TEXT_TYPES:
        text = attachment.data[:50_000].decode("utf-8", "replace")
    else:
        text = ""
    row = InboundAttachment(
        message=message,
        position=position,
        name=attachment.name[:150],
        origin=attachment.origin[:60],
        content_type=attachment.content_type[:100],
        size=len(attachment.data),
        sha256=hashlib.sha256(attachment.data).hexdigest(),
        text=text.replace("\x00", ""),
    )
    row.content = attachment.data  # the bytes, for filing without reading them back
    if keep_bytes:
        keep_bytes_of(row)
    return row


def discard_attachments(message: InboundMessage) -> None:
    """Remove the attachments not filed (their bytes too): before a message is parsed again."""
    for attachment in message.attachments.exclude(status=InboundAttachment.Status.FILED):
        if attachment.storage_key.startswith(raw_prefix(message.practice_id)):
            default_storage.delete(attachment.storage_key)
        attachment.delete()


def address_note(message: InboundMessage) -> str:
    """Why the address it was sent to routes no client, or ""."""
    address = message.address
    if address is None:
        return ""
    if address.client_id is None:
        local = message.recipient.split("@", 1)[0]
        return "The client part of the address it was sent to is unknown." if "+" in local else ""
    if _address_live(message):
        return ""
    return (
        f"Sent to a client address retired on {address.retired_at:%d %b %Y}, more than "
        f"{settings.ATLAS_INBOX_RETIRED_DAYS} days before it came."
    )


def _address_live(message: InboundMessage) -> bool:
    retired = message.address.retired_at
    grace = datetime.timedelta(days=settings.ATLAS_INBOX_RETIRED_DAYS)
    return retired is None or message.received_at < retired + grace


def _evidence(message: InboundMessage, document: str = "") -> Evidence:
    """What the router reads: the message, and ``document``, the attachments' own text."""
    address = message.address
    live_client = address.client_id if address and address.client_id else None
    if live_client and not _address_live(message):
        live_client = None
    text = "\n".join(part for part in (message.subject, message.text_body, document) if part)
    return Evidence(
        address_client_id=live_client,
        sender=message.from_address,
        authenticated=message.authenticated,
        text=text,
        document=document,
    )


def candidates_json(candidates: list[Candidate]) -> list[dict]:
    return [
        {
            "client_id": c.client_id,
            "confidence": c.level.label,
            "score": round(c.score, 2),
            "reasons": list(c.reasons),
        }
        for c in candidates[:5]
    ]


def route_and_file(message: InboundMessage) -> InboundMessage:
    """Route every attachment; file them all when each has a certain or high route, else
    leave the message in triage with the candidates ranked."""
    attachments = list(message.attachments.filter(status=InboundAttachment.Status.WAITING))
    routes = route(message, attachments, facts.client_facts(), facts.rules())
    if routes is None:
        message.save()
        return message
    filing.file_attachments(message, attachments, user=None)
    learning.count_use(message.from_address, {a.client_id for a in attachments})
    return finish_filed(message, attachments)


def route(message: InboundMessage, attachments: list, clients, rules) -> list | None:
    """Route every attachment (none saved here): the message's candidates are set, and
    either each attachment gets its client, confidence, type and period (the routes are
    returned), or the message is settled in triage (None)."""
    everything = "\n".join(a.text for a in attachments)
    ranked = rank(_evidence(message, everything), clients, rules)
    message.candidates = candidates_json(ranked)
    if len(attachments) == 1:  # its evidence is the message's: rank once
        routes = [decide(ranked)]
    else:
        routes = [decide(rank(_evidence(message, a.text), clients, rules)) for a in attachments]
    if not attachments or None in routes:
        settle(message, Status.TRIAGE, _why_triage(message, routes))
        return None
    period = _fallback_period(message)
    for attachment, chosen in zip(attachments, routes, strict=True):
        attachment.client_id = chosen.client_id
        attachment.confidence = chosen.level.label
        attachment.route_reasons = list(chosen.reasons)
        attachment.doc_type = classify.doc_type(attachment.name, attachment.text)
        attachment.period = classify.period(attachment.text, period)
    return routes


def _why_triage(message: InboundMessage, routes: list) -> str:
    note = address_note(message)
    if note:
        return note
    chosen = {route.client_id for route in routes if route}
    if len(chosen) > 1:
        return "The attachments point at different clients, not all of them with confidence."
    if message.candidates:
        return "No client could be chosen with confidence: the best is a suggestion."
    return "No client matches the address, the sender or anything in the message."


def _fallback_period(message: InboundMessage) -> datetime.date:
    moment = message.sent_at or message.received_at
    return clock.local_date(message.practice.timezone, moment).replace(day=1)


def finish_filed(message: InboundMessage, attachments, user=None) -> InboundMessage:
    """``settle_filed``, saved."""
    settle_filed(message, attachments, user).save()
    return message


def settle_filed(message: InboundMessage, attachments, user=None) -> InboundMessage:
    """The message is routed: say how many attachments were filed, to whom and how surely. When
    the store took none of them (each refused by the upload checks), it is rejected with the
    first refusal's reason. Not saved."""
    kept = [a for a in attachments if a.status in (Filed.FILED, Filed.DUPLICATE)]
    if not kept:
        refused = next((a.reason for a in attachments if a.reason), "")
        return settle(
            message, Status.REJECTED, f"Nothing could be filed: {refused}", handled_by=user
        )
    clients = {a.client_id for a in attachments}
    filed = sum(1 for a in attachments if a.status == Filed.FILED)
    noun = "attachment" if len(attachments) == 1 else "attachments"
    reason = f"{filed} of {len(attachments)} {noun} filed."
    if filed < len(attachments):
        reason += " The others were already in the store or refused: see each below."
    one = len(clients) == 1
    return settle(
        message,
        Status.ROUTED,
        reason,
        client_id=next(iter(clients)) if one else None,
        confidence=min((a.confidence for a in attachments), key=_strength),
        route_reasons=list(attachments[0].route_reasons) if one else [],
        handled_by=user,
    )


def _strength(confidence: str) -> int:
    return {Confidence.CERTAIN: 3, Confidence.HIGH: 2, Confidence.SUGGESTION: 1}.get(confidence, 0)
