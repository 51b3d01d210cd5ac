"""Bulk onboarding refuses what it cannot import: files that cannot be read, and rows with
errors, each listed in the preview and checked again at confirm time, so that nothing is
imported; the preview's limits and its query count."""

import io

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext

from atlasos.tenancy.context import practice_context
from clients.models import ClientImport
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
from tests.factories.accounts import UserFactory
from tests.factories.clients import ClientFactory, ClientImportFactory
from tests.helpers import sign_in

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
