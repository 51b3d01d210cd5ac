"""The request email and the reminders tell each contact the client's own address to email the
documents to, in the plain-text and the HTML part (the inbox fills the place
``portal.extensions`` leaves for it)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail as outbox

from atlasos.tenancy.context import practice_context
from inbox import addresses
from portal import reminders
from portal.models import PortalEmail
from tests.factories.clients import ClientFactory
from tests.portal.mailing import DUE, ITEMS, grant_also, open_request, parse, portal_contact, send

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
SENT = datetime.datetime(2026, 10, 20, 10, 0, tzinfo=LONDON)
STEP_1 = datetime.datetime(2026, 11, 3, 9, 0, tzinfo=LONDON)  # 3 days before Fri 6 Nov


@pytest.fixture
def bakery(practice):
    return ClientFactory(practice=practice, name="Harbour & Quay Bakery Ltd")


@pytest.fixture
def ann(practice, bakery):
    return portal_contact(practice, bakery, "Ann Baker", "ann@bakery.example")


def address_of(client) -> str:
    with practice_context(client.practice_id):
        return addresses.client_address(client)


def parts(message) -> tuple[str, str]:
    """The plain-text and the HTML part, as the recipient's mail program reads them."""
    parsed = parse(message)
    return (
        parsed.get_body(preferencelist=("plain",)).get_content(),
        parsed.get_body(preferencelist=("html",)).get_content(),
    )


def test_the_request_email_gives_the_client_address_in_both_parts(
    practice, bakery, ann, partner, django_capture_on_commit_callbacks
):
    doc_request = open_request(practice, bakery, due=DUE, items=ITEMS)
    send(doc_request, partner, django_capture_on_commit_callbacks)
    address = address_of(bakery)
    [message] = outbox.outbox
    text, html = parts(message)
    assert "Upload them in the client portal: http://" in text
    assert f"\nOr email your documents to {address}\n" in text
    assert f'<p>Or email your documents to <a href="mailto:{address}">{address}</a></p>' in html
    with practice_context(practice.pk):
        recorded = PortalEmail.objects.get()
    assert address in recorded.body_text and address in recorded.body_html


def test_every_contact_gets_the_same_client_address(
    practice, bakery, ann, partner, django_capture_on_commit_callbacks
):
    portal_contact(practice, bakery, "Bob Baker", "bob@bakery.example")
    doc_request = open_request(practice, bakery, due=DUE, items=ITEMS)
    send(doc_request, partner, django_capture_on_commit_callbacks)
    address = address_of(bakery)
    assert len(outbox.outbox) == 2
    for message in outbox.outbox:
        text, html = parts(message)
        assert f"Or email your documents to {address}" in text
        assert f'href="mailto:{address}"' in html


def test_after_a_rotation_the_email_gives_the_new_address(
    practice, bakery, ann, partner, django_capture_on_commit_callbacks
):
    old = address_of(bakery)
    with practice_context(practice.pk):
        new = addresses.rotate_client_address(bakery)
    doc_request = open_request(practice, bakery, due=DUE, items=ITEMS)
    send(doc_request, partner, django_capture_on_commit_callbacks)
    text, html = parts(outbox.outbox[0])
    assert new in text and new in html
    assert old not in text and old not in html


def test_the_address_is_made_for_a_client_that_had_none(
    practice, bakery, ann, partner, django_capture_on_commit_callbacks
):
    doc_request = open_request(practice, bakery, due=DUE, items=ITEMS)
    send(doc_request, partner, django_capture_on_commit_callbacks)
    text, _ = parts(outbox.outbox[0])
    assert addresses.resolve(address_of(bakery)).client_id == bakery.pk
    assert f"Or email your documents to {address_of(bakery)}" in text


def test_a_reminder_gives_each_client_its_own_address(practice, bakery, ann):
    cafe = ClientFactory(practice=practice, name="Quay Cafe Ltd")
    grant_also(practice, ann, cafe)  # Ann is a contact of both: one email, two clients
    for client in (bakery, cafe):
        open_request(practice, client, due=DUE, sent_at=SENT, items=ITEMS)
    with practice_context(practice.pk):
        run = reminders.run_reminders(STEP_1)
    assert run.emails == 1
    [message] = outbox.outbox
    text, html = parts(message)
    for client in (bakery, cafe):
        address = address_of(client)
        assert text.count(f"Or email your documents to {address}\n") == 1
        assert html.count(f'<a href="mailto:{address}">{address}</a>') == 1
    # Each address comes under its own client's documents.
    bakery_at = text.index("Harbour & Quay Bakery Ltd —")
    cafe_at = text.index("Quay Cafe Ltd —")
    first, second = sorted([(bakery_at, bakery), (cafe_at, cafe)], key=lambda pair: pair[0])
    between = text[first[0] : second[0]]
    assert address_of(first[1]) in between and address_of(second[1]) not in between


def test_the_plain_text_part_shows_the_address_as_typed(
    practice, bakery, ann, partner, django_capture_on_commit_callbacks
):
    doc_request = open_request(practice, bakery, due=DUE, items=ITEMS)
    send(doc_request, partner, django_capture_on_commit_callbacks)
    text, html = parts(outbox.outbox[0])
    line = next(line for line in text.splitlines() if line.startswith("Or email"))
    assert "&" not in line and "<" not in line
    assert "Harbour &amp; Quay Bakery Ltd" in html  # the HTML part still escapes names


@pytest.mark.parametrize("count", [2, 12])
def test_the_lines_for_many_clients_take_one_query(practice, count, django_assert_num_queries):
    from inbox.integration import email_documents_lines

    with practice_context(practice.pk):
        clients = [ClientFactory(practice=practice) for _ in range(count)]
    with django_assert_num_queries(1):
        lines = email_documents_lines(clients)
    assert sorted(lines) == sorted(c.pk for c in clients)
    assert len({line.text for line in lines.values()}) == count
