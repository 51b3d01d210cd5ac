"""Names and other single-line fields of clients, contacts and bank accounts refuse line breaks,
tabs and control characters (a client's name goes into email subjects, where a line break makes
every email unsendable); notes keep their lines but refuse control characters. The same rules
hold in the CSV import. Nothing is stored when a field is refused."""

import pytest

from atlasos.tenancy.context import practice_context
from clients.models import BankAccount, Client, ClientImport, Contact
from tests.clients.helpers import VALID_CLIENT, make_csv, preview_url, upload
from tests.factories.clients import BankAccountFactory, ClientFactory, ContactFactory
from tests.helpers import sign_in

ONE_LINE = "Keep this on one line (it has a line break)."
BROKEN_NAMES = [
    pytest.param("Acme Ltd\r\nBcc: everyone@example.com", id="crlf"),
    pytest.param("Acme\nLtd", id="lf"),
    pytest.param("Acme\rLtd", id="cr"),
    pytest.param("Acme\u2028Ltd", id="line-separator"),
]


@pytest.fixture
def manager_client(client, manager):
    return sign_in(client, manager)


def stored(model, practice, **filters):
    with practice_context(practice.pk):
        return list(model.objects.filter(**filters))


@pytest.mark.parametrize("name", BROKEN_NAMES)
def test_a_client_name_with_a_line_break_is_refused_and_nothing_is_stored(
    manager_client, practice, name
):
    response = manager_client.post("/clients/new/", {**VALID_CLIENT, "name": name})
    assert response.status_code == 200
    assert ONE_LINE in response.content.decode()
    assert stored(Client, practice) == []


def test_editing_a_client_name_to_two_lines_keeps_the_old_name(manager_client, practice):
    client = ClientFactory(practice=practice, name="Acme Ltd", short_code="ACME01")
    data = {**VALID_CLIENT, "short_code": "ACME01", "name": "Acme Ltd\r\nX-Injected: yes"}
    response = manager_client.post(f"/clients/{client.code}/edit/", data)
    assert response.status_code == 200 and ONE_LINE in response.content.decode()
    (kept,) = stored(Client, practice)
    assert kept.name == "Acme Ltd"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("company_number", "0123\n4567", ONE_LINE),
        ("vat_number", "GB123\t456789", "Replace the tab with a space"),
        ("tags_text", "retail\nvip", ONE_LINE),
        ("name", "Acme\x00Ltd", "Remove the null character (NUL) from this text."),
        ("name", "Acme\x1bLtd", "Remove the invisible control character U+001B"),
        ("notes", "Call first\x00", "Remove the null character (NUL) from this text."),
        ("notes", "Call \x07first", "Remove the invisible control character U+0007"),
    ],
)
def test_line_breaks_tabs_and_control_characters_are_refused_with_a_clear_message(
    manager_client, practice, field, value, message
):
    response = manager_client.post("/clients/new/", {**VALID_CLIENT, field: value})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert stored(Client, practice) == []


def test_notes_keep_their_lines_and_tabs(manager_client, practice):
    notes = "Director prefers email.\r\n\tPayroll:\tmonthly"
    response = manager_client.post("/clients/new/", {**VALID_CLIENT, "notes": notes})
    assert response.status_code == 302
    (client,) = stored(Client, practice)
    assert client.notes == "Director prefers email.\r\n\tPayroll:\tmonthly"


@pytest.mark.parametrize("field", ["name", "phone", "position"])
def test_a_contact_field_with_a_line_break_is_refused(manager_client, practice, field):
    client = ClientFactory(practice=practice)
    data = {"name": "Jane Smith", "email": "jane@example.com", "phone": "", "position": ""}
    data[field] = "Jane\r\nSmith" if field == "name" else "x\ny"
    response = manager_client.post(f"/clients/{client.code}/contacts/", data)
    assert response.status_code == 200
    assert ONE_LINE in response.content.decode()
    assert stored(Contact, practice) == []


def test_editing_a_contact_name_to_two_lines_keeps_the_old_name(manager_client, practice):
    contact = ContactFactory(practice=practice, name="Jane Smith", email="jane@example.com")
    data = {"name": "Jane\nSmith", "email": "jane@example.com", "phone": ""}
    response = manager_client.post(f"/contacts/{contact.code}/", data)
    assert response.status_code == 200 and ONE_LINE in response.content.decode()
    assert stored(Contact, practice)[0].name == "Jane Smith"


@pytest.mark.parametrize("field", ["name", "bank_name", "sort_code", "account_number"])
def test_a_bank_account_field_with_a_line_break_is_refused(manager_client, practice, field):
    client = ClientFactory(practice=practice)
    data = {
        "name": "Current",
        "bank_name": "Barclays",
        "sort_code": "20-00-00",
        "account_number": "12345678",
        "iban": "",
        "currency": "GBP",
        "is_active": "on",
    }
    data[field] = data[field][:2] + "\r\n" + data[field][2:]
    response = manager_client.post(f"/clients/{client.code}/bank-accounts/", data)
    assert response.status_code == 200
    assert ONE_LINE in response.content.decode()
    assert stored(BankAccount, practice) == []


def test_editing_a_bank_account_name_to_two_lines_keeps_the_old_one(manager_client, practice):
    account = BankAccountFactory(practice=practice, name="Current")
    data = {
        "name": "Current\nAccount",
        "bank_name": "Barclays",
        "sort_code": "200000",
        "account_number": account.account_number,
        "iban": "",
        "currency": "GBP",
        "is_active": "on",
    }
    response = manager_client.post(f"/bank-accounts/{account.code}/", data)
    assert response.status_code == 200 and ONE_LINE in response.content.decode()
    assert stored(BankAccount, practice)[0].name == "Current"


# --- the CSV import ----------------------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("name", "Acme Ltd\r\nBcc: everyone@example.com", "name: keep this on one line"),
        ("name", "Acme\nLtd", "name: keep this on one line"),
        ("contact_name", "Jane\r\nSmith", "contact_name: keep this on one line"),
        ("contact_phone", "0207\n946 0000", "contact_phone: keep this on one line"),
        ("notes", "Books\x0bkept", "notes: remove the invisible control character U+000B"),
    ],
)
def test_a_csv_cell_with_a_line_break_is_a_row_error_and_nothing_is_imported(
    client, practice, manager, media, column, value, message
):
    sign_in(client, manager)
    row = {"name": "Acme Ltd", "code": "ACME01", "entity_type": "Limited company"}
    row[column] = value
    if column.startswith("contact_") and column != "contact_name":
        row["contact_name"] = "Jane Smith"
    upload(client, make_csv([row]))
    with practice_context(practice.pk):
        client_import = ClientImport.objects.get()
    html = client.get(preview_url(client_import)).content.decode()
    assert message in html
    response = client.post(preview_url(client_import))
    assert "Nothing was imported" in response.content.decode()
    assert stored(Client, practice) == []
    assert stored(Contact, practice) == []


def test_csv_notes_keep_their_lines(client, practice, manager, media):
    sign_in(client, manager)
    row = {"name": "Acme Ltd", "code": "ACME01", "entity_type": "Limited company"}
    upload(client, make_csv([{**row, "notes": "Two\r\nlines"}]))
    with practice_context(practice.pk):
        client_import = ClientImport.objects.get()
    response = client.post(preview_url(client_import))
    assert response.status_code == 302
    (imported,) = stored(Client, practice)
    assert imported.name == "Acme Ltd" and imported.notes == "Two\r\nlines"
