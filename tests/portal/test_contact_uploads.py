"""The client contact uploads files against a request's items: several at once, the script's
answer, refusals (size, duplicates, closed requests), and a request completed by upload."""

import pytest
from django.urls import reverse

from atlasos import clock as wall_clock
from atlasos.tenancy.context import practice_context
from documents.models import Document
from tests.portal import samples
from tests.portal.helpers import (
    OCTOBER,
    files,
    make_request,
    refreshed,
    stored_files,
    text,
    upload_url,
)

XHR = {"X-Requested-With": "XMLHttpRequest"}


def documents_of(practice, client) -> list[Document]:
    with practice_context(practice.pk):
        return list(Document.objects.filter(client=client).order_by("pk"))


def test_several_files_at_once_store_the_good_ones_and_refuse_the_bad_one(
    http, practice, client_ltd, contact, media
):
    document_request, (bank, _receipts) = make_request(practice, client_ltd)

    response = http.post(
        upload_url(bank),
        {
            "files": files(
                ("barclays-october.pdf", samples.PDF),
                ("invoice.pdf", samples.EXE),
                ("statement-page-2.png", samples.PNG),
            )
        },
        follow=True,
    )

    assert response.redirect_chain[-1][0].endswith(f"#item-{bank.code}")
    page = text(response)
    assert "Received barclays-october.pdf." in page
    assert "Received statement-page-2.png." in page
    assert "invoice.pdf is not a file type we accept (it looks like a Windows program)" in page
    stored = documents_of(practice, client_ltd)
    assert [d.original_name for d in stored] == ["barclays-october.pdf", "statement-page-2.png"]
    assert {d.source for d in stored} == {"portal"}
    assert {d.uploaded_by_contact_id for d in stored} == {contact.pk}
    assert {d.uploaded_by_id for d in stored} == {None}
    assert {d.doc_type for d in stored} == {"bank_statement"}
    assert {d.period for d in stored} == {OCTOBER}
    assert len(stored_files(media)) == 2
    item = refreshed(practice, bank)
    assert item.state == "received"
    with practice_context(practice.pk):
        assert set(item.documents.values_list("pk", flat=True)) == {d.pk for d in stored}
    assert item.request.status == "sent"
    assert "1 of 2 received" in page


def test_the_script_gets_the_checklist_back_with_each_files_outcome(
    http, practice, client_ltd, media
):
    document_request, (bank, receipts) = make_request(practice, client_ltd)

    response = http.post(
        upload_url(receipts),
        {"files": files(("receipts.png", samples.PNG), ("page.html", samples.HTML))},
        headers=XHR,
    )

    assert response.status_code == 200
    assert response["X-Portal-Checklist"] == str(document_request.code)
    page = text(response)
    assert "<html" not in page
    assert 'data-checklist="' in page
    assert "1 of 2 received" in page
    assert "Received receipts.png." in page
    assert "a web page (HTML)" in page
    assert "data-upload-results" in page
    # The messages went into the checklist, not into the session for the next page.
    assert "Received receipts.png." not in text(
        http.get(reverse("portal_request", args=[document_request.code]))
    )


def test_completing_the_request_by_upload_closes_it(http, practice, client_ltd, media):
    document_request, (bank,) = make_request(practice, client_ltd, items=1)
    response = http.post(
        upload_url(bank), {"files": files(("barclays.pdf", samples.PDF))}, follow=True
    )
    page = text(response)
    assert "1 of 1 received" in page
    assert "This request is complete" in page
    assert refreshed(practice, bank).request.status == "complete"
    assert upload_url(bank) not in page


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("big.pdf", samples.PDF + b"%" * 2048, "big.pdf is 2.1 KB; the limit is 1 KB per file."),
        ("empty.pdf", b"", "empty.pdf is empty."),
    ],
)
def test_oversize_and_empty_files_are_refused_and_nothing_is_stored(
    http, practice, client_ltd, media, settings, name, content, message
):
    settings.ATLAS_UPLOAD_MAX_BYTES = 1024
    _, (bank, _receipts) = make_request(practice, client_ltd)
    response = http.post(upload_url(bank), {"files": files((name, content))}, follow=True)
    assert message in text(response)
    assert documents_of(practice, client_ltd) == []
    assert stored_files(media) == []
    assert refreshed(practice, bank).state == "missing"


def test_a_file_sent_twice_is_stored_once_with_a_message(http, practice, client_ltd, media):
    _, (bank, receipts) = make_request(practice, client_ltd)
    http.post(upload_url(bank), {"files": files(("barclays.pdf", samples.PDF))})
    response = http.post(
        upload_url(receipts), {"files": files(("barclays-again.pdf", samples.PDF))}, follow=True
    )
    assert "barclays-again.pdf: we already have this file, so it was not stored twice." in text(
        response
    )
    assert len(documents_of(practice, client_ltd)) == 1
    assert len(stored_files(media)) == 1


def test_an_upload_without_files_says_so(http, practice, client_ltd, media):
    _, (bank, _receipts) = make_request(practice, client_ltd)
    response = http.post(upload_url(bank), {}, follow=True)
    assert "Choose at least one file to upload." in text(response)
    assert refreshed(practice, bank).state == "missing"


def test_uploading_to_a_complete_request_is_refused(http, practice, client_ltd, media):
    document_request, (bank, _receipts) = make_request(
        practice, client_ltd, status="complete", completed_at=wall_clock.now()
    )
    response = http.post(upload_url(bank), {"files": files(("late.pdf", samples.PDF))}, follow=True)
    assert "is complete; nothing more is needed for it" in text(response)
    assert documents_of(practice, client_ltd) == []
    assert stored_files(media) == []

    response = http.post(upload_url(bank), {"files": files(("late.pdf", samples.PDF))}, headers=XHR)
    assert response.status_code == 409
    assert "is complete" in text(response)
    assert documents_of(practice, client_ltd) == []


def test_uploading_to_a_cancelled_request_is_refused(http, practice, client_ltd, media):
    _, (bank, _receipts) = make_request(practice, client_ltd, status="cancelled")
    response = http.post(upload_url(bank), {"files": files(("late.pdf", samples.PDF))})
    assert response["Location"] == reverse("portal_client", args=[client_ltd.code])
    page = text(http.get(response["Location"]))
    assert "was cancelled by your accountant" in page
    assert documents_of(practice, client_ltd) == []


def test_drafts_and_other_clients_items_are_not_found(http, practice, client_ltd, other_client):
    _, (draft_item, _) = make_request(practice, client_ltd, status="draft")
    _, (foreign_item, _) = make_request(practice, other_client)
    for item in (draft_item, foreign_item):
        assert (
            http.post(upload_url(item), {"files": files(("a.pdf", samples.PDF))}).status_code == 404
        )
        url = reverse("portal_item_not_applicable", args=[item.code])
        assert http.post(url, {"reason": "None"}).status_code == 404
    assert documents_of(practice, other_client) == []
