"""What kind of message it is, once walked: a bounce (a delivery report, or a failure
notice from mailer-daemon or postmaster), an automatic reply (Auto-Submitted and kin, or the
subject), a calendar invitation, or else documents or nothing to file.

The order of the tests is the rule: a bounce is never an automatic reply, and an invitation
that also carries files counts as documents unless its method is REQUEST, CANCEL or REPLY.
Pure: standard library only.
"""

import re

from inbox.mail_text import header_text, one_line, raw_get, strip_comments
from inbox.mime_walk import Walk
from inbox.parsed_message import Kind

INVITING_METHODS = {"REQUEST", "CANCEL", "REPLY"}

_BOUNCE_SUBJECT = re.compile(
    r"undeliver|delivery status notification|returned mail|failure notice|delivery fail"
    r"|mail delivery failed|delivery has failed|non-?delivery|could not be delivered"
    r"|delivery incomplete|mail system error",
    re.I,
)
_AUTO_SUBJECT = re.compile(
    r"^\s*(?:automatic reply|out of (?:the )?office(?: autoreply)?|auto(?:matic)?[ -]?reply"
    r"|autoreply|auto)\s*:",
    re.I,
)


def message_kind(
    walk: Walk, headers: list[tuple[str, str]], sender: str, subject: str, top
) -> Kind:
    content_type, report_type = top
    local = sender.partition("@")[0]
    if (
        (content_type == "multipart/report" and report_type == "delivery-status")
        or walk.delivery_report
        or (local in ("mailer-daemon", "postmaster") and _BOUNCE_SUBJECT.search(subject))
    ):
        return Kind.BOUNCE
    if _is_auto_reply(headers, subject):
        return Kind.AUTO_REPLY
    if walk.calendar_methods & INVITING_METHODS or (walk.calendar_parts and not walk.attachments):
        return Kind.CALENDAR
    return Kind.DOCUMENTS if walk.attachments else Kind.NO_DOCUMENTS


def _first_word(raw_value: str | None) -> str:
    if raw_value is None:
        return ""
    text = strip_comments(one_line(header_text(raw_value), 200))
    return text.split(";", 1)[0].strip().lower()


def _is_auto_reply(headers: list[tuple[str, str]], subject: str) -> bool:
    submitted = _first_word(raw_get(headers, "auto-submitted"))
    if submitted and submitted != "no":
        return True
    for name in ("x-autoreply", "x-autorespond"):
        value = raw_get(headers, name)
        if value is not None and _first_word(value) not in ("no", "false", "0"):
            return True
    if _first_word(raw_get(headers, "precedence")) == "auto_reply":
        return True
    return bool(_AUTO_SUBJECT.match(subject))
