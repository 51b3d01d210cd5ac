"""One line per message in words, for ``manage.py ingest_email`` and the SMTP listener's log."""

from inbox.intake import Outcome
from inbox.models import InboundMessage


def describe(outcome: Outcome) -> str:
    if not outcome.stored:
        return f"refused: {outcome.detail}"
    message = InboundMessage.objects.select_related("client").get(pk=outcome.message.pk)
    prefix = "duplicate of an earlier message, which was " if outcome.kind == "duplicate" else ""
    status = message.get_status_display().lower()
    if message.status == InboundMessage.Status.ROUTED:
        if message.client:
            reasons = "; ".join(message.route_reasons)
            where = f"filed to {message.client.name} ({message.confidence}: {reasons})"
        else:
            where = "filed to several clients, attachment by attachment"
        return f"{prefix}{where}. {message.reason}"
    if message.status == InboundMessage.Status.TRIAGE:
        return f"{prefix}waiting in triage: {message.reason}"
    if message.status in (InboundMessage.Status.RECEIVED, InboundMessage.Status.PARSED):
        return f"{prefix}kept, queued for processing"
    return f"{prefix}{status}: {message.reason}"
