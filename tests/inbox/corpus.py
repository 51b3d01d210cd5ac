"""A hostile corpus of raw emails, built in code: each builder returns the bytes of one message
exactly as a mail server would hand it over, malformed where the case needs it (the standard
library's generator would tidy these up, so the MIME is written by hand).

Reused by the parsing tests, the pipeline tests and the inbox benchmark. Besides messages it
builds the files they carry: a small text PDF (``pdf``), a winmail.dat (``tnef``), an Outlook
.msg (``outlook_msg``) and a zip bomb (``zip_bomb``).

``CORPUS`` names the builders small enough to mutate in property tests; ``HUGE`` names those
that exist to be rejected for their size.
"""

import base64
import io
import struct
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

CRLF = b"\r\n"
CLIENT = "alice@client.example"
PRACTICE = "harbour+k7x2q9@in.atlas.example"
DATE = "Mon, 07 Dec 2026 09:15:00 +0000"

STATEMENT_LINES = (
    "Harbour Bank plc",
    "Statement period 1 November 2026 to 30 November 2026",
    "Sort code 20-00-00 Account 12345678",
    "Closing balance 4,210.55",
)
INVOICE_LINES = (
    "INVOICE 2026-117",
    "Invoice date 3 December 2026",
    "VAT registration number GB980780684",
    "Total due 1,250.00",
)


# --- Files --------------------------------------------------------------------------------


def pdf(lines: Iterable[str] = STATEMENT_LINES) -> bytes:
    """A minimal one-page PDF whose text pypdf extracts line by line (Helvetica, WinAnsi)."""
    return pdf_pages([lines])


def pdf_pages(pages: Iterable[Iterable[str]], declared_count: int | None = None) -> bytes:
    """A PDF written by hand, one page per item of ``pages`` (its lines of text); the page
    tree may declare another ``/Count`` than it has (a hostile file's lie)."""

    def escape(text: str) -> str:
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    pages = [list(lines) for lines in pages]
    first_page = 4  # objects: 1 catalog, 2 page tree, 3 font, then a page and its content each
    kids = " ".join(f"{first_page + 2 * n} 0 R" for n in range(len(pages)))
    count = len(pages) if declared_count is None else declared_count
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {count} >>".encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    for n, lines in enumerate(pages):
        shown = " ".join(f"({escape(line)}) Tj T*" for line in lines)
        content = f"BT /F1 11 Tf 14 TL 72 760 Td {shown} ET".encode("cp1252")
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % (first_page + 2 * n + 1)
        )
        objects.append(pdf_stream(content))
    return pdf_file(objects)


def pdf_stream(content: bytes, filters: bytes = b"") -> bytes:
    return b"<< /Length %d %s>>\nstream\n%s\nendstream" % (len(content), filters, content)


def pdf_file(objects: list[bytes]) -> bytes:
    """Numbered objects, a cross-reference table with their offsets, and the trailer."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def tnef(files: Iterable[tuple[str, bytes]], key: int = 0x1234) -> bytes:
    """A winmail.dat (TNEF) carrying ``files``: signature, key, the message attributes Outlook
    writes first, then per file attAttachRendData, attAttachTitle and attAttachData. Each
    attribute: level, id (uint32 LE: low word the id, high word the type), length, data, and
    a checksum (the sum of the data bytes mod 65536)."""

    def attribute(level: int, attr_id: int, data: bytes) -> bytes:
        checksum = sum(data) & 0xFFFF
        return struct.pack("<BII", level, attr_id, len(data)) + data + struct.pack("<H", checksum)

    out = struct.pack("<IH", 0x223E9F78, key)
    out += attribute(1, 0x00089006, struct.pack("<I", 0x00010000))  # attTnefVersion
    out += attribute(1, 0x00069007, struct.pack("<II", 1252, 0))  # attOemCodepage
    out += attribute(1, 0x00078008, b"IPM.Microsoft Mail.Note\x00")  # attMessageClass
    for name, data in files:
        out += attribute(2, 0x00069002, struct.pack("<HIIHHI", 1, 0xFFFFFFFF, 0, 0, 0, 0))
        out += attribute(2, 0x00018010, name.encode("cp1252") + b"\x00")
        out += attribute(2, 0x0006800F, data)
    return out


def outlook_msg(
    subject: str = "Statement for November",
    body: str = "Please find the November statement attached.",
    files: Iterable[tuple[str, str, bytes]] = (),
) -> bytes:
    """An Outlook .msg (an OLE compound file) with ``files`` ``(name, mime type, bytes)``,
    written with extract-msg's own OleWriter: the property streams a reader needs and no more
    (message class IPM.Note, subject, body as UTF-16, one storage per attachment)."""
    from extract_msg.ole_writer import OleWriter

    files = list(files)
    writer = OleWriter()

    def utf16(text: str) -> bytes:
        return text.encode("utf-16-le")

    # Top-level property stream: 8 reserved bytes, next recipient id, next attachment id,
    # recipient count, attachment count, 8 reserved bytes; no fixed-size properties.
    header = b"\x00" * 8 + struct.pack("<IIII", 0, len(files), 0, len(files)) + b"\x00" * 8
    writer.addEntry("__properties_version1.0", header)
    writer.addEntry("__nameid_version1.0", storage=True)
    for stream in ("00020102", "00030102", "00040102"):
        writer.addEntry(f"__nameid_version1.0/__substg1.0_{stream}", b"")
    writer.addEntry("__substg1.0_001A001F", utf16("IPM.Note"))
    writer.addEntry("__substg1.0_0037001F", utf16(subject))
    writer.addEntry("__substg1.0_1000001F", utf16(body))
    for index, (name, mime, data) in enumerate(files):
        folder = f"__attach_version1.0_#{index:08X}"
        writer.addEntry(folder, storage=True)
        # PR_ATTACH_METHOD (0x3705, PT_LONG) = 1: the bytes are in PR_ATTACH_DATA_BIN.
        method = struct.pack("<HHIQ", 0x0003, 0x3705, 6, 1)
        writer.addEntry(f"{folder}/__properties_version1.0", b"\x00" * 8 + method)
        writer.addEntry(f"{folder}/__substg1.0_3707001F", utf16(name))
        writer.addEntry(f"{folder}/__substg1.0_370E001F", utf16(mime))
        writer.addEntry(f"{folder}/__substg1.0_37010102", data)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def zip_bomb(entries: int = 16, megabytes_each: int = 256) -> bytes:
    """A ZIP of about 270 KB whose entries expand to ``entries × megabytes_each`` MB of zeros
    (4 GB by default): one deflated run of zeros, and a central directory whose entries all
    point at it (the overlapping-entries construction). Built in milliseconds: the deflate
    stream of one MB of zeros, fully flushed, is the same bytes every time, so it is repeated."""
    squeezer = zlib.compressobj(9, zlib.DEFLATED, -15)
    megabyte = bytes(1024 * 1024)
    block = squeezer.compress(megabyte) + squeezer.flush(zlib.Z_FULL_FLUSH)
    stream = block * megabytes_each + squeezer.flush()
    crc = 0
    for _ in range(megabytes_each):
        crc = zlib.crc32(megabyte, crc)
    size = megabytes_each * 1024 * 1024
    name = b"zeros.bin"
    local = struct.pack(
        "<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(stream), size, len(name), 0
    )
    central = b""
    for _ in range(entries):
        central += struct.pack(
            "<IHHHHHHIIIHHHHHII",
            0x02014B50, 20, 20, 0, 8, 0, 0, crc, len(stream), size, len(name), 0, 0, 0, 0, 0, 0,
        ) + name  # fmt: skip
    body = local + name + stream
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, entries, entries, len(central), len(body), 0)
    return body + central + end


# --- Messages -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Part:
    """One MIME part, written as given (no validation, so it can be wrong on purpose)."""

    headers: tuple[str, ...]
    body: bytes


def file_part(
    name: str | None,
    data: bytes,
    content_type: str = "application/pdf",
    disposition: str = "attachment",
    extra: tuple[str, ...] = (),
) -> Part:
    """An attachment part, base64-encoded, with ``filename`` and ``name`` parameters quoted
    (``name=None`` for a part without a name; a name is written raw, so it may hold anything)."""
    named_type = f'{content_type}; name="{name}"' if name is not None else content_type
    disposed = f'{disposition}; filename="{name}"' if name is not None else disposition
    return Part(
        (
            f"Content-Type: {named_type}",
            f"Content-Disposition: {disposed}",
            "Content-Transfer-Encoding: base64",
            *extra,
        ),
        base64.encodebytes(data).replace(b"\n", CRLF),
    )


def text_part(text: str, content_type: str = "text/plain; charset=utf-8") -> Part:
    return Part(
        (f"Content-Type: {content_type}", "Content-Transfer-Encoding: 8bit"),
        text.encode("utf-8") + CRLF,
    )


def headers_block(
    subject: str = "Documents for November",
    sender: str = f"Alice Client <{CLIENT}>",
    to: str = PRACTICE,
    extra: Iterable[str] = (),
    message_id: str = "<corpus-1@client.example>",
) -> list[str]:
    return [
        f"From: {sender}",
        f"To: {to}",
        f"Subject: {subject}",
        f"Date: {DATE}",
        f"Message-ID: {message_id}",
        "MIME-Version: 1.0",
        *extra,
    ]


def encode_headers(lines: Iterable[str]) -> bytes:
    return b"".join(line.encode("utf-8", "surrogateescape") + CRLF for line in lines)


def nested(parts: Iterable[Part], subtype: str = "mixed", boundary: str = "=_nested") -> Part:
    """A multipart as one part of another (delimiters written by hand, closed)."""
    delimiter = b"--" + boundary.encode("ascii")
    body = b"".join(
        delimiter + CRLF + encode_headers(part.headers) + CRLF + part.body + CRLF for part in parts
    )
    return Part(
        (f'Content-Type: multipart/{subtype}; boundary="{boundary}"',), body + delimiter + b"--"
    )


def multipart(
    parts: Iterable[Part],
    *,
    subtype: str = "mixed",
    boundary: str = "=_atlas_corpus_1",
    close: bool = True,
    header_lines: list[str] | None = None,
    type_params: str = "",
) -> bytes:
    """A whole message: ``header_lines`` (default ``headers_block()``), a multipart
    Content-Type, the parts, and the closing delimiter unless ``close`` is False."""
    lines = list(header_lines if header_lines is not None else headers_block())
    lines.append(f'Content-Type: multipart/{subtype}; boundary="{boundary}"{type_params}')
    out = encode_headers(lines) + CRLF + b"This is a multi-part message in MIME format." + CRLF
    delimiter = b"--" + boundary.encode("ascii")
    for part in parts:
        out += delimiter + CRLF + encode_headers(part.headers) + CRLF + part.body + CRLF
    if close:
        out += delimiter + b"--" + CRLF
    return out


def single(header_lines: list[str], content_type: str, body: bytes, *extra: str) -> bytes:
    return encode_headers([*header_lines, f"Content-Type: {content_type}", *extra]) + CRLF + body


def invoice_pdf() -> bytes:
    """The ordinary case: a note and an invoice PDF from a client."""
    return multipart(
        [
            text_part("Hello, please find our November invoice attached.\nAlice"),
            file_part("Invoice 2026-117.pdf", pdf(INVOICE_LINES)),
        ]
    )


def bank_statement() -> bytes:
    return multipart(
        [text_part("November statement attached."), file_part("statement.pdf", pdf())],
        header_lines=headers_block(subject="Bank statement November 2026"),
    )


def unknown_charset() -> bytes:
    """A body in a charset nobody knows (get_content() raises LookupError on it)."""
    body = Part(
        ("Content-Type: text/plain; charset=x-unknown", "Content-Transfer-Encoding: 8bit"),
        "Relev\xe9 de novembre ci-joint".encode("latin-1") + CRLF,
    )
    return multipart([body, file_part("releve.pdf", pdf())])


def wrong_charset() -> bytes:
    """Latin-1 bytes declared UTF-8, in the body and in the subject."""
    body = Part(
        ("Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: 8bit"),
        "Caf\xe9 receipts for d\xe9cembre".encode("latin-1") + CRLF,
    )
    header_lines = headers_block(subject="Re\udce7us")  # a raw 0xE7 byte in the header
    return multipart([body, file_part("receipts.pdf", pdf())], header_lines=header_lines)


def missing_boundary() -> bytes:
    """multipart/mixed without a boundary parameter: the parts cannot be separated."""
    body = (
        b"--lost\r\nContent-Type: text/plain\r\n\r\nSee attached.\r\n"
        b"--lost\r\nContent-Type: application/pdf; name=a.pdf\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n"
        + base64.encodebytes(pdf()).replace(b"\n", CRLF)
        + b"--lost--\r\n"
    )
    return single(headers_block(), "multipart/mixed", body)


def broken_closing_boundary() -> bytes:
    """The closing delimiter never comes (a truncated upload, a careless mailer)."""
    parts = [text_part("Statement attached."), file_part("statement.pdf", pdf())]
    return multipart(parts, close=False)


def base64_garbage() -> bytes:
    """An attachment whose base64 is not base64: bad characters, wrong padding, a cut line."""
    garbage = Part(
        (
            'Content-Type: application/pdf; name="scan.pdf"',
            'Content-Disposition: attachment; filename="scan.pdf"',
            "Content-Transfer-Encoding: base64",
        ),
        b"JVBERi0xLjQK!!!***not base64 at all***\r\n@@@===\r\nQUJD=RUY\r\nx",
    )
    odd_encoding = Part(
        (
            'Content-Type: application/pdf; name="odd.pdf"',
            "Content-Transfer-Encoding: x-martian",
        ),
        b"%PDF-1.4 raw bytes under an unknown transfer encoding\r\n",
    )
    return multipart([text_part("Two scans."), garbage, odd_encoding])


# The names a hostile sender chooses, and the display names expected of them.
HOSTILE_NAMES = {
    "../../etc/passwd.pdf": "passwd.pdf",
    "..\\..\\boot.ini": "boot.ini",
    "a\x00.pdf": "a.pdf",
    "invoice\u202efdp.exe": "invoicefdp.exe",
    "CON.pdf": "_CON.pdf",
    "A" * 300: "A" * 150,
    "/abs/path/statement.pdf": "statement.pdf",
    "...": "attachment-8.pdf",
}


def hostile_names() -> bytes:
    parts = [file_part(name, pdf()) for name in HOSTILE_NAMES]
    return multipart([text_part("Files."), *parts])


RFC2231_NAMES = ("€ rates – décembre.pdf", "Überweisung 2026.pdf", "領収書.pdf")


def rfc2231_names() -> bytes:
    """Non-ASCII names three ways: RFC 2231 with continuations, RFC 2231 plain, and an
    RFC 2047 encoded word inside quotes (invalid but what many mailers send)."""
    from urllib.parse import quote

    first = quote(RFC2231_NAMES[0].encode("utf-8"), safe="")
    half = first.index("%20", len(first) // 2)  # continuations cut between characters
    second = quote(RFC2231_NAMES[1].encode("utf-8"), safe="")
    third = base64.b64encode(RFC2231_NAMES[2].encode("utf-8")).decode("ascii")
    data = base64.encodebytes(pdf()).replace(b"\n", CRLF)
    dispositions = (
        f"attachment; filename*0*=utf-8''{first[:half]}; filename*1*={first[half:]}",
        f"attachment; filename*=UTF-8''{second}",
        f'attachment; filename="=?utf-8?B?{third}?="',
    )
    parts = [
        Part(
            (
                "Content-Type: application/pdf",
                f"Content-Disposition: {disposition}",
                "Content-Transfer-Encoding: base64",
            ),
            data,
        )
        for disposition in dispositions
    ]
    return multipart(parts)


def forwarded_pdf(sender: str = "Bob Supplier <bob@supplier.example>") -> bytes:
    """A client forwards a supplier's message (as an attachment) that carries an invoice."""
    inner = multipart(
        [text_part("Invoice SUP-88 attached."), file_part("SUP-88.pdf", pdf(INVOICE_LINES))],
        header_lines=headers_block(subject="Invoice SUP-88", sender=sender, to=CLIENT),
        boundary="=_inner_1",
    )
    outer = Part(
        ("Content-Type: message/rfc822", 'Content-Disposition: attachment; filename="fwd.eml"'),
        inner,
    )
    return multipart([text_part("FYI, the supplier's invoice."), outer])


def nested_forwards(depth: int = 20) -> bytes:
    """A message forwarded inside a message ``depth`` times, a PDF at the bottom."""
    inner = multipart([file_part("deep.pdf", pdf())], header_lines=headers_block())
    for level in range(depth):
        inner = single(headers_block(subject=f"Fwd {level}"), "message/rfc822", inner)
    return inner


def nested_multiparts(depth: int = 40) -> bytes:
    """Multiparts inside multiparts ``depth`` deep, each with its own boundary."""
    part = Part(("Content-Type: text/plain",), b"bottom")
    for level in range(depth - 1, 0, -1):
        part = nested([part], boundary=f"=_level_{level}")
    return multipart([part], boundary="=_level_0")


def many_parts(count: int = 3_000) -> bytes:
    """One root multipart and ``count - 1`` tiny parts: ``count`` MIME parts in all."""
    tiny = Part(("Content-Type: text/plain",), b"x")
    return multipart([tiny] * (count - 1))


def huge(megabytes: int = 31) -> bytes:
    """A message of ``megabytes`` MB: one PDF-ish attachment of that size."""
    line = b"A" * 76 + CRLF
    body = line * (megabytes * 1024 * 1024 // len(line) + 1)
    part = Part(
        (
            'Content-Type: application/pdf; name="big.pdf"',
            "Content-Transfer-Encoding: base64",
        ),
        body,
    )
    return multipart([part])


def many_attachments(count: int = 101) -> bytes:
    small = pdf(("Receipt",))
    return multipart([file_part(f"receipt-{n:03}.pdf", small) for n in range(1, count + 1)])


def display_name_spoof() -> bytes:
    """A stranger borrows the client's name as display name."""
    return multipart(
        [text_part("Statement attached."), file_part("statement.pdf", pdf())],
        header_lines=headers_block(sender='"Alice Client" <attacker@example.net>'),
    )


def address_as_name_spoof() -> bytes:
    """The client's address as the display name of an attacker's address: Python < 3.13's
    parser (CVE-2023-27043) reads alice; mail clients show and answer bob."""
    return multipart(
        [text_part("Statement attached."), file_part("statement.pdf", pdf())],
        header_lines=headers_block(sender="alice@client.example <bob@evil.example>"),
    )


REAL_RESULTS = (
    "mx.in.atlas.example; spf=fail smtp.mailfrom=evil.example; dkim=none;"
    " dmarc=fail header.from=client.example"
)
FORGED_RESULTS = (
    "mx.in.atlas.example; spf=pass smtp.mailfrom=client.example;"
    " dkim=pass header.d=client.example; dmarc=pass header.from=client.example"
)


def forged_authentication() -> bytes:
    """The receiving server's Authentication-Results on top says fail; below it the sender
    wrote their own saying pass."""
    lines = [
        f"Authentication-Results: {REAL_RESULTS}",
        f"Authentication-Results: {FORGED_RESULTS}",
        *headers_block(),
    ]
    return multipart([file_part("statement.pdf", pdf())], header_lines=lines)


def authenticated(results: str) -> bytes:
    """The client's message with the receiving server's ``results`` on top."""
    lines = [f"Authentication-Results: {results}", *headers_block()]
    return multipart([file_part("statement.pdf", pdf())], header_lines=lines)


def bounce() -> bytes:
    """A DSN (RFC 3464) returning one of our messages, its attachment quoted back."""
    status = Part(
        ("Content-Type: message/delivery-status",),
        b"Reporting-MTA: dns; mx.client.example\r\n\r\n"
        b"Final-Recipient: rfc822; nobody@client.example\r\nAction: failed\r\n"
        b"Status: 5.1.1\r\n",
    )
    original = Part(
        ("Content-Type: message/rfc822",),
        multipart(
            [text_part("Please send your statements."), file_part("request.pdf", pdf())],
            header_lines=headers_block(sender=PRACTICE, to="nobody@client.example"),
            boundary="=_original",
        ),
    )
    return multipart(
        [text_part("Delivery to nobody@client.example failed permanently."), status, original],
        subtype="report",
        type_params="; report-type=delivery-status",
        header_lines=headers_block(
            subject="Undelivered Mail Returned to Sender",
            sender="Mail Delivery System <MAILER-DAEMON@mx.client.example>",
        ),
    )


def mailer_daemon_bounce() -> bytes:
    """A bounce in plain text only, recognised by its sender and subject."""
    return single(
        headers_block(subject="failure notice", sender="MAILER-DAEMON@mx.client.example"),
        "text/plain",
        b"Sorry, we were unable to deliver your message.\r\n",
    )


AUTO_REPLY_VARIANTS = {
    "auto-submitted": ("Auto-Submitted: auto-replied", "Re: Documents"),
    "auto-generated": ("Auto-Submitted: auto-generated (vacation)", "Documents"),
    "x-autoreply": ("X-Autoreply: yes", "Documents"),
    "x-autorespond": ("X-Autorespond: Out of office", "Documents"),
    "precedence": ("Precedence: auto_reply", "Documents"),
    "out-of-office subject": ("X-Mailer: corpus", "Out of Office: Documents"),
    "automatic-reply subject": ("X-Mailer: corpus", "Automatic reply: Documents"),
    "auto subject": ("X-Mailer: corpus", "Auto: Alice is away until 4 January"),
}


def auto_reply(variant: str) -> bytes:
    header, subject = AUTO_REPLY_VARIANTS[variant]
    return single(
        headers_block(subject=subject, extra=[header]),
        "text/plain; charset=utf-8",
        b"I am out of the office until 4 January.\r\n",
    )


def not_an_auto_reply() -> bytes:
    """Auto-Submitted: no, and a subject that mentions the office without the prefix."""
    return multipart(
        [file_part("statement.pdf", pdf())],
        header_lines=headers_block(
            subject="Out of office tomorrow, statements attached", extra=["Auto-Submitted: no"]
        ),
    )


INVITE = (
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\n"
    b"UID:corpus-1@client.example\r\nDTSTART:20261210T100000Z\r\n"
    b"SUMMARY:Year-end review\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


def calendar_invite() -> bytes:
    calendar = Part(
        ("Content-Type: text/calendar; charset=utf-8; method=REQUEST",),
        INVITE,
    )
    alternative = nested([text_part("Year-end review, 10 December."), calendar], "alternative")
    return multipart(
        [alternative, file_part("invite.ics", INVITE, "application/ics")],
        header_lines=headers_block(subject="Invitation: Year-end review"),
    )


def ics_only() -> bytes:
    """An invitation sent as a lone .ics file (no text/calendar part, no method)."""
    return multipart(
        [
            file_part(
                "meeting.ics",
                INVITE.replace(b"METHOD:REQUEST\r\n", b""),
                "application/octet-stream",
            )
        ]
    )


def signature_logo_only() -> bytes:
    """A short note whose only 'attachment' is the logo in the signature."""
    logo = b"\x89PNG\r\n\x1a\n" + bytes(2_000)
    related = Part(
        (
            'Content-Type: image/png; name="image001.png"',
            'Content-Disposition: inline; filename="image001.png"',
            "Content-ID: <image001.png@01DB0000.00000000>",
            "Content-Transfer-Encoding: base64",
        ),
        base64.encodebytes(logo).replace(b"\n", CRLF),
    )
    html = text_part('<p>Thanks!</p><img src="cid:image001.png@01DB0000.00000000">', "text/html")
    return multipart([html, related], subtype="related")


def winmail() -> bytes:
    """Outlook's rich-text mail: the files travel inside winmail.dat."""
    dat = tnef([("statement.pdf", pdf()), ("invoice.pdf", pdf(INVOICE_LINES))])
    return multipart(
        [
            text_part("Statement and invoice attached."),
            file_part("winmail.dat", dat, "application/ms-tnef"),
        ]
    )


def broken_winmail() -> bytes:
    return multipart([file_part("winmail.dat", b"not tnef at all", "application/ms-tnef")])


def outlook_message() -> bytes:
    """An Outlook .msg attached to a message: its own body and its PDF."""
    msg = outlook_msg(files=[("statement.pdf", "application/pdf", pdf())])
    return multipart(
        [
            text_part("Forwarding the bank's email."),
            file_part("Bank statement.msg", msg, "application/vnd.ms-outlook"),
        ]
    )


def garbage_msg() -> bytes:
    return multipart(
        [file_part("notes.msg", b"this is not an OLE file", "application/octet-stream")]
    )


def zip_bomb_message() -> bytes:
    return multipart([file_part("statements.zip", zip_bomb(), "application/zip")])


def html_renamed_pdf() -> bytes:
    page = b"<html><body><script>alert(document.cookie)</script>Statement</body></html>"
    return multipart([file_part("statement.pdf", page, "application/pdf")])


def headers_only() -> bytes:
    return encode_headers(headers_block()) + CRLF


CORPUS: dict[str, Callable[[], bytes]] = {
    "invoice_pdf": invoice_pdf,
    "bank_statement": bank_statement,
    "unknown_charset": unknown_charset,
    "wrong_charset": wrong_charset,
    "missing_boundary": missing_boundary,
    "broken_closing_boundary": broken_closing_boundary,
    "base64_garbage": base64_garbage,
    "hostile_names": hostile_names,
    "rfc2231_names": rfc2231_names,
    "forwarded_pdf": forwarded_pdf,
    "nested_forwards": nested_forwards,
    "nested_multiparts": nested_multiparts,
    "display_name_spoof": display_name_spoof,
    "address_as_name_spoof": address_as_name_spoof,
    "forged_authentication": forged_authentication,
    "bounce": bounce,
    "mailer_daemon_bounce": mailer_daemon_bounce,
    "auto_reply": lambda: auto_reply("auto-submitted"),
    "calendar_invite": calendar_invite,
    "ics_only": ics_only,
    "signature_logo_only": signature_logo_only,
    "winmail": winmail,
    "broken_winmail": broken_winmail,
    "outlook_message": outlook_message,
    "garbage_msg": garbage_msg,
    "html_renamed_pdf": html_renamed_pdf,
    "headers_only": headers_only,
}

HUGE: dict[str, Callable[[], bytes]] = {
    "many_parts": many_parts,
    "huge": huge,
    "many_attachments": many_attachments,
    "zip_bomb_message": zip_bomb_message,
}
