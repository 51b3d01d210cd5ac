"""The router's client facts are kept in the process between messages, and read again as soon
as anything they hold changes: a new client, bank account, contact, contact link or import."""

import pytest

from atlasos.tenancy.context import practice_context
from clients.models import Client
from inbox import facts
from tests.clients.helpers import client_rows, make_csv, preview_url, the_import, upload
from tests.factories.clients import (
    BankAccountFactory,
    ClientContactFactory,
    ClientFactory,
    ContactFactory,
)
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_practice(practice):
    with practice_context(practice.pk):
        yield practice


def by_id(practice_facts):
    return {f.id: f for f in practice_facts}


def test_kept_facts_cost_no_query(in_practice, django_assert_num_queries):
    ClientFactory(practice=in_practice, name="Acme Trading Ltd")
    first = facts.client_facts()
    with django_assert_num_queries(0):
        assert facts.client_facts() is first


def test_a_new_bank_account_reaches_the_router_at_once(in_practice):
    client = ClientFactory(practice=in_practice, name="Acme Trading Ltd")
    assert by_id(facts.client_facts())[client.pk].uk_accounts == ()
    BankAccountFactory(
        practice=in_practice, client=client, sort_code="309634", account_number="55667788"
    )
    assert by_id(facts.client_facts())[client.pk].uk_accounts == (("309634", "55667788"),)


def test_new_clients_contacts_and_renames_reach_the_router(in_practice):
    client = ClientFactory(practice=in_practice, name="Acme Trading Ltd")
    facts.client_facts()
    other = ClientFactory(practice=in_practice, name="Bramble Bakery Ltd")
    assert other.pk in by_id(facts.client_facts())
    contact = ContactFactory(practice=in_practice, email="ann@acme.example")
    link = ClientContactFactory(practice=in_practice, client=client, contact=contact)
    assert by_id(facts.client_facts())[client.pk].contact_emails == ("ann@acme.example",)
    contact.email = "ann@acme-trading.example"
    contact.save()
    assert by_id(facts.client_facts())[client.pk].contact_emails == ("ann@acme-trading.example",)
    link.delete()
    assert by_id(facts.client_facts())[client.pk].contact_emails == ()
    client.name = "Acme Holdings Ltd"
    client.save()
    assert by_id(facts.client_facts())[client.pk].name == "Acme Holdings Ltd"


def test_a_change_behind_the_signals_back_arrives_within_the_kept_time(in_practice, monkeypatch):
    client = ClientFactory(practice=in_practice, name="Acme Trading Ltd")
    now = [1000.0]
    monkeypatch.setattr(facts.time, "monotonic", lambda: now[0])
    facts.client_facts()
    Client.objects.filter(pk=client.pk).update(name="Renamed In Bulk Ltd")
    assert by_id(facts.client_facts())[client.pk].name == "Acme Trading Ltd"
    now[0] += facts.KEPT_SECONDS
    assert by_id(facts.client_facts())[client.pk].name == "Renamed In Bulk Ltd"


def test_each_practice_keeps_its_own(in_practice, other_practice):
    mine = ClientFactory(practice=in_practice, name="Acme Trading Ltd")
    assert set(by_id(facts.client_facts())) == {mine.pk}
    with practice_context(other_practice.pk):
        theirs = ClientFactory(practice=other_practice, name="Elsewhere Ltd")
        assert set(by_id(facts.client_facts())) == {theirs.pk}
    assert set(by_id(facts.client_facts())) == {mine.pk}


def test_a_bulk_import_reaches_the_router(client, practice, manager, media):
    sign_in(client, manager)
    with practice_context(practice.pk):
        assert facts.client_facts() == ()
    rows = client_rows(2, contact_name="Books", contact_email="books@imported.example.com")
    upload(client, make_csv(rows))
    client.post(preview_url(the_import(practice)))
    with practice_context(practice.pk):
        assert Client.objects.count() == 2
        kept = facts.client_facts()
        assert len(kept) == 2
        assert {f.contact_emails for f in kept} == {("books@imported.example.com",)}
