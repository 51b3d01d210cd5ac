import pytest

from atlasos.tenancy.context import practice_context
from clients.choices import ClientStatus
from clients.models import BankAccount, Client, ClientContact, Contact
from tests.clients.helpers import VALID_CLIENT
from tests.factories.accounts import UserFactory
from tests.factories.clients import ClientFactory, ContactFactory
from tests.helpers import sign_in


@pytest.fixture
def manager_client(client, manager):
    return sign_in(client, manager)


def test_manager_creates_a_client(manager_client, practice, staff, partner):
    data = {**VALID_CLIENT, "preparer": staff.pk, "reviewer": partner.pk}
    response = manager_client.post("/clients/new/", data)
    assert response.status_code == 302
    with practice_context(practice.pk):
        client = Client.objects.get()
        assert client.short_code == "ACME01"
        assert client.company_number == "01234567"
        assert client.vat_number == "GB123456789"
        assert client.currency == "GBP"
        assert client.year_end_display == "31 March"
        assert sorted(t.name for t in client.tags.all()) == ["VAT cash scheme", "retail"]
        assert client.preparer == staff and client.reviewer == partner
    assert response["Location"] == f"/clients/{client.code}/"


def test_staff_cannot_create_edit_or_archive_clients(client, practice, staff):
    sign_in(client, staff)
    existing = ClientFactory(practice=practice)
    assert client.post("/clients/new/", VALID_CLIENT).status_code == 403
    assert client.post(f"/clients/{existing.code}/edit/", VALID_CLIENT).status_code == 403
    assert client.post(f"/clients/{existing.code}/archive/").status_code == 403
    assert client.get(f"/clients/{existing.code}/").status_code == 200
    with practice_context(practice.pk):
        assert Client.objects.count() == 1


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("short_code", "has space", "capital letters"),
        ("company_number", "12AB", "company number is 8 digits"),
        ("vat_number", "VAT!", "VAT number such as"),
        ("currency", "XXQ", "ISO 4217"),
        ("year_end_day", "31", "February has no day 31"),
        ("name", "", "This field is required"),
    ],
)
def test_bad_input_gets_a_clear_message_and_nothing_is_stored(
    manager_client, practice, field, value, message
):
    data = {**VALID_CLIENT, field: value}
    if field == "year_end_day":
        data["year_end_month"] = "2"
    response = manager_client.post("/clients/new/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    with practice_context(practice.pk):
        assert not Client.objects.exists()


def test_short_code_is_unique_in_the_practice_only(manager_client, practice, other_practice):
    ClientFactory(practice=practice, short_code="ACME01")
    ClientFactory(practice=other_practice, short_code="TAKEN1")
    response = manager_client.post("/clients/new/", VALID_CLIENT)
    assert "already uses the code ACME01" in response.content.decode()
    response = manager_client.post("/clients/new/", {**VALID_CLIENT, "short_code": "TAKEN1"})
    assert response.status_code == 302


def test_edit_archive_and_restore(manager_client, practice):
    client = ClientFactory(practice=practice, short_code="OLD1")
    response = manager_client.post(
        f"/clients/{client.code}/edit/", {**VALID_CLIENT, "name": "Renamed Ltd"}
    )
    assert response.status_code == 302
    manager_client.post(f"/clients/{client.code}/archive/", follow=True)
    with practice_context(practice.pk):
        client.refresh_from_db()
    assert client.name == "Renamed Ltd" and client.status == ClientStatus.ARCHIVED
    assert "Renamed Ltd" not in manager_client.get("/clients/").content.decode()
    assert "Renamed Ltd" in manager_client.get("/clients/?status=archived").content.decode()
    manager_client.post(f"/clients/{client.code}/restore/")
    with practice_context(practice.pk):
        client.refresh_from_db()
    assert client.status == ClientStatus.ACTIVE and client.archived_at is None


def test_reviewer_must_be_a_partner_or_manager(manager_client, practice, staff):
    response = manager_client.post("/clients/new/", {**VALID_CLIENT, "reviewer": staff.pk})
    assert "Select a valid choice" in response.content.decode()


def test_form_choices_never_offer_another_practices_members(
    manager_client, other_practice, other_partner
):
    page = manager_client.get("/clients/new/").content.decode()
    assert other_partner.full_name not in page
    response = manager_client.post("/clients/new/", {**VALID_CLIENT, "preparer": other_partner.pk})
    assert "Select a valid choice" in response.content.decode()
    list_page = manager_client.get("/clients/").content.decode()
    assert other_partner.full_name not in list_page


def test_one_contact_for_several_clients(manager_client, practice):
    first = ClientFactory(practice=practice)
    second = ClientFactory(practice=practice)
    person = {
        "name": "Jane Director",
        "email": "Jane@Example.com",
        "phone": "",
        "position": "Director",
    }
    manager_client.post(f"/clients/{first.code}/contacts/", person)
    manager_client.post(f"/clients/{second.code}/contacts/", {**person, "phone": "07700 900123"})
    with practice_context(practice.pk):
        contact = Contact.objects.get()
        assert contact.email == "jane@example.com"
        assert contact.phone == "07700 900123"
        assert ClientContact.objects.filter(contact=contact).count() == 2
        link = ClientContact.objects.get(client=first)
    manager_client.post(f"/client-contacts/{link.code}/remove/")
    with practice_context(practice.pk):
        assert ClientContact.objects.filter(contact=contact).count() == 1
        assert Contact.objects.filter(pk=contact.pk).exists()


def test_contact_email_is_not_shared_with_another_practice(
    manager_client, practice, other_practice
):
    theirs = ContactFactory(practice=other_practice, email="shared@example.com")
    client = ClientFactory(practice=practice)
    manager_client.post(
        f"/clients/{client.code}/contacts/",
        {"name": "Shared", "email": "shared@example.com", "phone": "", "position": ""},
    )
    with practice_context(practice.pk):
        ours = Contact.objects.get()
    assert ours.pk != theirs.pk


@pytest.mark.parametrize(
    "data, stored",
    [
        (
            {"sort_code": "20-00-00", "account_number": "12345678", "iban": ""},
            {"sort_code": "200000", "account_number": "12345678"},
        ),
        (
            {
                "sort_code": "",
                "account_number": "",
                "iban": "de89 3704 0044 0532 0130 00",
                "currency": "EUR",
            },
            {"iban": "DE89370400440532013000"},
        ),
    ],
)
def test_bank_account_is_added(manager_client, practice, data, stored):
    client = ClientFactory(practice=practice)
    form = {"name": "Current", "bank_name": "Bank", "currency": "GBP", "is_active": "on", **data}
    response = manager_client.post(f"/clients/{client.code}/bank-accounts/", form)
    assert response.status_code == 302
    with practice_context(practice.pk):
        account = BankAccount.objects.get()
    for field, value in stored.items():
        assert getattr(account, field) == value


@pytest.mark.parametrize(
    "data, message",
    [
        ({"iban": "DE89 3704 0044 0532 0130 01"}, "This IBAN is not valid"),
        ({"sort_code": "20-00", "account_number": "12345678"}, "sort code is 6 digits"),
        ({"sort_code": "200000", "account_number": ""}, "needs both the sort code"),
        ({}, "Give the sort code and account number, or the IBAN"),
    ],
)
def test_bad_bank_details_are_refused(manager_client, practice, data, message):
    client = ClientFactory(practice=practice)
    form = {
        "name": "Current",
        "bank_name": "Bank",
        "currency": "GBP",
        "sort_code": "",
        "account_number": "",
        "iban": "",
        **data,
    }
    response = manager_client.post(f"/clients/{client.code}/bank-accounts/", form)
    assert response.status_code == 200
    assert message in response.content.decode()
    with practice_context(practice.pk):
        assert not BankAccount.objects.exists()


def test_closing_a_bank_account_keeps_it(manager_client, practice):
    from tests.factories.clients import BankAccountFactory

    account = BankAccountFactory(practice=practice)
    form = {
        "name": account.name,
        "bank_name": "Barclays",
        "sort_code": "200000",
        "account_number": account.account_number,
        "iban": "",
        "currency": "GBP",
    }
    manager_client.post(f"/bank-accounts/{account.code}/", form)
    with practice_context(practice.pk):
        account.refresh_from_db()
    assert account.is_active is False


def test_client_page_shows_its_tabs(manager_client, practice):
    client = ClientFactory(practice=practice, name="Tabbed Ltd")
    page = manager_client.get(f"/clients/{client.code}/").content.decode()
    assert "Contacts" in page and "Bank accounts" in page
    assert "Packs" in page and "Templates" in page
    assert "Documents" in page


def test_member_of_no_practice_is_not_staff(client, db):
    user = UserFactory(practice=None, role="")
    sign_in(client, user, reauthenticate=False)
    assert client.get("/clients/").status_code == 403
