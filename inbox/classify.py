"""A filed document's type and period, from its file name and text (issue 12 §5). Pure Python,
no Django: the types are ``documents.models.DocType``'s values, spelt out.

**Type.** Cues are weighed: a cue in the file name 9; a cue in the text 1 to 3, doubled in
the first 2,000 characters (the heading, where a document says what it is) and not further
down, where a bank statement's transactions mention invoices, receipts and payroll. Each cue
counts once however often it appears; the heaviest type wins, ties in the order payroll,
statement, invoice, receipt. No cue: "other".

``is_bank_statement`` is the stricter question the router asks (a statement belongs to its
account holder, whoever its lines mention): typed a statement, with its balances and an
account.

**Sales or purchase.** Without knowing whose document it is, an invoice is a purchase invoice
(clients mostly send their bookkeeper the bills they received) unless it says otherwise:
"sales" in the file name, "sales invoice", "our invoice", "invoice issued", "remittance advice"
(a customer paying the client's invoice). The router's client could refine this later by
matching the invoice's issuer against the client; not done here.

**Period.** The first of the month a document is for: a statement's period (the month of
its end date: "Statement period 1 November 2026 to 30 November 2026", "01/11/2026 -
30/11/2026", "Period ending 30 Nov 2026"), else a labelled date ("Invoice date: 12 Nov
2026", "Date 12/11/2026", "Tax point", a receipt's "Date"; a due date is never one), else
the fallback's month (the message's date). Numeric dates are day first, as in the UK; dates
outside 2000–2100 and impossible ones (31/02) are ignored.
"""

import re
from datetime import date

BANK_STATEMENT = "bank_statement"
SALES_INVOICE = "sales_invoice"
PURCHASE_INVOICE = "purchase_invoice"
RECEIPT = "receipt"
PAYROLL_REPORT = "payroll_report"
OTHER = "other"

_INVOICE = "invoice"  # before deciding sales or purchase

# (type, pattern, weight). Patterns are matched on lower-case text.
_TEXT_CUES: list[tuple[str, re.Pattern[str], int]] = [
    (BANK_STATEMENT, re.compile(r"\bbank statement\b|\bstatement of account\b"), 3),
    (BANK_STATEMENT, re.compile(r"\bstatement (?:period|date|number|no\b)"), 3),
    (
        BANK_STATEMENT,
        re.compile(r"\b(?:balance )?brought forward\b|\bopening balance\b|\bclosing balance\b"),
        2,
    ),
    (BANK_STATEMENT, re.compile(r"\bsort ?code\b"), 1),
    (BANK_STATEMENT, re.compile(r"\bpaid (?:in|out)\b|\bmoney (?:in|out)\b"), 1),
    (_INVOICE, re.compile(r"\b(?:tax |vat |sales |purchase )?invoice\b"), 3),
    (_INVOICE, re.compile(r"\binvoice (?:no\b|number|date|#)|\bcredit note\b"), 2),
    (_INVOICE, re.compile(r"\b(?:amount|balance|total) due\b|\bpayment terms\b|\bbill to\b"), 1),
    (RECEIPT, re.compile(r"\breceipt\b"), 3),
    (
        RECEIPT,
        re.compile(
            r"\bcard slip\b|\bcustomer copy\b|\bmerchant copy\b"
            r"|\btill (?:no\b|number|id\b|ref)|\btill\s*:"
        ),
        3,
    ),
    (RECEIPT, re.compile(r"\bchange due\b|\bcontactless\b|\bauth(?:orisation)? code\b"), 2),
    (RECEIPT, re.compile(r"\bthank you for (?:your purchase|shopping)\b"), 2),
    (PAYROLL_REPORT, re.compile(r"\bpay ?slips?\b|\bpayroll\b|\bp32\b|\bp60\b|\bp11d?\b"), 3),
    (
        PAYROLL_REPORT,
        re.compile(r"\bfull payment submission\b|\bemployer payment summary\b|\bfps\b|\beps\b"),
        3,
    ),
    (PAYROLL_REPORT, re.compile(r"\bnet pay\b|\btax code\b|\bni (?:number|category)\b"), 1),
    (PAYROLL_REPORT, re.compile(r"\bemployer'?s? ni\b|\bpaye\b"), 1),
]
_NAME_CUES: list[tuple[str, re.Pattern[str]]] = [
    (BANK_STATEMENT, re.compile(r"statement|estatement|\bstmt")),
    (_INVOICE, re.compile(r"invoice|\binv\b|\binv[-_ ]?\d|credit[-_ ]?note")),
    (RECEIPT, re.compile(r"receipt|\btill\b|card[-_ ]?slip")),
    (PAYROLL_REPORT, re.compile(r"pay[-_ ]?slip|payroll|\b(?:p32|p60|p11d?|fps|eps)\b")),
]
_NAME_WEIGHT = 3
_HEAD = 2000
# Ties go to the first: a statement mentioning a receipt is a statement.
_ORDER = (PAYROLL_REPORT, BANK_STATEMENT, _INVOICE, RECEIPT)

_SALES_NAME = re.compile(r"\bsales?\b|sales[-_ ]?inv")
_SALES_TEXT = re.compile(
    r"\bsales invoice\b|\bour invoice\b|\binvoice issued\b|\bremittance advice\b"
    r"|\bwe have invoiced\b"
)
_NAME_WORDS = re.compile(r"[^a-z0-9]+")


def doc_type(name: str, text: str) -> str:
    """One of "bank_statement", "sales_invoice", "purchase_invoice", "receipt",
    "payroll_report", "other" (see the module's docstring for the weighing)."""
    name = _NAME_WORDS.sub(" ", name.lower())
    text = text.lower()
    head = text[:_HEAD]
    scores = dict.fromkeys(_ORDER, 0)
    for kind, pattern in _NAME_CUES:
        if pattern.search(name):
            scores[kind] += _NAME_WEIGHT * 3
    for kind, pattern, weight in _TEXT_CUES:
        if pattern.search(head):
            scores[kind] += 2 * weight
        elif pattern.search(text, _HEAD):
            scores[kind] += weight
    best = max(_ORDER, key=lambda kind: scores[kind])  # the first of equals
    if not scores[best]:
        return OTHER
    if best == _INVOICE:
        sales = _SALES_NAME.search(name) or _SALES_TEXT.search(head)
        return SALES_INVOICE if sales else PURCHASE_INVOICE
    return best


_STATEMENT_MARKS = [
    re.compile(r"\b(?:balance )?brought forward\b|\bopening balance\b|\bclosing balance\b"),
    re.compile(r"\bsort ?code\b|\biban\b|\baccount (?:number|no\b)|\b\d\d-\d\d-\d\d\b"),
]


def is_bank_statement(text: str) -> bool:
    """Whether the text is a bank statement beyond doubt: typed so, with a statement's
    balances (brought forward, opening, closing) and an account (the router lets a statement
    belong to its account holder whoever it mentions, so a sort code in an email is not
    enough)."""
    low = text.lower()
    return doc_type("", text) == BANK_STATEMENT and all(
        mark.search(low) for mark in _STATEMENT_MARKS
    )


# -- Dates ---------------------------------------------------------------------------------

_MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_DATE = (
    r"(?:(?P<d1>\d{1,2})(?:st|nd|rd|th)?[ -](?:of )?(?P<m1>" + _MONTH + r")\b\.?,?[ -](?P<y1>\d{4})"
    r"|\b(?P<m2>" + _MONTH + r")\.? (?P<d2>\d{1,2})(?:st|nd|rd|th)?,? (?P<y2>\d{4})"
    r"|(?P<d3>\d{1,2})[/.-](?P<m3>\d{1,2})[/.-](?P<y3>\d{4}|\d{2})(?!\d)"
    r"|(?P<y4>\d{4})-(?P<m4>\d{2})-(?P<d4>\d{2}))"
)


def _named(pattern: str, suffix: str) -> str:
    """``pattern`` with its group names suffixed, to use it twice in one expression."""
    return re.sub(r"\(\?P<(\w+)>", lambda m: f"(?P<{m.group(1)}{suffix}>", pattern)


_RANGE = re.compile(
    r"(?<![\d/.-])"
    + _named(_DATE, "a")
    + r"\s*(?:to|until|till|through|thru|-|–|—)\s*"
    + _named(_DATE, "b")
)
_PERIOD_END = re.compile(
    r"\b(?:period|month|year|statement|quarter)\s+(?:end(?:ing|ed)?|to)\b[\s:]*" + _DATE
)
_PERIOD_MONTH = re.compile(
    r"\b(?:pay |tax |statement |accounting )?(?:period|month)\b[\s:]*(?:of\s+)?(?P<pm>"
    + _MONTH
    + r")\.?,? (?P<py>\d{4})\b"
)
# An invoice's or receipt's own date first, then any date labelled "Date"; never a due date.
_LABELLED = [
    re.compile(
        r"\b(?:invoice date|invoice/tax point|tax point(?: date)?|date of (?:invoice|issue|supply"
        r"|purchase|sale|transaction)|issue date|date issued|receipt date|transaction date)\b"
        r"[\s:]*" + _DATE
    ),
    re.compile(r"(?<!due )(?<!payment )\b(?:dated|date)\b[\s:]*" + _DATE),
]


def _to_date(groups: dict[str, str | None], suffix: str = "") -> date | None:
    def get(key: str) -> str | None:
        return groups.get(key + suffix)

    for i in "1234":
        year = get(f"y{i}")
        if year is None:
            continue
        month_text, day = get(f"m{i}"), get(f"d{i}")
        month = int(month_text) if month_text.isdigit() else _MONTHS[month_text[:3]]
        year_number = int(year) + (2000 if len(year) == 2 else 0)
        if not 2000 <= year_number <= 2100:
            return None
        try:
            return date(year_number, month, int(day))
        except ValueError:
            return None
    return None


def _month(day: date) -> date:
    return day.replace(day=1)


def period(text: str, fallback: date | None) -> date | None:
    """The first of the month the document is for (see the module's docstring), or None when
    the text has no usable date and there is no fallback."""
    low = text.lower()
    for m in _RANGE.finditer(low):
        start, end = _to_date(m.groupdict(), "a"), _to_date(m.groupdict(), "b")
        if start and end and start <= end:
            return _month(end)
    for m in _PERIOD_END.finditer(low):
        end = _to_date(m.groupdict())
        if end:
            return _month(end)
    for m in _PERIOD_MONTH.finditer(low):
        year = int(m.group("py"))
        if 2000 <= year <= 2100:
            return date(year, _MONTHS[m.group("pm")[:3]], 1)
    for pattern in _LABELLED:
        for m in pattern.finditer(low):
            when = _to_date(m.groupdict())
            if when:
                return _month(when)
    return _month(fallback) if fallback else None
