"""The CSV parser of bulk onboarding on its own: choice columns, year ends, row numbers,
extra cells, tags, tab-separated files and repeated codes."""

import pytest

from clients import csv_io, csv_validate
from clients.choices import AccountingSystem, EntityType, PayrollFrequency, VatFrequency


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
