"""The client's Documents tab: a document filed from an email links back to its message, in one
query for the whole page however many documents it lists (the inbox fills the place
``documents.extensions`` leaves for it)."""

import datetime
import re

import pytest
from django.urls import reverse

from atlasos import clock as wall_clock
from tests.factories.clients import ClientFactory
from tests.factories.documents import DocumentFactory
from tests.factories.inbox import InboundAttachmentFactory, InboundMessageFactory
from tests.helpers import HTMX, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def bakery(practice):
    return ClientFactory(practice=practice, name="Harbourview Bakery Ltd")


@pytest.fixture
def http(client, staff):
    return sign_in(client, staff)


def emailed(practice, client, *documents, subject="Statements", received_at=None):
    """A message, filed: one attachment per document, each pointing at it."""
    message = InboundMessageFactory(
        practice=practice,
        subject=subject,
        status="routed",
        client=client,
        received_at=received_at or wall_clock.now(),
    )
    for document in documents:
        InboundAttachmentFactory(
            practice=practice,
            message=message,
            name=document.original_name,
            status="filed",
            client=client,
            document=document,
        )
    return message


def email_document(practice, client, **fields):
    return DocumentFactory(practice=practice, client=client, source="email", **fields)


def tab(client, query="") -> str:
    url = reverse("client_documents", args=[client.code])
    return f"{url}?{query}" if query else url


def row_of(page: str, name: str) -> str:
    return re.search(rf"<tr>\s*<td><a [^>]*>{re.escape(name)}</a>.*?</tr>", page, re.S).group(0)


def test_an_emailed_document_links_back_to_its_message(http, practice, bakery):
    document = email_document(practice, bakery, original_name="barclays-october.pdf")
    message = emailed(practice, bakery, document)
    url = reverse("inbox:message", args=[message.code])
    assert url == f"/inbox/{message.code}/"
    row = row_of(http.get(tab(bakery)).content.decode(), "barclays-october.pdf")
    assert (
        f'<td>Email · <a href="{url}" aria-label="View message: barclays-october.pdf">'
        "view message</a></td>"
    ) in row


def test_other_documents_have_no_link(http, practice, bakery, staff):
    DocumentFactory(practice=practice, client=bakery, original_name="uploaded.pdf")
    email_document(practice, bakery, original_name="no-message.pdf")  # e.g. the demo's
    page = http.get(tab(bakery)).content.decode()
    assert "view message" not in page
    assert "<td>Staff upload</td>" in row_of(page, "uploaded.pdf")
    assert "<td>Email</td>" in row_of(page, "no-message.pdf")


def test_each_document_links_to_its_own_message(http, practice, bakery):
    first = email_document(practice, bakery, original_name="first.pdf")
    second = email_document(practice, bakery, original_name="second.pdf")
    third = email_document(practice, bakery, original_name="third.pdf")
    one = emailed(practice, bakery, first)
    two = emailed(practice, bakery, second, third)
    page = http.get(tab(bakery)).content.decode()
    assert f'href="/inbox/{one.code}/"' in row_of(page, "first.pdf")
    for name in ("second.pdf", "third.pdf"):
        assert f'href="/inbox/{two.code}/"' in row_of(page, name)


def test_a_document_sent_twice_links_to_the_first_message(http, practice, bakery):
    document = email_document(practice, bakery, original_name="statement.pdf")
    earlier = wall_clock.now() - datetime.timedelta(days=3)
    later = emailed(practice, bakery, document, subject="Again")
    first = emailed(practice, bakery, document, subject="First", received_at=earlier)
    row = row_of(http.get(tab(bakery)).content.decode(), "statement.pdf")
    assert f'href="/inbox/{first.code}/"' in row
    assert str(later.code) not in row


def test_the_fragment_and_the_document_page_link_back_too(http, practice, bakery):
    document = email_document(practice, bakery, original_name="receipt.pdf")
    message = emailed(practice, bakery, document)
    fragment = http.get(tab(bakery, "source=email"), headers=HTMX).content.decode()
    assert f'href="/inbox/{message.code}/"' in row_of(fragment, "receipt.pdf")
    detail = http.get(reverse("document_detail", args=[document.code])).content.decode()
    assert f'<dt>Source</dt><dd>Email · <a href="/inbox/{message.code}/"' in detail


# Session, user, client, tab counts, periods for the filter, count, page (with uploader), the
# bell, the top bar's inbox count (messages waiting in triage); then the messages of the page's
# emailed documents.
TAB_QUERIES = 9


@pytest.mark.parametrize("count", [2, 40])
def test_the_links_take_one_query_however_many_documents(
    http, practice, bakery, count, django_assert_num_queries
):
    documents = [email_document(practice, bakery) for _ in range(count)]
    for pair in range(0, count, 2):
        emailed(practice, bakery, *documents[pair : pair + 2])
    with django_assert_num_queries(TAB_QUERIES + 1):
        page = http.get(tab(bakery)).content.decode()
    assert page.count(">view message</a>") == count
    # The fragment has no top bar: neither the bell nor the inbox count, but the messages query.
    with django_assert_num_queries(TAB_QUERIES - 1):
        fragment = http.get(tab(bakery), headers=HTMX).content.decode()
    assert fragment.count(">view message</a>") == count


def test_a_page_without_emailed_documents_adds_no_query(
    http, practice, bakery, django_assert_num_queries
):
    for _ in range(3):
        DocumentFactory(practice=practice, client=bakery)
    with django_assert_num_queries(TAB_QUERIES):
        assert http.get(tab(bakery)).status_code == 200
