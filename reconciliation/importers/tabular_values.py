"""Reading one spreadsheet cell as a date, an amount or text, the way banks write them.

Pure functions, no state: the column mapping says which separators and date format apply, and
these functions say precisely why a value does not fit ("amount '1,234.56' is not a number with
',' as the decimal separator"). Cells are text from a CSV, or Python values from an XLSX sheet
(``datetime``, ``float``, ``int``)."""

from __future__ import annotations

import datetime
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from documents.spreadsheets import Cell, cell_text  # noqa: F401  (re-exported: the importers read cells through this module)

# Currency marks that banks print beside amounts, removed before reading the number.
CURRENCY_MARKS = ("£", "€", "$", "¥", "CHF", "GBP", "EUR", "USD", "AUD", "CAD", "NZD", "ZAR")
_CURRENCY_CODES = {"GBP", "EUR", "USD", "CHF", "AUD", "CAD", "NZD", "ZAR", "SEK", "NOK", "DKK"}
_CURRENCY_WORDS = {"euros": "EUR", "euro": "EUR", "eur": "EUR", "£": "GBP", "€": "EUR", "$": "USD"}
_MINUS_SIGNS = ("-", "\u2212", "\u2013")  # hyphen, minus sign, en dash (Excel copies)
_TIME_SUFFIX = re.compile(
    r"^(?P<date>.*?)[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?( ?[AP]M)?(Z|[+-]\d{2}:?\d{2})?$", re.I
)
_EXCEL_EPOCH = datetime.date(1899, 12, 30)


def normalize_header(text: str) -> str:
    """A header as a comparable key: case, accents, a "(GBP)" suffix and spacing ignored."""
    text = unicodedata.normalize("NFKD", cell_text(text).casefold())
    text = "".join(char for char in text if not unicodedata.combining(char))
    text = re.sub(r"\(.*?\)", " ", text).replace("_", " ")
    words = text.replace("#", " ").split()
    while len(words) > 1 and (words[-1] in _CURRENCY_WORDS or words[-1].upper() in _CURRENCY_CODES):
        words.pop()
    return " ".join(words).strip(" :.")


def compact_header(text: str) -> str:
    """The loose key for a column named in a mapping: case and spaces ignored."""
    return "".join(cell_text(text).casefold().split())


def currency_in_header(text: str) -> str:
    """ "Amount (GBP)", "Bedrag (EUR)", "Débit euros" -> the ISO code; "" when none."""
    for word in re.split(r"[\s()\[\]]+", cell_text(text)):
        if word.upper() in _CURRENCY_CODES:
            return word.upper()
        if word.casefold() in _CURRENCY_WORDS:
            return _CURRENCY_WORDS[word.casefold()]
    return ""


def date_format_label(date_format: str) -> str:
    """ "%d/%m/%Y" -> "DD/MM/YYYY", for messages a bookkeeper can compare with the file."""
    labels = {"%d": "DD", "%m": "MM", "%Y": "YYYY", "%y": "YY", "%b": "Mon", "%B": "Month"}
    for code, label in labels.items():
        date_format = date_format.replace(code, label)
    return date_format


def parse_date(value: Cell, date_format: str) -> datetime.date:
    """A date cell; raises ValueError with the reason for the rejected-row list."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and 20000 < value < 80000:
        # An Excel date serial in a cell not formatted as a date.
        return _EXCEL_EPOCH + datetime.timedelta(days=int(value))
    text = cell_text(value)
    if not text:
        raise ValueError("no date")
    for candidate in (text, _without_time(text)):
        try:
            parsed = datetime.datetime.strptime(candidate, date_format).date()
        except ValueError:
            continue
        if parsed.year >= 1900:  # "%Y" also reads "26" as the year 26
            return parsed
    raise ValueError(f"date '{text}' is not a date in the format {date_format_label(date_format)}")


def _without_time(text: str) -> str:
    match = _TIME_SUFFIX.match(text)
    return match.group("date") if match else text


def parse_amount(
    value: Cell, decimal_separator: str = ".", thousands_separator: str = ","
) -> Decimal | None:
    """An amount cell as a signed Decimal, None when empty.

    Understands the ways banks write a sign: "-12.50", "12.50-", "(12.50)", "12.50 DR",
    "12.50 CR", "+12.50", and currency marks ("£1,234.56", "1.234,56 €"). Raises ValueError
    with the reason when the text is not a number with the given separators."""
    if isinstance(value, bool):
        raise ValueError(f"amount '{cell_text(value)}' is not a number")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        # Spreadsheet floats carry binary noise (0.1 + 0.2); amounts are in cents.
        return Decimal(str(round(value, 2))).quantize(Decimal("0.01"))
    text = cell_text(value)
    if not text:
        return None
    number, negative = _strip_sign(text)
    number = "".join(number.split())  # spaces, no-break spaces and thin spaces as grouping
    if thousands_separator and thousands_separator.strip():
        grouped = re.escape(thousands_separator)
        pattern = rf"(\d{{1,3}}(?:{grouped}\d{{3}})+|\d*)"
    else:
        pattern = r"(\d*)"
    decimal = re.escape(decimal_separator)
    match = re.fullmatch(pattern + rf"(?:{decimal}(\d+))?", number)
    if not match or not (match.group(1) or match.group(2)):
        raise ValueError(_not_a_number(text, decimal_separator))
    whole = match.group(1) or "0"
    if thousands_separator:
        whole = whole.replace(thousands_separator, "")
    try:
        amount = Decimal(f"{whole}.{match.group(2)}" if match.group(2) else whole)
    except InvalidOperation:
        raise ValueError(_not_a_number(text, decimal_separator)) from None
    return -amount if negative else amount


def _not_a_number(text: str, decimal_separator: str) -> str:
    if re.search(r"\d", text):
        return (
            f"amount '{text}' is not a number with '{decimal_separator}' as the decimal separator"
        )
    return f"amount '{text}' is not a number"


def _strip_sign(text: str) -> tuple[str, bool]:
    """The bare number and whether it is negative."""
    negative = False
    text = text.strip()
    upper = text.upper()
    for suffix, is_negative in (("DR", True), ("CR", False), ("D", True), ("C", False)):
        if upper.endswith(suffix) and upper[: -len(suffix)].rstrip()[-1:].isdigit():
            text, negative = text[: -len(suffix)].strip(), is_negative
            break
    if text.startswith("(") and text.endswith(")"):
        text, negative = text[1:-1].strip(), True
    for mark in CURRENCY_MARKS:
        text = text.replace(mark, "").replace(mark.lower(), "")
    text = text.strip()
    if text[:1] in _MINUS_SIGNS:
        text, negative = text[1:].strip(), not negative
    elif text[-1:] in _MINUS_SIGNS:
        text, negative = text[:-1].strip(), not negative
    elif text[:1] == "+":
        text = text[1:].strip()
    # "-£12.50" and "£-12.50" both reach here with the sign already taken.
    if text.startswith("(") and text.endswith(")"):
        text, negative = text[1:-1].strip(), True
    return text, negative


# Words a direction column ("Af Bij", "Debit/Credit", "S/H") uses for money out and money in.
DIRECTION_OUT = {"af", "debit", "debet", "d", "dr", "s", "soll", "out", "-", "withdrawal"}
DIRECTION_IN = {"bij", "credit", "c", "cr", "h", "haben", "in", "+", "deposit"}


def parse_direction(value: Cell) -> int:
    """+1 for money in, -1 for money out; raises ValueError otherwise."""
    text = cell_text(value)
    word = normalize_header(text)
    if word in DIRECTION_OUT:
        return -1
    if word in DIRECTION_IN:
        return 1
    raise ValueError(f"'{text}' does not say money in or money out (expected e.g. Af or Bij)")
