"""Spreadsheets as rows of cells: CSV/TSV text in any common encoding, or an XLSX workbook's
first sheet, for every import that reads a table (bank statements and ledger exports in
reconciliation, trial balances and budgets in reporting). Files a bookkeeper is likely to try by
mistake (an old .xls, a web page saved as .xls, a PDF, a ZIP) get a message saying what to do
instead. Pure: bytes in, rows out, no database."""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import re
import zipfile


class SpreadsheetError(ValueError):
    """A file that cannot be read as a table. The message names the file, where in it (a line
    number, a cell) and what is wrong."""

    def __init__(self, filename: str, where: str, problem: str):
        self.filename = filename
        self.where = where
        self.problem = problem
        location = f"{filename}, {where}" if where else filename
        super().__init__(f"{location}: {problem}")


Cell = str | int | float | datetime.date | datetime.datetime | datetime.time | bool | None


def cell_text(value: Cell) -> str:
    """A cell as the text a bookkeeper would see in the spreadsheet."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value).replace("\ufeff", "").strip()
    # A leading apostrophe is a spreadsheet's "keep this as text" guard (Lloyds, NatWest).
    return text[1:].strip() if text.startswith("'") else text


_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 .xls (and .doc)
_ZIP_MAGIC = b"PK\x03\x04"
_DELIMITERS = (",", ";", "\t", "|")
# Other statement formats have their own importers; never claim them as CSV.
_OTHER_FORMATS = (b"OFXHEADER", b"<", b"!TYPE:", b"!OPTION", b":20:", b"{1:", b"%PDF")
_SAMPLE_ROWS = 60


def is_xlsx(data: bytes) -> bool:
    return data.startswith(_ZIP_MAGIC)


def check_readable(data: bytes, filename: str) -> None:
    """Raises StatementError for files that are neither delimited text nor an XLSX workbook."""
    if not data.strip():
        raise SpreadsheetError(filename, "", "the file is empty")
    if data.startswith(_OLE2_MAGIC):
        raise SpreadsheetError(
            filename,
            "",
            "this is an old Excel 97-2003 (.xls) file, which cannot be read: open it in Excel "
            "and save it as an Excel Workbook (.xlsx) or as CSV, then upload that",
        )
    start = data[:512].lstrip(b"\xef\xbb\xbf \r\n\t").lower()
    if start.startswith((b"<html", b"<!doctype html", b"<table", b"<?xml")) and (
        b"<table" in data[:20000].lower() or filename.lower().endswith((".xls", ".xlsx"))
    ):
        raise SpreadsheetError(
            filename,
            "",
            "this file is a web page saved with a spreadsheet name, not a real spreadsheet: "
            "open it in Excel and save it as .xlsx or CSV, then upload that",
        )
    if start.startswith(b"%pdf"):
        raise SpreadsheetError(
            filename, "", "this is a PDF, not a spreadsheet: download it as CSV or Excel"
        )
    if is_xlsx(data):
        return
    head = data[:4096]
    if b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise SpreadsheetError(
            filename, "", "this is not a CSV or Excel file: it contains binary data"
        )


def guess_encoding(data: bytes) -> str:
    """ "utf-8-sig" with a byte-order mark, "utf-16" with a UTF-16 one, "utf-8" when the bytes
    decode as UTF-8, else "cp1252" (what Excel and most European banks write on Windows)."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def decode(data: bytes, filename: str, encoding: str) -> str:
    if encoding.replace("_", "-").lower() in ("utf-8", "utf8") and data.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise SpreadsheetError(
            filename,
            f"line {line}",
            f"byte 0x{data[error.start]:02x} cannot be read as {encoding}: choose another "
            "encoding (files from Excel on Windows are usually cp1252)",
        ) from None
    except LookupError:
        raise SpreadsheetError(filename, "", f"unknown encoding '{encoding}'") from None
    return text.lstrip("\ufeff")


def guess_delimiter(text: str) -> str:
    """The delimiter that splits the most rows into the same number (> 1) of cells.

    Counting beats ``csv.Sniffer`` on bank files: title rows above the header, "1.234,56" in a
    semicolon file and free text full of commas all confuse the sniffer."""
    sample = "\n".join(text.splitlines()[:_SAMPLE_ROWS])
    best, best_score = ",", (0, 0)
    for delimiter in _DELIMITERS:
        widths = [len(row) for row in csv.reader(io.StringIO(sample), delimiter=delimiter) if row]
        wide = [width for width in widths if width > 1]
        if not wide:
            continue
        usual = max(set(wide), key=lambda width: (wide.count(width), width))
        score = (wide.count(usual), usual)
        if score > best_score:
            best, best_score = delimiter, score
    if best_score == (0, 0):
        try:
            return csv.Sniffer().sniff(sample, delimiters="".join(_DELIMITERS)).delimiter
        except csv.Error:
            return ","
    return best


def text_rows(text: str, filename: str, delimiter: str) -> list[list[Cell]]:
    """Rows of a delimited text; blank lines stay (as empty rows) so that row numbers match
    what a spreadsheet shows."""
    try:
        return [list(row) for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error as error:
        raise SpreadsheetError(filename, "", f"the file cannot be read as CSV: {error}") from None


def xlsx_rows(data: bytes, filename: str, literal_formulas: bool = False) -> list[list[Cell]]:
    """The first non-empty sheet's rows, with real dates and numbers where Excel has them.

    With ``literal_formulas``, a cell that has no cached value but whose formula is a plain
    number ("=15000.00", as QuickBooks Online writes its amounts) reads as that number."""
    rows = _xlsx_rows(data, filename, data_only=True)
    if not literal_formulas:
        return rows
    formulas = _xlsx_rows(data, filename, data_only=False)
    for row, written in zip(rows, formulas, strict=False):
        for index, value in enumerate(row):
            formula = written[index] if index < len(written) else None
            if value is None and isinstance(formula, str) and _LITERAL.match(formula):
                row[index] = formula[1:].strip()
    return rows


_LITERAL = re.compile(r"^=\s*-?\(?\d[\d,]*(\.\d+)?\)?\s*$")


def _xlsx_rows(data: bytes, filename: str, data_only: bool) -> list[list[Cell]]:
    import openpyxl  # imported here: only XLSX uploads pay for it

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=data_only)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        if not _is_workbook_zip(data):
            raise SpreadsheetError(
                filename, "", "this is a ZIP archive, not an Excel workbook: unzip it first"
            ) from None
        raise SpreadsheetError(filename, "", f"the Excel file cannot be opened: {error}") from None
    try:
        for sheet in workbook.worksheets:
            rows = [list(row) for row in sheet.iter_rows(values_only=True)]
            while rows and all(value in (None, "") for value in rows[-1]):
                rows.pop()
            if rows:
                return rows
        return []
    finally:
        workbook.close()


def _is_workbook_zip(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


def load_rows(
    data: bytes, filename: str, encoding: str, delimiter: str
) -> tuple[list[list[Cell]], str]:
    """The file's rows and its format ("csv" or "xlsx")."""
    check_readable(data, filename)
    if is_xlsx(data):
        return xlsx_rows(data, filename), "xlsx"
    return text_rows(decode(data, filename, encoding), filename, delimiter), "csv"


def looks_like(head: bytes) -> bool:
    """Whether the first bytes of a file look like a delimited text file or an XLSX workbook."""
    if head.startswith(_ZIP_MAGIC):
        return b"[Content_Types].xml" in head or b"xl/" in head or b"docProps/" in head
    if not head.strip() or head.startswith(_OLE2_MAGIC):
        return False
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = head.decode("utf-16", errors="ignore")
    else:
        if b"\x00" in head:
            return False
        text = head.decode("utf-8", errors="ignore") or head.decode("cp1252", errors="ignore")
    text = text.lstrip("\ufeff \r\n\t")
    if text.upper().encode()[:10].startswith(_OTHER_FORMATS):
        return False
    lines = [line for line in text.splitlines()[:20] if line.strip()]
    if len(lines) > 1:
        lines = lines[:-1]  # the last line of a head may be cut short
    for delimiter in _DELIMITERS:
        try:
            widths = [len(row) for row in csv.reader(lines, delimiter=delimiter)]
        except csv.Error:
            continue
        used = [width for width in widths if width > 1]
        if len(used) * 2 < len(lines):
            continue
        # Rows of a table repeat their number of cells; a sentence's commas do not.
        if len(lines) == 1 and used and used[0] >= 3:
            return True
        if any(used.count(count) >= 2 for count in used):
            return True
        if len(lines) >= 3 and len(used) == len(lines):  # title rows above a table
            return True
    return False


def read_table(data: bytes, filename: str, literal_formulas: bool = False) -> list[list[Cell]]:
    """The rows of a CSV (its encoding and delimiter guessed) or of an XLSX workbook."""
    check_readable(data, filename)
    if is_xlsx(data):
        return xlsx_rows(data, filename, literal_formulas=literal_formulas)
    text = decode(data, filename, guess_encoding(data))
    return text_rows(text, filename, guess_delimiter(text))
