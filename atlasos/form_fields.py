"""Form fields for what people type, used by every form of every app.

- ``SingleLineField``: names, titles, codes, search boxes. No line break, tab, NUL or other
  control character: a name ends up in email subjects and headers, where a line break makes the
  email unsendable (or lets someone add headers), and PostgreSQL refuses NUL outright.
- ``MultiLineField``: notes, descriptions, messages. Line breaks and tabs are fine; NUL and the
  other control characters are not.
- ``BoundedDateField``: a date a bookkeeping practice could mean, from 1 January 2000 to the end
  of the year ten years from now. Year 9999 or year 1 breaks date arithmetic in pages and jobs.

``model_form_field`` is the ``formfield_callback`` that gives a ModelForm these fields for its
model's text and date fields; ``text_problem`` and ``date_problem`` say what is wrong with a value
for code that reads input without a form (the CSV import).
"""

import datetime
import re

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.db import models
from django.utils.formats import date_format

from atlasos import clock

EARLIEST_YEAR = 2000
YEARS_AHEAD = 10

# C0 controls (NUL, tab, line feed, carriage return, escape...), DEL and the C1 controls.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# What a multi-line field may hold among them.
MULTI_LINE_ALLOWED = frozenset("\t\n\r")
# Everything that starts a new line in Python, an email header or a browser.
LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
_SUSPECT = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")

ONE_LINE_MESSAGE = "Keep this on one line (it has a line break)."
TAB_MESSAGE = "Replace the tab with a space (this is a single line of text)."


def _character_name(char: str) -> str:
    if char == "\x00":
        return "the null character (NUL)"
    return f"the invisible control character U+{ord(char):04X}"


def text_problem(value: str, *, multi_line: bool = False) -> str | None:
    """Why ``value`` cannot be stored as typed text, or None when it can."""
    if not _SUSPECT.search(value):
        return None  # the common case, checked in one pass (the CSV import reads many cells)
    if not multi_line:
        if any(char in LINE_BREAKS for char in value):
            return ONE_LINE_MESSAGE
        if "\t" in value:
            return TAB_MESSAGE
    for match in CONTROL_CHARACTERS.finditer(value):
        char = match.group()
        if not (multi_line and char in MULTI_LINE_ALLOWED):
            return f"Remove {_character_name(char)} from this text."
    return None


def validate_single_line(value: str) -> None:
    if problem := text_problem(value):
        raise ValidationError(problem, code="not_single_line")


def validate_multi_line(value: str) -> None:
    if problem := text_problem(value, multi_line=True):
        raise ValidationError(problem, code="control_character")


class _TextField(forms.CharField):
    text_validator = staticmethod(validate_single_line)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # Our validator names NUL itself; Django's would add a second message for it.
        self.validators = [
            validator
            for validator in self.validators
            if not isinstance(validator, ProhibitNullCharactersValidator)
        ]
        self.validators.append(self.text_validator)


class SingleLineField(_TextField):
    """One line of text: no line break, tab or control character."""


class MultiLineField(_TextField):
    """Text over several lines: line breaks and tabs, but no NUL or other control character."""

    widget = forms.Textarea
    text_validator = staticmethod(validate_multi_line)


# --- dates -----------------------------------------------------------------------------------


def date_bounds() -> tuple[datetime.date, datetime.date]:
    """The first and last date anyone may type: 1 January 2000 to 31 December, ten years on."""
    this_year = clock.local_date(settings.TIME_ZONE).year
    return datetime.date(EARLIEST_YEAR, 1, 1), datetime.date(this_year + YEARS_AHEAD, 12, 31)


def _long_date(day: datetime.date) -> str:
    return date_format(day, "j F Y")


def date_problem(value: datetime.date) -> str | None:
    """Why ``value`` is not a date a practice would mean, or None when it is."""
    first, last = date_bounds()
    if first <= value <= last:
        return None
    return f"Enter a date between {_long_date(first)} and {_long_date(last)}."


def validate_date_in_bounds(value: datetime.date) -> None:
    if problem := date_problem(value):
        raise ValidationError(problem, code="date_out_of_range")


class DateInput(forms.DateInput):
    """The browser's date picker, limited to the same bounds (worked out when it renders)."""

    input_type = "date"

    def __init__(self, attrs=None, format="%Y-%m-%d"):
        super().__init__(attrs, format)

    def get_context(self, name, value, attrs):
        first, last = date_bounds()
        attrs = {"min": first.isoformat(), "max": last.isoformat(), **(attrs or {})}
        return super().get_context(name, value, attrs)


class BoundedDateField(forms.DateField):
    """A date between 1 January 2000 and the end of the year ten years from now."""

    widget = DateInput
    default_validators = [validate_date_in_bounds]


# --- model forms -----------------------------------------------------------------------------


def model_form_field(db_field: models.Field, **kwargs) -> forms.Field | None:
    """``Meta.formfield_callback`` for ModelForms: text fields become ``SingleLineField`` or
    ``MultiLineField``, date fields ``BoundedDateField``; fields with choices and the other kinds
    (email, numbers, foreign keys...) keep Django's own."""
    field_type = type(db_field)
    if field_type is models.CharField:
        kwargs.setdefault("form_class", SingleLineField)
    elif field_type is models.TextField:
        kwargs.setdefault("form_class", MultiLineField)
    elif field_type is models.DateField:
        kwargs.setdefault("form_class", BoundedDateField)
    return db_field.formfield(**kwargs)
