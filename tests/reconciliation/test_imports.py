"""Files into a bank account's lines (reconciliation.imports and its views): the account check,
the balance check, overlapping files, spreadsheets and their saved column mapping, statements
already in the client's documents, files that are not statements, and the balances taken from
the files. A refused file leaves no row behind."""

import datetime
import html
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from atlasos.tenancy.context import practice_context
from documents.models import Document, Source
from reconciliation import imports, workspace
from reconciliation.importers import tabular
from reconciliation.models import ColumnMap, Line, Reconciliation, StatementImport
from reconciliation.views.imports import refresh_balances
from tests.helpers import sign_in
from tests.reconciliation.conftest import IN_DECEMBER, NOVEMBER
from tests.reconciliation.helpers import (
    counts,
    import_file,
    mt940,
    november_bytes,
    stored,
)

pytestmark = pytest.mark.django_db

NOTHING = {"lines": 0, "imports": 0, "matches": 0, "column_maps": 0}
OTHER_25 = "40478012345678"  # 40-47-80 12345678: another account of another bank


@pytest.fixture
def signed_in(client, partner, clock):
    clock.set(IN_DECEMBER)
    return sign_in(client, partner)


@pytest.fixture
def november(practice, whitfield, clock):
    clock.set(IN_DECEMBER)
    with practice_context(practice.pk):
        return workspace.open_for(whitfield, NOVEMBER)


def november_sta(**replace: str) -> bytes:
    text = november_bytes("november.sta").decode()
    for old, new in replace.items():
        assert old in text
        text = text.replace(old, new)
    return text.encode()


# --- the account in the file ----------------------------------------------------------------


def test_a_statement_of_another_account_is_refused_until_confirmed(
    practice, whitfield, partner, media, november
):
    data = november_sta(**{":25:30917402344812": f":25:{OTHER_25}"})
    with practice_context(practice.pk):
        document = stored(whitfield.client, "savings.sta", data, user=partner)
        with pytest.raises(imports.AccountMismatch) as refused:
            imports.import_document(whitfield, NOVEMBER, "bank", document, user=partner)
    assert str(refused.value) == (
        "savings.sta is for account 40-47-80 12345678, not Business Current Account (…4812). "
        "Import it into Business Current Account (…4812) anyway?"
    )
    assert counts(practice.pk) == NOTHING

    with practice_context(practice.pk):
        result = imports.import_document(
            whitfield, NOVEMBER, "bank", document, user=partner, confirmed=True
        )
        statement_import = StatementImport.objects.get()
        assert Line.objects.count() == 8
    assert (result.imported, result.skipped) == (8, 0)
    assert statement_import.warning == (
        "savings.sta is for account 40-47-80 12345678, not Business Current Account (…4812). "
        "Imported on confirmation."
    )
    assert statement_import.account_label == "40-47-80 12345678"
    assert statement_import.document_id == document.pk


def test_the_confirmation_page_asks_then_imports(signed_in, practice, whitfield, media, november):
    data = november_sta(**{":25:30917402344812": f":25:{OTHER_25}"})
    response = signed_in.post(
        reverse("reconciliation:upload", args=[november.code]),
        {"side": "bank", "file": SimpleUploadedFile("savings.sta", data)},
    )
    assert response.status_code == 302
    question = signed_in.post(response["Location"], {"side": "bank"})
    assert question.status_code == 200
    page = html.unescape(question.content.decode())
    assert "savings.sta is for account 40-47-80 12345678, not Business Current Account" in page
    assert 'name="confirmed" value="1"' in page
    assert counts(practice.pk) == NOTHING

    done = signed_in.post(response["Location"], {"side": "bank", "confirmed": "1"})
    assert done.status_code == 302
    with practice_context(practice.pk):
        assert Line.objects.count() == 8
        assert StatementImport.objects.get().warning.endswith("Imported on confirmation.")


def test_a_statement_that_does_not_add_up_is_refused(practice, whitfield, partner, media):
    data = november_sta(**{":62F:C261130GBP3925,00": ":62F:C261130GBP3952,00"})
    with practice_context(practice.pk):
        document = stored(whitfield.client, "november.sta", data, user=partner)
        with pytest.raises(imports.ImportRefused) as refused:
            imports.import_document(whitfield, NOVEMBER, "bank", document, user=partner)
    assert str(refused.value) == (
        "november.sta: the statement of 30-91-74 02344812 does not add up: opening balance "
        "5,000.00 plus its lines (-1,075.00) is 3,925.00, but the closing balance is 3,952.00 "
        "(a difference of 27.00). The file may be incomplete: download it again."
    )
    assert counts(practice.pk) == NOTHING


def test_of_two_statements_in_one_file_only_this_accounts_is_imported(
    practice, whitfield, partner, media
):
    savings = mt940(
        [("261104", "100.00", "SV1", "INTEREST"), ("261118", "-40.00", "SV2", "TRANSFER")],
        account=OTHER_25,
        opening="200.00",
        reference="SAV2611",
    )
    data = november_bytes("november.sta") + savings.encode()
    with practice_context(practice.pk):
        result = import_file(whitfield, "both.sta", data, "bank", partner)
        statement_import = StatementImport.objects.get()
        descriptions = set(Line.objects.values_list("description", flat=True))
    assert (result.imported, result.skipped) == (8, 0)
    assert "INTEREST" not in descriptions and "TRANSFER" not in descriptions
    assert statement_import.account_label == "30-91-74 02344812"
    assert (statement_import.opening_balance, statement_import.closing_balance) == (
        Decimal("5000.00"),
        Decimal("3925.00"),
    )
    assert (statement_import.starts_on, statement_import.ends_on) == (
        datetime.date(2026, 11, 3),
        datetime.date(2026, 11, 30),  # the closing balance's date
    )
    assert statement_import.warning == ""


def test_a_file_of_two_other_accounts_is_refused(practice, whitfield, partner, media):
    one = mt940([("261104", "100.00", "A1", "INTEREST")], account=OTHER_25, reference="A")
    two = mt940([("261105", "-5.00", "B1", "FEE")], account="40478087654321", reference="B")
    with practice_context(practice.pk):
        document = stored(whitfield.client, "others.sta", (one + two).encode(), user=partner)
        with pytest.raises(imports.ImportRefused) as refused:
            imports.import_document(whitfield, NOVEMBER, "bank", document, user=partner)
    assert not isinstance(refused.value, imports.AccountMismatch)
    assert str(refused.value) == (
        "others.sta holds statements of 40-47-80 12345678, 40-47-80 87654321, none of them "
        "Business Current Account (…4812): choose the bank account the file belongs to."
    )
    assert counts(practice.pk) == NOTHING


# --- overlapping files ----------------------------------------------------------------------

FIRST_HALF = [
    ("261103", "1250.00", "FP1042", "ACME LTD INV 1042"),
    ("261105", "-3.20", "", "COSTA COFFEE"),
    ("261105", "-3.20", "", "COSTA COFFEE"),
    ("261105", "-23.45", "CD3217", "TESCO STORES 3217"),
    ("261110", "-1200.00", "DD1001", "LANDLORD PROPERTIES RENT"),
    ("261112", "482.35", "FP2001", "STRIPE PAYMENTS UK"),
]
SECOND_HALF = [
    ("261115", "-2340.00", "FP3001", "HMRC VAT"),
    ("261120", "850.00", "PI300123", "PAYING IN 300123"),
]


def test_an_overlapping_file_skips_the_lines_already_imported(practice, whitfield, partner, media):
    with practice_context(practice.pk):
        first = import_file(whitfield, "to_12_nov.sta", mt940(FIRST_HALF).encode(), "bank", partner)
        second = import_file(
            whitfield, "to_20_nov.sta", mt940(FIRST_HALF + SECOND_HALF).encode(), "bank", partner
        )
        coffees = Line.objects.filter(description="COSTA COFFEE").count()
        total = Line.objects.count()
        later = StatementImport.objects.get(filename="to_20_nov.sta")
    assert (first.imported, first.skipped) == (6, 0)
    assert coffees == 2  # two identical coffees on one day are two lines
    assert (second.imported, second.skipped) == (2, 6)
    assert (later.line_count, later.skipped_count) == (2, 6)
    assert total == 8
    assert second.message == (
        "2 lines imported from to_20_nov.sta; 6 already imported from an overlapping file, skipped."
    )


def test_two_transactions_sharing_a_bank_reference_are_both_kept(
    practice, whitfield, partner, media
):
    data = mt940(
        [("261105", "-10.00", "CARD", "COSTA COFFEE"), ("261106", "-20.00", "CARD", "PRET")]
    )
    with practice_context(practice.pk):
        result = import_file(whitfield, "cards.sta", data.encode(), "bank", partner)
        amounts = sorted(Line.objects.values_list("amount", flat=True))
    assert (result.imported, result.skipped) == (2, 0)
    assert amounts == [Decimal("-20.00"), Decimal("-10.00")]


# --- spreadsheets -----------------------------------------------------------------------------

# A bank whose export writes dates month first; the second half of the month first...
LATER_CSV = b"""Date,Description,Amount,Balance
11/13/2026,ACME LTD INV 1042,1250.00,4305.95
11/20/2026,TESCO STORES 3217,-23.45,4282.50
11/27/2026,LANDLORD PROPERTIES RENT,-1200.00,3082.50
"""
# ...then the first half, whose days are all 12 or less: month first or day first, a guess
# cannot tell.
EARLIER_CSV = b"""Date,Description,Amount,Balance
11/03/2026,STRIPE PAYMENTS UK,482.35,5482.35
11/05/2026,HMRC VAT,-2340.00,3142.35
11/10/2026,BRITISH GAS DD,-86.40,3055.95
"""


def upload(client, reconciliation, name, data, side="bank") -> str:
    response = client.post(
        reverse("reconciliation:upload", args=[reconciliation.code]),
        {"side": side, "file": SimpleUploadedFile(name, data)},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"]


def test_a_csv_statement_imports_with_the_guessed_mapping_which_is_kept(
    signed_in, practice, whitfield, media, november
):
    location = upload(signed_in, november, "later.csv", LATER_CSV)
    preview = html.unescape(signed_in.get(location).content.decode())
    assert "3 lines" in preview and "ACME LTD INV 1042" in preview
    assert counts(practice.pk) == NOTHING

    response = signed_in.post(location, {"side": "bank"})
    assert response.status_code == 302
    guessed = tabular.guess_mapping(LATER_CSV, "later.csv")
    assert guessed.date_format == "%m/%d/%Y"
    with practice_context(practice.pk):
        saved = ColumnMap.objects.get(bank_account=whitfield, side="bank")
        assert saved.mapping == guessed.to_dict()
        dates = list(Line.objects.order_by("date").values_list("date", "amount"))
    assert dates == [
        (datetime.date(2026, 11, 13), Decimal("1250.00")),
        (datetime.date(2026, 11, 20), Decimal("-23.45")),
        (datetime.date(2026, 11, 27), Decimal("-1200.00")),
    ]

    # The next file of the account reads through the saved mapping, not a new guess.
    assert tabular.guess_mapping(EARLIER_CSV, "earlier.csv").date_format == "%d/%m/%Y"
    location = upload(signed_in, november, "earlier.csv", EARLIER_CSV)
    response = signed_in.post(location, {"side": "bank"})
    assert response.status_code == 302
    with practice_context(practice.pk):
        earlier = StatementImport.objects.get(filename="earlier.csv")
        dates = list(
            Line.objects.filter(statement_import=earlier)
            .order_by("date")
            .values_list("date", flat=True)
        )
        assert ColumnMap.objects.count() == 1
        november.refresh_from_db()
    assert dates == [
        datetime.date(2026, 11, 3),
        datetime.date(2026, 11, 5),
        datetime.date(2026, 11, 10),
    ]
    assert (earlier.opening_balance, earlier.closing_balance) == (
        Decimal("5000.00"),
        Decimal("3055.95"),
    )
    assert november.statement_balance == Decimal("3082.50")  # the file reaching furthest


def test_the_preview_lists_each_rejected_row_and_saves_nothing(
    signed_in, practice, whitfield, media, november
):
    data = b"""Date,Description,Amount,Balance
03/11/2026,ACME LTD INV 1042,1250.00,6250.00
31/11/2026,TESCO STORES 3217,-23.45,6226.55
05/11/2026,LANDLORD PROPERTIES RENT,abc,5026.55
Closing balance,,,5026.55
"""
    location = upload(signed_in, november, "rejects.csv", data)
    response = signed_in.get(location)
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert "3 rows left out" in page
    shown = tabular.preview(data, "rejects.csv", tabular.guess_mapping(data, "rejects.csv"))
    assert [(row.row_number, row.reason) for row in shown.rejected] == [
        (3, REJECTED_DATE),
        (4, REJECTED_AMOUNT),
        (5, "a total or balance row, not a transaction"),
    ]
    for row in shown.rejected:
        assert f'<td class="num">{row.row_number}</td><td>{row.reason}</td>' in page
    assert counts(practice.pk) == NOTHING


REJECTED_DATE = "date '31/11/2026' is not a date in the format DD/MM/YYYY"
REJECTED_AMOUNT = "amount 'abc' is not a number"


# --- statements already in the client's documents ------------------------------------------


def test_a_statement_from_the_portal_is_imported_in_one_click(
    signed_in, practice, whitfield, media, november
):
    with practice_context(practice.pk):
        document = stored(
            whitfield.client,
            "Lloyds November.sta",
            november_bytes("november.sta"),
            source=Source.PORTAL,
        )
    page = signed_in.get(november.get_absolute_url()).content.decode()
    action = reverse("reconciliation:import", args=[november.code])
    link = f"{action}?document={document.code}&side=bank"
    assert "Lloyds November.sta" in page
    assert f'<form method="post" action="{action}" class="inline-form">' in page  # Import
    assert f'<a href="{link.replace("&", "&amp;")}" class="small">Preview</a>' in page

    preview = html.unescape(signed_in.get(link).content.decode())
    assert "30-91-74 02344812" in preview and "8 lines" in preview
    assert counts(practice.pk) == NOTHING

    response = signed_in.post(link, {"side": "bank"})
    assert response.status_code == 302
    with practice_context(practice.pk):
        statement_import = StatementImport.objects.get()
        assert Line.objects.count() == 8
        assert Document.objects.count() == 1  # the portal's file, not a copy
    assert statement_import.document_id == document.pk
    assert statement_import.line_count == 8


# --- files that are not statements ------------------------------------------------------------

ENTITY_BOMB = b"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE Document [
  <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
  <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
  <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
  <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
  <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
  <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">
  <BkToCstmrStmt><Stmt><Id>&f;</Id></Stmt></BkToCstmrStmt>
</Document>
"""
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def test_an_xml_entity_bomb_is_refused(practice, whitfield, partner, media):
    with practice_context(practice.pk):
        document = stored(whitfield.client, "statement.xml", ENTITY_BOMB, user=partner)
        with pytest.raises(imports.ImportRefused) as refused:
            imports.import_document(whitfield, NOVEMBER, "bank", document, user=partner)
    assert str(refused.value) == (
        "statement.xml: the file contains a document type declaration (<!DOCTYPE>); bank "
        "statements never have one, and it can hide an entity bomb or a reference to another "
        "file, so the file is refused"
    )
    assert counts(practice.pk) == NOTHING


def test_a_pdf_is_refused_with_advice(practice, whitfield, partner, media):
    with practice_context(practice.pk):
        document = stored(whitfield.client, "statement.pdf", PDF, user=partner)
        with pytest.raises(imports.ImportRefused) as refused:
            imports.import_document(whitfield, NOVEMBER, "bank", document, user=partner)
    assert str(refused.value).startswith(
        "statement.pdf: a PDF is a picture of a statement, not its data; ask the bank for an "
        "OFX, QFX, camt.053, MT940, QIF or CSV export of the account"
    )
    assert counts(practice.pk) == NOTHING


def test_the_import_page_shows_why_a_pdf_cannot_be_read(
    signed_in, practice, whitfield, media, november
):
    location = upload(signed_in, november, "statement.pdf", PDF)
    page = html.unescape(signed_in.get(location).content.decode())
    assert "statement.pdf: a PDF is a picture of a statement, not its data" in page
    response = signed_in.post(location, {"side": "bank"}, follow=True)
    assert "a PDF is a picture of a statement" in html.unescape(response.content.decode())
    assert counts(practice.pk) == NOTHING


# --- balances ---------------------------------------------------------------------------------


def test_the_xero_export_gives_the_balance_per_ledger(
    practice, whitfield, partner, media, november
):
    with practice_context(practice.pk):
        result = import_file(
            whitfield, "november_xero.csv", november_bytes("november_xero.csv"), "ledger", partner
        )
        refresh_balances(november)
        november.refresh_from_db()
    assert (result.imported, result.skipped) == (9, 0)
    assert november.ledger_balance == Decimal("3300.15")
    assert november.statement_balance is None
    assert november.balances_entered is False

    with practice_context(practice.pk):
        import_file(whitfield, "november.sta", november_bytes("november.sta"), "bank", partner)
        refresh_balances(november)
        november.refresh_from_db()
    assert (november.statement_balance, november.ledger_balance) == (
        Decimal("3925.00"),
        Decimal("3300.15"),
    )


def test_balances_entered_by_hand_survive_a_later_import(
    signed_in, practice, whitfield, media, november
):
    response = signed_in.post(
        reverse("reconciliation:balances", args=[november.code]),
        {"statement_balance": "4000.00", "ledger_balance": "3100.00"},
    )
    assert response.status_code == 302
    for name, side in (("november.sta", "bank"), ("november_xero.csv", "ledger")):
        location = upload(signed_in, november, name, november_bytes(name), side)
        assert signed_in.post(location, {"side": side}).status_code == 302
    with practice_context(practice.pk):
        reconciliation = Reconciliation.objects.get(pk=november.pk)
        assert Line.objects.count() == 17
    assert reconciliation.balances_entered is True
    assert (reconciliation.statement_balance, reconciliation.ledger_balance) == (
        Decimal("4000.00"),
        Decimal("3100.00"),
    )
