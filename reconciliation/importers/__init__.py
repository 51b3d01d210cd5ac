"""Bank statements in: one module per format, behind one entry point.

``read_statement(data, filename)`` recognises the format from the file's content (the name's
extension only breaks a tie) and returns the statements it holds, or raises ``StatementError``
naming the file, where in it and what is wrong. Pure: no Django.
"""

from reconciliation.importers import camt, mt940, ofx, qif, tabular
from reconciliation.statements import Statement, StatementError

HEAD = 4096

# Most specific first: a camt or OFX file is also text a spreadsheet reader might accept.
FORMATS = (
    ("camt", camt),
    ("ofx", ofx),
    ("mt940", mt940),
    ("qif", qif),
    ("spreadsheet", tabular),
)
EXTENSIONS = {
    ".xml": "camt",
    ".053": "camt",
    ".052": "camt",
    ".054": "camt",
    ".ofx": "ofx",
    ".qfx": "ofx",
    ".qbo": "ofx",
    ".sta": "mt940",
    ".mt940": "mt940",
    ".940": "mt940",
    ".942": "mt940",
    ".qif": "qif",
    ".csv": "spreadsheet",
    ".txt": "spreadsheet",
    ".xlsx": "spreadsheet",
}
NOT_STATEMENTS = (
    (b"%PDF", "a PDF is a picture of a statement, not its data"),
    (
        b"\xd0\xcf\x11\xe0",
        "an old Excel (.xls) or Word file cannot be read: save it as .xlsx or CSV",
    ),
)
ADVICE = (
    "ask the bank for an OFX, QFX, camt.053, MT940, QIF or CSV export of the account "
    "(online banking: 'export' or 'download transactions')"
)


def detect(data: bytes, filename: str) -> str | None:
    """The format name of ``data`` (one of FORMATS), or None when nothing recognises it."""
    head = data[:HEAD]
    found = [name for name, module in FORMATS if module.looks_like(head)]
    if not found:
        return None
    hinted = EXTENSIONS.get(_extension(filename))
    return hinted if hinted in found else found[0]


def read_statement(data: bytes, filename: str) -> list[Statement]:
    """Every statement in ``data``, in file order."""
    if not data.strip():
        raise StatementError(filename, "", "the file is empty")
    for magic, problem in NOT_STATEMENTS:
        if data.startswith(magic):
            raise StatementError(filename, "", f"{problem}; {ADVICE}")
    name = detect(data, filename)
    if name is None:
        raise StatementError(filename, "", f"not a bank statement format AtlasOS reads; {ADVICE}")
    module = dict(FORMATS)[name]
    statements = module.read(data, filename)
    if not statements:
        raise StatementError(filename, "", "the file holds no statement")
    return statements


def _extension(filename: str) -> str:
    dot = filename.rfind(".")
    return filename[dot:].lower() if dot >= 0 else ""


__all__ = ["FORMATS", "Statement", "StatementError", "detect", "read_statement"]
