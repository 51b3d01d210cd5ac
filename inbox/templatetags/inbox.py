"""Template tags of the inbox: a message's and an attachment's status in the one palette
(UI.md), always with its word and its icon, never colour alone."""

from django import template
from django.utils.html import format_html

from inbox.models import InboundAttachment, InboundMessage

register = template.Library()

# The palette's classes and icons (tasks.templatetags.packs): green check for done, blue arrow
# for under way, amber clock for waiting on a person, red exclamation for a problem, grey circle
# for nothing to do.
DONE = ("complete", "✓")
UNDER_WAY = ("on_track", "→")
WAITING = ("in_progress", "◷")
PROBLEM = ("overdue", "!")
NOTHING = ("not_started", "○")

MESSAGE_LOOK = {
    InboundMessage.Status.RECEIVED: UNDER_WAY,
    InboundMessage.Status.PARSED: UNDER_WAY,
    InboundMessage.Status.ROUTED: DONE,
    InboundMessage.Status.TRIAGE: WAITING,
    InboundMessage.Status.IGNORED: NOTHING,
    InboundMessage.Status.REJECTED: PROBLEM,
    InboundMessage.Status.FAILED: PROBLEM,
}
ATTACHMENT_LOOK = {
    InboundAttachment.Status.WAITING: WAITING,
    InboundAttachment.Status.FILED: DONE,
    InboundAttachment.Status.DUPLICATE: NOTHING,
    InboundAttachment.Status.REFUSED: PROBLEM,
    InboundAttachment.Status.NOT_DOCUMENT: NOTHING,
}


def _badge(look: tuple[str, str], word: str) -> str:
    css, icon = look
    return format_html(
        '<span class="badge badge-{}"><span class="badge-icon" aria-hidden="true">{}</span>{}'
        "</span>",
        css,
        icon,
        word,
    )


@register.simple_tag
def message_badge(message) -> str:
    """``{% message_badge message %}``: "Filed", "Waiting in triage", "Rejected"..."""
    return _badge(MESSAGE_LOOK.get(message.status, NOTHING), message.get_status_display())


@register.simple_tag
def attachment_badge(attachment) -> str:
    return _badge(ATTACHMENT_LOOK.get(attachment.status, NOTHING), attachment.get_status_display())


@register.filter
def header_value(headers, name: str) -> str:
    """The first value of header ``name`` (any case) from a message's kept headers, or ""."""
    wanted = name.lower()
    for pair in headers or ():
        if len(pair) == 2 and str(pair[0]).lower() == wanted:
            return str(pair[1])
    return ""
