"""The Documents tab: list, filters, pagination, upload, download, preview, reclassify, delete
and restore — through the staff views."""

import datetime
import re

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from atlasos import clock as wall_clock
from atlasos.tenancy.context import practice_context
from documents.models import Document
from tests.factories.clients import ClientFactory
from tests.factories.documents import DocumentFactory
from tests.helpers import HTMX, sign_in
from tests.portal import samples
from tests.portal.helpers import stored_files

OCTOBER = datetime.date(2026, 10, 1)
SEPTEMBER = datetime.date(2026, 9, 1)


@pytest.fixture
def client_ltd(practice):
    return ClientFactory(practice=practice, name="Harbourview Bakery Ltd")


@pytest.fixture
def http(staff):
    return sign_in(HttpClient(), staff)


def tab(client_ltd, query=""):
    url = reverse("client_documents", args=[client_ltd.code])
    return f"{url}?{query}" if query else url


def texts(response) -> list[str]:
    found = [str(m) for m in get_messages(response.wsgi_request)]
    return [text for text in found if not text.startswith("Successfully signed in")]


def live_documents(practice):
    with practice_context(practice.pk):
        return list(Document.objects.filter(deleted_at__isnull=True).order_by("pk"))


# --- list, filters, pagination ------------------------------------------------------------------


def test_the_tab_lists_documents_with_period_type_source_who_when_and_size(
    http, practice, client_ltd, staff
):
    DocumentFactory(
        practice=practice,
        client=client_ltd,
        original_name="barclays-october.pdf",
        period=OCTOBER,
        uploaded_by=staff,
        size=1258291,
    )
    response = http.get(tab(client_ltd))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'aria-current="page">Documents</a>' in page
    row = re.search(r"<tr>\s*<td><a [^>]*>barclays-october.pdf</a>.*?</tr>", page, re.S).group(0)
    today = timezone.localtime(wall_clock.now()).strftime("%a %-d %b")
    for text in ("October 2026", "Bank statement", "Staff upload", f"Tom Reilly, {today}"):
        assert text in row
    assert "1.2 MB" in row
    assert "Preview" in row and "Download" in row


def test_the_empty_tab_says_what_to_do(http, client_ltd):
    page = http.get(tab(client_ltd)).content.decode()
    assert "No documents for Harbourview Bakery Ltd yet — upload" in page


def test_filters_by_period_type_and_source_in_the_url(http, practice, client_ltd):
    DocumentFactory(practice=practice, client=client_ltd, original_name="oct.pdf", period=OCTOBER)
    DocumentFactory(
        practice=practice,
        client=client_ltd,
        original_name="sep.pdf",
        period=SEPTEMBER,
        doc_type="receipt",
        source="email",
    )
    DocumentFactory(practice=practice, client=client_ltd, original_name="none.pdf")
    DocumentFactory(practice=practice, original_name="other-client.pdf", period=OCTOBER)

    def names(query, headers=None):
        page = http.get(tab(client_ltd, query), headers=headers or {}).content.decode()
        return sorted(set(re.findall(r">([a-z-]+\.pdf)</a>", page)))

    assert names("") == ["none.pdf", "oct.pdf", "sep.pdf"]
    assert names("period=2026-10") == ["oct.pdf"]
    assert names("period=none") == ["none.pdf"]
    assert names("doc_type=receipt") == ["sep.pdf"]
    assert names("source=email&period=2026-09") == ["sep.pdf"]
    assert names("source=portal") == []
    # htmx swaps the results only.
    partial = http.get(tab(client_ltd, "period=2026-10"), headers=HTMX).content.decode()
    assert partial.lstrip().startswith('<div id="document-results">')
    assert "<html" not in partial
    assert (
        "No documents match these filters."
        in http.get(tab(client_ltd, "source=portal")).content.decode()
    )


def test_pagination_by_50(http, practice, client_ltd):
    for _ in range(51):
        DocumentFactory(practice=practice, client=client_ltd)
    first = http.get(tab(client_ltd)).content.decode()
    assert "Showing 1–50 of 51" in first
    second = http.get(tab(client_ltd, "page=2")).content.decode()
    assert "Showing 51–51 of 51" in second


@pytest.mark.parametrize("count", [1, 30])
def test_the_tab_query_count_does_not_grow(
    http, practice, client_ltd, staff, count, django_assert_max_num_queries
):
    for n in range(count):
        DocumentFactory(
            practice=practice,
            client=client_ltd,
            uploaded_by=staff,
            period=[OCTOBER, SEPTEMBER][n % 2],
        )
    # 1 session, 2 user with practice, 3 client, 4 tab counts, 5 periods for the filter,
    # 6 count, 7 page (with uploader), 8 the messages of the page's emailed documents (the
    # inbox's links back; none here, no query); a full page adds the bell's unread count.
    with django_assert_max_num_queries(9):
        response = http.get(tab(client_ltd, "period=2026-10&doc_type=bank_statement"))
    assert response.status_code == 200
    with django_assert_max_num_queries(8):
        response = http.get(tab(client_ltd, "period=2026-10"), headers=HTMX)
    assert response.status_code == 200


# --- upload ---------------------------------------------------------------------------------


def post_files(http, client_ltd, *files, **fields):
    data = {"doc_type": "bank_statement", "period": "2026-10", **fields}
    data["files"] = [SimpleUploadedFile(name, content) for name, content in files]
    return http.post(tab(client_ltd), data)


def test_uploading_several_files_reports_each_and_stores_only_the_good_ones(
    http, practice, client_ltd, media
):
    response = post_files(
        http,
        client_ltd,
        ("october.pdf", samples.PDF),
        ("report.pdf", samples.EXE),
        ("../../x\x01y.png", samples.PNG),
        ("empty.csv", b""),
        ("page.html", samples.HTML),
    )
    assert response.status_code == 302
    assert response["Location"] == tab(client_ltd)
    accepted = (
        "Upload PDF, images (PNG, JPEG), CSV, Excel (XLSX, XLS), OFX/QFX, QIF, camt.053 XML, MT940 "
        "or Word (DOCX) files."
    )
    assert texts(response) == [
        "Stored october.pdf.",
        "report.pdf is not a file type we accept (it looks like a Windows program). " + accepted,
        "Stored xy.png.",
        "empty.csv is empty.",
        "page.html is not a file type we accept (it looks like a web page (HTML)). " + accepted,
    ]
    stored = live_documents(practice)
    assert [d.original_name for d in stored] == ["october.pdf", "xy.png"]
    assert {(d.doc_type, d.period, d.source) for d in stored} == {
        ("bank_statement", OCTOBER, "staff_upload")
    }
    assert len(stored_files(media)) == 2


def test_a_duplicate_upload_says_so_and_stores_nothing(http, practice, client_ltd, media):
    post_files(http, client_ltd, ("october.pdf", samples.PDF))
    http.get(tab(client_ltd))  # shows (and so uses up) the first upload's message
    response = post_files(http, client_ltd, ("october-again.pdf", samples.PDF))
    today = timezone.localtime(wall_clock.now()).strftime("%a %-d %b")
    assert texts(response) == [
        f"Already in the store: october.pdf, uploaded {today}. Nothing new was stored."
    ]
    assert len(live_documents(practice)) == 1
    assert len(stored_files(media)) == 1


def test_an_oversize_file_is_refused_with_its_size_and_the_limit(
    http, practice, client_ltd, media, settings
):
    settings.ATLAS_UPLOAD_MAX_BYTES = 2 * 1024
    response = post_files(http, client_ltd, ("scan.pdf", samples.PDF + b"0" * 4000))
    assert texts(response) == ["scan.pdf is 4 KB; the limit is 2 KB per file."]
    assert live_documents(practice) == []
    assert stored_files(media) == []


def test_the_upload_form_needs_a_file(http, client_ltd):
    response = http.post(tab(client_ltd), {"doc_type": "other", "period": ""})
    assert response.status_code == 200
    assert "Choose at least one file to upload." in response.content.decode()


# --- download and preview -------------------------------------------------------------------


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_download_is_always_an_attachment_with_nosniff(http, practice, client_ltd):
    document = DocumentFactory(
        practice=practice, client=client_ltd, original_name="Bank statement.pdf"
    )
    response = http.get(reverse("document_download", args=[document.code]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="Bank statement.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert body(response).startswith(b"%PDF-1.4")


def test_a_pdf_with_javascript_is_downloaded_as_attachment_and_previewed_only_sandboxed(
    http, practice, client_ltd
):
    post_files(http, client_ltd, ("form.pdf", samples.PDF_WITH_JAVASCRIPT))
    (document,) = live_documents(practice)
    download = http.get(reverse("document_download", args=[document.code]))
    assert download["Content-Disposition"].startswith("attachment;")
    assert body(download) == samples.PDF_WITH_JAVASCRIPT
    preview = http.get(reverse("document_preview", args=[document.code]))
    assert preview["Content-Disposition"].startswith("inline;")
    # The only inline response runs in a sandbox: no script, no same origin, no plugins.
    csp = preview["Content-Security-Policy"]
    assert csp.startswith("sandbox; default-src 'none'; img-src 'self'; object-src 'none'")
    assert preview["X-Content-Type-Options"] == "nosniff"
    assert preview["X-Frame-Options"] == "SAMEORIGIN"
    detail = http.get(reverse("document_detail", args=[document.code])).content.decode()
    assert re.search(r"<iframe src=\"[^\"]+/preview/\"", detail)  # the response sandboxes itself


def test_images_preview_in_an_img(http, practice, client_ltd):
    post_files(http, client_ltd, ("scan.png", samples.PNG))
    (document,) = live_documents(practice)
    detail = http.get(reverse("document_detail", args=[document.code])).content.decode()
    assert f'<img src="{reverse("document_preview", args=[document.code])}"' in detail
    preview = http.get(reverse("document_preview", args=[document.code]))
    assert preview["Content-Type"] == "image/png"
    assert body(preview) == samples.PNG


def test_other_types_have_no_preview(http, practice, client_ltd):
    post_files(http, client_ltd, ("october.csv", samples.CSV))
    (document,) = live_documents(practice)
    assert http.get(reverse("document_preview", args=[document.code])).status_code == 404
    page = http.get(tab(client_ltd)).content.decode()
    assert "Preview" not in page.split("october.csv", 1)[1].split("</tr>", 1)[0]
    detail = http.get(reverse("document_detail", args=[document.code])).content.decode()
    assert "No preview for this type of file" in detail and "<iframe" not in detail


def test_a_missing_file_is_a_404(http, practice, client_ltd):
    from django.core.files.storage import default_storage

    document = DocumentFactory(practice=practice, client=client_ltd)
    default_storage.delete(document.storage_key)
    assert http.get(reverse("document_download", args=[document.code])).status_code == 404


def test_on_s3_download_redirects_to_a_short_lived_signed_url(
    http, practice, client_ltd, settings, monkeypatch
):
    from django.core.files.storage import default_storage

    document = DocumentFactory(practice=practice, client=client_ltd, original_name="oct.pdf")
    settings.AWS_STORAGE_BUCKET_NAME = "atlas-documents"
    calls = []

    def signed_url(name, parameters=None, expire=None):
        calls.append((name, parameters, expire))
        return "https://s3.example.com/signed"

    monkeypatch.setattr(default_storage, "url", signed_url)
    response = http.get(reverse("document_download", args=[document.code]))
    assert response.status_code == 302
    assert response["Location"] == "https://s3.example.com/signed"
    assert calls == [
        (
            document.storage_key,
            {
                "ResponseContentDisposition": 'attachment; filename="oct.pdf"',
                "ResponseContentType": "application/pdf",
            },
            60,
        )
    ]


# --- reclassify, delete, restore --------------------------------------------------------------


def test_reclassify_and_move_period(http, practice, client_ltd):
    document = DocumentFactory(
        practice=practice, client=client_ltd, original_name="oct.pdf", period=OCTOBER
    )
    response = http.post(
        reverse("document_edit", args=[document.code]),
        {"doc_type": "receipt", "period": "2026-09"},
    )
    assert response.status_code == 302
    assert texts(response) == ["oct.pdf is now filed as Receipt, September 2026."]
    with practice_context(practice.pk):
        document.refresh_from_db()
    assert (document.doc_type, document.period) == ("receipt", SEPTEMBER)
    bad = http.post(
        reverse("document_edit", args=[document.code]), {"doc_type": "nonsense", "period": "x"}
    )
    assert bad.status_code == 200
    assert "Select a valid choice." in bad.content.decode()


def test_delete_hides_and_restore_brings_back(http, practice, client_ltd, staff):
    document = DocumentFactory(practice=practice, client=client_ltd, original_name="oct.pdf")
    response = http.post(reverse("document_delete", args=[document.code]))
    until = (timezone.localtime(wall_clock.now()) + datetime.timedelta(days=30)).strftime(
        "%a %-d %b"
    )
    assert texts(response) == [
        f"oct.pdf deleted. You can restore it from Recently deleted until {until}."
    ]
    assert ">oct.pdf</a>" not in http.get(tab(client_ltd)).content.decode()
    assert http.get(reverse("document_download", args=[document.code])).status_code == 404
    deleted_page = http.get(reverse("client_documents_deleted", args=[client_ltd.code]))
    page = deleted_page.content.decode()
    assert "oct.pdf" in page and "Tom Reilly" in page and until in page
    response = http.post(reverse("document_restore", args=[document.code]))
    assert texts(response) == ["oct.pdf restored."]
    assert ">oct.pdf</a>" in http.get(tab(client_ltd)).content.decode()


def test_documents_deleted_over_30_days_ago_are_not_listed_nor_restorable(
    http, practice, client_ltd
):
    document = DocumentFactory(
        practice=practice,
        client=client_ltd,
        original_name="old.pdf",
        deleted_at=wall_clock.now() - datetime.timedelta(days=31),
    )
    page = http.get(reverse("client_documents_deleted", args=[client_ltd.code])).content
    assert b"old.pdf" not in page
    response = http.post(reverse("document_restore", args=[document.code]))
    assert texts(response) == ["old.pdf was deleted more than 30 days ago and cannot be restored."]


# --- access ---------------------------------------------------------------------------------


def test_another_practices_document_is_a_404(practice, other_practice, other_partner):
    document = DocumentFactory(practice=practice)
    http = sign_in(HttpClient(), other_partner)
    for name in ("document_detail", "document_download", "document_preview"):
        assert http.get(reverse(name, args=[document.code])).status_code == 404
    for name in ("document_edit", "document_delete", "document_restore"):
        response = http.post(reverse(name, args=[document.code]), {"doc_type": "other"})
        assert response.status_code == 404
    assert http.get(tab(document.client)).status_code == 404


def test_anonymous_users_are_sent_to_sign_in(client, practice):
    document = DocumentFactory(practice=practice)
    response = client.get(reverse("document_download", args=[document.code]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
