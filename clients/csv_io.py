"""Clients in CSV, both ways: pure logic, no database.

Import: ``read_table`` turns the uploaded bytes into records (file-level problems raise
``CsvFileError``); ``clients.csv_validate`` turns records into ``ClientRow``s, each with its
own errors, using lookups the service loaded beforehand (existing codes, the team members).
Export: ``csv_lines`` writes ``ClientRow``s in the same columns, so an export re-imports.
"""

import csv
import io
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from atlasos.accounts.models import REVIEWER_ROLES
from atlasos.refusals import Refusal
from clients.choices import AccountingSystem, EntityType, PayrollFrequency, VatFrequency
from cycle.periods import MONTH_NAMES

DELIMITERS = ",;\t"
SAVE_AS_UTF8 = (
    "In Excel choose File › Save As and pick “CSV UTF-8 (Comma delimited) (*.csv)”; "
    "in Google Sheets, File › Download › Comma-separated values; then upload that file."
)
# A cell starting with one of these is run as a formula by Excel (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# ...except a plain number or phone number such as +44 20 7946 0000 or -12.50.
NUMBER_RE = re.compile(r"^[+-][\d\s().,-]*$")


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    help: str
    example: str = ""


def _labels(choices) -> str:
    return ", ".join(label for _, label in choices)


COLUMNS = [
    Column("name", True, "The client's name, up to 200 characters.", "Acme Trading Ltd"),
    Column(
        "code",
        True,
        "Short and unique in the practice: 1–20 letters, digits, '-' or '_'.",
        "ACME01",
    ),
    Column("entity_type", True, _labels(EntityType.choices) + ".", "Limited company"),
    Column("company_number", False, "8 digits, or 2 letters and 6 digits.", "01234567"),
    Column("vat_number", False, "e.g. GB123456789.", "GB123456789"),
    Column(
        "vat_frequency",
        False,
        _labels(VatFrequency.choices) + ". Blank: not VAT registered.",
        "Quarterly",
    ),
    Column(
        "payroll_frequency",
        False,
        _labels(PayrollFrequency.choices) + ". Blank: no payroll.",
        "Monthly",
    ),
    Column("year_end", False, "Day and month, e.g. 31/03 or 31 March.", "31 March"),
    Column(
        "accounting_system",
        False,
        _labels(AccountingSystem.choices) + ". Blank: Xero.",
        "Xero",
    ),
    Column("currency", False, "ISO code. Blank: GBP.", "GBP"),
    Column(
        "preparer_email",
        False,
        "Email address of an active member of your team.",
        "",
    ),
    Column(
        "reviewer_email",
        False,
        "Email address of a partner or manager of your team.",
        "",
    ),
    Column("notes", False, "Free text.", ""),
    Column("tags", False, "Separated by ';' or ','.", "retail; VAT cash scheme"),
    Column("contact_name", False, "The main contact at the client.", "Jane Smith"),
    Column(
        "contact_email",
        False,
        "A contact already known by this email address is linked, not duplicated.",
        "jane@acme.example.com",
    ),
    Column("contact_phone", False, "", "+44 20 7946 0000"),
]
COLUMN_NAMES = [column.name for column in COLUMNS]
REQUIRED_COLUMNS = [column.name for column in COLUMNS if column.required]


class CsvFileError(Refusal):
    """The file as a whole cannot be read: nothing in it is imported."""


@dataclass(frozen=True)
class Member:
    """A team member of the importing practice, as the lookups know them."""

    id: int
    email: str
    full_name: str
    role: str

    @property
    def can_review(self) -> bool:
        return self.role in REVIEWER_ROLES


@dataclass(frozen=True)
class Lookups:
    """What validation needs to know about the practice, each loaded in one query."""

    existing_codes: frozenset[str] = frozenset()
    # Active team members of the importing practice only, by lower-case email: an address of
    # another practice's member is simply unknown here.
    members: Mapping[str, Member] = field(default_factory=dict)


@dataclass
class Record:
    """One non-blank data row of the file, cells keyed by column name."""

    row_number: int
    values: dict[str, str]
    stray_columns: list[str] = field(default_factory=list)


@dataclass
class Table:
    columns: list[str]
    records: list[Record]


@dataclass
class ClientRow:
    """One client, as read from a row (with its errors) or as written to one."""

    row_number: int = 0
    name: str = ""
    code: str = ""
    entity_type: str = ""
    company_number: str = ""
    vat_number: str = ""
    vat_frequency: str = VatFrequency.NONE
    payroll_frequency: str = PayrollFrequency.NONE
    year_end_month: int | None = None
    year_end_day: int | None = None
    accounting_system: str = AccountingSystem.XERO
    currency: str = "GBP"
    preparer: Member | None = None
    reviewer: Member | None = None
    notes: str = ""
    tags: list[str] = field(default_factory=list)
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    errors: list[str] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.errors

    @property
    def entity_type_label(self) -> str:
        return _label(EntityType, self.entity_type)

    @property
    def year_end(self) -> str:
        if not self.year_end_month or not self.year_end_day:
            return ""
        return f"{self.year_end_day} {MONTH_NAMES[self.year_end_month - 1]}"


@dataclass
class ParsedFile:
    columns: list[str]
    rows: list[ClientRow]

    @property
    def valid_rows(self) -> list[ClientRow]:
        return [row for row in self.rows if row.is_valid]

    @property
    def error_rows(self) -> list[ClientRow]:
        return [row for row in self.rows if not row.is_valid]

    @property
    def is_valid(self) -> bool:
        return all(row.is_valid for row in self.rows)


# --- reading ---------------------------------------------------------------------------------


def column_key(text: str) -> str:
    """'Contact Email', 'contact-email' and 'CONTACT_EMAIL' all name ``contact_email``."""
    return re.sub(r"[^a-z0-9]+", "_", text.strip().lower()).strip("_")


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA: how a spreadsheet names the column."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _size(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB" if n >= 1024 * 1024 else f"{max(1, n // 1024)} KB"


def check_size(size: int, *, max_bytes: int) -> None:
    if size > max_bytes:
        raise CsvFileError(
            f"The file is {_size(size)}; the limit is {_size(max_bytes)}. "
            "Split it into smaller files and import them one after another."
        )


def decode(data: bytes, *, max_bytes: int) -> str:
    check_size(len(data), max_bytes=max_bytes)
    if not data.strip():
        raise CsvFileError("The file is empty. Upload a CSV file with a header row and clients.")
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise CsvFileError("This is an Excel workbook, not a CSV file. " + SAVE_AS_UTF8)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise CsvFileError(
            "This file is UTF-16 text (Excel's “Unicode Text”); it must be UTF-8. " + SAVE_AS_UTF8
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise CsvFileError(
            f"This file is not UTF-8 text: line {line} has a character that is not UTF-8. It "
            "was probably saved as “CSV (Comma delimited)”, which uses your computer's old "
            "character set, so letters such as é or £ would come out wrong. " + SAVE_AS_UTF8
        ) from exc
    if "\x00" in text:
        raise CsvFileError("This is not a CSV text file (it contains binary data). " + SAVE_AS_UTF8)
    return text


def sniff_delimiter(header_line: str) -> str:
    """The most frequent of comma, semicolon and tab on the header line (comma if none)."""
    counts = {delimiter: header_line.count(delimiter) for delimiter in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _header_columns(cells: list[str], row_number: int) -> dict[int, str]:
    """Position → column name for the header row; a wrong header raises ``CsvFileError``."""
    named = {i: column_key(cell) for i, cell in enumerate(cells) if cell.strip()}
    known = set(COLUMN_NAMES)
    if not any(name in known for name in named.values()):
        raise CsvFileError(
            f"Row {row_number} must be a header row naming the columns; it names none of "
            f"them. The columns are: {', '.join(COLUMN_NAMES)} (name, code and entity_type "
            "are required)."
        )
    unknown = [cells[i].strip() for i, name in named.items() if name not in known]
    if unknown:
        raise CsvFileError(
            f"The header row has {'a column' if len(unknown) == 1 else 'columns'} AtlasOS does "
            f"not know: {', '.join(f'“{u}”' for u in unknown)}. Rename or remove "
            f"{'it' if len(unknown) == 1 else 'them'}; the columns are: "
            f"{', '.join(COLUMN_NAMES)}."
        )
    seen: set[str] = set()
    for name in named.values():
        if name in seen:
            raise CsvFileError(f"The column {name} appears twice in the header row.")
        seen.add(name)
    missing = [name for name in REQUIRED_COLUMNS if name not in seen]
    if missing:
        raise CsvFileError(
            f"The header row has no {' or '.join(missing)} column; name, code and entity_type "
            "are required."
        )
    return named


def _unescape(cell: str) -> str:
    # Undo the export's protection against formulas: "'=SUM(A1)" was "=SUM(A1)".
    if len(cell) > 1 and cell[0] == "'" and cell[1] in "=+-@":
        return cell[1:]
    return cell


def read_table(data: bytes, *, max_bytes: int, max_rows: int) -> Table:
    """Decode and split the file into records; raise ``CsvFileError`` for any file-level
    problem. Row numbers are the spreadsheet's: the header is row 1, blank rows count."""
    text = decode(data, max_bytes=max_bytes)
    first_line = next((line for line in io.StringIO(text, newline="") if line.strip()), "")
    reader = csv.reader(
        io.StringIO(text, newline=""), delimiter=sniff_delimiter(first_line), strict=True
    )
    header: dict[int, str] | None = None
    records: list[Record] = []
    row_number = 0
    try:
        for cells in reader:
            row_number += 1
            if not any(cell.strip() for cell in cells):
                continue
            if header is None:
                header = _header_columns(cells, row_number)
                continue
            if len(records) >= max_rows:
                raise CsvFileError(
                    f"The file has more than {max_rows:,} clients; the limit is {max_rows:,} "
                    "a file. Split it and import the parts one after another."
                )
            values = {name: "" for name in header.values()}
            stray = []
            for i, cell in enumerate(cells):
                cell = cell.strip()
                if i in header:
                    values[header[i]] = _unescape(cell)
                elif cell:
                    stray.append(column_letter(i))
            records.append(Record(row_number, values, stray))
    except csv.Error as exc:
        raise CsvFileError(
            f"The file is not valid CSV at row {row_number + 1} ({exc}). Look for a quote "
            "that is opened and never closed, or a quote in the middle of a cell; then save "
            "the file again as CSV from your spreadsheet."
        ) from exc
    if header is None:
        raise CsvFileError("The file is empty. Upload a CSV file with a header row and clients.")
    if not records:
        raise CsvFileError("The file has a header row but no clients under it.")
    return Table(columns=list(header.values()), records=records)


def _choice_table(choices) -> dict[str, str]:
    table = {}
    for value, label in choices:
        table[column_key(value)] = value
        table[column_key(label)] = value
    return table


CHOICES = {
    "entity_type": (EntityType, _choice_table(EntityType.choices)),
    "vat_frequency": (VatFrequency, _choice_table(VatFrequency.choices)),
    "payroll_frequency": (PayrollFrequency, _choice_table(PayrollFrequency.choices)),
    "accounting_system": (AccountingSystem, _choice_table(AccountingSystem.choices)),
}


def _label(enum, value: str) -> str:
    try:
        return enum(value).label
    except ValueError:
        return value


# --- writing ---------------------------------------------------------------------------------


def _escape(cell: str) -> str:
    if cell.startswith(FORMULA_START) and not NUMBER_RE.match(cell):
        return "'" + cell
    return cell


def row_cells(row: ClientRow) -> list[str]:
    cells = [
        row.name,
        row.code,
        _label(EntityType, row.entity_type),
        row.company_number,
        row.vat_number,
        _label(VatFrequency, row.vat_frequency),
        _label(PayrollFrequency, row.payroll_frequency),
        row.year_end,
        _label(AccountingSystem, row.accounting_system),
        row.currency,
        row.preparer.email if row.preparer else "",
        row.reviewer.email if row.reviewer else "",
        row.notes,
        "; ".join(row.tags),
        row.contact_name,
        row.contact_email,
        row.contact_phone,
    ]
    return [_escape(cell) for cell in cells]


class _Line:
    """A file-like object whose ``write`` hands back the line, for streaming."""

    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[ClientRow]) -> Iterator[str]:
    """The export file line by line: a BOM (so Excel reads UTF-8), the header, the rows."""
    writer = csv.writer(_Line())
    yield "\ufeff" + writer.writerow(COLUMN_NAMES)
    for row in rows:
        yield writer.writerow(row_cells(row))
