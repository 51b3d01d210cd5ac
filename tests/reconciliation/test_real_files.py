"""Real bank files that nobody here wrote (collected from public repositories' test fixtures,
see files/real/SOURCES.md), each read through ``read_statement`` with its facts pinned: the
statement count and line counts, the account, the currency, the balances, the first line, and
whether each statement balances (opening + lines = closing; None when the file gives no
balances). A few files must be refused, with the file, the place and the problem named.

Files marked "balances: False" are fixtures whose balances were edited when their authors
anonymised them (SOURCES.md says which): the reader reports the difference, it does not hide it.
"""

from decimal import Decimal as D
from pathlib import Path
from typing import NamedTuple

import pytest

from reconciliation.importers import read_statement
from reconciliation.statements import StatementError

REAL = Path(__file__).parent / "files" / "real"


class Read(NamedTuple):
    path: str
    lines: list[int]  # per statement
    account: str  # the first statement's Account.label()
    currency: str
    opening: D | None
    closing: D | None
    first: tuple[str, D, str]  # date, amount, description start
    balances: list[bool | None]


class Refused(NamedTuple):
    path: str
    where: str
    problem: str  # how the problem starts


CASES = [
    Read(
        "csv/own-knab_layout_nl.csv",
        [3],
        "NL12KNAB0123456789",
        "EUR",
        None,
        None,
        ("2025-03-03", D("-412.50"), "Factuur 2025-031"),
        [None],
    ),
    Read(
        "csv/own-paypal_layout_multicurrency.csv",
        [2, 2],
        "unknown account",
        "EUR",
        D("100.00"),
        D("31.54"),
        ("2025-02-13", D("231.54"), "Express Checkout Payment"),
        [True, True],
    ),
    Read(
        "mt940/wolph_mt940-abnamro_nl.sta",
        [8, 2],
        "517852257",
        "EUR",
        D("3236.28"),
        D("876.84"),
        ("2011-05-24", D("-9"), "GIRO 428428 KPN - DIGITENNE BETALINGSKEN"),
        [False, False],
    ),
    Read(
        "mt940/wolph_mt940-asn_bank_nl.txt",
        [1, 0, 0, 0, 2, 1],
        "NL81ASNB9999999999",
        "EUR",
        D("444.29"),
        D("379.29"),
        ("2020-01-01", D("-65.00"), "NL47INGB9999999999 hr gjlm paulissen Bet"),
        [True, True, True, True, True, True],
    ),
    Read(
        "mt940/wolph_mt940-betterplace_sepa_de.sta",
        [7, 2],
        "0194774600888",
        "EUR",
        D("-1234718.36"),
        D("-1237628.23"),
        ("2007-09-04", D("300"), "EREF+TFNR 40005 00005 MTLG:Grund nicht s"),
        [True, True],
    ),
    Read(
        "mt940/wolph_mt940-citi_us.txt",
        [5],
        "123456789",
        "USD",
        D("17376.67"),
        D("16233.92"),
        ("2024-03-12", D("-212.39"), "/PT/FT/PY/SOMETHING FOO BAR 112233 12345"),
        [True],
    ),
    Read(
        "mt940/wolph_mt940-mbank_pl_mt942.sta",
        [3],
        "PL29114010810000267002001002",
        "PLN",
        None,
        None,
        ("2017-01-19", D("0.01"), "911 TRANSAKCJA COLLECT; ID IPH: XX000000"),
        [None],
    ),
    Read(
        "mt940/wolph_mt940-postfinance_ch.sta",
        [2, 2],
        "123456789",
        "CHF",
        D("0"),
        D("229.2"),
        ("2013-12-09", D("79.7"), "GIRO AUS ONLINE-SIC 80532 AUFTRAGGEBER: "),
        [True, False],
    ),
    Read(
        "mt940/wolph_mt940-rabobank_iban_nl.sta",
        [2, 2],
        "NL71RABO0123456789",
        "EUR",
        D("1000.00"),
        D("965.00"),
        ("2013-01-01", D("-25.00"), "CONTRA ACCOUNT HOLDER"),
        [True, True],
    ),
    Read(
        "mt940/wolph_mt940-raiffeisen_hu.sta",
        [7],
        "UBRTHUHB/123456789150ABCDEF002/HUF",
        "HUF",
        D("25170637.10"),
        D("25281687.60"),
        ("2018-04-17", D("2066637.00"), "CAB18D1700041116 10987654321000001234567"),
        [False],
    ),
    Read(
        "mt940/wolph_mt940-sberbank_hu.sta",
        [3],
        "1966315302010001",
        "HUF",
        D("627311.30"),
        D("617874.30"),
        ("2017-10-11", D("-2402.00"), "ERGO Versicherung AG Fioktelep Tranzakci"),
        [True],
    ),
    Read(
        "mt940/wolph_mt940-sns_nl.sta",
        [2, 0],
        "0123456789",
        "EUR",
        D("1234.56"),
        D("1209.56"),
        ("2012-06-08", D("-20.00"), "0987654321 marechal s dit is een test"),
        [True, True],
    ),
    Read(
        "mt940/wolph_mt940-triodos_nl.sta",
        [2],
        "TRIODOSBANK/0390123456",
        "EUR",
        D("4975.09"),
        D("4370.79"),
        ("2011-01-01", D("-15.70"), "ALGEMENE TUSSENREKENING KOSTEN VAN 01-10"),
        [False],
    ),
    Read(
        "ofx/ofxparse-bank_medium.ofx",
        [3],
        "12300000012345678",
        "CAD",
        None,
        D("382.34"),
        ("2009-04-01", D("-6.60"), "POS MERCHANDISE;MCDONALD'S #112"),
        [None],
    ),
    Refused("ofx/ofxparse-bank_small.ofx", "", "the file has no bank or credit-card statement"),
    Read(
        "ofx/ofxparse-chase_cc.qfx",
        [1],
        "0123012301230123",
        "USD",
        None,
        D("-10.00"),
        ("2020-01-01", D("-10.00"), "SQ *ECCO UN POCO ¦ NATURA"),
        [None],
    ),
    Refused(
        "ofx/ofxparse-decimal_error.ofx",
        "line 37, OFX/BANKMSGSRSV1/STMTTRNRS/STMTRS/BANKTRANLIST/STMTTRN/TRNAMT",
        "amount '$120' is not a number",
    ),
    Refused(
        "ofx/ofxparse-error_message.ofx",
        "line 22, OFX/BANKMSGSRSV1/STMTTRNRS/STATUS",
        "the bank sent an error instead of a statement",
    ),
    Read(
        "ofx/ofxparse-multiple_accounts.ofx",
        [4, 1],
        "78934567889",
        "EUR",
        None,
        D("123450.00"),
        ("2011-08-09", D("219.33"), "qeairunesuiqre"),
        [None, None],
    ),
    Read(
        "ofx/ofxparse-v102_empty_tags.ofx",
        [1],
        "12345678",
        "",
        None,
        None,
        ("2018-05-07", D("12.34"), "CBA:Transfer"),
        [None],
    ),
    Read(
        "qif/quiffen-fmqif_de.qif",
        [2],
        "KD-Bank Berlin",
        "",
        None,
        None,
        ("2023-10-18", D("0.00"), "Eröffnungssaldo"),
        [None],
    ),
    Read(
        "qif/quiffen-split_apostrophe_year.qif",
        [1],
        "unknown account",
        "",
        None,
        None,
        ("2000-01-01", D("-10.00"), "A Payee"),
        [None],
    ),
    Read(
        "qif/quiffen-transactions_before_account.qif",
        [2],
        "unknown account",
        "",
        None,
        None,
        ("2022-09-23", D("-184.8"), "FIRST TRANSACTION"),
        [None],
    ),
]


def test_every_real_file_has_a_case():
    files = {f"{p.parent.name}/{p.name}" for p in REAL.glob("*/*")}
    assert files == {case.path for case in CASES}
    assert len(files) >= 20


@pytest.mark.parametrize("case", [c for c in CASES if isinstance(c, Read)], ids=lambda c: c.path)
def test_real_file_is_read(case: Read):
    path = REAL / case.path
    statements = read_statement(path.read_bytes(), path.name)

    assert [len(s.lines) for s in statements] == case.lines
    first = statements[0]
    assert first.account.label() == case.account
    assert first.currency == case.currency
    assert (first.opening_balance, first.closing_balance) == (case.opening, case.closing)
    line = first.lines[0]
    date, amount, description = case.first
    assert (line.booking_date.isoformat(), line.amount) == (date, amount)
    assert line.description.startswith(description)
    assert [s.balances for s in statements] == case.balances


@pytest.mark.parametrize("case", [c for c in CASES if isinstance(c, Refused)], ids=lambda c: c.path)
def test_real_file_is_refused_with_a_reason(case: Refused):
    path = REAL / case.path
    with pytest.raises(StatementError) as raised:
        read_statement(path.read_bytes(), path.name)

    assert raised.value.filename == path.name
    assert raised.value.where == case.where
    assert raised.value.problem.startswith(case.problem)


def _read(name: str):
    path = REAL / name
    return read_statement(path.read_bytes(), path.name)


def test_paypal_activity_in_two_currencies_is_one_statement_per_currency():
    # PayPal's activity download (its column layout; our own figures).
    eur, usd = _read("csv/own-paypal_layout_multicurrency.csv")

    assert (eur.currency, usd.currency) == ("EUR", "USD")
    assert (eur.opening_balance, eur.closing_balance) == (D("100.00"), D("31.54"))
    assert (usd.opening_balance, usd.closing_balance) == (D("100.00"), D("209.65"))
    assert usd.lines[0].counterparty == "Hollis & Reed" and usd.lines[0].bank_id == "8AB03"
    assert usd.lines[0].booking_date.isoformat() == "2025-02-14"  # month first, as PayPal US


def test_hungarian_mt940_in_dos_latin2_reads_its_accents():
    (statement,) = _read("mt940/wolph_mt940-raiffeisen_hu.sta")

    assert "napi összevont utánvét" in statement.lines[0].description


def test_non_swift_ns_fields_give_the_description_when_there_is_no_86():
    (statement,) = _read("mt940/wolph_mt940-sberbank_hu.sta")

    assert statement.lines[0].description == (
        "ERGO Versicherung AG Fioktelep Tranzakciós Illeték:7.21HUF"
    )
    assert statement.lines[0].reference == "X"


def test_knab_credit_debit_column_signs_the_amount_and_booking_date_wins():
    # Knab's export (its column layout; our own figures).
    (statement,) = _read("csv/own-knab_layout_nl.csv")

    assert statement.account.iban == "NL12KNAB0123456789"
    assert [line.amount for line in statement.lines] == [D("-412.50"), D("1250.00"), D("-39.99")]
    # Transactiedatum 04-03, Boekdatum 05-03: the booking date is the bank's Boekdatum.
    assert statement.lines[1].booking_date.isoformat() == "2025-03-05"
    assert statement.lines[1].description == "Vos Installatie BV"  # no Omschrijving: the name
