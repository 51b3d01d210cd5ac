"""The walk over a parsed message's MIME tree: ``Walk`` visits every part iteratively (an
explicit stack, no recursion), counts parts and depth against the limits, and sorts each leaf
into body text (a forwarded message's text in a section of its own), an attachment (winmail.dat
and Outlook .msg files unpacked), or a skipped part with the reason (reports, invitations,
signatures, small inline images, empty or oversized files).

What it records about reports and invitations is read by ``inbox.message_kinds``.
Pure: standard library and the unpackers, no Django.
"""

import re
from dataclasses import dataclass, field
from email.message import Message

from inbox.display_names import display_name
from inbox.html_text import html_to_text
from inbox.mail_text import clean, header_text, one_line, raw_get, raw_headers
from inbox.mime_parts import (
    Defects,
    part_content_type,
    part_disposition,
    part_filename,
    part_param,
    part_payload,
    part_text,
)
from inbox.parsed_message import KB, MAX_SUBJECT, Attachment, Limits, MessageRejected, readable_size
from inbox.unpack import UnpackError, unpack_msg, unpack_tnef

INLINE_IMAGE_BYTES = 100 * KB  # smaller inline images are a signature's, not documents

REPORT_TYPES = {"message/delivery-status", "message/disposition-notification"}
REPORT_TYPES |= {"text/rfc822-headers", "message/feedback-report", "message/global-headers"}
REPORT_TYPES |= {"message/global-delivery-status", "message/global-disposition-notification"}
FORWARD_TYPES = {"message/rfc822", "message/global"}
CALENDAR_TYPES = {"text/calendar", "application/ics", "text/x-vcalendar"}
SIGNATURE_TYPES = {"application/pkcs7-signature", "application/x-pkcs7-signature"}
SIGNATURE_TYPES |= {"application/pgp-signature", "application/pgp-keys"}
ENCRYPTED_TYPES = {
    "application/pkcs7-mime",
    "application/x-pkcs7-mime",
    "application/pgp-encrypted",
}
TNEF_TYPES = {"application/ms-tnef", "application/vnd.ms-tnef"}
MSG_TYPES = {"application/vnd.ms-outlook", "application/x-ole-storage"}
_SIGNATURE_IMAGE = re.compile(r"^(?:image\d{3,}|outlook-[\w-]+)\.(?:png|jpe?g|gif|bmp)$", re.I)


@dataclass
class _Body:
    """The text found in one message: the top one, or one forwarded inside it."""

    heading: str = ""
    plain: list[str] = field(default_factory=list)
    html: list[str] = field(default_factory=list)


class Walk:
    """Visits every part iteratively (an explicit stack, no recursion), counting parts and
    depth, sorting leaves into body text, attachments and skipped parts."""

    def __init__(self, limits: Limits, defects: Defects) -> None:
        self.limits = limits
        self.defects = defects
        self.parts = 0
        self.attachments: list[Attachment] = []
        self.skipped: list[tuple[str, str]] = []
        self.bodies: list[_Body] = [_Body()]
        self.sections: list[str] = []  # bodies of unpacked Outlook messages
        self.delivery_report = False
        self.calendar_methods: set[str] = set()
        self.calendar_parts = 0

    def run(self, message: Message) -> None:
        # (part, depth, origin, body index, inside a forwarded message)
        stack: list[tuple[Message, int, str, int, bool]] = [(message, 0, "", 0, False)]
        while stack:
            part, depth, origin, body, forwarded = stack.pop()
            self.parts += 1
            if self.parts > self.limits.max_parts:
                raise MessageRejected(
                    f"The message has more than {self.limits.max_parts:,} MIME parts; "
                    f"the limit is {self.limits.max_parts:,}."
                )
            if depth > self.limits.max_depth:
                raise MessageRejected(
                    "The message nests its parts or forwarded messages more than "
                    f"{self.limits.max_depth} levels deep; the limit is {self.limits.max_depth}."
                )
            stack.extend(self._visit(part, depth, origin, body, forwarded))
            # After the visit: decoding a body adds its own defects (bad base64...) to the part.
            self.defects.add_from(part)

    def _visit(self, part: Message, depth: int, origin: str, body: int, forwarded: bool):
        """Sort one part; return the parts inside it to visit next (in reverse order)."""
        content_type = part_content_type(part)
        try:
            payload = part.get_payload()
        except Exception:
            payload = None
        if not isinstance(payload, list):
            self._leaf(part, content_type, origin, body, forwarded)
            return []
        children = [child for child in payload if isinstance(child, Message)]
        if content_type.startswith("multipart/"):
            return [(child, depth + 1, origin, body, forwarded) for child in reversed(children)]
        if content_type in REPORT_TYPES:
            self._report(part, content_type, forwarded)
            return []
        # A forwarded message (message/rfc822 and kin): its text becomes a section of its own.
        inner = []
        for child in reversed(children):
            self.bodies.append(_Body(heading=_forward_heading(child)))
            inner.append((child, depth + 1, "forwarded message", len(self.bodies) - 1, True))
        return inner

    def _report(self, part: Message, content_type: str, forwarded: bool) -> None:
        if content_type in ("message/delivery-status", "message/global-delivery-status"):
            self.delivery_report = self.delivery_report or not forwarded
        self.skipped.append((part_filename(part) or content_type, "part of a delivery report"))

    def _leaf(self, part: Message, content_type: str, origin: str, body: int, forwarded: bool):
        disposition = part_disposition(part)
        filename = part_filename(part)
        if content_type in REPORT_TYPES:
            self._report(part, content_type, forwarded)
            return
        if content_type in CALENDAR_TYPES or filename.lower().endswith((".ics", ".vcs")):
            self._calendar(part, filename, forwarded)
            return
        if content_type == "message/external-body":
            self.skipped.append(
                (filename or "external-body", "a link to content elsewhere, not fetched")
            )
            return
        if content_type in SIGNATURE_TYPES:
            self.skipped.append((filename or "signature", "the message's digital signature"))
            return
        if content_type in ENCRYPTED_TYPES:
            # Stored as it came (we hold no key); the upload check decides whether it is kept.
            self.defects.add("encrypted content (S/MIME or PGP): kept as it came, unread")
            if content_type == "application/pgp-encrypted":  # only "Version: 1"
                return
        named = bool(filename) or disposition == "attachment"
        if content_type in ("text/plain", "text/html") and not named:
            text = part_text(part, self.defects)
            target = (
                self.bodies[body].plain if content_type == "text/plain" else self.bodies[body].html
            )
            target.append(text)
            return
        if content_type.startswith("multipart/"):
            self.defects.add(f"{content_type} without a usable boundary: read as text")
            self.bodies[body].plain.append(part_text(part, self.defects))
            return
        if content_type.startswith("text/") and not named:
            self.skipped.append((f"part-{self.parts}.txt", "inline text that is not the body"))
            return
        data = part_payload(part, self.defects)
        headers = raw_headers(part)
        if self._inline_image(content_type, disposition, headers, filename, len(data)):
            self.skipped.append(
                (display_name(filename, content_type, self.parts), "inline image in the signature")
            )
            return
        self.consider(filename, content_type, data, origin)

    def _inline_image(self, content_type, disposition, headers, filename, size) -> bool:
        if not content_type.startswith("image/") or size >= INLINE_IMAGE_BYTES:
            return False
        has_id = bool((raw_get(headers, "content-id") or "").strip())
        return (
            disposition == "inline"
            or (has_id and disposition != "attachment")
            or bool(_SIGNATURE_IMAGE.match(display_name(filename, content_type, 0)))
            or (not filename and disposition != "attachment")
        )

    def _calendar(self, part: Message, filename: str, forwarded: bool) -> None:
        method = part_param(part, "method").upper()
        if not method:
            text = part_text(part, self.defects)[:65_536]
            match = re.search(r"(?im)^METHOD:\s*([A-Z-]+)", text)
            method = match.group(1).upper() if match else ""
        if not forwarded:
            self.calendar_parts += 1
            self.calendar_methods.add(method)
        self.skipped.append(
            (
                display_name(filename, "text/calendar", self.parts) if filename else "invite.ics",
                "calendar invitation",
            )
        )

    def consider(self, filename: str, content_type: str, data: bytes, origin: str) -> None:
        """Keep one file as an attachment, unpack it, or skip it with the reason."""
        name = display_name(filename, content_type, len(self.attachments) + 1)
        if not data:
            self.skipped.append((name, "empty"))
            return
        if len(data) > self.limits.max_attachment_bytes:
            self.skipped.append(
                (name, f"larger than the {readable_size(self.limits.max_attachment_bytes)} limit")
            )
            return
        lower = name.lower()
        if content_type in TNEF_TYPES or lower in ("winmail.dat", "win.dat"):
            self._unpack_tnef(name, content_type, data, origin)
        elif content_type in MSG_TYPES or lower.endswith(".msg"):
            self._unpack_msg(name, content_type, data, origin)
        else:
            self.keep(Attachment(name, content_type, data, origin))

    def keep(self, attachment: Attachment) -> None:
        self.attachments.append(attachment)
        if len(self.attachments) > self.limits.max_attachments:
            raise MessageRejected(
                f"The message has more than {self.limits.max_attachments:,} attachments; "
                f"the limit is {self.limits.max_attachments:,}."
            )

    def _unpack_tnef(self, name: str, content_type: str, data: bytes, origin: str) -> None:
        try:
            files = unpack_tnef(data)
        except UnpackError as error:
            self.defects.add(f"{name} could not be unpacked: {error.reason}")
            self.keep(Attachment(name, content_type, data, origin))
            return
        if not files:
            self.skipped.append((name, "winmail.dat without attached files"))
        for inner_name, inner_type, inner in files:
            self._unpacked(inner_name, inner_type, inner, "winmail.dat")

    def _unpack_msg(self, name: str, content_type: str, data: bytes, origin: str) -> None:
        try:
            text, files = unpack_msg(data)
        except UnpackError as error:
            self.defects.add(f"{name} could not be unpacked: {error.reason}")
            self.keep(Attachment(name, content_type, data, origin))
            return
        if text:
            self.sections.append(f"---------- Outlook message: {name} ----------\n{clean(text)}")
        if not files:
            self.skipped.append((name, "Outlook message without attached files"))
        for inner_name, inner_type, inner in files:
            self._unpacked(inner_name, inner_type, inner, "Outlook message")

    def _unpacked(self, filename: str, content_type: str, data: bytes, origin: str) -> None:
        """A file out of a container: the same rules as a part (no further unpacking)."""
        name = display_name(filename, content_type, len(self.attachments) + 1)
        small_image = content_type.startswith("image/") and len(data) < INLINE_IMAGE_BYTES
        if small_image and _SIGNATURE_IMAGE.match(name):
            self.skipped.append((name, "inline image in the signature"))
        elif not data:
            self.skipped.append((name, "empty"))
        elif len(data) > self.limits.max_attachment_bytes:
            self.skipped.append(
                (name, f"larger than the {readable_size(self.limits.max_attachment_bytes)} limit")
            )
        else:
            self.keep(Attachment(name, content_type.lower()[:100], data, origin))

    def text(self) -> str:
        limit = self.limits.max_text_chars
        sections = []
        for body in self.bodies:
            own = "\n\n".join(t for t in body.plain if t.strip())
            if not own and body.html:
                own = html_to_text("\n".join(body.html), limit)
            if body.heading:
                sections.append(f"{body.heading}\n\n{own}".strip())
            elif own:
                sections.append(own)
        return clean("\n\n".join([*sections, *self.sections])[:limit])

    def html(self) -> str:
        return clean("\n".join(self.bodies[0].html)[: self.limits.max_text_chars])


def _forward_heading(message: Message) -> str:
    headers = raw_headers(message)
    lines = ["---------- Forwarded message ----------"]
    for name in ("From", "Date", "Subject"):
        value = raw_get(headers, name)
        if value:
            lines.append(f"{name}: {one_line(header_text(value), MAX_SUBJECT)}")
    return "\n".join(lines)
