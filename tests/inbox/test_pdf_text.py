"""pdf_text(): the text of a PDF's first pages for routing, and "" — never an exception,
never a hang — for anything else a stranger can attach."""

import io
import logging
import time
import zlib

import pytest
from pypdf import PdfReader, PdfWriter

from inbox.pdf_text import pdf_text
from tests.inbox import corpus


def encrypted(user_password: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(corpus.pdf())))
    writer.encrypt(user_password=user_password, owner_password="owner-secret")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_the_text_of_a_bank_statement():
    text = pdf_text(corpus.pdf())

    assert "Statement period 1 November 2026 to 30 November 2026" in text
    assert "Sort code 20-00-00 Account 12345678" in text


def test_only_the_first_pages_are_read():
    data = corpus.pdf_pages([[f"Page number {n}"] for n in range(1, 13)])

    text = pdf_text(data)

    assert "Page number 10" in text
    assert "Page number 11" not in text
    assert "Page number 2" in pdf_text(data, max_pages=2)
    assert "Page number 3" not in pdf_text(data, max_pages=2)


def test_the_text_is_cut_at_max_chars():
    data = corpus.pdf_pages([["x" * 80] * 40] * 3)

    assert len(pdf_text(data, max_chars=500)) == 500


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"hello, not a PDF",
        b"<html><body>Statement</body></html>",
        corpus.pdf()[:300],  # cut short
        corpus.pdf().replace(b"/Root 1 0 R", b"/Root 9 0 R").replace(b"/Catalog", b"/Nothing"),
        b"%PDF-1.7\n" + bytes(range(256)) * 40,
        corpus.zip_bomb(entries=1, megabytes_each=1),
    ],
    ids=["empty", "text", "html", "truncated", "no-root", "garbage", "zip"],
)
def test_anything_that_is_not_a_readable_pdf_gives_nothing(data):
    assert pdf_text(data) == ""


def test_a_password_protected_pdf_gives_nothing():
    assert pdf_text(encrypted("secret")) == ""


def test_a_pdf_protected_only_against_editing_is_read_as_any_viewer_would():
    assert "Sort code 20-00-00" in pdf_text(encrypted(""))


def test_an_absurd_declared_page_count_is_not_read():
    data = corpus.pdf_pages([["Sort code 20-00-00"]], declared_count=10_000_000)

    assert pdf_text(data) == ""


def test_a_page_tree_that_loops_back_on_itself_gives_nothing_quickly():
    data = corpus.pdf().replace(b"/Kids [3 0 R]", b"/Kids [2 0 R 3 0 R]")
    started = time.perf_counter()

    text = pdf_text(data)

    assert time.perf_counter() - started < 2
    assert text in ("", pdf_text(corpus.pdf()))


def test_a_decompression_bomb_page_is_skipped_and_the_others_are_read():
    # 64 MB of zeros in 70 KB of deflate, over the 20 MB output limit set for the read.
    squeezer = zlib.compressobj(9)
    block = squeezer.compress(bytes(1024 * 1024)) + squeezer.flush(zlib.Z_FULL_FLUSH)
    bomb = block * 64 + squeezer.flush()
    second = b"BT /F1 11 Tf 72 760 Td (Sort code 20-00-00) Tj ET"
    page = (
        b"<< /Type /Page /Parent 2 0 R /Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>"
    )
    data = corpus.pdf_file(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [4 0 R 6 0 R] /Count 2 >>",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            page % 5,
            corpus.pdf_stream(bomb, b"/Filter /FlateDecode "),
            page % 7,
            corpus.pdf_stream(second),
        ]
    )
    started = time.perf_counter()

    text = pdf_text(data)

    assert time.perf_counter() - started < 5
    assert text.strip() == "Sort code 20-00-00"


def test_pypdf_says_nothing_about_hostile_files(caplog):
    caplog.set_level(logging.DEBUG)

    pdf_text(corpus.pdf()[:-40])
    pdf_text(b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\nendobj\n")

    assert [r for r in caplog.records if r.name.startswith("pypdf")] == []
