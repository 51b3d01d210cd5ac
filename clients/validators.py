"""Validation of the identifiers a bookkeeper types in: plain functions, no database."""

import calendar
import re

import pycountry
from django.core.exceptions import ValidationError
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

CURRENCY_CODES = frozenset(c.alpha_3 for c in pycountry.currencies)
COMPANY_NUMBER_RE = re.compile(r"^(?:[A-Z]{2}\d{6}|\d{8})$")
CLIENT_CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{0,19}$")
SORT_CODE_RE = re.compile(r"^\d{6}$")
ACCOUNT_NUMBER_RE = re.compile(r"^\d{8}$")


def normalise_code(value: str) -> str:
    return value.strip().upper()


def validate_client_code(value: str) -> None:
    if not CLIENT_CODE_RE.match(value):
        raise ValidationError(
            "Use 1–20 capital letters, digits, '-' or '_', starting with a letter or digit "
            "(e.g. ACME01)."
        )


def validate_currency(value: str) -> None:
    if value not in CURRENCY_CODES:
        raise ValidationError(f"“{value}” is not an ISO 4217 currency code (e.g. GBP, EUR).")


def normalise_company_number(value: str) -> str:
    value = re.sub(r"\s+", "", value).upper()
    if value.isdigit() and len(value) < 8:
        value = value.zfill(8)
    return value


def validate_company_number(value: str) -> None:
    if value and not COMPANY_NUMBER_RE.match(value):
        raise ValidationError(
            "A company number is 8 digits, or 2 letters and 6 digits (e.g. 01234567, SC123456)."
        )


def normalise_vat_number(value: str) -> str:
    return re.sub(r"[\s.-]+", "", value).upper()


def validate_vat_number(value: str) -> None:
    if value and not re.match(r"^(?:[A-Z]{2})?[0-9A-Z]{8,12}$", value):
        raise ValidationError("Enter a VAT number such as GB123456789.")


def validate_year_end(month: int | None, day: int | None) -> None:
    if month is None and day is None:
        return
    if month is None or day is None:
        raise ValidationError("Give both the day and the month of the financial year end.")
    if not 1 <= month <= 12:
        raise ValidationError("The month of the year end must be between 1 and 12.")
    # February is allowed its 29th: a year end can fall on a leap day.
    last = 29 if month == 2 else calendar.monthrange(2025, month)[1]
    if not 1 <= day <= last:
        raise ValidationError(f"{calendar.month_name[month]} has no day {day}.")


def normalise_sort_code(value: str) -> str:
    return re.sub(r"[\s-]+", "", value)


def validate_sort_code(value: str) -> None:
    if value and not SORT_CODE_RE.match(value):
        raise ValidationError("A sort code is 6 digits (e.g. 20-00-00).")


def validate_account_number(value: str) -> None:
    if value and not ACCOUNT_NUMBER_RE.match(value):
        raise ValidationError("A UK account number is 8 digits.")


def normalise_iban(value: str) -> str:
    return re.sub(r"\s+", "", value).upper()


def validate_iban(value: str) -> None:
    if not value:
        return
    try:
        IBAN(value)
    except SchwiftyException as exc:
        raise ValidationError(f"This IBAN is not valid: {exc}.") from exc


def parse_year_end(text: str) -> tuple[int | None, int | None]:
    """'31/03', '31-03', '31 March', '31 Mar' or '2026-03-31' → (month, day)."""
    text = text.strip()
    if not text:
        return None, None
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text):
        return int(m.group(2)), int(m.group(3))
    if m := re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})", text):
        return int(m.group(2)), int(m.group(1))
    if m := re.fullmatch(r"(\d{1,2})\s+([A-Za-z]+)", text):
        word = m.group(2).lower()
        for number in range(1, 13):
            name = calendar.month_name[number].lower()
            if len(word) >= 3 and name.startswith(word):
                return number, int(m.group(1))
    raise ValidationError("Write the year end as day/month, e.g. 31/03 or 31 March.")
