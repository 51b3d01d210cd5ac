"""portal.uploads: size, sniffed type, clean names — with real byte samples."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from documents.uploads import UploadRefused, clean_name, human_size, validate_upload
from tests.portal import samples

ACCEPTED = (
    "Upload PDF, images (PNG, JPEG), CSV, Excel (XLSX, XLS), OFX/QFX, QIF, camt.053 XML, MT940 "
    "or Word (DOCX) files."
)


def upload(name, data):
    return SimpleUploadedFile(name, data)


@pytest.mark.parametrize(
    "name, data, content_type, stored_name",
    [
        ("statement.pdf", samples.PDF, "application/pdf", "statement.pdf"),
        ("scan", samples.PNG, "image/png", "scan.png"),
        ("receipt.JPG", samples.JPEG, "image/jpeg", "receipt.jpg"),
        ("logo.gif", samples.GIF, "image/gif", "logo.gif"),
        ("photo.webp", samples.WEBP, "image/webp", "photo.webp"),
        ("IMG_0001.HEIC", samples.HEIC, "image/heic", "IMG_0001.heic"),
        ("october.csv", samples.CSV, "text/csv", "october.csv"),
        ("october.txt", samples.CSV, "text/plain", "october.txt"),
        ("barclays.sta", samples.MT940, "text/plain", "barclays.sta"),
        ("download.qfx", samples.OFX, "application/x-ofx", "download.qfx"),
        ("download", samples.OFX_XML, "application/x-ofx", "download.ofx"),
        ("camt053.xml", samples.CAMT, "application/xml", "camt053.xml"),
        (
            "money.qif",
            b"!Type:Bank\r\nD01/12/2026\r\nT-12.50\r\nPCoffee\r\n^\r\n",
            "application/qif",
            "money.qif",
        ),
        (
            "sales.xlsx",
            samples.XLSX,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "sales.xlsx",
        ),
        (
            "letter.docx",
            samples.DOCX,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "letter.docx",
        ),
        # The name does not decide the type: a PDF called .png is kept as a PDF.
        ("invoice.png", samples.PDF, "application/pdf", "invoice.png.pdf"),
    ],
)
def test_accepted_types_are_sniffed_from_the_content(name, data, content_type, stored_name):
    checked = validate_upload(upload(name, data))
    assert checked.content_type == content_type
    assert checked.name == stored_name
    assert checked.size == len(data)
    assert len(checked.sha256) == 64


def test_a_pdf_with_javascript_is_accepted_as_a_pdf():
    checked = validate_upload(upload("form.pdf", samples.PDF_WITH_JAVASCRIPT))
    assert checked.content_type == "application/pdf"


@pytest.mark.parametrize(
    "name, data, looks_like",
    [
        ("report.exe", samples.EXE, "a Windows program"),
        ("report.pdf", samples.EXE, "a Windows program"),  # an EXE renamed .pdf
        ("invoice.html", samples.HTML, "a web page (HTML)"),
        ("invoice.csv", samples.HTML, "a web page (HTML)"),
        ("logo.svg", samples.SVG, "an SVG image, which can carry scripts"),
        ("archive.zip", samples.PLAIN_ZIP, "a ZIP archive"),
        ("invoice.xml", samples.OTHER_XML, "XML that is not a camt.053 or OFX statement"),
    ],
)
def test_refused_types_say_what_they_look_like_and_what_is_accepted(name, data, looks_like):
    with pytest.raises(UploadRefused) as refused:
        validate_upload(upload(name, data))
    assert refused.value.message == (
        f"{name} is not a file type we accept (it looks like {looks_like}). {ACCEPTED}"
    )


def test_an_empty_file_is_refused():
    with pytest.raises(UploadRefused) as refused:
        validate_upload(upload("empty.pdf", b""))
    assert refused.value.message == "empty.pdf is empty."


def test_a_file_over_the_limit_is_refused_with_both_sizes():
    big = SimpleUploadedFile("scan.pdf", b"x")
    big.size = int(31.2 * 1024 * 1024)  # the size the browser sent; nothing is read
    with pytest.raises(UploadRefused) as refused:
        validate_upload(big, max_bytes=25 * 1024 * 1024)
    assert refused.value.message == "scan.pdf is 31.2 MB; the limit is 25 MB per file."


def test_a_file_that_grows_past_the_limit_while_read_is_refused(settings):
    settings.ATLAS_UPLOAD_MAX_BYTES = 10_000
    sneaky = SimpleUploadedFile("scan.pdf", samples.PDF + b"0" * 20_000)
    sneaky.size = 100  # lies about its size
    with pytest.raises(UploadRefused) as refused:
        validate_upload(sneaky)
    assert "the limit is 9.8 KB per file." in refused.value.message


@pytest.mark.parametrize(
    "raw, clean",
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\windows\\statement.pdf", "statement.pdf"),
        ("bank\x00\x1b[31m statement\r\n.pdf", "bank[31m statement.pdf"),
        ("..", "document"),
        ("", "document"),
        ("   ", "document"),
        (".hidden.pdf", "hidden.pdf"),
        ('what?<is>"this".pdf', "what__is__this_.pdf"),
        ("a" * 300 + ".pdf", "a" * 146 + ".pdf"),
    ],
)
def test_names_are_cleaned(raw, clean):
    assert clean_name(raw) == clean
    assert len(clean_name(raw)) <= 150


def test_a_traversal_name_is_stored_clean_with_the_sniffed_extension():
    checked = validate_upload(upload("../../secret\x07\x1f", samples.PDF))
    assert checked.name == "secret.pdf"


@pytest.mark.parametrize(
    "size, text",
    [(0, "0 bytes"), (1, "1 byte"), (900, "900 bytes"), (1536, "1.5 KB"), (1258291, "1.2 MB")],
)
def test_human_size(size, text):
    assert human_size(size) == text
