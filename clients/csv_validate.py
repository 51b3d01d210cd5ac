"""Validating an imported client CSV, row by row: pure logic, no database. Each record of
``csv_io.read_table`` becomes a ``ClientRow`` with its own errors, checked against lookups the
service loaded beforehand (existing codes, the practice's team members)."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from atlasos.form_fields import text_problem
from clients import validators
from clients.choices import AccountingSystem, PayrollFrequency, VatFrequency
from clients.csv_io import (
    CHOICES,
    ClientRow,
    Lookups,
    ParsedFile,
    Record,
    Table,
    _labels,
    column_key,
    read_table,
)
from clients.forms import split_tags

# --- validating ------------------------------------------------------------------------------


def _excel_year_end(text: str) -> str:
    """Excel turns 31/03 into a date and saves it as 31/03/2026 or 31-Mar: take the day and
    month back (day first: the practices are British)."""
    text = text.strip()
    if m := re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-]\d{2,4}", text):
        return f"{m.group(1)}/{m.group(2)}"
    if m := re.fullmatch(r"(\d{1,2})[\s/.-]+([A-Za-z]+)(?:[\s/.-]+\d{2,4})?", text):
        return f"{m.group(1)} {m.group(2)}"
    return text


def _messages(exc: ValidationError) -> str:
    return " ".join(exc.messages)


# The one column that may run over several lines; every other cell is a single line.
MULTI_LINE_COLUMNS = frozenset({"notes"})


def _text_errors(values: dict[str, str]) -> list[str]:
    """A message for each cell holding a line break (outside notes), a tab or a control
    character: refused as the forms refuse them, never silently joined up."""
    if text_problem("".join(values.values())) is None:
        return []  # the common case: nothing in the whole row, checked in one pass
    errors = []
    for column, value in values.items():
        if problem := text_problem(value, multi_line=column in MULTI_LINE_COLUMNS):
            errors.append(f"{column}: {problem[0].lower()}{problem[1:].rstrip('.')}")
    return errors


def _error_column(message: str) -> str:
    return message.split(":", 1)[0]


def validate_record(record: Record, lookups: Lookups) -> ClientRow:
    """One record → one ``ClientRow``; every problem becomes a message naming its column. A
    cell with a line break or a control character gets that message alone."""
    row = _validate_values(record, lookups)
    if text_errors := _text_errors(record.values):
        columns = {_error_column(message) for message in text_errors}
        row.errors[:] = text_errors + [e for e in row.errors if _error_column(e) not in columns]
    return row


def _validate_values(record: Record, lookups: Lookups) -> ClientRow:
    v = record.values
    row = ClientRow(row_number=record.row_number)
    errors = row.errors
    if record.stray_columns:
        errors.append(f"values in column {', '.join(record.stray_columns)}, which has no heading")

    row.name = " ".join(v.get("name", "").split())
    if not row.name:
        errors.append("name: required")
    elif len(row.name) > 200:
        errors.append(f"name: at most 200 characters (this one has {len(row.name)})")

    row.code = validators.normalise_code(v.get("code", ""))
    if not row.code:
        errors.append("code: required")
    else:
        try:
            validators.validate_client_code(row.code)
        except ValidationError as exc:
            errors.append(f"code: {_messages(exc)}")
        else:
            if row.code in lookups.existing_codes:
                errors.append(f"code: a client with code {row.code} already exists")

    for column, default in (
        ("entity_type", None),
        ("vat_frequency", VatFrequency.NONE),
        ("payroll_frequency", PayrollFrequency.NONE),
        ("accounting_system", AccountingSystem.XERO),
    ):
        text = v.get(column, "")
        enum, table = CHOICES[column]
        if not text:
            if default is None:
                errors.append(f"{column}: required ({_labels(enum.choices)})")
            else:
                setattr(row, column, str(default))
        elif (value := table.get(column_key(text))) is not None:
            setattr(row, column, value)
        else:
            errors.append(f"{column}: “{text}” is not one of {_labels(enum.choices)}")

    row.company_number = validators.normalise_company_number(v.get("company_number", ""))
    row.vat_number = validators.normalise_vat_number(v.get("vat_number", ""))
    for column, validate in (
        ("company_number", validators.validate_company_number),
        ("vat_number", validators.validate_vat_number),
    ):
        try:
            validate(getattr(row, column))
        except ValidationError as exc:
            errors.append(f"{column}: {_messages(exc)}")

    try:
        month, day = validators.parse_year_end(_excel_year_end(v.get("year_end", "")))
        validators.validate_year_end(month, day)
    except ValidationError as exc:
        errors.append(f"year_end: {_messages(exc)}")
    else:
        row.year_end_month, row.year_end_day = month, day

    row.currency = v.get("currency", "").upper() or "GBP"
    try:
        validators.validate_currency(row.currency)
    except ValidationError as exc:
        errors.append(f"currency: {_messages(exc)}")

    for column in ("preparer_email", "reviewer_email"):
        email = v.get(column, "").lower()
        if not email:
            continue
        member = lookups.members.get(email)
        if member is None:
            errors.append(f"{column}: no active member of your team has the email {email}")
        elif column == "reviewer_email" and not member.can_review:
            errors.append(
                f"{column}: {member.full_name} is {member.role}; the reviewer must be a "
                "partner or manager"
            )
        else:
            setattr(row, column.removesuffix("_email"), member)

    row.notes = v.get("notes", "")
    row.tags = split_tags(v.get("tags", ""))

    row.contact_name = " ".join(v.get("contact_name", "").split())
    row.contact_email = v.get("contact_email", "").lower()
    row.contact_phone = v.get("contact_phone", "")
    if len(row.contact_email) > 254:
        errors.append("contact_email: at most 254 characters")
    elif row.contact_email:
        try:
            validate_email(row.contact_email)
        except ValidationError:
            errors.append(f"contact_email: “{row.contact_email}” is not an email address")
    if (row.contact_email or row.contact_phone) and not row.contact_name:
        errors.append("contact_name: required when the row gives a contact email or phone")
    if len(row.contact_name) > 150:
        errors.append("contact_name: at most 150 characters")
    if len(row.contact_phone) > 40:
        errors.append("contact_phone: at most 40 characters")
    return row


def validate(table: Table, lookups: Lookups) -> ParsedFile:
    rows = [validate_record(record, lookups) for record in table.records]
    by_code: dict[str, list[int]] = {}
    for row in rows:
        if row.code:
            by_code.setdefault(row.code, []).append(row.row_number)
    for row in rows:
        others = [n for n in by_code.get(row.code, ()) if n != row.row_number]
        if others:
            where = (
                f"row {others[0]}"
                if len(others) == 1
                else f"rows {', '.join(map(str, others[:-1]))} and {others[-1]}"
            )
            row.errors.append(f"code: {row.code} is also on {where}")
    return ParsedFile(columns=table.columns, rows=rows)


def parse_clients(data: bytes, lookups: Lookups, *, max_bytes: int, max_rows: int) -> ParsedFile:
    """The whole import check: ``CsvFileError`` for the file, errors on each row otherwise."""
    return validate(read_table(data, max_bytes=max_bytes, max_rows=max_rows), lookups)
