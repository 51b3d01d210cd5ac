"""Bank files as rows of cells: the shared spreadsheet reader (``documents.spreadsheets``),
its refusals raised as ``StatementError`` like every other bank-file importer's."""

from __future__ import annotations

import functools

from documents import spreadsheets
from documents.spreadsheets import (  # noqa: F401  (these raise nothing)
    guess_delimiter,
    guess_encoding,
    is_xlsx,
    looks_like,
)
from reconciliation.statements import StatementError


def _refusals_as_statement_errors(function):
    @functools.wraps(function)
    def read(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except spreadsheets.SpreadsheetError as error:
            raise StatementError(error.filename, error.where, error.problem) from None

    return read


check_readable = _refusals_as_statement_errors(spreadsheets.check_readable)
decode = _refusals_as_statement_errors(spreadsheets.decode)
text_rows = _refusals_as_statement_errors(spreadsheets.text_rows)
xlsx_rows = _refusals_as_statement_errors(spreadsheets.xlsx_rows)
load_rows = _refusals_as_statement_errors(spreadsheets.load_rows)
