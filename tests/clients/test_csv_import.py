"""Bulk onboarding: upload a CSV of clients, preview it, import all of it: who may, the
happy path, and a 20,000-row file (all of it or, with one bad row, nothing)."""

import time

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from atlasos.tenancy.context import practice_context
from clients.choices import AccountingSystem, EntityType, PayrollFrequency, VatFrequency
from clients.models import Client, ClientContact, ClientImport, ClientTag, Contact, Tag
from tests.clients.helpers import (
    IMPORT_URL,
    client_rows,
    counts,
    make_csv,
    preview_url,
    stored_files,
    the_import,
    upload,
)
from tests.factories.clients import ClientImportFactory, ContactFactory
from tests.helpers import sign_in

# --- access --------------------------------------------------------------------------------


@pytest.mark.parametrize("member", ["manager", "partner"])
def test_managers_and_partners_see_the_upload_form(client, request, member):
    sign_in(client, request.getfixturevalue(member))
    response = client.get(IMPORT_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert "contact_email" in html  # the column list
    assert "?example=1" in html


def test_staff_may_not_import(client, staff, practice, media):
    sign_in(client, staff)
    assert client.get(IMPORT_URL).status_code == 403
    assert upload(client, make_csv(client_rows(1))).status_code == 403
    assert counts(practice)["imports"] == 0
    assert stored_files(media) == []


def test_staff_may_not_preview_or_confirm_an_import(client, staff, practice):
    upload_record = ClientImportFactory(practice=practice)
    sign_in(client, staff)
    assert client.get(preview_url(upload_record)).status_code == 403
    assert client.post(preview_url(upload_record)).status_code == 403


def test_another_practices_import_is_not_found(client, practice, other_partner, media):
    theirs = ClientImportFactory(practice=practice)
    sign_in(client, other_partner)
    assert client.get(preview_url(theirs)).status_code == 404
    assert client.post(preview_url(theirs)).status_code == 404
    assert the_import(practice).state == ClientImport.State.PREVIEW


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(IMPORT_URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


# --- the happy path ------------------------------------------------------------------------


def test_valid_file_is_previewed_then_imported_with_contacts_and_tags(
    client, practice, manager, partner, media, django_capture_on_commit_callbacks
):
    sign_in(client, manager)
    data = make_csv(
        [
            {
                "name": "Acme Trading Ltd",
                "code": "acme01",
                "entity_type": "Limited company",
                "company_number": "1234567",
                "vat_number": "GB 123 4567 89",
                "vat_frequency": "Quarterly",
                "payroll_frequency": "monthly",
                "year_end": "31/03",
                "accounting_system": "QuickBooks Online",
                "currency": "eur",
                "preparer_email": manager.email.upper(),
                "reviewer_email": partner.email,
                "notes": "Moved from Smith & Co.",
                "tags": "retail; VAT cash scheme",
                "contact_name": "Jane Smith",
                "contact_email": "Jane@Acme.example.com",
                "contact_phone": "+44 20 7946 0000",
            },
            {
                "name": "Acme Property LLP",
                "code": "ACME02",
                "entity_type": "llp",
                "year_end": "5 April",
                "tags": "Retail, property",
                "contact_name": "Jane Smith",
                "contact_email": "jane@acme.example.com",
            },
            {
                "name": "Bob Jones",
                "code": "JONESB",
                "entity_type": "sole_trader",
                "contact_name": "Bob Jones",
            },
        ]
    )

    response = upload(client, data, name="new clients.csv")

    upload_record = the_import(practice)
    assert response.status_code == 302
    assert response["Location"] == preview_url(upload_record)
    assert upload_record.state == ClientImport.State.PREVIEW
    assert upload_record.uploaded_by == manager
    assert upload_record.file_name == "new clients.csv"
    assert upload_record.storage_key.startswith(f"practices/{practice.pk}/imports/")
    assert default_storage.exists(upload_record.storage_key)
    assert counts(practice)["clients"] == 0  # nothing until confirmed

    preview = client.get(preview_url(upload_record))
    html = preview.content.decode()
    assert preview.status_code == 200
    assert "Import 3 clients" in html
    assert "Acme Property LLP" in html
    assert "with errors" in html.lower()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(preview_url(upload_record), follow=True)

    assert response.redirect_chain[-1][0] == reverse("client_list")
    assert "Imported 3 clients." in response.content.decode()
    with practice_context(practice.pk):
        acme = Client.objects.get(short_code="ACME01")
        assert acme.name == "Acme Trading Ltd"
        assert acme.entity_type == EntityType.LIMITED_COMPANY
        assert acme.company_number == "01234567"
        assert acme.vat_number == "GB123456789"
        assert acme.vat_frequency == VatFrequency.QUARTERLY
        assert acme.payroll_frequency == PayrollFrequency.MONTHLY
        assert (acme.year_end_month, acme.year_end_day) == (3, 31)
        assert acme.accounting_system == AccountingSystem.QUICKBOOKS
        assert acme.currency == "EUR"
        assert acme.preparer == manager
        assert acme.reviewer == partner
        assert acme.notes == "Moved from Smith & Co."
        assert sorted(t.name for t in acme.tags.all()) == ["VAT cash scheme", "retail"]
        llp = Client.objects.get(short_code="ACME02")
        assert llp.entity_type == EntityType.LLP
        assert (llp.year_end_month, llp.year_end_day) == (4, 5)
        assert llp.vat_frequency == VatFrequency.NONE
        assert llp.accounting_system == AccountingSystem.XERO
        assert llp.currency == "GBP"
        # "Retail" and "retail" are one tag.
        assert sorted(Tag.objects.values_list("name", flat=True)) == [
            "VAT cash scheme",
            "property",
            "retail",
        ]
        assert ClientTag.objects.count() == 4
        # The director of both Acme companies is one contact, linked twice.
        jane = Contact.objects.get(email="jane@acme.example.com")
        assert jane.phone == "+44 20 7946 0000"
        assert set(jane.clients.values_list("short_code", flat=True)) == {"ACME01", "ACME02"}
        assert Contact.objects.count() == 2
        assert ClientContact.objects.count() == 3
        upload_record = ClientImport.objects.get()
    assert upload_record.state == ClientImport.State.IMPORTED
    assert upload_record.row_count == 3
    assert upload_record.imported_at is not None
    assert stored_files(media) == []  # the upload is deleted once imported


def test_a_contact_already_known_by_email_is_linked_not_duplicated(
    client, practice, manager, media
):
    known = ContactFactory(practice=practice, name="Jane Smith", email="jane@acme.example.com")
    sign_in(client, manager)
    upload(
        client,
        make_csv(client_rows(2, contact_name="J. Smith", contact_email="JANE@acme.example.com")),
    )
    upload_record = the_import(practice)
    assert "1 already known" in client.get(preview_url(upload_record)).content.decode()

    client.post(preview_url(upload_record))

    with practice_context(practice.pk):
        assert Contact.objects.count() == 1
        assert ClientContact.objects.filter(contact=known).count() == 2


def test_a_second_confirm_imports_nothing_and_says_so(client, practice, manager, media):
    sign_in(client, manager)
    upload(client, make_csv(client_rows(2)))
    upload_record = the_import(practice)
    client.post(preview_url(upload_record))

    response = client.post(preview_url(upload_record), follow=True)

    assert "already been imported" in response.content.decode()
    assert counts(practice)["clients"] == 2
    assert "2 clients imported" in client.get(preview_url(upload_record)).content.decode()


def test_utf8_file_with_bom_semicolons_and_blank_lines_is_accepted(
    client, practice, manager, media
):
    sign_in(client, manager)
    text = "Name;CODE;Entity Type\r\n\r\nCafé Rouge Ltd;cafe01;Limited company\r\n;;\r\n"
    data = text.encode("utf-8-sig")
    upload(client, data)
    client.post(preview_url(the_import(practice)))
    with practice_context(practice.pk):
        assert Client.objects.get().name == "Café Rouge Ltd"


def test_the_example_file_imports_as_it_is(client, practice, manager, media):
    sign_in(client, manager)
    example = client.get(IMPORT_URL, {"example": "1"})
    assert example["Content-Type"].startswith("text/csv")
    assert "attachment" in example["Content-Disposition"]

    upload(client, b"".join(example.streaming_content))
    upload_record = the_import(practice)
    assert "Import 2 clients" in client.get(preview_url(upload_record)).content.decode()
    client.post(preview_url(upload_record))
    assert counts(practice)["clients"] == 2


# --- 20,000 rows ---------------------------------------------------------------------------

BIG = 20_000


def big_file(bad_last_row: bool = False) -> bytes:
    rows = client_rows(
        BIG, vat_frequency="Quarterly", year_end="31/03", tags="bulk; onboarding 2026"
    )
    for i, row in enumerate(rows):
        row["contact_name"] = f"Director {i // 2}"
        row["contact_email"] = f"director{i // 2}@example.com"  # one director, two companies
    if bad_last_row:
        rows[-1]["entity_type"] = "Limited liability company"
    return make_csv(rows)


def test_a_20000_row_file_imports_every_client_in_seconds(client, practice, manager, media):
    sign_in(client, manager)
    data = big_file()
    started = time.perf_counter()

    upload(client, data)
    upload_record = the_import(practice)
    assert "Import 20,000 clients" in client.get(preview_url(upload_record)).content.decode()
    response = client.post(preview_url(upload_record), follow=True)

    elapsed = time.perf_counter() - started
    print(f"\n20,000-row CSV: upload + preview + import in {elapsed:.2f} s")
    assert "Imported 20,000 clients." in response.content.decode()
    assert counts(practice) == {"clients": BIG, "contacts": BIG // 2, "tags": 2, "imports": 1}
    with practice_context(practice.pk):
        assert ClientTag.objects.count() == 2 * BIG
        assert ClientContact.objects.count() == BIG
    assert elapsed < 20


def test_a_20000_row_file_with_one_bad_last_row_imports_nothing(client, practice, manager, media):
    sign_in(client, manager)
    upload(client, big_file(bad_last_row=True))
    upload_record = the_import(practice)

    html = client.get(preview_url(upload_record)).content.decode()

    assert "1 row has errors" in html
    assert f'<td class="num">{BIG + 1}</td>' in html  # the last spreadsheet row
    assert "“Limited liability company” is not one of" in html
    assert "Import 20,000 clients" not in html
    client.post(preview_url(upload_record))
    assert counts(practice) == {"clients": 0, "contacts": 0, "tags": 0, "imports": 1}
