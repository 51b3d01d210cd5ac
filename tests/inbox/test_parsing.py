"""parse(): what a message from a stranger turns into — its text, its attachments under safe
names, what was skipped and why, and its kind — for the hand-made hostile corpus."""

import pytest

from inbox.parsing import Kind, Limits, parse
from tests.inbox import corpus


def names(parsed) -> list[str]:
    return [attachment.name for attachment in parsed.attachments]


def test_an_ordinary_invoice_message():
    parsed = parse(corpus.invoice_pdf())

    assert parsed.kind == Kind.DOCUMENTS
    assert parsed.subject == "Documents for November"
    assert parsed.from_address == "alice@client.example"
    assert parsed.from_name == "Alice Client"
    assert parsed.to == ("harbour+k7x2q9@in.atlas.example",)
    assert parsed.message_id == "corpus-1@client.example"
    assert parsed.sent_at.isoformat() == "2026-12-07T09:15:00+00:00"
    assert parsed.text == "Hello, please find our November invoice attached.\nAlice\n"
    [invoice] = parsed.attachments
    assert (invoice.name, invoice.content_type, invoice.origin) == (
        "Invoice 2026-117.pdf",
        "application/pdf",
        "",
    )
    assert invoice.data == corpus.pdf(corpus.INVOICE_LINES)
    assert parsed.skipped == ()
    assert parsed.defects == ()
    assert ("Subject", "Documents for November") in parsed.headers


def test_an_unknown_charset_is_read_leniently_and_named():
    parsed = parse(corpus.unknown_charset())

    assert parsed.text.startswith("Relev\ufffd de novembre ci-joint")
    assert "unknown charset 'x-unknown'" in parsed.defects
    assert names(parsed) == ["releve.pdf"]


def test_latin1_bytes_declared_utf8_do_not_break_the_body_or_the_subject():
    parsed = parse(corpus.wrong_charset())

    assert parsed.text.startswith("Caf\ufffd receipts for d\ufffdcembre")
    assert parsed.subject == "Re\ufffdus"
    assert "text not valid in its declared charset 'utf-8'" in parsed.defects
    assert names(parsed) == ["receipts.pdf"]


def test_a_multipart_without_its_boundary_is_read_as_text_with_the_defect():
    parsed = parse(corpus.missing_boundary())

    assert parsed.kind == Kind.NO_DOCUMENTS
    assert "See attached." in parsed.text
    assert "no boundary in multipart" in parsed.defects


def test_a_missing_closing_boundary_still_gives_the_attachment():
    parsed = parse(corpus.broken_closing_boundary())

    assert names(parsed) == ["statement.pdf"]
    assert parsed.attachments[0].data == corpus.pdf()
    assert "close boundary not found" in parsed.defects


def test_base64_garbage_and_an_unknown_transfer_encoding_are_kept_with_defects():
    parsed = parse(corpus.base64_garbage())

    assert names(parsed) == ["scan.pdf", "odd.pdf"]
    assert parsed.attachments[0].data.startswith(b"%PDF-1.4")
    assert parsed.attachments[1].data.startswith(b"%PDF-1.4 raw bytes")
    assert "unknown Content-Transfer-Encoding 'x-martian'" in parsed.defects
    assert any("base64" in defect for defect in parsed.defects)


def test_hostile_file_names_become_safe_display_names():
    parsed = parse(corpus.hostile_names())

    assert names(parsed) == list(corpus.HOSTILE_NAMES.values())
    for name in names(parsed):
        assert "/" not in name and "\\" not in name and "\x00" not in name
        assert "\u202e" not in name
        assert 0 < len(name) <= 150


def test_a_long_name_is_cut_to_150_keeping_its_extension():
    raw = corpus.multipart([corpus.file_part("B" * 400 + ".pdf", corpus.pdf())])

    [attachment] = parse(raw).attachments
    assert attachment.name == "B" * 146 + ".pdf"


def test_rfc2231_and_encoded_word_names_are_decoded():
    assert names(parse(corpus.rfc2231_names())) == list(corpus.RFC2231_NAMES)


def test_a_forwarded_message_yields_its_attachments_and_its_text():
    parsed = parse(corpus.forwarded_pdf())

    [invoice] = parsed.attachments
    assert (invoice.name, invoice.origin) == ("SUP-88.pdf", "forwarded message")
    assert parsed.text.startswith("FYI, the supplier's invoice.")
    assert "From: Bob Supplier <bob@supplier.example>" in parsed.text
    assert "Invoice SUP-88 attached." in parsed.text
    # The forwarder is the sender, not the supplier inside.
    assert parsed.from_address == "alice@client.example"


def test_a_forwarded_message_a_few_levels_deep_is_followed():
    parsed = parse(corpus.nested_forwards(depth=3))

    assert [(a.name, a.origin) for a in parsed.attachments] == [("deep.pdf", "forwarded message")]


def test_winmail_dat_is_unpacked():
    parsed = parse(corpus.winmail())

    assert [(a.name, a.content_type, a.origin) for a in parsed.attachments] == [
        ("statement.pdf", "application/pdf", "winmail.dat"),
        ("invoice.pdf", "application/pdf", "winmail.dat"),
    ]
    assert parsed.attachments[0].data == corpus.pdf()


def test_a_winmail_dat_that_cannot_be_unpacked_is_kept_as_it_came():
    parsed = parse(corpus.broken_winmail())

    [kept] = parsed.attachments
    assert (kept.name, kept.data, kept.origin) == ("winmail.dat", b"not tnef at all", "")
    assert any(d.startswith("winmail.dat could not be unpacked") for d in parsed.defects)


def test_an_outlook_msg_is_unpacked_with_its_body():
    parsed = parse(corpus.outlook_message())

    [statement] = parsed.attachments
    assert (statement.name, statement.content_type, statement.origin) == (
        "statement.pdf",
        "application/pdf",
        "Outlook message",
    )
    assert statement.data == corpus.pdf()
    assert "Outlook message: Bank statement.msg" in parsed.text
    assert "Please find the November statement attached." in parsed.text


def test_a_garbage_msg_is_kept_as_it_came():
    parsed = parse(corpus.garbage_msg())

    [kept] = parsed.attachments
    assert (kept.name, kept.data) == ("notes.msg", b"this is not an OLE file")
    assert any(d.startswith("notes.msg could not be unpacked") for d in parsed.defects)


def test_a_zip_bomb_and_an_html_file_named_pdf_are_kept_for_the_upload_check():
    bomb = parse(corpus.zip_bomb_message())
    renamed = parse(corpus.html_renamed_pdf())

    assert [(a.name, a.content_type) for a in bomb.attachments] == [
        ("statements.zip", "application/zip")
    ]
    assert bomb.attachments[0].data == corpus.zip_bomb()
    assert [(a.name, a.content_type) for a in renamed.attachments] == [
        ("statement.pdf", "application/pdf")
    ]
    assert renamed.attachments[0].data.startswith(b"<html>")


def test_the_signature_logo_is_skipped_not_a_document():
    parsed = parse(corpus.signature_logo_only())

    assert parsed.kind == Kind.NO_DOCUMENTS
    assert parsed.attachments == ()
    assert parsed.skipped == (("image001.png", "inline image in the signature"),)
    assert parsed.text == "Thanks!"
    assert parsed.html.startswith("<p>Thanks!</p>")


def test_an_empty_file_and_one_over_the_attachment_limit_are_skipped_with_reasons():
    raw = corpus.multipart(
        [
            corpus.file_part("empty.pdf", b""),
            corpus.file_part("big.pdf", b"%PDF" + bytes(2_000)),
            corpus.file_part("fine.pdf", corpus.pdf()),
        ]
    )

    parsed = parse(raw, Limits(max_attachment_bytes=1024))

    assert names(parsed) == ["fine.pdf"]
    assert parsed.skipped == (("empty.pdf", "empty"), ("big.pdf", "larger than the 1 KB limit"))


def test_the_25_mb_limit_is_named_in_the_reason():
    scan = corpus.Part(
        (
            'Content-Type: application/pdf; name="scan.pdf"',
            "Content-Transfer-Encoding: binary",
        ),
        b"%PDF" + bytes(26 * 1024 * 1024),
    )

    parsed = parse(corpus.multipart([scan]))

    assert parsed.attachments == ()
    assert parsed.skipped == (("scan.pdf", "larger than the 25 MB limit"),)


def test_a_nameless_attachment_gets_a_numbered_name_from_its_type():
    raw = corpus.multipart(
        [
            corpus.file_part("one.pdf", corpus.pdf()),
            corpus.file_part(None, corpus.pdf()),
            corpus.file_part(None, b"a,b\r\n1,2\r\n", "text/csv"),
        ]
    )

    assert names(parse(raw)) == ["one.pdf", "attachment-2.pdf", "attachment-3.csv"]


def test_a_bounce_is_a_bounce_even_with_our_attachment_quoted_back():
    parsed = parse(corpus.bounce())

    assert parsed.kind == Kind.BOUNCE
    assert ("message/delivery-status", "part of a delivery report") in parsed.skipped


def test_a_plain_bounce_from_the_mailer_daemon_is_a_bounce():
    assert parse(corpus.mailer_daemon_bounce()).kind == Kind.BOUNCE


@pytest.mark.parametrize("variant", sorted(corpus.AUTO_REPLY_VARIANTS))
def test_automatic_replies_in_every_form(variant):
    assert parse(corpus.auto_reply(variant)).kind == Kind.AUTO_REPLY


def test_auto_submitted_no_and_an_office_subject_without_the_prefix_are_documents():
    assert parse(corpus.not_an_auto_reply()).kind == Kind.DOCUMENTS


def test_a_calendar_invitation_is_not_documents():
    parsed = parse(corpus.calendar_invite())

    assert parsed.kind == Kind.CALENDAR
    assert parsed.attachments == ()
    assert {why for _, why in parsed.skipped} == {"calendar invitation"}


def test_an_ics_file_alone_is_an_invitation():
    parsed = parse(corpus.ics_only())

    assert parsed.kind == Kind.CALENDAR
    assert parsed.skipped == (("meeting.ics", "calendar invitation"),)


def test_a_message_of_headers_only():
    parsed = parse(corpus.headers_only())

    assert parsed.kind == Kind.NO_DOCUMENTS
    assert (parsed.text, parsed.html, parsed.attachments) == ("", "", ())


def test_html_only_gives_its_text_and_keeps_the_raw_html():
    html = "<html><head><style>p{}</style></head><body><p>Sort code 20-00-00</p>"
    html += "<script>x()</script><p>Account&nbsp;12345678</p></body></html>"
    raw = corpus.single(corpus.headers_block(), "text/html; charset=utf-8", html.encode())

    parsed = parse(raw)

    assert parsed.text == "Sort code 20-00-00\n\nAccount 12345678"
    assert parsed.html == html


def test_a_signed_message_keeps_its_document_and_skips_the_signature():
    signed = corpus.nested(
        [
            corpus.text_part("Statement attached."),
            corpus.file_part("statement.pdf", corpus.pdf()),
        ]
    )
    signature = corpus.file_part("smime.p7s", b"0\x82\x05signature", "application/pkcs7-signature")
    raw = corpus.multipart(
        [signed, signature],
        subtype="signed",
        type_params='; protocol="application/pkcs7-signature"; micalg=sha-256',
    )

    parsed = parse(raw)

    assert names(parsed) == ["statement.pdf"]
    assert parsed.skipped == (("smime.p7s", "the message's digital signature"),)


def test_an_encrypted_message_is_kept_as_it_came_and_said_so():
    raw = corpus.single(
        corpus.headers_block(),
        'application/pkcs7-mime; smime-type=enveloped-data; name="smime.p7m"',
        b"MIAGCSqGSIb3DQEHA6CAMIACAQAxggFA\r\n",
        "Content-Transfer-Encoding: base64",
        'Content-Disposition: attachment; filename="smime.p7m"',
    )

    parsed = parse(raw)

    assert names(parsed) == ["smime.p7m"]
    assert "encrypted content (S/MIME or PGP): kept as it came, unread" in parsed.defects


def test_a_message_as_a_mail_client_writes_it():
    # Written by the standard library's generator, as Outlook would send it: text and HTML
    # alternatives, a logo referenced from the HTML, and two documents (one with a non-ASCII
    # name, which the generator encodes per RFC 2231).
    from email.message import EmailMessage

    message = EmailMessage()
    message["From"] = "Alice Client <alice@client.example>"
    message["To"] = "harbour+k7x2q9@in.atlas.example"
    message["Subject"] = "Relevés de novembre"
    message["Date"] = corpus.DATE
    message.set_content("Please find November's statement and invoice.\n")
    message.add_alternative('<p>Please find November\'s statement.</p><img src="cid:logo">', "html")
    html = message.get_payload()[1]
    html.add_related(
        b"\x89PNG" + bytes(3_000), "image", "png", cid="<logo>", filename="image001.png"
    )
    message.add_attachment(corpus.pdf(), "application", "pdf", filename="Relevé novembre.pdf")
    message.add_attachment(
        corpus.pdf(corpus.INVOICE_LINES), "application", "pdf", filename="inv.pdf"
    )

    parsed = parse(message.as_bytes())

    assert parsed.kind == Kind.DOCUMENTS
    assert parsed.subject == "Relevés de novembre"
    assert parsed.text == "Please find November's statement and invoice.\n"
    assert parsed.html.startswith("<p>Please find")
    assert names(parsed) == ["Relevé novembre.pdf", "inv.pdf"]
    assert parsed.skipped == (("image001.png", "inline image in the signature"),)
    assert parsed.defects == ()
