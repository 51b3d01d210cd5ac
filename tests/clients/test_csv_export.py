"""Export of the client list to CSV: exactly the clients the list shows, in the import's columns."""

import csv
import io

import pytest
from django.db import connection
from django.test import Client as BrowserClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from atlasos.tenancy.context import practice_context
from clients import csv_io, csv_validate
from clients.choices import (
    AccountingSystem,
    ClientStatus,
    EntityType,
    PayrollFrequency,
    VatFrequency,
)
from clients.models import Client, ClientImport
from tests.clock import current_date
from tests.factories.clients import (
    ClientContactFactory,
    ClientFactory,
    ClientTagFactory,
    ContactFactory,
    TagFactory,
)
from tests.helpers import sign_in

EXPORT_URL = reverse("client_export")


def exported(response) -> list[dict]:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")  # so Excel opens it as UTF-8
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline="")))


def codes(response) -> list[str]:
    return [row["code"] for row in exported(response)]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.mark.parametrize("member", ["staff", "manager", "partner"])
def test_every_team_member_can_export_the_list(client, request, member, practice):
    ClientFactory(practice=practice, short_code="ACME01")
    sign_in(client, request.getfixturevalue(member))

    response = client.get(EXPORT_URL)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="clients-{current_date():%Y-%m-%d}.csv"'
    )
    assert codes(response) == ["ACME01"]


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(EXPORT_URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_export_never_contains_another_practices_clients(client, practice, other_practice, partner):
    ClientFactory(practice=practice, name="Mine Ltd", short_code="MINE01")
    ClientFactory(practice=other_practice, name="Theirs Ltd", short_code="THEIRS01")
    ClientFactory(practice=other_practice, name="Mine Too Ltd", short_code="MINE02")
    sign_in(client, partner)

    for params in ({}, {"status": "all"}, {"q": "mine"}, {"q": "THEIRS"}):
        rows = exported(client.get(EXPORT_URL, params))
        assert all(row["code"] == "MINE01" for row in rows), params
        assert "Theirs" not in str(rows)


def test_export_has_exactly_the_clients_the_filters_show(client, practice, partner, manager):
    ClientFactory(practice=practice, name="Acme Trading", short_code="ACME01", preparer=manager)
    ClientFactory(
        practice=practice,
        name="Beta Bakers",
        short_code="BETA01",
        entity_type=EntityType.SOLE_TRADER,
    )
    ClientFactory(
        practice=practice, name="Old Co", short_code="OLD01", status=ClientStatus.ARCHIVED
    )
    sign_in(client, partner)

    assert codes(client.get(EXPORT_URL)) == ["ACME01", "BETA01"]
    assert codes(client.get(EXPORT_URL, {"q": "acme"})) == ["ACME01"]
    assert codes(client.get(EXPORT_URL, {"q": "beta01"})) == ["BETA01"]
    assert codes(client.get(EXPORT_URL, {"status": "archived"})) == ["OLD01"]
    assert codes(client.get(EXPORT_URL, {"status": "all", "sort": "-code"})) == [
        "OLD01",
        "BETA01",
        "ACME01",
    ]
    assert codes(client.get(EXPORT_URL, {"entity_type": "sole_trader"})) == ["BETA01"]
    assert codes(client.get(EXPORT_URL, {"member": str(manager.code)})) == ["ACME01"]


def test_export_writes_every_column_the_import_reads(client, practice, partner, manager):
    acme = ClientFactory(
        practice=practice,
        name="Acme Trading Ltd",
        short_code="ACME01",
        entity_type=EntityType.LIMITED_COMPANY,
        company_number="01234567",
        vat_number="GB123456789",
        vat_frequency=VatFrequency.QUARTERLY,
        payroll_frequency=PayrollFrequency.MONTHLY,
        year_end_month=3,
        year_end_day=31,
        accounting_system=AccountingSystem.QUICKBOOKS,
        currency="EUR",
        preparer=manager,
        reviewer=partner,
        notes="Line one\nline two, with a comma",
    )
    ClientTagFactory(
        practice=practice, client=acme, tag=TagFactory(practice=practice, name="retail")
    )
    ClientTagFactory(practice=practice, client=acme, tag=TagFactory(practice=practice, name="VAT"))
    jane = ContactFactory(
        practice=practice,
        name="Jane Smith",
        email="jane@acme.example.com",
        phone="+44 20 7946 0000",
    )
    ClientContactFactory(practice=practice, client=acme, contact=jane)
    sign_in(client, partner)

    (row,) = exported(client.get(EXPORT_URL))

    assert list(row) == csv_io.COLUMN_NAMES
    assert row == {
        "name": "Acme Trading Ltd",
        "code": "ACME01",
        "entity_type": "Limited company",
        "company_number": "01234567",
        "vat_number": "GB123456789",
        "vat_frequency": "Quarterly",
        "payroll_frequency": "Monthly",
        "year_end": "31 March",
        "accounting_system": "QuickBooks Online",
        "currency": "EUR",
        "preparer_email": manager.email,
        "reviewer_email": partner.email,
        "notes": "Line one\nline two, with a comma",
        "tags": "VAT; retail",
        "contact_name": "Jane Smith",
        "contact_email": "jane@acme.example.com",
        "contact_phone": "+44 20 7946 0000",
    }


def test_export_of_an_empty_list_is_just_the_header(client, partner):
    sign_in(client, partner)
    assert exported(client.get(EXPORT_URL)) == []


def test_an_export_imports_into_another_practice_unchanged(
    client, practice, partner, other_partner, media
):
    fields = [
        "name",
        "short_code",
        "entity_type",
        "company_number",
        "vat_number",
        "vat_frequency",
        "payroll_frequency",
        "year_end_month",
        "year_end_day",
        "accounting_system",
        "currency",
        "notes",
    ]
    acme = ClientFactory(
        practice=practice,
        name="Acme Trading Ltd",
        short_code="ACME01",
        company_number="SC123456",
        vat_number="GB123456789",
        vat_frequency=VatFrequency.ANNUAL,
        year_end_month=2,
        year_end_day=29,
        notes='=HYPERLINK("http://evil.example")',
    )
    llp = ClientFactory(
        practice=practice,
        name="Café Rouge LLP",
        short_code="CAFE-01",
        entity_type=EntityType.LLP,
        payroll_frequency=PayrollFrequency.WEEKLY,
        accounting_system=AccountingSystem.FREEAGENT,
    )
    ClientFactory(practice=practice, name="Trust", short_code="T_1", entity_type=EntityType.TRUST)
    ClientTagFactory(practice=practice, client=acme, tag=TagFactory(practice=practice, name="a"))
    jane = ContactFactory(practice=practice, name="Jane Smith", email="jane@acme.example.com")
    ClientContactFactory(practice=practice, client=acme, contact=jane)
    ClientContactFactory(practice=practice, client=llp, contact=jane)
    sign_in(client, partner)
    data = b"".join(client.get(EXPORT_URL).streaming_content)

    theirs = sign_in(BrowserClient(), other_partner)
    theirs.post(reverse("client_import"), {"file": io.BytesIO(data)})
    with practice_context(other_partner.practice_id):
        upload = ClientImport.objects.get()
    theirs.post(reverse("client_import_preview", args=[upload.code]))

    def snapshot(practice_id):
        with practice_context(practice_id):
            return [
                (
                    *(getattr(c, f) for f in fields),
                    [t.name for t in c.tags.all()],
                    [(x.name, x.email) for x in c.contacts.all()],
                )
                for c in Client.objects.order_by("short_code")
            ]

    assert snapshot(other_partner.practice_id) == snapshot(practice.pk)
    with practice_context(other_partner.practice_id):
        assert Client.objects.get(short_code="ACME01").notes == '=HYPERLINK("http://evil.example")'


def test_export_queries_do_not_grow_with_the_number_of_clients(client, practice, partner):
    def export_queries() -> list[str]:
        with CaptureQueriesContext(connection) as ctx:
            exported(client.get(EXPORT_URL))
        return [q["sql"] for q in ctx.captured_queries if "clients_" in q["sql"]]

    def add_clients(n):
        for _ in range(n):
            acme = ClientFactory(practice=practice, preparer=partner, reviewer=partner)
            ClientTagFactory(practice=practice, client=acme)
            ClientContactFactory(practice=practice, client=acme)

    sign_in(client, partner)
    add_clients(2)
    few = export_queries()
    add_clients(20)
    many = export_queries()

    # The clients joined with preparer and reviewer, their tags, their contacts.
    assert len(few) == len(many) == 3


def test_formula_cells_are_defused_for_excel_and_read_back_as_written():
    row = csv_io.ClientRow(
        name="=1+2",
        code="ACME01",
        entity_type="llp",
        notes="@SUM(A1:A9)",
        contact_name="-Jane",
        contact_phone="+44 20 7946 0000",
    )
    line = list(csv_io.csv_lines([row]))[1]
    assert line.startswith("'=1+2,")
    assert "'@SUM(A1:A9)" in line
    assert ",'-Jane," in line
    assert line.rstrip().endswith(",+44 20 7946 0000")  # a phone number stays as it is

    text = "".join(csv_io.csv_lines([row])).encode()
    (back,) = csv_validate.parse_clients(text, csv_io.Lookups(), max_bytes=10**6, max_rows=10).rows
    assert (back.name, back.notes, back.contact_name, back.contact_phone) == (
        "=1+2",
        "@SUM(A1:A9)",
        "-Jane",
        "+44 20 7946 0000",
    )


def test_written_rows_parse_back_to_the_same_clients():
    me = csv_io.Member(id=7, email="helen@harbour.example.com", full_name="Helen", role="partner")
    rows = [
        csv_io.ClientRow(
            name="Acme Trading Ltd",
            code="ACME01",
            entity_type="limited_company",
            company_number="01234567",
            vat_number="GB123456789",
            vat_frequency="monthly",
            payroll_frequency="weekly",
            year_end_month=12,
            year_end_day=31,
            accounting_system="sage",
            currency="USD",
            preparer=me,
            reviewer=me,
            notes='Notes; with, punctuation "quoted"',
            tags=["retail", "VAT cash scheme"],
            contact_name="Jane Smith",
            contact_email="jane@acme.example.com",
            contact_phone="020 7946 0000",
        ),
        csv_io.ClientRow(name="Bob", code="BOB", entity_type="individual"),
    ]
    text = "".join(csv_io.csv_lines(rows)).encode()
    lookups = csv_io.Lookups(members={me.email: me})

    parsed = csv_validate.parse_clients(text, lookups, max_bytes=10**6, max_rows=10)

    for row in parsed.rows:
        row.row_number = 0
    assert parsed.rows == rows
