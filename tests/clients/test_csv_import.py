"""Bulk onboarding: upload a CSV of clients, preview it, import all of it or nothing."""

import io
import time

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from atlasos.tenancy.context import practice_context
from clients import csv_io, csv_validate
from clients.choices import AccountingSystem, EntityType, PayrollFrequency, VatFrequency
from clients.models import Client, ClientContact, ClientImport, ClientTag, Contact, Tag
from tests.clients.helpers import IMPORT_URL, make_csv, preview_url, upload
from tests.factories.accounts import UserFactory
from tests.factories.clients import ClientFactory, ClientImportFactory, ContactFactory
from tests.helpers import sign_in

COLUMNS = csv_io.COLUMN_NAMES


def stored_files(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()]


def counts(practice) -> dict:
    with practice_context(practice.pk):
        return {
            "clients": Client.objects.count(),
            "contacts": Contact.objects.count(),
            "tags": Tag.objects.count(),
            "imports": ClientImport.objects.count(),
        }


def the_import(practice) -> ClientImport:
    with practice_context(practice.pk):
        return ClientImport.objects.get()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def manager_client(client, manager):
    return sign_in(client, manager)


def client_rows(n: int, **extra) -> list[dict]:
    return [
        {"name": f"Client {i} Ltd", "code": f"C{i:05d}", "entity_type": "Limited company", **extra}
        for i in range(1, n + 1)
    ]


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


# --- files that cannot be read ------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(bytes(range(256)) * 8, "not UTF-8", id="random-binary"),
        pytest.param(b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 64, "Excel workbook", id="xlsx"),
        pytest.param(b"name,code,entity_type\x00\nA,B,C\n", "binary data", id="nul-bytes"),
        pytest.param(
            b'name,code,entity_type\nAcme,ACME01,Limited company\n"Unclosed,ACME02,LLP\n',
            "not valid CSV at row 3",
            id="unbalanced-quotes",
        ),
        pytest.param(
            b'name,code,entity_type\n"Acme" Ltd,ACME01,LLP\n',
            "not valid CSV at row 2",
            id="quote-mid-cell",
        ),
        pytest.param(
            b"name,entity_type\nAcme,LLP\n", "no code column", id="missing-required-column"
        ),
        pytest.param(
            b"name,code,entity_type,fax,Colour\nAcme,ACME01,LLP,,\n",
            "columns AtlasOS does not know: “fax”, “Colour”",
            id="unknown-columns",
        ),
        pytest.param(b"Acme,ACME01,LLP\nBeta,BETA01,LLP\n", "must be a header row", id="no-header"),
        pytest.param(b"", "The file is empty", id="empty"),
        pytest.param(b"\r\n\r\n  \r\n", "The file is empty", id="only-blank-lines"),
        pytest.param(b"name,code,entity_type\r\n", "no clients under it", id="header-only"),
        pytest.param(
            b"name,code,code,entity_type\nA,B,C,D\n", "appears twice", id="duplicate-column"
        ),
    ],
)
def test_unreadable_file_gets_a_clear_message_and_nothing_is_stored(
    client, practice, manager, media, data, message
):
    sign_in(client, manager)
    response = upload(client, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "This file cannot be imported." in html
    assert message in html
    assert counts(practice) == {"clients": 0, "contacts": 0, "tags": 0, "imports": 0}
    assert stored_files(media) == []


def test_windows_1252_file_is_refused_with_the_utf8_advice(client, practice, manager, media):
    sign_in(client, manager)
    data = make_csv(
        [{"name": "Café Rouge Ltd", "code": "CAFE01", "entity_type": "Limited company"}],
        encoding="cp1252",
    )
    response = upload(client, data)
    html = response.content.decode()
    assert "This file is not UTF-8 text" in html
    assert "line 2" in html
    assert "CSV UTF-8" in html
    assert counts(practice)["imports"] == 0
    assert stored_files(media) == []


def test_file_over_the_row_limit_is_refused(client, practice, manager, media, settings):
    settings.ATLASOS_CLIENT_IMPORT_MAX_ROWS = 5
    sign_in(client, manager)
    response = upload(client, make_csv(client_rows(6)))
    assert "more than 5 clients" in response.content.decode()
    assert counts(practice)["imports"] == 0
    assert stored_files(media) == []


def test_file_over_the_size_limit_is_refused(client, practice, manager, media, settings):
    settings.ATLASOS_CLIENT_IMPORT_MAX_BYTES = 1024
    sign_in(client, manager)
    response = upload(client, make_csv(client_rows(100)))
    assert "the limit is 1 KB" in response.content.decode()
    assert counts(practice)["imports"] == 0
    assert stored_files(media) == []


def test_upload_without_a_file_asks_for_one(client, practice, manager, media):
    sign_in(client, manager)
    response = client.post(IMPORT_URL, {})
    assert "This field is required" in response.content.decode()
    assert counts(practice)["imports"] == 0


# --- rows with errors ----------------------------------------------------------------------


def test_duplicate_codes_are_row_errors_and_a_forced_confirm_imports_nothing(
    client, practice, manager, media
):
    ClientFactory(practice=practice, short_code="ACME01")
    sign_in(client, manager)
    upload(
        client,
        make_csv(
            [
                {"name": "Acme", "code": "acme01", "entity_type": "LLP"},
                {"name": "Dupe One", "code": "DUPE1", "entity_type": "LLP"},
                {"name": "Fine Ltd", "code": "FINE1", "entity_type": "LLP"},
                {"name": "Dupe Two", "code": "dupe1", "entity_type": "LLP"},
            ]
        ),
    )
    upload_record = the_import(practice)

    html = client.get(preview_url(upload_record)).content.decode()

    assert "a client with code ACME01 already exists" in html
    assert "code: DUPE1 is also on row 5" in html
    assert "code: DUPE1 is also on row 3" in html
    assert "3 rows have errors" in html
    assert "Fix these rows in your spreadsheet and upload the file again" in html
    assert "Import 1 client" not in html
    assert 'type="submit" class="button-primary">Import' not in html

    response = client.post(preview_url(upload_record))

    assert "Nothing was imported" in response.content.decode()
    assert counts(practice)["clients"] == 1  # only the one that was already there
    assert the_import(practice).state == ClientImport.State.PREVIEW


def test_every_problem_of_a_row_is_listed_with_its_column(client, practice, manager, media):
    sign_in(client, manager)
    upload(
        client,
        make_csv(
            [
                {
                    "name": "",
                    "code": "BAD CODE!",
                    "entity_type": "Ltd Co",
                    "company_number": "ABC",
                    "vat_number": "12",
                    "vat_frequency": "fortnightly",
                    "year_end": "31/02",
                    "currency": "XYZ",
                    "contact_email": "not-an-email",
                }
            ]
        ),
    )
    html = client.get(preview_url(the_import(practice))).content.decode()
    for message in [
        "name: required",
        "code: Use 1–20 capital letters",
        "entity_type: “Ltd Co” is not one of Limited company, Sole trader",
        "company_number: A company number is 8 digits",
        "vat_number: Enter a VAT number",
        "vat_frequency: “fortnightly” is not one of",
        "year_end: February has no day 31.",
        "currency: “XYZ” is not an ISO 4217 currency code",
        "contact_email: “not-an-email” is not an email address",
        "contact_name: required when the row gives a contact email or phone",
    ]:
        assert message in html


def test_a_member_of_another_practice_is_never_resolved(
    client, practice, manager, other_partner, media
):
    sign_in(client, manager)
    upload(
        client,
        make_csv(
            client_rows(1, preparer_email=other_partner.email, reviewer_email=other_partner.email)
        ),
    )
    upload_record = the_import(practice)

    html = client.get(preview_url(upload_record)).content.decode()

    assert (
        f"preparer_email: no active member of your team has the email {other_partner.email}" in html
    )
    assert (
        f"reviewer_email: no active member of your team has the email {other_partner.email}" in html
    )
    assert other_partner.full_name not in html
    client.post(preview_url(upload_record))
    assert counts(practice)["clients"] == 0


def test_reviewer_must_be_a_partner_or_manager_and_members_must_be_active(
    client, practice, manager, staff, media
):
    leaver = UserFactory(practice=practice, role="manager", is_active=False)
    sign_in(client, manager)
    upload(
        client,
        make_csv(
            [
                {"name": "A", "code": "A1", "entity_type": "LLP", "reviewer_email": staff.email},
                {"name": "B", "code": "B1", "entity_type": "LLP", "preparer_email": leaver.email},
            ]
        ),
    )
    html = client.get(preview_url(the_import(practice))).content.decode()
    assert "reviewer_email: Tom Reilly is staff; the reviewer must be a partner or manager" in html
    assert f"preparer_email: no active member of your team has the email {leaver.email}" in html


def test_the_file_is_checked_again_at_confirm_time(client, practice, manager, media):
    sign_in(client, manager)
    upload(client, make_csv(client_rows(3)))
    upload_record = the_import(practice)
    assert "Import 3 clients" in client.get(preview_url(upload_record)).content.decode()
    ClientFactory(practice=practice, short_code="C00002")  # added by a colleague meanwhile

    response = client.post(preview_url(upload_record))

    html = response.content.decode()
    assert "Nothing was imported" in html
    assert "a client with code C00002 already exists" in html
    assert counts(practice)["clients"] == 1
    assert the_import(practice).state == ClientImport.State.PREVIEW


def test_preview_of_an_expired_upload_asks_for_the_file_again(client, practice, manager, media):
    upload_record = ClientImportFactory(
        practice=practice, storage_key=f"practices/{practice.pk}/imports/gone.csv"
    )
    sign_in(client, manager)

    html = client.get(preview_url(upload_record)).content.decode()
    assert "no longer here" in html

    response = client.post(preview_url(upload_record))
    assert "Nothing was imported" in response.content.decode()
    assert the_import(practice).state == ClientImport.State.PREVIEW


def test_a_stored_key_outside_the_practice_prefix_is_never_read(
    client, practice, other_practice, manager, media
):
    theirs = f"practices/{other_practice.pk}/imports/theirs.csv"
    default_storage.save(theirs, io.BytesIO(make_csv(client_rows(1))))
    upload_record = ClientImportFactory(practice=practice, storage_key=theirs)
    sign_in(client, manager)

    assert "no longer here" in client.get(preview_url(upload_record)).content.decode()
    client.post(preview_url(upload_record))
    assert counts(practice)["clients"] == 0


def test_preview_lists_the_first_200_problem_rows_and_counts_the_rest(
    client, practice, manager, media
):
    sign_in(client, manager)
    upload(client, make_csv(client_rows(250, entity_type="Company")))

    html = client.get(preview_url(the_import(practice))).content.decode()

    assert "250 rows have errors" in html
    assert html.count('<tr class="row-error">') == 200
    assert "…and 50 more rows with errors, not shown." in html


def test_preview_runs_the_same_queries_whatever_the_size_of_the_file(
    client, practice, manager, media
):
    def preview_queries(n: int) -> int:
        upload(client, make_csv(client_rows(n, tags="a; b", contact_name="Jo")))
        with practice_context(practice.pk):
            upload_record = ClientImport.objects.latest("created_at")
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(preview_url(upload_record)).status_code == 200
        return len(ctx.captured_queries)

    sign_in(client, manager)
    # Session and user, the import and its uploader, then one query each for the team,
    # the existing codes, tags and contacts.
    assert preview_queries(3) == preview_queries(300)


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


# --- the parser on its own -----------------------------------------------------------------


def parse(text: str, lookups: csv_io.Lookups | None = None) -> csv_io.ParsedFile:
    return csv_validate.parse_clients(
        text.encode(), lookups or csv_io.Lookups(), max_bytes=10**7, max_rows=100
    )


@pytest.mark.parametrize(
    ("column", "text", "value"),
    [
        ("entity_type", "Limited company", EntityType.LIMITED_COMPANY),
        ("entity_type", "limited_company", EntityType.LIMITED_COMPANY),
        ("entity_type", "LIMITED COMPANY", EntityType.LIMITED_COMPANY),
        ("entity_type", "LLP", EntityType.LLP),
        ("entity_type", "Sole trader", EntityType.SOLE_TRADER),
        ("vat_frequency", "Quarterly", VatFrequency.QUARTERLY),
        ("vat_frequency", "Not VAT registered", VatFrequency.NONE),
        ("payroll_frequency", "weekly", PayrollFrequency.WEEKLY),
        ("accounting_system", "Xero", AccountingSystem.XERO),
        ("accounting_system", "QuickBooks Online", AccountingSystem.QUICKBOOKS),
        ("accounting_system", "quickbooks", AccountingSystem.QUICKBOOKS),
    ],
)
def test_choice_columns_take_the_value_or_the_label_in_any_case(column, text, value):
    if column == "entity_type":
        source = f"name,code,entity_type\nAcme,ACME01,{text}\n"
    else:
        source = f"name,code,entity_type,{column}\nAcme,ACME01,LLP,{text}\n"
    (row,) = parse(source).rows
    assert row.errors == []
    assert getattr(row, column) == value


@pytest.mark.parametrize(
    ("text", "month_day"),
    [
        ("31/03", (3, 31)),
        ("31 March", (3, 31)),
        ("31 Mar", (3, 31)),
        ("31-Mar", (3, 31)),  # what Excel saves after turning "31 March" into a date
        ("31/03/2026", (3, 31)),
        ("2026-03-31", (3, 31)),
        ("29/02", (2, 29)),
        ("", (None, None)),
    ],
)
def test_year_end_is_read_the_ways_a_spreadsheet_writes_it(text, month_day):
    (row,) = parse(f"name,code,entity_type,year_end\nAcme,ACME01,LLP,{text}\n").rows
    assert row.errors == []
    assert (row.year_end_month, row.year_end_day) == month_day


def test_row_numbers_are_spreadsheet_rows_counting_blank_lines_and_multiline_cells():
    parsed = parse('name,code,entity_type,notes\nAcme,ACME01,LLP,"two\nlines"\n\n,,,\nBeta,,LLP,\n')
    assert [row.row_number for row in parsed.rows] == [2, 5]
    assert parsed.rows[0].notes == "two\nlines"
    assert parsed.rows[1].errors == ["code: required"]


def test_cells_beyond_the_header_are_a_row_error_but_empty_ones_are_ignored():
    parsed = parse("name,code,entity_type\nAcme,ACME01,LLP,,\nBeta,BETA01,LLP,,oops\n")
    assert parsed.rows[0].errors == []
    assert parsed.rows[1].errors == ["values in column E, which has no heading"]


def test_tags_are_split_on_semicolons_and_commas_without_duplicates():
    (row,) = parse('name,code,entity_type,tags\nAcme,ACME01,LLP,"retail; VAT, Retail;;"\n').rows
    assert row.tags == ["retail", "VAT"]


def test_tab_separated_file_is_read():
    (row,) = parse("name\tcode\tentity_type\nAcme, Trading\tACME01\tLLP\n").rows
    assert (row.name, row.code, row.errors) == ("Acme, Trading", "ACME01", [])


def test_a_code_on_three_rows_names_the_other_two():
    parsed = parse("name,code,entity_type\nA,X1,LLP\nB,X1,LLP\nC,x1,LLP\n")
    assert parsed.rows[0].errors == ["code: X1 is also on rows 3 and 4"]
