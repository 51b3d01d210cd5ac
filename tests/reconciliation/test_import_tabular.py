"""The spreadsheet statement importer: real bank layouts, the guessed mapping, rejected rows and
the files a bookkeeper uploads by mistake."""

import codecs
import datetime
import io
import json
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from reconciliation.importers.tabular import (
    ColumnMapping,
    RejectedRow,
    guess_mapping,
    looks_like,
    preview,
    read,
)
from reconciliation.importers.tabular_guess import guess_date_format, guess_separators
from reconciliation.importers.tabular_values import parse_amount, parse_date
from reconciliation.statements import Account, StatementError

FILES = Path(__file__).parent / "files" / "csv"
D = Decimal


def _file(name: str) -> bytes:
    return (FILES / name).read_bytes()


def _read_one(name: str, mapping: ColumnMapping | None = None):
    statements = read(_file(name), name, mapping)
    assert len(statements) == 1
    return statements[0]


def _rows(statement) -> list[tuple]:
    return [(line.booking_date.isoformat(), line.amount) for line in statement.lines]


# --- UK banks -------------------------------------------------------------------------------


def test_barclays_signed_amount_memo_and_cheque_number():
    statement = _read_one("barclays.csv")

    assert statement.format == "csv"
    # The "Account" column repeats the account on every row: sort code and number.
    assert statement.account == Account(sort_code="203206", account_number="13152170")
    assert statement.currency == ""
    assert _rows(statement) == [
        ("2026-12-02", D("-45.00")),
        ("2026-12-03", D("1250.00")),
        ("2026-12-05", D("-320.50")),
        ("2026-12-15", D("-12.99")),
    ]
    # The tab Barclays puts inside its memo becomes a single space.
    assert statement.lines[0].description == "BRITISH GAS REF 8123456"
    assert statement.lines[2].reference == "100234"
    assert statement.period_start == datetime.date(2026, 12, 2)
    assert statement.period_end == datetime.date(2026, 12, 15)
    assert statement.opening_balance is None and statement.closing_balance is None


def test_hsbc_file_without_a_header_row_is_mapped_by_position():
    mapping = guess_mapping(_file("hsbc.csv"), "hsbc.csv")

    assert mapping.header_row is None
    assert (mapping.date_column, mapping.description_column, mapping.amount_column) == (
        "#1",
        "#2",
        "#3",
    )
    statement = _read_one("hsbc.csv")
    assert _rows(statement) == [
        ("2026-12-07", D("-23.45")),
        ("2026-12-08", D("1250.00")),
        ("2026-12-13", D("-2340.00")),
    ]
    assert statement.lines[1].description == "ACME LTD INV 1042"
    assert preview(_file("hsbc.csv"), "hsbc.csv", mapping).columns == ["#1", "#2", "#3"]


def test_lloyds_debit_and_credit_columns_newest_first_with_a_rejected_row():
    mapping = guess_mapping(_file("lloyds.csv"), "lloyds.csv")
    assert (mapping.debit_column, mapping.credit_column) == ("Debit Amount", "Credit Amount")
    assert mapping.balance_column == "Balance"

    result = preview(_file("lloyds.csv"), "lloyds.csv", mapping)

    assert [(line.booking_date.day, line.amount, line.description) for line in result.lines] == [
        (15, D("-7.50"), "SERVICE CHARGE"),
        (2, D("-23.45"), "TESCO STORES 3217"),
        (2, D("1250.00"), "ACME LTD INV 1042"),
        (1, D("-45.00"), "BRITISH GAS"),
    ]
    assert result.rejected == [
        RejectedRow(
            row_number=3,
            values=[
                "14/12/2026",
                "BGC",
                "30-91-74",
                "02344812",
                "BAD ROW",
                "10.00",
                "5.00",
                "2176.55",
                "",
            ],
            reason="both debit and credit filled",
        )
    ]
    # Newest first: the opening balance comes from the last row (955.00 after paying 45.00).
    assert result.opening_balance == D("1000.00")
    assert result.closing_balance == D("2174.05")
    assert result.columns[:2] == ["Transaction Date", "Transaction Type"]


def test_monzo_prefers_the_signed_amount_and_reads_ids_currency_and_names():
    mapping = guess_mapping(_file("monzo.csv"), "monzo.csv")
    assert mapping.amount_column == "Amount"
    assert mapping.debit_column == mapping.credit_column == ""

    statement = _read_one("monzo.csv")

    assert statement.currency == "GBP"
    assert _rows(statement) == [
        ("2026-12-01", D("-4.25")),
        ("2026-12-01", D("1250.00")),
        ("2026-12-03", D("-36.20")),
    ]
    first = statement.lines[0]
    assert (first.counterparty, first.description, first.bank_id) == (
        "Pret A Manger",
        "PRET A MANGER LONDON GBR",
        "tx_00009ZkX1b2C3d4E5f6G7h",
    )


def test_starling_opening_balance_row_is_rejected_and_balances_come_from_the_column():
    result = preview(
        _file("starling.csv"), "starling.csv", guess_mapping(_file("starling.csv"), "s")
    )

    assert [(line.counterparty, line.reference, line.amount) for line in result.lines] == [
        ("Acme Ltd", "INV 1042", D("1250.00")),
        ("Tesco", "TESCO STORES 3217", D("-23.45")),
        ("HMRC", "VAT 123456789", D("-2340.00")),
    ]
    assert [(row.row_number, row.reason) for row in result.rejected] == [
        (2, "a total or balance row, not a transaction")
    ]
    assert (result.opening_balance, result.closing_balance) == (D("1500.00"), D("386.55"))
    assert result.currency == "GBP"  # from "Amount (GBP)"
    statement = _read_one("starling.csv")
    assert statement.balances is True


def test_natwest_blank_first_line_spaced_header_apostrophes_and_newest_first():
    mapping = guess_mapping(_file("natwest.csv"), "natwest.csv")
    assert mapping.header_row == 1
    assert (mapping.amount_column, mapping.balance_column) == ("Value", "Balance")

    statement = _read_one("natwest.csv")

    assert _rows(statement) == [
        ("2026-12-15", D("-45.00")),
        ("2026-12-02", D("1250.00")),
        ("2026-12-01", D("-23.45")),
    ]
    assert statement.lines[0].description == "BRITISH GAS"
    assert (statement.opening_balance, statement.closing_balance) == (D("992.50"), D("2174.05"))
    assert statement.balances is True


# --- Continental and US banks ---------------------------------------------------------------


def test_deutsche_bank_cp1252_title_rows_negative_soll_and_footer():
    mapping = guess_mapping(_file("deutsche_bank.csv"), "db.csv")
    assert (mapping.encoding, mapping.delimiter, mapping.header_row) == ("cp1252", ";", 3)
    assert (mapping.date_format, mapping.decimal_separator, mapping.thousands_separator) == (
        "%d.%m.%Y",
        ",",
        ".",
    )
    assert (mapping.debit_column, mapping.credit_column) == ("Soll", "Haben")

    result = preview(_file("deutsche_bank.csv"), "db.csv", mapping)

    assert [
        (line.booking_date, line.value_date, line.amount, line.counterparty, line.reference)
        for line in result.lines
    ] == [
        (datetime.date(2026, 12, 1), datetime.date(2026, 12, 1), D("-85.00"),
         "Stadtwerke München GmbH", ""),
        (datetime.date(2026, 12, 3), datetime.date(2026, 12, 3), D("2500.00"),
         "Müller & Söhne KG", "RE-1042"),
        (datetime.date(2026, 12, 4), datetime.date(2026, 12, 5), D("-4.80"),
         "Bäckerei Schäfer", ""),
    ]  # fmt: skip
    assert [(row.row_number, row.values[0], row.reason) for row in result.rejected] == [
        (8, "Kontostand", "a total or balance row, not a transaction")
    ]
    assert result.currency == "EUR"


def test_sparkasse_two_digit_years_quoted_semicolons_and_notprovided_reference():
    mapping = guess_mapping(_file("sparkasse.csv"), "sparkasse.csv")
    assert mapping.date_format == "%d.%m.%y"
    assert mapping.amount_column == "Betrag"
    assert mapping.counterparty_column == "Beguenstigter/Zahlungspflichtiger"

    statement = _read_one("sparkasse.csv")

    assert _rows(statement) == [
        ("2026-12-15", D("-1125.50")),
        ("2026-12-02", D("2500.00")),
        ("2026-12-01", D("-4.80")),
    ]
    assert statement.lines[0].reference == ""  # "NOTPROVIDED" means none
    assert statement.lines[1].reference == "RE-1042"
    assert statement.lines[1].description == "Rechnung 1042 Gärtnerei Groß"
    assert statement.currency == "EUR"


def test_ing_unsigned_amount_with_af_bij_column():
    mapping = guess_mapping(_file("ing_nl.csv"), "ing.csv")
    assert (mapping.date_format, mapping.direction_column) == ("%Y%m%d", "Af Bij")
    assert mapping.decimal_separator == ","

    result = preview(_file("ing_nl.csv"), "ing.csv", mapping)

    assert [(line.booking_date.day, line.amount, line.counterparty) for line in result.lines] == [
        (1, D("-23.45"), "Albert Heijn 1083"),
        (2, D("1250.00"), "Acme BV"),
        (3, D("-340.00"), "Belastingdienst"),
    ]
    assert [(row.row_number, row.reason) for row in result.rejected] == [
        (5, "'Bij?' does not say money in or money out (expected e.g. Af or Bij)")
    ]
    assert result.currency == "EUR"


def test_chase_month_first_dates_trailing_commas_and_check_numbers():
    mapping = guess_mapping(_file("chase.csv"), "chase.csv")
    assert mapping.date_format == "%m/%d/%Y"
    # "Details" holds DEBIT/CREDIT; the real description is "Description".
    assert mapping.description_column == "Description"
    assert mapping.date_column == "Posting Date"

    statement = _read_one("chase.csv")

    assert _rows(statement) == [
        ("2026-12-15", D("-36.20")),
        ("2026-12-14", D("-500.00")),
        ("2026-12-07", D("3200.00")),
        ("2026-12-01", D("-105.45")),
    ]
    assert statement.lines[1].reference == "1042"
    assert (statement.opening_balance, statement.closing_balance) == (D("1600.00"), D("4158.35"))


def test_french_bank_debit_credit_columns_spaces_as_thousands_and_multiline_labels():
    mapping = guess_mapping(_file("credit_agricole.csv"), "ca.csv")
    assert (mapping.encoding, mapping.delimiter, mapping.header_row) == ("cp1252", ";", 7)
    assert (mapping.debit_column, mapping.credit_column) == ("Débit euros", "Crédit euros")
    assert (mapping.decimal_separator, mapping.thousands_separator) == (",", " ")

    statement = _read_one("credit_agricole.csv")

    assert _rows(statement) == [
        ("2026-11-02", D("-65.40")),
        ("2026-11-05", D("1250.00")),
        ("2026-11-12", D("-1023.15")),
    ]
    assert statement.lines[0].description == "PRLV SEPA EDF REF: 123456"
    assert statement.currency == "EUR"


# --- Rejected rows and the mapping ----------------------------------------------------------


def test_each_bad_row_is_rejected_with_its_spreadsheet_row_number_and_reason():
    result = preview(_file("rejects.csv"), "rejects.csv", ColumnMapping(
        date_column="date", description_column="DESCRIPTION", amount_column=" Amount "
    ))  # fmt: skip

    assert [(line.description, line.amount) for line in result.lines] == [
        ("Good row", D("10.00")),
        ("Another good row", D("-5.00")),
    ]
    assert [(row.row_number, row.reason) for row in result.rejected] == [
        (3, "date '31/02/2026' is not a date in the format DD/MM/YYYY"),
        (4, "no date"),
        (5, "no amount"),
        (6, "amount 'abc' is not a number"),
        (7, "amount '12,50' is not a number with '.' as the decimal separator"),
    ]
    assert result.rejected[0].values == ["31/02/2026", "Impossible date", "11.00"]


def test_a_file_where_no_row_is_accepted_names_the_first_rejection():
    data = b"Date,Details,Amount\n31/02/2026,x,1.00\n32/01/2026,y,2.00\n"

    with pytest.raises(StatementError) as raised:
        read(data, "bad.csv")

    assert str(raised.value) == (
        "bad.csv, row 2: no row could be read as a transaction; the first was rejected: "
        "date '31/02/2026' is not a date in the format DD/MM/YYYY"
    )


def test_inverted_sign_for_card_exports_where_spending_is_positive():
    data = (
        b"Date,Description,Amount\n07/12/2026,AMAZON,36.20\n08/12/2026,PAYMENT THANK YOU,-500.00\n"
    )
    mapping = ColumnMapping(
        date_column="Date", description_column="Description", amount_column="Amount",
        amount_sign="inverted",
    )  # fmt: skip

    lines = read(data, "amex.csv", mapping)[0].lines

    assert [line.amount for line in lines] == [D("-36.20"), D("500.00")]


def test_a_mapping_naming_a_column_the_file_lacks_lists_the_columns():
    mapping = ColumnMapping(date_column="Date", amount_column="Betrag")

    with pytest.raises(StatementError) as raised:
        preview(_file("barclays.csv"), "barclays.csv", mapping)

    assert str(raised.value) == (
        "barclays.csv, row 1: there is no column 'Betrag' "
        "(the columns are: Number, Date, Account, Amount, Subcategory, Memo)"
    )


def test_a_header_row_beyond_the_end_of_the_file():
    mapping = ColumnMapping(date_column="Date", amount_column="Amount", header_row=40)

    with pytest.raises(StatementError, match=r"row 41: there is no header row 41: the file has 5"):
        preview(_file("barclays.csv"), "barclays.csv", mapping)


def test_mapping_round_trips_through_json():
    mapping = guess_mapping(_file("deutsche_bank.csv"), "db.csv")

    again = ColumnMapping.from_dict(json.loads(json.dumps(mapping.to_dict())))

    assert again == mapping
    assert ColumnMapping.from_dict({**mapping.to_dict(), "added_later": 1}) == mapping


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"amount_column": ""}, "either an amount column or both a debit and a credit"),
        ({"debit_column": "Out", "credit_column": "In"}, "either an amount column"),
        ({"decimal_separator": ";"}, "decimal separator ';' is not . or ,"),
        ({"thousands_separator": "."}, "the thousands and decimal separators must differ"),
        ({"delimiter": ":"}, "delimiter ':' is not one of"),
        ({"amount_sign": "negative"}, "amount sign 'negative'"),
        ({"encoding": "klingon"}, "unknown encoding 'klingon'"),
        ({"date_format": "DD/MM/YYYY"}, "not a strftime pattern"),
    ],
)
def test_an_impossible_mapping_is_refused(changes, problem):
    settings = {"date_column": "Date", "amount_column": "Amount", "decimal_separator": "."}
    with pytest.raises(ValueError, match=problem):
        ColumnMapping(**{**settings, **changes})


def test_a_wrong_encoding_in_a_saved_mapping_names_the_line():
    mapping = guess_mapping(_file("deutsche_bank.csv"), "db.csv")
    utf8 = ColumnMapping.from_dict({**mapping.to_dict(), "encoding": "utf-8"})

    with pytest.raises(StatementError) as raised:
        preview(_file("deutsche_bank.csv"), "db.csv", utf8)

    assert str(raised.value).startswith("db.csv, line 1: byte 0xe4 cannot be read as utf-8")


# --- Values ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "decimal", "thousands", "expected"),
    [
        ("1,234.56", ".", ",", D("1234.56")),
        ("1.234,56", ",", ".", D("1234.56")),
        ("-12,50", ",", ".", D("-12.50")),
        ("(12.50)", ".", ",", D("-12.50")),
        ("12.50-", ".", ",", D("-12.50")),
        ("12.50 CR", ".", ",", D("12.50")),
        ("12.50DR", ".", ",", D("-12.50")),
        ("£1,234.56", ".", ",", D("1234.56")),
        ("-£12.50", ".", ",", D("-12.50")),
        ("$-1,113.33", ".", ",", D("-1113.33")),
        ("1 234,56 €", ",", " ", D("1234.56")),
        ("1\u00a0234,56", ",", ".", D("1234.56")),
        ("1'234.56", ".", "'", D("1234.56")),
        ("+7", ".", ",", D("7")),
        ("\u22124.80", ".", ",", D("-4.80")),
        ("", ".", ",", None),
    ],
)
def test_amounts_as_banks_write_them(text, decimal, thousands, expected):
    assert parse_amount(text, decimal, thousands) == expected


def test_spreadsheet_floats_lose_their_binary_noise():
    assert parse_amount(0.1 + 0.2) == D("0.30")
    assert parse_amount(-1234.5) == D("-1234.50")
    assert parse_amount(12) == D("12")


def test_dates_with_a_time_and_two_digit_years():
    assert parse_date("2026-12-07T10:15:00Z", "%Y-%m-%d") == datetime.date(2026, 12, 7)
    assert parse_date("07/12/2026 10:15", "%d/%m/%Y") == datetime.date(2026, 12, 7)
    assert parse_date(46363, "%d/%m/%Y") == datetime.date(2026, 12, 7)  # an Excel serial
    with pytest.raises(ValueError, match="not a date in the format DD/MM/YYYY"):
        parse_date("07/12/26", "%d/%m/%Y")  # "%Y" alone would read the year 26


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["07/12/2026", "08/12/2026"], "%d/%m/%Y"),  # ambiguous: day first
        (["12/07/2026", "12/15/2026"], "%m/%d/%Y"),
        (["07/12/26", "15/12/26"], "%d/%m/%y"),
        (["2026-12-07"], "%Y-%m-%d"),
        (["07 Dec 2026", "15 Dec 2026"], "%d %b %Y"),
        (["07.12.2026"], "%d.%m.%Y"),
        (["20261207"], "%Y%m%d"),
    ],
)
def test_date_format_guess(values, expected):
    assert guess_date_format(values) == expected


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["1.234,56", "-12,50"], (",", ".")),
        (["1,234.56", "12.50"], (".", ",")),
        (["-12,50"], (",", ".")),
        (["(12.50)", "12.50-", "3.00 CR"], (".", ",")),
        (["1 234,56", "5,00"], (",", " ")),
        (["1,234"], (".", ",")),  # three digits after the mark: no evidence, the default
        (["€1.234.567"], (",", ".")),
    ],
)
def test_separator_guess(values, expected):
    assert guess_separators(values) == expected


# --- XLSX -----------------------------------------------------------------------------------


def _workbook(rows: list[list], title: str = "Transactions") -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_xlsx_with_title_rows_real_dates_text_dates_and_float_noise():
    data = _workbook(
        [
            ["Statement for account 20-32-06 13152170"],
            [],
            ["Date", "Description", "Paid out", "Paid in", "Balance"],
            [datetime.datetime(2026, 12, 1), "BRITISH GAS", 45.0, None, 955.0],
            ["02/12/2026", "ACME LTD INV 1042", None, 1250, 2205.0],
            [datetime.datetime(2026, 12, 3), "TESCO", 0.1 + 0.2, None, 2204.7],
            [datetime.datetime(2026, 12, 4), "CHEQUE", None, None, 2204.7],
        ]
    )
    mapping = guess_mapping(data, "statement.xlsx")
    assert (mapping.header_row, mapping.debit_column, mapping.credit_column) == (
        2,
        "Paid out",
        "Paid in",
    )

    result = preview(data, "statement.xlsx", mapping)

    assert result.format == "xlsx"
    assert [(line.booking_date.day, line.amount) for line in result.lines] == [
        (1, D("-45.00")),
        (2, D("1250")),
        (3, D("-0.30")),
    ]
    assert [(row.row_number, row.values, row.reason) for row in result.rejected] == [
        (7, ["2026-12-04", "CHEQUE", "", "", "2204.7"], "no amount")
    ]
    assert (result.opening_balance, result.closing_balance) == (D("1000.00"), D("2204.70"))
    assert read(data, "statement.xlsx")[0].format == "xlsx"


def test_xlsx_text_amounts_follow_the_mapping_separators():
    data = _workbook(
        [["Buchungstag", "Verwendungszweck", "Betrag"], ["01.12.2026", "Miete", "-1.250,00"]]
    )

    statement = read(data, "umsaetze.xlsx")[0]

    assert _rows(statement) == [("2026-12-01", D("-1250.00"))]


# --- Broken files ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "empty.csv", "empty.csv: the file is empty"),
        (b"\r\n  \r\n", "blank.csv", "blank.csv: the file is empty"),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600,
            "export.xls",
            "export.xls: this is an old Excel 97-2003 (.xls) file, which cannot be read: open it "
            "in Excel and save it as an Excel Workbook (.xlsx) or as CSV, then upload that",
        ),
        (
            b"<html><body><table><tr><td>Date</td></tr></table></body></html>",
            "statement.xls",
            "statement.xls: this file is a web page saved with a spreadsheet name, not a real "
            "spreadsheet: open it in Excel and save it as .xlsx or CSV, then upload that",
        ),
        (
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
            "photo.csv",
            "photo.csv: this is not a CSV or Excel file: it contains binary data",
        ),
        (
            b"%PDF-1.7\n%\xe2\xe3\xcf\xd3",
            "statement.pdf",
            "statement.pdf: this is a PDF, not a spreadsheet: download it as CSV or Excel",
        ),
        (
            _file("no_date_column.csv"),
            "no_date_column.csv",
            "no_date_column.csv, row 1: no date column: the header row should name one of Date, "
            "Datum, Fecha, Transaction Date, Posting Date, Buchungstag",
        ),
        (
            _file("no_amount_column.csv"),
            "no_amount_column.csv",
            "no_amount_column.csv, row 1: no amount column: the header row should name one of "
            "Amount, Betrag, Bedrag, Montant, Importe, Value, or both a money-out and a money-in "
            "column (Debit and Credit, Paid out and Paid in)",
        ),
        (
            b"Date,Description,Amount\n",
            "header_only.csv",
            "header_only.csv: the file has no transactions below the header row",
        ),
    ],
)
def test_broken_files_raise_a_message_a_bookkeeper_can_act_on(data, filename, message):
    with pytest.raises(StatementError) as raised:
        read(data, filename)

    assert str(raised.value) == message


def test_a_zip_that_is_not_a_workbook():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("statement.csv", "Date,Amount\n07/12/2026,1.00\n")

    with pytest.raises(StatementError) as raised:
        read(buffer.getvalue(), "statements.zip")

    assert str(raised.value) == (
        "statements.zip: this is a ZIP archive, not an Excel workbook: unzip it first"
    )


def test_a_text_file_saved_with_an_xls_name_is_read_as_text():
    data = b"Date\tDescription\tAmount\r\n07/12/2026\tCOFFEE\t-3.50\r\n"

    statement = read(data, "download.xls")[0]

    assert statement.format == "csv"
    assert _rows(statement) == [("2026-12-07", D("-3.50"))]


def test_excel_unicode_text_is_utf16_with_tabs():
    text = "Date\tDescription\tAmount\r\n07/12/2026\tCafé Noël\t-3.50\r\n"
    data = codecs.BOM_UTF16_LE + text.encode("utf-16-le")

    mapping = guess_mapping(data, "export.txt")
    statement = read(data, "export.txt", mapping)[0]

    assert (mapping.encoding, mapping.delimiter) == ("utf-16", "\t")
    assert statement.lines[0].description == "Café Noël"


def test_utf8_with_a_byte_order_mark():
    data = codecs.BOM_UTF8 + "Date,Description,Amount\n07/12/2026,Café,-3.50\n".encode()

    mapping = guess_mapping(data, "bom.csv")
    statement = read(data, "bom.csv", ColumnMapping.from_dict(
        {**mapping.to_dict(), "encoding": "utf-8"}
    ))[0]  # fmt: skip

    assert mapping.encoding == "utf-8-sig"
    assert mapping.date_column == "Date"
    assert statement.lines[0].description == "Café"


# --- looks_like -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (_file("lloyds.csv")[:300], True),
        (_file("deutsche_bank.csv")[:300], True),
        (_file("hsbc.csv"), True),
        (_workbook([["Date", "Amount"]])[:2048], True),
        (b"OFXHEADER:100\r\nDATA:OFXSGML\r\n", False),
        (b'<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053">', False),
        (b"!Type:Bank\nD07/12/2026\nT-3.50\n^\n", False),
        (b":20:STARTUMS\r\n:25:10020030/1234567\r\n", False),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", False),
        (b"", False),
        (b"Dear customer, your statement is attached.\nKind regards\n", False),
    ],
)
def test_looks_like(head, expected):
    assert looks_like(head) is expected


def test_a_repeated_header_is_mapped_by_position():
    data = b"Date,Amount,Date,Description\n01/12/2026,1.00,05/12/2026,Interest\n"

    mapping = guess_mapping(data, "twice.csv")

    assert (mapping.date_column, mapping.amount_column) == ("#1", "Amount")
    assert _rows(read(data, "twice.csv", mapping)[0]) == [("2026-12-01", D("1.00"))]
