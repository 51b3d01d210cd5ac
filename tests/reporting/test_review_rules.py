"""Who may move a review point, and what a client's answer may carry: the preparer of a pack
(and a member of staff) may not clear points or sign the review off, and is told why with
nothing changed; a client's answer that attaches a file the document store refuses is refused
whole, the query left open and the review point as it was."""

import html

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from atlasos.tenancy.context import practice_context
from cycle.stages import Stage
from documents.models import Document
from notifications.models import Notification
from portal.models import ClientQuery, ClientQueryDocument
from reporting.models import ReviewPoint
from tasks.models import PackEvent
from tests.helpers import signed_in as client_of
from tests.portal.helpers import portal_contact

State = ReviewPoint.State
PDF = b"%PDF-1.4\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
HTML_AS_PDF = b"<html><body><script>alert(1)</script></body></html>"


def text_of(response) -> str:
    return html.unescape(response.content.decode())


def review_state(practice, pack):
    """Everything a refused step must leave as it was: the points, the pack's review, its
    review history and the notifications."""
    with practice_context(practice.pk):
        pack.refresh_from_db()
        return (
            list(
                ReviewPoint.objects.order_by("pk").values_list(
                    "state", "response", "responded_by", "cleared_by", "cleared_at"
                )
            ),
            pack.review_done_at,
            list(
                PackEvent.objects.filter(pack=pack, stage=Stage.REVIEW)
                .order_by("pk")
                .values_list("action", "detail")
            ),
            Notification.objects.count(),
        )


@pytest.fixture
def answered_point(signed_in, practice, prepared, manager):
    """A point the manager raised on the partner's pack, answered by the partner."""
    as_manager = client_of(manager)
    as_manager.post(
        reverse("reporting:raise_point", args=[prepared.code]),
        {"line": "premises_costs", "text": "Rent is a month early?"},
    )
    with practice_context(practice.pk):
        point = ReviewPoint.objects.get()
    signed_in.post(
        reverse("reporting:answer_point", args=[point.code]),
        {"response": "December's rent, paid early: a prepayment."},
    )
    with practice_context(practice.pk):
        point.refresh_from_db()
    assert point.state == State.ANSWERED
    return point


@pytest.mark.parametrize(
    ("who", "says"),
    [
        ("partner", "The preparer of a pack cannot review it."),
        ("staff", "Only a partner or manager reviews a pack"),
    ],
)
def test_only_the_reviewer_clears_a_point(
    signed_in, practice, prepared, answered_point, request, who, says
):
    http = signed_in if who == "partner" else client_of(request.getfixturevalue(who))
    before = review_state(practice, prepared)
    response = http.post(reverse("reporting:clear_point", args=[answered_point.code]), follow=True)
    assert says in text_of(response)
    assert "Review point cleared." not in text_of(response)
    assert review_state(practice, prepared) == before


@pytest.mark.parametrize(
    ("who", "says"),
    [
        ("partner", "The preparer of a pack cannot review it."),
        ("staff", "Only a partner or manager reviews a pack"),
    ],
)
def test_only_the_reviewer_signs_the_review_off(
    signed_in, practice, prepared, answered_point, manager, request, who, says
):
    client_of(manager).post(reverse("reporting:clear_point", args=[answered_point.code]))
    before = review_state(practice, prepared)
    assert before[0][0][0] == State.CLEARED  # nothing left but who signs
    http = signed_in if who == "partner" else client_of(request.getfixturevalue(who))
    response = http.post(reverse("reporting:sign_off", args=[prepared.code]), follow=True)
    assert says in text_of(response)
    assert "Review signed off" not in text_of(response)
    assert review_state(practice, prepared) == before
    assert before[1] is None

    # The manager, who reviews it, may.
    response = client_of(manager).post(
        reverse("reporting:sign_off", args=[prepared.code]), follow=True
    )
    assert "Review signed off: the review stage is complete." in text_of(response)
    with practice_context(practice.pk):
        prepared.refresh_from_db()
        assert prepared.review_done_at is not None


def test_the_review_page_tells_the_preparer_why_she_cannot_review(
    signed_in, prepared, answered_point
):
    page = text_of(signed_in.get(reverse("reporting:review", args=[prepared.code])))
    assert "The preparer of a pack cannot review it." in page


# --- the client's answer ----------------------------------------------------------------------


@pytest.fixture
def query_to_client(practice, prepared, manager):
    """A review point the manager put to Harbour's portal contact: (point, query, contact)."""
    account = portal_contact(practice, [prepared.client])
    as_manager = client_of(manager)
    as_manager.post(
        reverse("reporting:raise_point", args=[prepared.code]),
        {"line": "turnover", "text": "Sales up 11 %: a one-off?"},
    )
    with practice_context(practice.pk):
        point = ReviewPoint.objects.get()
    as_manager.post(
        reverse("reporting:ask_client", args=[point.code]),
        {"question": "Was any of November's sales a one-off?"},
    )
    with practice_context(practice.pk):
        query = ClientQuery.objects.get()
        point.refresh_from_db()
    assert query.state == "open" and point.client_query_id == query.pk
    return point, query, client_of(account.user)


def stored_files() -> list:
    media = settings.MEDIA_ROOT
    return sorted(p for p in media.rglob("*") if p.is_file()) if media.exists() else []


@pytest.mark.parametrize(
    ("files", "says"),
    [
        ([("setup.exe", EXE)], "setup.exe is not a file type we accept (it looks like a Windows"),
        (
            [("council-order.pdf", PDF), ("invoice.pdf", HTML_AS_PDF)],
            "invoice.pdf is not a file type we accept (it looks like a web page (HTML))",
        ),
        ([("empty.pdf", b"")], "empty.pdf is empty."),
    ],
    ids=["a-program", "html-named-pdf-after-a-good-file", "empty"],
)
def test_an_answer_with_a_refused_file_is_refused_whole(
    practice, prepared, query_to_client, files, says
):
    point, query, contact = query_to_client
    before = review_state(practice, prepared)
    response = contact.post(
        query.get_portal_url(),
        {
            "answer": "Yes: the council's order.",
            "files": [SimpleUploadedFile(name, data) for name, data in files],
        },
    )
    assert response.status_code == 400
    text = text_of(response)
    assert says in text
    assert "Thank you: your answer is with your accountant." not in text
    with practice_context(practice.pk):
        query.refresh_from_db()
        assert (query.state, query.answer, query.answered_at) == ("open", "", None)
        assert not ClientQueryDocument.objects.exists()
        assert not Document.objects.exists()  # not even the good file of the answer
    assert stored_files() == []
    assert review_state(practice, prepared) == before  # the point still open, nobody told

    # The query is still hers to answer.
    contact.post(
        query.get_portal_url(),
        {
            "answer": "Yes: the council's order.",
            "files": [SimpleUploadedFile("council-order.pdf", PDF)],
        },
    )
    with practice_context(practice.pk):
        point.refresh_from_db()
        assert point.state == State.ANSWERED
        assert point.response == (
            "The client answered: Yes: the council's order. (files: council-order.pdf)"
        )
    assert len(stored_files()) == 1
