"""The OFX/QFX importer on real-world shapes: SGML and XML, odd headers, several accounts,
credit cards, encodings, and the broken files bookkeepers actually upload."""

import contextlib
import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reconciliation.importers import ofx
from reconciliation.statements import Account, StatementError, StatementLine

FILES = Path(__file__).parent / "files" / "ofx"
GOOD_FILES = [
    "uk_sort_code.ofx",
    "us_bank_one_line.qfx",
    "multi_account.ofx",
    "v2_xml.ofx",
    "headerless_v2.ofx",
    "commented_header.ofx",
    "quirky_header.ofx",
    "utf8_body_1252_header.ofx",
    "no_newlines_broken_header.qfx",
    "empty_tags.ofx",
]


def data(name: str) -> bytes:
    return (FILES / name).read_bytes()


def read(name: str):
    return ofx.read(data(name), name)


def refusal(name: str, content: bytes | None = None) -> StatementError:
    with pytest.raises(StatementError) as caught:
        ofx.read(data(name) if content is None else content, name)
    return caught.value


def d(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


UK_LINES = [
    StatementLine(
        booking_date=d("2024-03-01"),
        amount=Decimal("-120.00"),
        description="BRITISH GAS DD REF 8812345",
        value_date=d("2024-02-29"),
        counterparty="BRITISH GAS",
        reference="8812345",
        bank_id="24061A000001",
    ),
    StatementLine(
        booking_date=d("2024-03-05"),
        amount=Decimal("2500.00"),
        description="ACME WIDGETS LTD INV 1042 PAYMENT",
        counterparty="ACME WIDGETS LTD",
        bank_id="24065B000002",
    ),
    StatementLine(
        booking_date=d("2024-03-11"),
        amount=Decimal("-3.20"),
        description="CAFÉ NERO CARD 1234 £3.20 ON 09 MAR",
        counterparty="CAFÉ NERO",
        bank_id="24071C000003",
    ),
    StatementLine(
        booking_date=d("2024-03-18"),
        amount=Decimal("-250.00"),
        description="CHEQUE 100234",
        counterparty="CHEQUE 100234",
        reference="100234",
        bank_id="24078D000004",
    ),
]


def test_uk_sgml_file_with_sort_code_in_bankid_and_cp1252_text():
    [statement] = read("uk_sort_code.ofx")

    assert statement.account == Account(
        sort_code="401276", account_number="71584685", bank_id="71584685", name="CHECKING"
    )
    assert statement.account.label() == "40-12-76 71584685"
    assert statement.currency == "GBP"
    assert statement.format == "ofx"
    assert (statement.period_start, statement.period_end) == (d("2024-03-01"), d("2024-03-31"))
    assert statement.lines == UK_LINES
    # LEDGERBAL, not AVAILBAL; OFX has no opening balance, so nothing is invented.
    assert statement.closing_balance == Decimal("4321.09")
    assert statement.opening_balance is None
    assert statement.balances is None


def test_us_bank_qfx_on_one_line_with_time_zones_and_entities():
    [statement] = read("us_bank_one_line.qfx")

    assert statement.account == Account(
        account_number="1234567890", bank_id="1234567890", name="CHECKING"
    )
    assert statement.account.sort_code == ""  # a 9-digit routing number is no sort code
    assert statement.currency == "USD"
    assert (statement.period_start, statement.period_end) == (d("2024-01-01"), d("2024-01-31"))
    assert statement.closing_balance == Decimal("3456.78")
    assert [
        (line.booking_date, line.amount, line.counterparty, line.description, line.reference)
        for line in statement.lines
    ] == [
        (
            d("2024-01-02"),
            Decimal("-42.17"),
            "SAFEWAY #1234",
            "SAFEWAY #1234 PURCHASE AUTHORIZED ON 12/31",
            "",
        ),
        (d("2024-01-05"), Decimal("-500.00"), "CHECK # 1001", "CHECK # 1001", "1001"),
        # The memo repeats the name: the description does not say it twice.
        (d("2024-01-10"), Decimal("-85.40"), "AT&T MOBILITY", "AT&T MOBILITY ONLINE PMT", ""),
        (d("2024-01-15"), Decimal("1850.00"), "ACME PAYROLL", "ACME PAYROLL DIRECT DEP", ""),
    ]
    assert [line.bank_id for line in statement.lines] == [
        "202401021",
        "202401051",
        "202401101",
        "202401151",
    ]


def test_several_bank_accounts_and_a_credit_card_in_one_file():
    checking, savings, card = read("multi_account.ofx")

    assert checking.account == Account(
        iban="FR7630006000011234567890189",
        bank_id="FR7630006000011234567890189",
        name="CHECKING",
    )
    assert [(line.amount, line.bank_id) for line in checking.lines] == [
        (Decimal("219.33"), "1015000017"),
        (Decimal("-123.00"), "1015000018"),
    ]
    assert checking.closing_balance == Decimal("1500.50")

    assert savings.account == Account(
        account_number="12345678901", bank_id="12345678901", name="SAVINGS"
    )
    assert [(line.booking_date, line.amount) for line in savings.lines] == [
        (d("2024-04-12"), Decimal("123.00"))
    ]
    assert savings.closing_balance == Decimal("10123.00")

    assert card.account == Account(
        account_number="4111111111111111", bank_id="4111111111111111", name="credit card"
    )
    assert [(line.amount, line.description) for line in card.lines] == [
        (Decimal("-64.90"), "CARTE AMAZON EU"),
        (Decimal("-12.00"), "CARTE SNCF"),
        (Decimal("76.90"), "PRELEVEMENT CARTE"),
    ]
    assert card.closing_balance == Decimal("0.00")
    assert {statement.currency for statement in (checking, savings, card)} == {"EUR"}
    assert {statement.period_end for statement in (checking, savings, card)} == {d("2024-04-30")}


def test_ofx_2_xml_with_payee_aggregate_and_utf8():
    [statement] = read("v2_xml.ofx")

    assert statement.account.iban == "DE89370400440532013000"
    assert statement.currency == "EUR"
    assert statement.period_end == d("2024-05-31")
    assert statement.lines == [
        StatementLine(
            booking_date=d("2024-05-02"),
            amount=Decimal("-1234.56"),
            description="Müller Bürobedarf GmbH Rechnung 2024-117",
            value_date=d("2024-04-30"),
            counterparty="Müller Bürobedarf GmbH",
            bank_id="2024050200001",
        ),
        StatementLine(
            booking_date=d("2024-05-15"),
            amount=Decimal("980.00"),
            description="Zoë Schäfer",
            counterparty="Zoë Schäfer",
            bank_id="2024051500002",
        ),
    ]
    assert statement.closing_balance == Decimal("-254.56")


def test_headerless_xml_file_is_read_as_utf8():
    [statement] = read("headerless_v2.ofx")

    assert statement.account == Account(
        account_number="00012-3456789", bank_id="00012-3456789", name="SAVINGS"
    )
    assert statement.currency == "CAD"
    assert [(line.amount, line.description) for line in statement.lines] == [
        (Decimal("3.07"), "Intérêts créditeurs")
    ]
    assert statement.closing_balance == Decimal("1203.07")


def test_header_wrapped_in_a_comment_as_ofxstatement_writes_it():
    [statement] = read("commented_header.ofx")

    assert statement.account.iban == "LT121000011101001000"
    assert [(line.amount, line.description, line.bank_id) for line in statement.lines] == [
        (Decimal("-19.99"), "Spotify Süd Abo August", "a1b2c3d4")
    ]
    assert statement.closing_balance == Decimal("880.01")


def test_spaces_after_colons_no_charset_no_blank_line_decimal_commas_and_odd_tags():
    [statement] = read("quirky_header.ofx")

    assert statement.currency == "BRL"
    assert statement.account.account_number == "98765-4"
    assert (statement.period_start, statement.period_end) == (d("2024-09-01"), d("2024-09-10"))
    assert statement.lines == [
        # <BANK.CATEGORY> and the unclosed <XX.FLAGS> before MEMO do not hide the memo.
        StatementLine(
            booking_date=d("2024-09-02"),
            amount=Decimal("-12.50"),
            description="PADARIA SÃO JOÃO",
            reference="000001",
            bank_id="20240902001",
        ),
        StatementLine(
            booking_date=d("2024-09-05"),
            amount=Decimal("1500.00"),
            description="PIX RECEBIDO",
            bank_id="20240905001",
        ),
    ]
    assert statement.closing_balance == Decimal("2487.50")


def test_utf8_body_under_a_1252_header_is_not_mangled():
    [statement] = read("utf8_body_1252_header.ofx")

    [line] = statement.lines
    assert line.counterparty == "PRLV Crédit Agricole"
    assert line.description == "PRLV Crédit Agricole Échéance prêt n°4"


def test_xml_file_without_newlines_and_a_broken_ofx_processing_instruction():
    [statement] = read("no_newlines_broken_header.qfx")

    assert statement.account == Account(
        account_number="5555444433331111", bank_id="5555444433331111", name="credit card"
    )
    assert statement.currency == "USD"
    assert [(line.booking_date, line.amount) for line in statement.lines] == [
        (d("2024-10-12"), Decimal("-15.00"))
    ]
    assert statement.closing_balance == Decimal("-15.00")


def test_empty_tags_give_empty_values_not_errors():
    [statement] = read("empty_tags.ofx")

    assert statement.currency == ""
    assert statement.account == Account(account_number="12345678", bank_id="12345678")
    assert statement.lines == [
        StatementLine(
            booking_date=d("2018-05-07"), amount=Decimal("12.34"), description="CBA:Transfer"
        )
    ]
    assert statement.closing_balance is None  # <BALAMT></BALAMT>


UK = data("uk_sort_code.ofx")


@pytest.mark.parametrize(
    "variant",
    [
        pytest.param(UK.replace(b"\r\n", b"\r"), id="old-mac-line-ends"),
        pytest.param(UK.replace(b"\r\n", b""), id="one-line"),
        pytest.param(UK.replace(b"\r\n\r\n<OFX>", b"\r\n<OFX>"), id="no-blank-line"),
        pytest.param(UK[UK.index(b"<OFX>") :], id="headerless"),
        pytest.param(UK.replace(b"CHARSET:1252\r\n", b""), id="no-charset"),
        pytest.param(UK.replace(b"CHARSET:1252", b"CHARSET:NONE"), id="charset-none"),
        pytest.param(UK.replace(b"CHARSET:1252", b"CHARSET:ISO-8859-1"), id="charset-latin1"),
        pytest.param(UK.replace(b"ENCODING:USASCII", b"ENCODING: USASCII"), id="header-space"),
        pytest.param(
            UK.decode("cp1252").replace("CHARSET:1252", "CHARSET:NONE").encode("utf-8"),
            id="utf8-body",
        ),
        pytest.param(b"\xef\xbb\xbf" + UK.decode("cp1252").encode("utf-8"), id="utf8-bom"),
        pytest.param(UK.decode("cp1252").encode("utf-16"), id="utf16-bom"),
        pytest.param(UK.replace(b"<OFX>", b"<!-- exported 2024-04-01 --><OFX>"), id="comment"),
        pytest.param(UK.replace(b"<STMTTRN>", b"<stmttrn>"), id="lower-case-tags"),
        pytest.param(
            UK.replace(b"<BANKTRANLIST>", b"<BANK.EXTRA>x\r\n<ZZ.EMPTY>\r\n<BANKTRANLIST>"),
            id="odd-tags",
        ),
        pytest.param(UK.replace(b"</STMTTRN>", b"</STMTTRN></NEVEROPENED>"), id="stray-close"),
        pytest.param(
            UK.replace(b"<MEMO>DD REF 8812345", b"<MEMO>DD REF 8812345</MEMO>"),
            id="closed-leaf-in-sgml",
        ),
    ],
)
def test_variants_of_the_same_file_read_the_same(variant):
    [statement] = ofx.read(variant, "variant.ofx")

    assert statement.lines == UK_LINES
    assert statement.account.sort_code == "401276"
    assert statement.closing_balance == Decimal("4321.09")


def test_period_end_falls_back_to_the_balance_date_without_dtend():
    [statement] = ofx.read(UK.replace(b"<DTEND>20240331\r\n", b""), "no-dtend.ofx")

    assert statement.period_end == d("2024-03-31")


def test_uk_sort_code_and_account_number_together_in_acctid():
    content = UK.replace(b"<BANKID>40-12-76\r\n", b"").replace(
        b"<ACCTID>71584685", b"<ACCTID>401276 71584685"
    )

    [statement] = ofx.read(content, "hsbc.ofx")

    assert statement.account.sort_code == "401276"
    assert statement.account.account_number == "71584685"


@pytest.mark.parametrize("name", GOOD_FILES)
def test_looks_like_recognises_every_good_file(name):
    assert ofx.looks_like(data(name)[:4096])


@pytest.mark.parametrize(
    "head",
    [
        b"",
        b"!Type:Bank\nD01/02/2024\nT-10.00\n^\n",
        b"Date,Description,Amount\n01/02/2024,Shop,-10.00\n",
        b":20:STARTUMS\n:25:12345678/0012345678\n",
        b'<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">',
        data("login_page.ofx"),
        data("garbage.ofx"),
    ],
)
def test_looks_like_refuses_other_formats(head):
    assert not ofx.looks_like(head[:4096])


def test_amount_that_is_not_a_number_names_line_and_element():
    error = refusal("bad_amount.ofx")

    assert (
        error.where == "line 35, OFX/BANKMSGSRSV1/STMTTRNRS/STMTRS/BANKTRANLIST/STMTTRN[2]/TRNAMT"
    )
    assert error.problem == "amount '12.3O' is not a number"
    assert str(error).startswith("bad_amount.ofx, line 35, ")


def test_missing_posting_date_names_the_transaction():
    error = refusal("missing_dtposted.ofx")

    assert error.where == "line 32, OFX/BANKMSGSRSV1/STMTTRNRS/STMTRS/BANKTRANLIST/STMTTRN[2]"
    assert error.problem == "the transaction has no posting date (DTPOSTED)"


def test_impossible_date_is_refused():
    error = refusal("bad_date.ofx")

    assert error.where == "line 27, OFX/BANKMSGSRSV1/STMTTRNRS/STMTRS/BANKTRANLIST/STMTTRN/DTPOSTED"
    assert error.problem == "date '20241302' is not a valid OFX date (YYYYMMDD)"


def test_missing_amount_is_refused():
    content = UK.replace(b"<TRNAMT>2500.00\r\n", b"")

    error = refusal("no-amount.ofx", content)

    assert error.where == "line 49, OFX/BANKMSGSRSV1/STMTTRNRS/STMTRS/BANKTRANLIST/STMTTRN[2]"
    assert error.problem == "the transaction has no amount (TRNAMT)"


def test_bad_closing_balance_is_refused():
    error = refusal("bad-balance.ofx", UK.replace(b"<BALAMT>4321.09", b"<BALAMT>n/a"))

    assert error.where == "line 75, OFX/BANKMSGSRSV1/STMTTRNRS/STMTRS/LEDGERBAL/BALAMT"
    assert error.problem == "amount 'n/a' is not a number"


def test_truncated_download_is_refused_with_where_it_stops():
    error = refusal("truncated.ofx")

    assert error.where == "line 60"
    assert error.problem == (
        "the file ends inside OFX/BANKMSGSRSV1/STMTTRNRS/STMTRS/BANKTRANLIST/STMTTRN[3]: "
        "it looks cut short, download it again"
    )


def test_every_cut_before_the_closing_ofx_tag_is_refused():
    end = UK.index(b"</OFX>") + len(b"</OFX>")
    for cut in range(1, end):
        with pytest.raises(StatementError):
            ofx.read(UK[:cut], "cut.ofx")
    assert ofx.read(UK[:end], "whole.ofx")[0].lines == UK_LINES


def test_bank_error_response_is_explained():
    error = refusal("bank_error.ofx")

    assert error.where == "line 17, OFX/BANKMSGSRSV1/STMTTRNRS/STATUS"
    assert error.problem == (
        "the bank sent an error instead of a statement: code 2000 'General Server Error'"
    )


def test_file_without_a_statement_is_refused():
    error = refusal("no_statement.ofx")

    assert str(error) == (
        "no_statement.ofx: the file has no bank or credit-card statement "
        "(no STMTRS or CCSTMTRS element)"
    )


def test_investment_statement_is_refused_by_name():
    content = (
        b"<OFX><INVSTMTMSGSRSV1><INVSTMTTRNRS><TRNUID>1<INVSTMTRS><DTASOF>20240101"
        b"<CURDEF>USD</INVSTMTRS></INVSTMTTRNRS></INVSTMTMSGSRSV1></OFX>"
    )

    error = refusal("broker.ofx", content)

    assert error.where == "line 1, OFX/INVSTMTMSGSRSV1/INVSTMTTRNRS/INVSTMTRS"
    assert "investment statement" in error.problem


def test_empty_file_is_refused():
    assert str(refusal("empty.ofx")) == "empty.ofx: the file is empty"
    assert str(refusal("blank.ofx", b"\r\n  \r\n")) == "blank.ofx: the file is empty"


def test_binary_garbage_is_refused():
    assert str(refusal("garbage.ofx")) == (
        "garbage.ofx: this is not a text file (binary data), not OFX"
    )


def test_pdf_saved_as_ofx_is_refused():
    error = refusal("statement.ofx", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")

    assert error.problem == "this is a PDF, not an OFX file"


def test_html_page_saved_as_ofx_is_refused():
    error = refusal("login_page.ofx")

    assert str(error) == (
        "login_page.ofx: this is a web page (HTML), not an OFX file: the bank's site probably "
        "showed a login or error page; download the statement again"
    )


def test_plain_text_that_is_not_ofx_is_refused():
    error = refusal("notes.ofx", b"Date,Description,Amount\n01/02/2024,Shop,-10.00\n")

    assert error.problem == "this is not an OFX file: it has no OFX header and no <OFX> element"


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=600))
def test_any_bytes_give_statements_or_a_statement_error(content):
    with contextlib.suppress(StatementError):
        ofx.read(content, "fuzz.ofx")


@settings(max_examples=200, deadline=None)
@given(st.integers(0, len(UK) - 1), st.binary(min_size=1, max_size=8))
def test_corrupting_a_good_file_gives_statements_or_a_statement_error(offset, noise):
    with contextlib.suppress(StatementError):
        ofx.read(UK[:offset] + noise + UK[offset + len(noise) :], "corrupt.ofx")
