"""One entry point for every bank file: the format is recognised from the content, and what
is not a statement is refused with a message that says what to ask the bank for."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from reconciliation.importers import camt, detect, mt940, ofx, qif, read_statement, tabular
from reconciliation.statements import StatementError

FILES = Path(__file__).parent / "files"


def data(name: str) -> bytes:
    return (FILES / name).read_bytes()


@pytest.mark.parametrize(
    ("name", "fmt", "module"),
    [
        ("ofx/uk_sort_code.ofx", "ofx", ofx),
        ("ofx/us_bank_one_line.qfx", "ofx", ofx),
        ("ofx/v2_xml.ofx", "ofx", ofx),
        ("mt940/rabobank.sta", "mt940", mt940),
        ("mt940/mt942.sta", "mt940", mt940),
        ("camt/camt053_v04_batch.xml", "camt", camt),
        ("camt/camt052_v08.xml", "camt", camt),
        ("qif/uk_bank_day_first.qif", "qif", qif),
        ("csv/lloyds.csv", "spreadsheet", tabular),
        ("csv/sparkasse.csv", "spreadsheet", tabular),
    ],
)
def test_each_format_is_recognised_and_read_by_its_module(name, fmt, module):
    raw = data(name)
    assert detect(raw, "renamed.bin") == fmt  # the content decides, not the name
    assert read_statement(raw, "renamed.bin") == module.read(raw, "renamed.bin")


def test_the_statement_from_a_uk_ofx_file():
    [statement] = read_statement(data("ofx/uk_sort_code.ofx"), "uk_sort_code.ofx")
    assert statement.account.label() == "40-12-76 71584685"
    assert statement.currency == "GBP"
    assert len(statement.lines) == 4


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        (b"", "the file is empty"),
        (b"  \r\n ", "the file is empty"),
        (b"%PDF-1.7\n...", "a PDF is a picture of a statement, not its data"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "save it as .xlsx or CSV"),
        (b"\x00\x01\x02\x03binary", "not a bank statement format AtlasOS reads"),
    ],
)
def test_what_is_not_a_statement_is_refused_with_advice(raw, problem):
    with pytest.raises(StatementError) as refused:
        read_statement(raw, "march.pdf")
    assert problem in str(refused.value)
    assert str(refused.value).startswith("march.pdf")


def test_a_broken_file_is_refused_where_it_breaks():
    with pytest.raises(StatementError, match=r"truncated\.ofx, line 60: the file ends inside"):
        read_statement(data("ofx/truncated.ofx"), "truncated.ofx")


def run(*args) -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("read_statement", *args, stdout=out)
    except SystemExit as exit:
        return exit.code, out.getvalue()
    return 0, out.getvalue()


def test_the_command_prints_each_statement_and_whether_it_balances():
    code, out = run(str(FILES / "mt940/rabobank.sta"), str(FILES / "ofx/uk_sort_code.ofx"))
    assert code == 0
    assert "rabobank.sta: 2 statements (mt940)" in out
    assert (
        "NL71RABO0123456789 · EUR · 2013-01-01 to 2013-01-08 · opening 1000.00 · closing 965.00"
        " · 2 lines · balances: opening + lines = closing"
    ) in out
    assert "40-12-76 71584685 · GBP" in out
    assert "opening not given · closing 4321.09 · 4 lines · balance not checked" in out


def test_the_command_exits_1_when_any_file_is_refused(tmp_path):
    code, out = run(str(FILES / "mt940/rabobank.sta"), str(FILES / "ofx/truncated.ofx"))
    assert code == 1
    assert "rabobank.sta: 2 statements" in out
    assert "truncated.ofx: refused: truncated.ofx, line 60" in out


def test_the_command_says_when_a_statement_does_not_balance(tmp_path):
    text = data("mt940/uk_free_text.sta").decode("latin-1").replace(":62F:C", ":62F:D", 1)
    broken = tmp_path / "off.sta"
    broken.write_bytes(text.encode("latin-1"))
    code, out = run(str(broken))
    assert code == 0  # read, not refused: the import refuses it
    assert "DOES NOT BALANCE: closing differs from opening + lines by" in out


def test_the_command_in_json():
    code, out = run(
        "--json", str(FILES / "camt/camt053_v04_batch.xml"), str(FILES / "qif/empty.qif")
    )
    assert code == 1
    ok, refused = json.loads(out)
    [statement] = ok["statements"]
    assert statement["account"] == "CH9300762011623852957"
    assert statement["currency"] == "CHF"
    assert (statement["opening_balance"], statement["closing_balance"]) == ("75960.15", "79443.15")
    assert statement["lines"] == 2 and statement["balances"] is True
    assert refused == {
        "file": str(FILES / "qif/empty.qif"),
        "error": "empty.qif: the file is empty",
    }
