"""MT940/MT942 importer: real bank shapes (adapted from the mt-940 library's fixtures and the
banks' format guides) and broken files."""

import datetime
import time
from decimal import Decimal
from pathlib import Path

import pytest

from reconciliation.importers import mt940
from reconciliation.importers.mt940_account import read_account
from reconciliation.importers.mt940_details import Details, read_details
from reconciliation.statements import Account, StatementError, StatementLine

FILES = Path(__file__).parent / "files" / "mt940"
GOOD = [
    "abnamro_legacy.sta",
    "german_sepa.sta",
    "triodos.sta",
    "rabobank.sta",
    "ing_structured.sta",
    "uk_free_text.sta",
    "mt942.sta",
]


def read(name):
    return mt940.read((FILES / name).read_bytes(), name)


def test_import_module_is_ours_not_the_mt940_library():
    assert mt940.__name__ == "reconciliation.importers.mt940"
    assert hasattr(mt940, "looks_like") and hasattr(mt940, "read")


@pytest.mark.parametrize("name", GOOD)
def test_looks_like_recognises_every_bank_shape(name):
    assert mt940.looks_like((FILES / name).read_bytes()[:4096])


@pytest.mark.parametrize(
    "head",
    [
        b"",
        b"Date,Time,Amount\n2024-01-01,10:20:30,12.00\n:20:\n",
        b'<?xml version="1.0"?><Document><BkToCstmrStmt/></Document>',
        b"OFXHEADER:100\nDATA:OFXSGML\n<OFX>",
    ],
)
def test_looks_like_refuses_other_formats(head):
    assert not mt940.looks_like(head)


@pytest.mark.parametrize("name", [n for n in GOOD if n != "mt942.sta"])
def test_every_statement_balances(name):
    assert all(statement.balances for statement in read(name))


def test_abn_amro_legacy_file_with_header_lines_and_two_statements():
    first, second = read("abnamro_legacy.sta")
    assert first.account == Account(account_number="517852257", bank_id="517852257")
    assert first.currency == "EUR"
    assert first.format == "mt940"
    assert (first.opening_balance, first.closing_balance) == (
        Decimal("3236.28"),
        Decimal("3215.69"),
    )
    assert first.lines[0] == StatementLine(
        booking_date=datetime.date(2011, 5, 24),
        value_date=datetime.date(2011, 5, 24),
        amount=Decimal("-9"),
        description="GIRO 428428 KPN - DIGITENNE BETALINGSKENM. 000000042188659 5314606715 "
        "BETREFT FACTUUR D.D. 20-05-2011 INCL. 1,44 BTW",
    )
    # Entry date 0523 books the line, value date 0521 is kept apart.
    assert first.lines[1].booking_date == datetime.date(2011, 5, 23)
    assert first.lines[1].value_date == datetime.date(2011, 5, 21)
    assert (first.period_start, first.period_end) == (
        datetime.date(2011, 5, 23),
        datetime.date(2011, 5, 24),
    )
    # :60M:/:62M: (intermediate balances) serve as opening and closing of that page.
    assert (second.opening_balance, second.closing_balance) == (
        Decimal("2876.84"),
        Decimal("2867.35"),
    )
    assert len(second.lines) == 1


def test_german_gvc_sub_fields_give_purpose_name_and_end_to_end_reference():
    first, second = read("german_sepa.sta")
    assert first.account == Account(
        account_number="0194777100888", bank_id="50880050/0194777100888"
    )
    assert first.opening_balance == Decimal("-970499.90")
    assert first.closing_balance == Decimal("-1455749.85")
    assert first.lines[0] == StatementLine(
        booking_date=datetime.date(2007, 9, 4),
        value_date=datetime.date(2007, 9, 4),
        amount=Decimal("15000.05"),  # "CR": credit, funds code R
        description="TO 13 TFNr 20004 Eingangskanal Mint",
        counterparty="Richter Renate 70 Zeichen Beginn Fuellzeichen xxxxxxxx",
        reference="EndToEndIdTFNR2000400001",
        bank_id="0724710290621954",
    )
    # The line wrapped inside the '?22' marker; "KREF+" in :61: is a pointer, not a reference.
    assert first.lines[1].description == (
        "KREF+TFNr 01005 PayId CTSc-01 EBB MTLG:SEPA-Ueberweisungsauftrag Datei mit "
        "0000005 Zahlungen"
    )
    assert first.lines[1].reference == ""
    assert first.lines[1].amount == Decimal("-500250")

    assert second.account == Account(
        iban="DE89370400440532013000", bank_id="DE89370400440532013000"
    )
    amounts = [line.amount for line in second.lines]
    assert amounts == [
        Decimal("204.88"),
        Decimal("-204.88"),  # RC: reversal of a credit takes the money out again
        Decimal("-50990.05"),
        Decimal("-12.50"),
    ]
    assert second.lines[0].description == "0904059001"
    assert second.lines[1].description == "SEPA-UEBERW/STORNO"  # ?00 when there is no purpose
    assert second.lines[1].reference == "MSGIDCTSc03MintT"
    assert second.lines[2].counterparty == "Empfaenger Florian Frech UK 01"
    assert second.lines[2].reference == "TFNR 21005 EndToEndId 00001"
    assert second.lines[2].description == "Verwend CTSc-01 eBB TFNr 21005"
    # ?60.. continues the purpose.
    assert (
        second.lines[3].description == "Kontofuehrung September 2007 Entgelt lt. Preisverzeichnis"
    )
    assert second.period_end == datetime.date(2007, 9, 30)


def test_triodos_uses_angle_bracket_sub_fields():
    (statement,) = read("triodos.sta")
    assert statement.account == Account(bank_id="TRIODOSBANK/0390123456")
    assert [line.description for line in statement.lines] == [
        "ALGEMENE TUSSENREKENING KOSTEN VAN 01-10-2010 TOT EN MET 31-12-2010",
        "HUUR KANTOOR - FEB 2010",
    ]


def test_rabobank_structured_details_without_separator_lines():
    first, second = read("rabobank.sta")
    # NL71RABO... fails the IBAN check digits: kept as the bank's id, not passed off as IBAN.
    assert first.account == Account(bank_id="NL71RABO0123456789")
    assert second.account == Account(iban="NL44RABO0123456789", bank_id="NL44RABO0123456789")
    assert first.lines[0] == StatementLine(
        booking_date=datetime.date(2013, 1, 1),
        value_date=datetime.date(2013, 1, 1),
        amount=Decimal("-25.00"),
        description="CONTRA ACCOUNT HOLDER",  # empty /REMI/: the name is all there is
        counterparty="CONTRA ACCOUNT HOLDER",
        reference="01-01-2013 12:00 0030000987654321",
    )
    assert first.lines[1].description == "Reference 201301234"
    assert first.lines[1].counterparty == "JOHN DOE"
    assert first.lines[1].reference == ""
    assert second.lines[0].description == "Invoice 2013-0042"
    assert second.lines[0].counterparty == "ACME B.V."
    assert second.lines[0].reference == "INV-2013-0042"
    assert (second.opening_balance, second.closing_balance) == (Decimal("965"), Decimal("1000"))


def test_ing_swift_blocks_currency_suffix_and_cntp():
    (statement,) = read("ing_structured.sta")
    assert statement.account == Account(iban="NL69INGB0123456789", bank_id="NL69INGB0123456789EUR")
    assert statement.currency == "EUR"
    first, batch, returned = statement.lines
    assert first == StatementLine(
        booking_date=datetime.date(2014, 2, 20),
        value_date=datetime.date(2014, 2, 20),
        amount=Decimal("1.56"),
        description="EV10001REP1000000T1000",
        counterparty="ING BANK NV INZAKE WEB",
        reference="EV12341REP1231456T1234",
        bank_id="00000000001005",
    )
    assert (batch.description, batch.reference) == ("TOTAAL 1 VZ", "M000000003333333")
    assert returned.amount == Decimal("1.57")
    assert returned.counterparty == "J.Jansen"
    assert returned.description == "9001123412341234"  # /REMI/STRD/CUR/<creditor reference>/
    assert returned.reference == "20120123456789"


def test_uk_sort_code_year_end_long_references_and_statement_level_86():
    (statement,) = read("uk_free_text.sta")
    assert statement.account == Account(
        sort_code="203040", account_number="12345678", bank_id="20-30-40 12345678"
    )
    assert statement.currency == "GBP"
    received, direct_debit, refund = statement.lines
    # Value 31 Dec 2023, entry date 0102: booked in the new year.
    assert received.value_date == datetime.date(2023, 12, 31)
    assert received.booking_date == datetime.date(2024, 1, 2)
    assert received.amount == Decimal("250.00")  # "CP": funds code P
    assert received.reference == "INVOICE-2023-000123"  # longer than 16 characters
    assert received.bank_id == "BARC0001"
    assert received.description == "FP ACME TRADING LTD REF INVOICE 2023 000123"
    # Value 2 Jan 2024, entry date 1231: booked in the old year.
    assert direct_debit.booking_date == datetime.date(2023, 12, 31)
    assert direct_debit.reference == "BRITISH GAS 123456789012"
    assert direct_debit.description == "DD BRITISH GAS CUSTOMER 123456789012"
    # RD, a reversed debit, puts money back; the :86: after :62F: stays off this line.
    assert refund.amount == Decimal("10.00")
    assert refund.description == "REFUND OF CHARGE"
    assert (statement.period_start, statement.period_end) == (
        datetime.date(2023, 12, 31),
        datetime.date(2024, 1, 2),
    )


def test_mt942_interim_report_has_no_balances():
    (statement,) = read("mt942.sta")
    assert statement.format == "mt942"
    assert statement.currency == "PLN"  # from :34F:
    assert statement.opening_balance is None and statement.closing_balance is None
    assert statement.balances is None
    assert [line.amount for line in statement.lines] == [Decimal("0.01"), Decimal("-0.02")]
    assert statement.lines[0].description.startswith("911 TRANSAKCJA COLLECT; ID IPH:")
    assert statement.lines[0].bank_id == "MB170119012058"
    # Without :86:, the supplementary details line describes the transaction.
    assert statement.lines[1].description == "911-TRANSAKCJA IPH"


def test_crlf_line_endings_read_the_same():
    data = (FILES / "german_sepa.sta").read_bytes()
    crlf = data.replace(b"\n", b"\r\n")
    assert mt940.read(crlf, "x.sta") == mt940.read(data, "x.sta")


def test_windows_1252_text_is_decoded():
    data = (
        ":20:STMT1\n:25:DE89370400440532013000\n:28C:1\n:60F:C240101EUR0,00\n"
        ":61:2401020102C10,00NTRFNONREF\n:86:166?00GUTSCHRIFT?20Miete M\xe4rz?32M\xfcller\n"
        ":62F:C240102EUR10,00\n-\n"
    ).encode("cp1252")
    (statement,) = mt940.read(data, "x.sta")
    assert statement.lines[0].description == "Miete März"
    assert statement.lines[0].counterparty == "Müller"


def test_thirtieth_of_february_value_date_is_the_month_end():
    data = (
        b":20:STMT1\n:25:DE89370400440532013000\n:28C:1\n:60F:C240201EUR0,00\n"
        b":61:2402300229C1,00NMSCNONREF\n:62F:C240229EUR1,00\n-\n"
    )
    (statement,) = mt940.read(data, "x.sta")
    assert statement.lines[0].value_date == datetime.date(2024, 2, 29)
    assert statement.lines[0].booking_date == datetime.date(2024, 2, 29)


def test_statement_without_lines_takes_its_period_from_the_balances():
    data = b":20:S\n:25:NL69INGB0123456789\n:28C:2/1\n:60F:C200102EUR5,00\n:62F:C200102EUR5,00\n-\n"
    (statement,) = mt940.read(data, "x.sta")
    assert statement.lines == []
    assert statement.period_start == statement.period_end == datetime.date(2020, 1, 2)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("empty.sta", "empty.sta: the file is empty"),
        ("blank.sta", "blank.sta: the file is empty"),
        ("bad_amount.sta", "bad_amount.sta, line 5: amount '12,3,4' is not a number"),
        ("bad_date.sta", "bad_date.sta, line 5: date '241302' is not a valid date"),
        (
            "bad_statement_line.sta",
            "bad_statement_line.sta, line 5: statement line ':61:2401020102X12,34NTRFNONREF' "
            "is not readable: expected a value date YYMMDD, an optional entry date MMDD, C, D, "
            "RC or RD, an amount and a transaction type",
        ),
        (
            "bad_balance.sta",
            "bad_balance.sta, line 5: balance 'C24010EUR87,66' is not readable: expected C or "
            "D, a date YYMMDD, a currency and an amount, like C240131EUR1234,56",
        ),
        ("no_account.sta", "no_account.sta, line 1: the statement has no account (':25:' field)"),
    ],
)
def test_broken_files_are_refused_with_file_line_and_problem(name, message):
    with pytest.raises(StatementError) as caught:
        read(name)
    assert str(caught.value) == message
    assert caught.value.filename == name


def test_text_without_any_mt940_field_is_refused():
    with pytest.raises(StatementError, match=r"no MT940 statement found: the file has no ':20:'"):
        mt940.read(b"Date,Amount\n2024-01-01,12.00\n", "export.csv")


def test_huge_86_field_reads_quickly():
    details = "\n".join(["?20" + "x" * 27] * 5000)
    data = (
        ":20:S\n:25:NL69INGB0123456789\n:60F:C240101EUR0,00\n"
        f":61:2401020102C1,00NTRFNONREF\n:86:166?00X{details}\n:62F:C240102EUR1,00\n-\n"
    ).encode()
    started = time.perf_counter()
    (statement,) = mt940.read(data, "big.sta")
    assert time.perf_counter() - started < 1
    assert len(statement.lines[0].description) == 27  # the first ?20 only: keys repeat


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            "/TRTP/SEPA OVERBOEKING/IBAN/NL46ABNA0499998748/BIC/ABNANL2A/NAME/J JANSEN/REMI/FA"
            "\nCTUUR 2024-001/EREF/NOTPROVIDED",
            Details(description="FACTUUR 2024-001", counterparty="J JANSEN"),
        ),
        (
            "/TRTP/SEPA Incasso algemeen doorlopend/CSID/NL71ZZZ123/NAME/KPN B.V./MARF/123/REMI/"
            "Factuur 77/IBAN/NL46ABNA0499998748/BIC/ABNANL2A/EREF/E2E-77",
            Details(description="Factuur 77", counterparty="KPN B.V.", reference="E2E-77"),
        ),
        (
            "BACS CREDIT\nACME LTD\nREF 12345",
            Details(description="BACS CREDIT ACME LTD REF 12345"),
        ),
        (
            "166?00GUTSCHRIFT?20Rechnung 4711?21vom 01.03.?32Kunde GmbH",
            Details(description="Rechnung 4711 vom 01.03.", counterparty="Kunde GmbH"),
        ),
        (
            "105?00SEPA-BASISLASTSCHRIFT?20EREF+NOTPROVIDED?21MREF+M-1?22SVWZ+Beitrag 2024",
            Details(description="Beitrag 2024"),
        ),
    ],
)
def test_86_processors_per_bank_family(raw, expected):
    assert read_details(raw) == expected


@pytest.mark.parametrize(
    ("value", "account", "currency"),
    [
        (
            "NL69INGB0123456789",
            Account(iban="NL69INGB0123456789", bank_id="NL69INGB0123456789"),
            "",
        ),
        (
            "INGBNL2A/NL69INGB0123456789",
            Account(iban="NL69INGB0123456789", bank_id="INGBNL2A/NL69INGB0123456789"),
            "",
        ),
        (
            "GB29 NWBK 6016 1331 9268 19",
            Account(iban="GB29NWBK60161331926819", bank_id="GB29NWBK60161331926819"),
            "",
        ),
        (
            "NL69INGB0123456789EUR",
            Account(iban="NL69INGB0123456789", bank_id="NL69INGB0123456789EUR"),
            "EUR",
        ),
        (
            "200000/12345678",
            Account(sort_code="200000", account_number="12345678", bank_id="200000/12345678"),
            "",
        ),
        (
            "20000012345678",
            Account(sort_code="200000", account_number="12345678", bank_id="20000012345678"),
            "",
        ),
        (
            "37040044/0532013000",
            Account(account_number="0532013000", bank_id="37040044/0532013000"),
            "",
        ),
        ("0001234567", Account(account_number="0001234567", bank_id="0001234567"), ""),
    ],
)
def test_account_identification_shapes(value, account, currency):
    assert read_account(value) == (account, currency)
