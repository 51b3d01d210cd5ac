"""camt.052/053/054 importer: ISO 20022 samples (adapted from OCA bank-statement-import's test
files and the banks' variants) and broken or hostile files."""

import datetime
import time
from decimal import Decimal
from pathlib import Path

import pytest

from reconciliation.importers import camt
from reconciliation.statements import Account, StatementError, StatementLine

FILES = Path(__file__).parent / "files" / "camt"
GOOD = [
    "camt053_v02_abnamro.xml",
    "camt053_v04_batch.xml",
    "camt053_v10_wise.xml",
    "camt053_multi_wrong_namespace.xml",
    "camt052_v08.xml",
    "camt054_v04.xml",
]


def read(name):
    return camt.read((FILES / name).read_bytes(), name)


@pytest.mark.parametrize("name", GOOD)
def test_looks_like_recognises_every_version(name):
    assert camt.looks_like((FILES / name).read_bytes()[:4096])


@pytest.mark.parametrize(
    "head",
    [
        b"",
        b":20:STMT\n:25:NL69INGB0123456789\n",
        (FILES / "not_camt.xml").read_bytes(),
        b"Date,Description,Amount\n2024-01-01,camt.053 import fee,1.00\n",
    ],
)
def test_looks_like_refuses_other_formats(head):
    assert not camt.looks_like(head)


def test_camt053_v02_single_batch_and_reversal_entries():
    (statement,) = read("camt053_v02_abnamro.xml")
    assert statement.format == "camt.053"
    assert statement.account == Account(iban="NL77ABNA0574908765", name="Example company")
    assert statement.currency == "EUR"
    assert (statement.opening_balance, statement.closing_balance) == (
        Decimal("15568.27"),
        Decimal("15401.06"),
    )
    assert statement.balances is True
    assert statement.period_start == statement.period_end == datetime.date(2014, 1, 5)
    assert statement.lines == [
        StatementLine(
            booking_date=datetime.date(2014, 1, 5),
            value_date=datetime.date(2014, 1, 6),
            amount=Decimal("-754.25"),
            description="Insurance policy 857239 PERIOD 01.01.2014 - 31.12.2014",
            counterparty="INSURANCE COMPANY TESTX",
            reference="435005714488-ABNO33052620",
            bank_id="ABN-0001",
        ),
        # One entry, two TxDtls whose AmtDtls add up: one line each. The sign stays CdtDbtInd's.
        StatementLine(
            booking_date=datetime.date(2014, 1, 5),
            value_date=datetime.date(2014, 1, 5),
            amount=Decimal("564.05"),
            description="Reversal: Direct Debit S14 0410",
            counterparty="Test Customer",
            reference="TESTBANK/NL/20141229/01206408",
            bank_id="ABN-0002/1",
        ),
        StatementLine(
            booking_date=datetime.date(2014, 1, 5),
            value_date=datetime.date(2014, 1, 5),
            amount=Decimal("100.00"),
            description="Reversal: Direct Debit S14 0411",
            counterparty="Other Customer",
            reference="TESTBANK/NL/20141229/01206407",
            bank_id="ABN-0002/2",
        ),
        # EndToEndId NOTPROVIDED is no reference; the debit's other party is the creditor.
        StatementLine(
            booking_date=datetime.date(2014, 1, 5),
            value_date=datetime.date(2014, 1, 5),
            amount=Decimal("-77.01"),
            description="#RD PARTY MEDIA CUSNO 90782 4210773",
            counterparty="3rd party Media",
        ),
    ]


def test_camt053_v04_batch_with_own_amounts_and_shared_transaction_ids():
    (statement,) = read("camt053_v04_batch.xml")
    assert statement.account.iban == "CH9300762011623852957"  # spaces removed
    assert statement.account.name == "Open Net S. à r.l. Prilly"
    assert statement.currency == "CHF"
    first, second = statement.lines
    assert (first.amount, second.amount) == (Decimal("2187.00"), Decimal("1296.00"))
    assert first.booking_date == datetime.date(2017, 3, 22)
    assert first.value_date == datetime.date(2017, 3, 23)
    # Structured remittance: the creditor reference is description and reference.
    assert first.description == first.reference == "302388292000011111111111111"
    assert first.counterparty == "Banque Cantonale Vaudoise"  # Dbtr before UltmtDbtr
    assert second.counterparty == "Ultimate Payer Two"
    # Both TxDtls carry the same AcctSvcrRef, so the lines are numbered under the entry's.
    assert [first.bank_id, second.bank_id] == [
        "20170323001234567891234567891234/1",
        "20170323001234567891234567891234/2",
    ]
    assert statement.balances is True


def test_camt053_v10_wise_describes_entries_in_addtlntryinf():
    (statement,) = read("camt053_v10_wise.xml")
    assert statement.account == Account(iban="BE71096123456769", name="ACME Corporation")
    card, transfer = statement.lines
    assert card == StatementLine(
        booking_date=datetime.date(2026, 6, 28),  # from DtTm
        amount=Decimal("-900.00"),
        description="Card transaction of 900.00 EUR issued by Provider",
    )
    # One TxDtls without remittance information: AddtlNtryInf still describes it.
    assert transfer.description == "Received money from Jane Client with reference INV-77"
    assert transfer.counterparty == "Jane Client"  # .08+ Dbtr/Pty/Nm
    assert transfer.reference == "INV-77"
    assert transfer.bank_id == "TRANSFER-1234"
    assert (statement.period_start, statement.period_end) == (
        datetime.date(2026, 6, 3),
        datetime.date(2026, 6, 28),
    )
    assert statement.balances is True


def test_several_statements_wrong_namespace_other_id_and_five_decimals():
    first, second = read("camt053_multi_wrong_namespace.xml")
    assert first.account == Account(bank_id="12345678", name="Client current account")
    assert first.currency == "GBP"
    assert first.opening_balance == Decimal("-50.00")  # PRCD stands in for OPBD
    assert first.closing_balance == Decimal("1149.87655")  # CLBD, not CLAV
    assert (first.period_start, first.period_end) == (
        datetime.date(2024, 1, 1),
        datetime.date(2024, 1, 2),
    )
    # The pending entry is left out; the batch whose parts do not add up stays one line.
    assert first.lines == [
        StatementLine(
            booking_date=datetime.date(2024, 1, 2),
            value_date=datetime.date(2024, 1, 1),
            amount=Decimal("1200.12345"),
            description="January fees; January expenses",
            counterparty="Big Customer plc",
            reference="PAYROLL-2024-01",
            bank_id="BATCH-9",
        ),
        StatementLine(
            booking_date=datetime.date(2024, 1, 2),  # no BookgDt: the value date
            value_date=datetime.date(2024, 1, 2),
            amount=Decimal("-0.2469"),
            description="Interest adjustment",
        ),
    ]
    assert first.balances is True
    assert second.account == Account(iban="GB29NWBK60161331926819")
    assert second.currency == "EUR"  # no Acct/Ccy: from the balance
    assert second.lines == []
    assert second.period_start == second.period_end == datetime.date(2024, 1, 2)


def test_camt052_report_reads_as_a_statement_without_booked_balances():
    (statement,) = read("camt052_v08.xml")
    assert statement.format == "camt.052"
    assert statement.opening_balance is None and statement.closing_balance is None
    assert statement.lines == [
        StatementLine(
            booking_date=datetime.date(2024, 3, 15),
            value_date=datetime.date(2024, 3, 15),
            amount=Decimal("-19.99"),
            description="Abo Maerz 2024",
            counterparty="Streaming GmbH",
            reference="ABO-2024-03",
            bank_id="2024031500042",
        )
    ]


def test_camt054_notification():
    (statement,) = read("camt054_v04.xml")
    assert statement.format == "camt.054"
    assert statement.account == Account(iban="NL77ABNA0574908765", name="Example company")
    (line,) = statement.lines
    assert line.amount == Decimal("5.00")
    assert line.reference == "ENDTOENDID-01"
    assert line.description == "000000000000000000000000003"
    assert line.counterparty == "Test Customer"
    assert line.bank_id == "98888208N8"


def test_file_without_namespace_or_document_wrapper():
    data = (FILES / "camt053_v02_abnamro.xml").read_bytes()
    bare = data.replace(b' xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"', b"")
    bare = bare.replace(b"<Document>", b"").replace(b"</Document>", b"")
    assert camt.read(bare, "bare.xml") == read("camt053_v02_abnamro.xml")


def test_utf16_and_latin1_files_with_their_declarations():
    data = (FILES / "camt054_v04.xml").read_bytes()
    utf16 = data.decode().replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
    assert camt.looks_like(utf16[:4096])
    assert camt.read(utf16, "x.xml") == read("camt054_v04.xml")
    latin1 = (
        data.decode()
        .replace('encoding="UTF-8"', 'encoding="ISO-8859-1"')
        .replace("Test Customer", "Société Générale")
        .encode("latin-1")
    )
    assert camt.read(latin1, "x.xml")[0].lines[0].counterparty == "Société Générale"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("empty.xml", "empty.xml: the file is empty"),
        (
            "truncated.xml",
            "truncated.xml, line 39, column 7: the XML stops too early (no element found): "
            "the file looks cut off",
        ),
        (
            "wrong_encoding.xml",
            "wrong_encoding.xml, line 18: the file says it is UTF-8 but contains a byte (0xE9) "
            "that is not UTF-8; it was probably saved in another encoding: export it again",
        ),
        ("bad_amount.xml", "bad_amount.xml, Stmt[2]/Ntry[5]/Amt: amount '12,50' is not a number"),
        ("missing_amount.xml", "missing_amount.xml, Stmt[1]/Ntry[3]/Amt: the amount is missing"),
        (
            "missing_indicator.xml",
            "missing_indicator.xml, Stmt[1]/Ntry[1]/CdtDbtInd: the credit/debit indicator is "
            "missing",
        ),
        (
            "bad_date.xml",
            "bad_date.xml, Stmt[1]/Ntry[1]/BookgDt/Dt: date '2014-02-30' is not a valid date",
        ),
        (
            "batch_bad_amount.xml",
            "batch_bad_amount.xml, Stmt[1]/Ntry[2]/NtryDtls[1]/TxDtls[2]/AmtDtls/TxAmt/Amt: "
            "amount 'abc' is not a number",
        ),
        (
            "not_camt.xml",
            "not_camt.xml, Document: not a camt.052, camt.053 or camt.054 file: no "
            "BkToCstmrStmt, BkToCstmrAcctRpt or BkToCstmrDbtCdtNtfctn element",
        ),
    ],
)
def test_broken_files_are_refused_with_element_path_and_problem(name, message):
    with pytest.raises(StatementError) as caught:
        read(name)
    assert str(caught.value) == message
    assert caught.value.filename == name


@pytest.mark.parametrize("name", ["billion_laughs.xml", "external_entity.xml"])
def test_entity_bomb_and_external_entity_are_refused_at_once(name):
    started = time.perf_counter()
    with pytest.raises(StatementError) as caught:
        read(name)
    assert time.perf_counter() - started < 1
    assert caught.value.problem.startswith(
        "the file contains a document type declaration (<!DOCTYPE>)"
    )
    assert "root:" not in str(caught.value)  # nothing of /etc/passwd leaks into the message


def _statement_with(entry_xml: str, account_xml: str = "<Id><IBAN>NL77ABNA0574908765</IBAN></Id>"):
    return (
        '<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.06">'
        f"<BkToCstmrStmt><Stmt><Acct>{account_xml}</Acct>{entry_xml}</Stmt></BkToCstmrStmt>"
        "</Document>"
    ).encode()


@pytest.mark.parametrize(
    ("entry", "where", "problem"),
    [
        (
            "<Ntry><Amt>-5.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><BookgDt><Dt>2024-01-01</Dt>"
            "</BookgDt></Ntry>",
            "Stmt[1]/Ntry[1]/Amt",
            "amount '-5.00' is negative; camt gives the sign in CdtDbtInd",
        ),
        (
            "<Ntry><Amt>5.123456</Amt><CdtDbtInd>DBIT</CdtDbtInd></Ntry>",
            "Stmt[1]/Ntry[1]/Amt",
            "amount '5.123456' is not a number",
        ),
        (
            "<Ntry><Amt>5.00</Amt><CdtDbtInd>CRED</CdtDbtInd></Ntry>",
            "Stmt[1]/Ntry[1]/CdtDbtInd",
            "credit/debit indicator 'CRED' is not CRDT or DBIT",
        ),
        (
            "<Ntry><Amt>5.00</Amt><CdtDbtInd>CRDT</CdtDbtInd></Ntry>",
            "Stmt[1]/Ntry[1]/BookgDt",
            "the entry has neither a booking date (BookgDt) nor a value date",
        ),
        (
            "<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt>1.00</Amt></Bal>",
            "Stmt[1]/Bal[1]/CdtDbtInd",
            "the credit/debit indicator is missing",
        ),
    ],
)
def test_bad_values_name_their_element(entry, where, problem):
    with pytest.raises(StatementError) as caught:
        camt.read(_statement_with(entry), "s.xml")
    assert (caught.value.where, caught.value.problem) == (where, problem)


def test_statement_without_account_id_is_refused():
    with pytest.raises(StatementError) as caught:
        camt.read(_statement_with("", account_xml="<Ccy>EUR</Ccy>"), "s.xml")
    assert str(caught.value) == "s.xml, Stmt[1]/Acct/Id: the statement does not name its account"
