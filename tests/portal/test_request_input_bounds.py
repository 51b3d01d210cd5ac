"""What staff type into a document request is bounded: a due date a practice could mean
(1 January 2000 to the end of the year ten years ahead: 2036 at the tests' moment in 2026),
titles on one line, no control characters in a not-applicable reason or a delivery message.
Nothing is stored when a value is refused."""

import datetime

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from atlasos.tenancy.context import practice_context
from portal.models import DocumentRequest, RequestItem
from tests.factories.clients import ClientFactory
from tests.factories.portal import DocumentRequestFactory, RequestItemFactory
from tests.helpers import sign_in

DUE = datetime.date(2026, 11, 6)
BOUNDS = "Enter a date between 1 January 2000 and 31 December 2036."
OUT_OF_RANGE = ["9999-12-31", "0001-01-01", "1999-12-31", "2037-01-01"]


@pytest.fixture
def client_ltd(practice):
    return ClientFactory(practice=practice, name="Harbourview Bakery Ltd")


@pytest.fixture
def http(staff):
    return sign_in(HttpClient(), staff)


@pytest.fixture
def doc_request(practice, client_ltd):
    return DocumentRequestFactory(
        practice=practice, client=client_ltd, title="Documents for October 2026", due=DUE
    )


def requests_of(practice) -> list[DocumentRequest]:
    with practice_context(practice.pk):
        return list(DocumentRequest.objects.order_by("pk"))


@pytest.mark.parametrize("due", OUT_OF_RANGE)
def test_a_new_request_due_outside_the_bounds_is_refused(http, practice, client_ltd, due):
    response = http.post(
        reverse("request_new", args=[client_ltd.code]),
        {"title": "Year-end documents", "due": due, "period": "2026-10"},
    )
    assert response.status_code == 200
    assert BOUNDS in response.content.decode()
    assert requests_of(practice) == []


@pytest.mark.parametrize("due", OUT_OF_RANGE)
def test_editing_the_due_date_outside_the_bounds_keeps_the_old_one(
    http, practice, doc_request, due
):
    response = http.post(
        reverse("request_edit", args=[doc_request.code]),
        {"title": "October documents", "due": due},
    )
    assert response.status_code == 200
    assert BOUNDS in response.content.decode()
    (kept,) = requests_of(practice)
    assert (kept.title, kept.due) == ("Documents for October 2026", DUE)


@pytest.mark.parametrize("due", ["2000-01-01", "2036-12-31"])
def test_the_first_and_last_days_are_accepted(http, practice, doc_request, due):
    response = http.post(
        reverse("request_edit", args=[doc_request.code]), {"title": "October", "due": due}
    )
    assert response.status_code == 302
    assert requests_of(practice)[0].due == datetime.date.fromisoformat(due)


def test_the_date_picker_offers_only_the_bounds(http, doc_request):
    page = http.get(reverse("request_detail", args=[doc_request.code])).content.decode()
    assert 'type="date"' in page
    assert 'min="2000-01-01"' in page and 'max="2036-12-31"' in page


def test_the_bounds_move_with_the_clock(http, practice, doc_request, clock):
    clock.set(datetime.datetime(2031, 3, 1, 9, tzinfo=datetime.UTC))
    response = http.post(
        reverse("request_edit", args=[doc_request.code]), {"title": "October", "due": "2041-12-31"}
    )
    assert response.status_code == 302
    response = http.post(
        reverse("request_edit", args=[doc_request.code]), {"title": "October", "due": "2042-01-01"}
    )
    assert "Enter a date between 1 January 2000 and 31 December 2041." in (
        response.content.decode()
    )


def test_a_request_title_with_a_line_break_is_refused(http, practice, doc_request):
    response = http.post(
        reverse("request_edit", args=[doc_request.code]),
        {"title": "October\r\nBcc: everyone@example.com", "due": "2026-11-10"},
    )
    assert response.status_code == 200
    assert "Keep this on one line (it has a line break)." in response.content.decode()
    assert requests_of(practice)[0].title == "Documents for October 2026"


def test_an_item_title_with_a_control_character_is_refused(http, practice, doc_request):
    response = http.post(
        reverse("request_item_add", args=[doc_request.code]),
        {"title": "Fuel\x00receipts", "doc_type": "receipts", "required": "on"},
        follow=True,
    )
    assert "Remove the null character (NUL) from this text." in response.content.decode()
    with practice_context(practice.pk):
        assert not RequestItem.objects.filter(title__contains="receipts").exists()


def test_a_not_applicable_reason_on_two_lines_is_refused(http, practice, doc_request):
    item = RequestItemFactory(practice=practice, request=doc_request, title="Petty cash")
    response = http.post(
        reverse("request_item_not_applicable", args=[item.code]),
        {"reason": "none\nthis month"},
        follow=True,
    )
    assert "Keep this on one line (it has a line break)." in response.content.decode()
    with practice_context(practice.pk):
        item.refresh_from_db()
    assert item.not_applicable_reason == "" and not item.is_not_applicable
