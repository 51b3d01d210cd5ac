import pytest

from atlasos.tenancy.context import practice_context
from clients.models import BankAccount, Client, ClientContact, ClientTag, Contact, Tag
from tests.factories.clients import ClientFactory


def make_clients(practice, count, preparer, reviewer):
    """Clients with a preparer, a reviewer, two tags, a contact and a bank account each."""
    with practice_context(practice.pk):
        tags = Tag.objects.bulk_create([Tag(name="retail"), Tag(name="CIS")])
        clients = Client.objects.bulk_create(
            [
                Client(
                    name=f"Company {i:04d} Ltd",
                    short_code=f"CO{i:04d}",
                    entity_type="limited_company" if i % 3 else "sole_trader",
                    company_number=f"{i:08d}",
                    vat_number=f"GB{i:09d}",
                    preparer=preparer,
                    reviewer=reviewer,
                )
                for i in range(count)
            ]
        )
        ClientTag.objects.bulk_create([ClientTag(client=c, tag=t) for c in clients for t in tags])
        contacts = Contact.objects.bulk_create([Contact(name=f"P {i}") for i in range(count)])
        ClientContact.objects.bulk_create(
            [ClientContact(client=c, contact=p) for c, p in zip(clients, contacts, strict=True)]
        )
        BankAccount.objects.bulk_create(
            [
                BankAccount(
                    client=c,
                    name="Current",
                    bank_name="B",
                    sort_code="200000",
                    account_number="12345678",
                )
                for c in clients
            ]
        )
    return clients


# Session, user (with practice), filter-form members, count, page of clients, tags prefetch, the
# bell's unread count, and the top bar's inbox count (messages waiting in triage).
CLIENT_LIST_QUERIES = 8


@pytest.mark.parametrize("count", [10, 500])
def test_client_list_runs_the_same_queries_at_any_size(
    partner_client, practice, staff, partner, count, django_assert_num_queries
):
    make_clients(practice, count, staff, partner)
    with django_assert_num_queries(CLIENT_LIST_QUERIES):
        response = partner_client.get("/clients/?sort=-code&member=me")
    assert response.status_code == 200
    with django_assert_num_queries(CLIENT_LIST_QUERIES):
        response = partner_client.get("/clients/?q=Company&entity_type=limited_company&page=2")
    assert response.status_code == 200


# Session, user, client, tab counts, then the tab's own rows (tags, contacts or accounts), the
# bell's unread count and the top bar's inbox count (messages waiting in triage).
CLIENT_PAGE_QUERIES = 7
# The Details tab also shows the client's inbox address: its live one and its rotated ones
# (the inbox's part, ``clients.extensions``). The first visit makes the address. And its bank
# accounts with last month's reconciliation of each (reconciliation's part): one query. And the
# months with a trial balance (reporting's part): one query.
CLIENT_DETAIL_QUERIES = CLIENT_PAGE_QUERIES + 4


@pytest.mark.parametrize("count", [10, 500])
def test_client_pages_run_the_same_queries_at_any_size(
    partner_client, practice, staff, partner, count, django_assert_num_queries
):
    client = make_clients(practice, count, staff, partner)[0]
    assert partner_client.get(f"/clients/{client.code}/").status_code == 200
    with django_assert_num_queries(CLIENT_DETAIL_QUERIES):
        assert partner_client.get(f"/clients/{client.code}/").status_code == 200
    with django_assert_num_queries(CLIENT_PAGE_QUERIES):
        assert partner_client.get(f"/clients/{client.code}/contacts/").status_code == 200
    with django_assert_num_queries(CLIENT_PAGE_QUERIES):
        assert partner_client.get(f"/clients/{client.code}/bank-accounts/").status_code == 200


def test_list_is_paginated(partner_client, practice, staff, partner):
    make_clients(practice, 120, staff, partner)
    page = partner_client.get("/clients/").content.decode()
    assert "Showing 1–50 of 120" in page
    assert "Page 1 of 3" in page
    assert "Company 0050 Ltd" not in page
    assert "Company 0050 Ltd" in partner_client.get("/clients/?page=2").content.decode()


@pytest.mark.parametrize(
    "query, found",
    [
        ("acme", True),
        ("ACM1", True),
        ("0123 4567", True),
        ("GB999888777", True),
        ("nothing-like-it", False),
    ],
)
def test_search_by_name_code_company_and_vat_number(partner_client, practice, query, found):
    ClientFactory(
        practice=practice,
        name="Acme Widgets Ltd",
        short_code="ACM1",
        company_number="01234567",
        vat_number="GB999888777",
    )
    page = partner_client.get("/clients/", {"q": query}).content.decode()
    assert ("Acme Widgets Ltd" in page) is found


def test_search_never_finds_another_practices_clients(partner_client, other_practice):
    ClientFactory(practice=other_practice, name="Secret Other Ltd", short_code="SEC1")
    page = partner_client.get("/clients/", {"q": "Secret"}).content.decode()
    assert "Secret Other Ltd" not in page
    assert "No clients match" in page


def test_filters_combine(partner_client, practice, staff, partner):
    ClientFactory(practice=practice, name="Mine Ltd", preparer=staff)
    ClientFactory(practice=practice, name="Trust Of Mine", entity_type="trust", preparer=staff)
    ClientFactory(practice=practice, name="Someone Else Ltd", preparer=partner)
    page = partner_client.get(
        "/clients/", {"member": str(staff.code), "entity_type": "limited_company"}
    ).content.decode()
    assert "Mine Ltd" in page
    assert "Trust Of Mine" not in page and "Someone Else Ltd" not in page


def test_sorting_by_code_descending(partner_client, practice):
    ClientFactory(practice=practice, name="Alpha", short_code="A1")
    ClientFactory(practice=practice, name="Beta", short_code="B1")
    page = partner_client.get("/clients/", {"sort": "-code"}).content.decode()
    assert page.index("Beta") < page.index("Alpha")


def test_htmx_request_gets_only_the_results(partner_client, practice):
    ClientFactory(practice=practice, name="Alpha")
    response = partner_client.get("/clients/", {"q": "Alp"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="client-results">')
    assert "Alpha" in body and "<html" not in body


def test_empty_practice_says_what_to_do_next(partner_client):
    page = partner_client.get("/clients/").content.decode()
    assert "No clients yet" in page and "import a CSV" in page
