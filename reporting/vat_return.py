"""Reading a UK VAT return as the accounting systems export it: Xero's VAT Return, QuickBooks
Online's VAT return, Sage's VAT return report, any table of box numbers and amounts, or a VAT
detail (audit) export listing the transactions behind the return.

Two kinds of file, told apart by their header row:
- the return itself, one row per box. A row's box is read from an explicit label ("Box 1",
  "VAT box 1"), from a bare box number in the Box column (or, with no Box column, in the first
  cell), or from HMRC's description of the box in the old or the current wording, in any case and
  punctuation ("VAT due in the period on sales and other outputs", "Total VAT due (the sum of
  boxes 1 and 2)"...), or from the Making Tax Digital field name (``vatDueSales``). The amount is
  the Amount column's, or the row's last figure that is not the box number. Box 3 should be box 1
  + box 2 and box 5 the difference between boxes 3 and 4, to the penny: ``problems()`` says when
  they are not. A box 5 printed negative (a repayment, as some systems show it) is accepted.
- a VAT detail export: a header with a VAT (or Tax) column beside a Net (or Gross) column, one row
  per transaction. Each row is a sale or a purchase, read in this order from its tax rate or tax
  code, a Sales/Purchases column, the section it sits in (Xero groups its VAT Audit Report by tax
  rate) and its transaction type. Box 1 is the sales' VAT, box 4 the purchases' VAT, boxes 6 and 7
  their net amounts (in pence: HMRC wants whole pounds there, which is the filer's rounding, not
  the reader's), box 3 = box 1 and box 5 = |box 3 - box 4|. Reverse-charge purchases put their VAT
  in both box 1 and box 4. Rows outside the return ("No VAT", Sage's T9, "outside the scope") are
  counted and left out. EC acquisitions and dispatches (boxes 2, 8 and 9, Northern Ireland goods
  only) are not built from a detail export: such rows are rejected with that reason.

What was checked against published material, and what was assumed:
- Checked: HMRC's box wording on the VAT100 form and the April 2021 wording of boxes 2, 4, 8 and
  9 for the Northern Ireland protocol; the MTD VAT API's field names and box 5 as the difference
  between boxes 3 and 4. Xero's default UK tax rate names ("20% (VAT on Income)", "20% (VAT on
  Expenses)", "Zero Rated Income", "Exempt Expenses", "No VAT", "Reverse Charge Expenses (20%)"),
  that "No VAT" transactions are left out of the return, and that the VAT Audit Report groups
  transactions by tax rate (help.xero.com/uk). QuickBooks Online's UK VAT codes ("20.0% S",
  "5.0% R", "0.0% Z", "Exempt", "No VAT") and QuickBooks' report footer ("Accrual basis").
  Sage 50's tax codes (T0, T1, T2, T5; T9 not on the return) and its transaction types for sales
  (SI, SC, SR, SA, SP, SD, BR, CR, VR, JC) and purchases (PI, PC, PP, PA, PR, PD, BP, CP, VP, JD)
  from Sage's "how the VAT return calculates" articles.
- Assumed: the exact columns and title rows of each vendor's CSV/Excel export, which none
  publishes. So the reader does not depend on them: it recognises the HMRC wording every vendor
  prints, and names the vendor only from its name in the file name or title rows, its tax rate or
  code names, or QuickBooks' basis footer ("generic" otherwise). In a detail export: that credit
  notes printed as positive amounts (Sage's SC and PC) reduce their side; that a header "Net" or
  "Gross" beside "VAT"/"Tax" is what it says. A detail report grouped by VAT box (where one
  transaction is listed under several boxes) is refused: export the return instead.

Pure: bytes in, facts out, no database.
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal

from documents.spreadsheets import Cell, SpreadsheetError, cell_text, read_table
from reporting.trial_balance import ZERO, Rejected, money, rows_not_read

HEADER_SEARCH_ROWS = 25

BOX_NAMES = {
    1: "VAT due on sales and other outputs",
    2: "VAT due on acquisitions from EU member states",
    3: "total VAT due",
    4: "VAT reclaimed on purchases and other inputs",
    5: "net VAT to pay or reclaim",
    6: "total value of sales excluding VAT",
    7: "total value of purchases excluding VAT",
    8: "total value of supplies of goods to EU member states",
    9: "total value of acquisitions of goods from EU member states",
}
# Making Tax Digital's names for the boxes, which a hand-made spreadsheet may use.
MTD_NAMES = {
    "vatduesales": 1,
    "vatdueacquisitions": 2,
    "totalvatdue": 3,
    "vatreclaimedcurrperiod": 4,
    "netvatdue": 5,
    "totalvaluesalesexvat": 6,
    "totalvaluepurchasesexvat": 7,
    "totalvaluegoodssuppliedexvat": 8,
    "totalacquisitionsexvat": 9,
}

BOX_HEADERS = {"box", "box no", "box no.", "box number", "vat box", "box #"}
DESCRIPTION_HEADERS = {"description", "box description", "details", "name", "item", "line"}
AMOUNT_HEADERS = ("amount", "value", "£", "gbp", "figure", "total", "final amount", "vat")
ADJUSTED_AMOUNT_HEADERS = ("final amount", "total", "amount", "value", "£", "gbp", "figure")

VAT_HEADERS = {"vat", "vat amount", "tax", "tax amount", "vat value", "tax value", "vat total"}
NET_HEADERS = {"net", "net amount", "net value", "goods", "net total", "amount net", "net of vat"}
NET_HEADERS |= {"exc vat", "excl vat", "ex vat", "amount exc vat", "amount excl vat"}
GROSS_HEADERS = {"gross", "gross amount", "gross value", "gross total", "total", "inc vat"}
GROSS_HEADERS |= {"incl vat", "amount inc vat", "amount incl vat"}
DATE_HEADERS = {"date", "transaction date", "tax date", "tax point", "tax point date"}
DATE_HEADERS |= {"invoice date", "posting date", "txn date"}
RATE_HEADERS = {"vat rate", "tax rate", "vat code", "tax code", "rate", "t/c", "tc", "tax type"}
RATE_HEADERS |= {"vat rate name", "tax rate name", "vat type", "vat treatment"}
TYPE_HEADERS = {"type", "transaction type", "source", "trans type", "tx type", "txn type"}
SIDE_HEADERS = {"sales/purchases", "sales or purchases", "purchases/sales", "side"}
SIDE_HEADERS |= {"input/output", "output/input", "category"}

# Sage's transaction types (its "how the VAT return calculates" articles).
SAGE_SALES_TYPES = {"si", "sc", "sr", "sa", "sp", "sd", "br", "cr", "vr", "jc"}
SAGE_PURCHASE_TYPES = {"pi", "pc", "pp", "pa", "pr", "pd", "bp", "cp", "vp", "jd"}
CREDIT_TYPES = {"sc", "pc"}
CREDIT_WORDS = ("credit note", "credit memo", "supplier credit", "sales credit", "purchase credit")
PURCHASE_WORDS = ("expense", "expenses", "purchase", "purchases", "input", "inputs", "bill")
PURCHASE_WORDS += ("bills", "supplier", "spend money", "cheque", "payable", "expense claim")
SALES_WORDS = ("income", "sales", "sale", "output", "outputs", "invoice", "invoices", "customer")
SALES_WORDS += ("receive money", "sales receipt", "receivable", "credit note", "revenue")
OUTSIDE_WORDS = ("no vat", "outside the scope", "outside scope", "out of scope", "not reportable")
EC_WORDS = ("acquisition", "acquisitions", "ec goods", "eu goods", "dispatches")
XERO_RATES = ("(vat on income)", "(vat on expenses)", "zero rated income", "zero rated expenses")
XERO_RATES += ("exempt income", "exempt expenses", "reverse charge expenses")

_BOX_LABEL = re.compile(r"^\s*(?:vat\s+)?box\s*(?:no\.?\s*|number\s*)?([1-9])(?!\d)", re.I)
_BARE_BOX = re.compile(r"^([1-9])\.?$")
_QUICKBOOKS_CODE = re.compile(r"^\d+(?:\.\d+)?\s*%\s*[a-z]{1,3}(?:\s+[a-z]{1,4})*$")
_SAGE_CODE = re.compile(r"^t\d{1,2}$")

_MONTH = (
    r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(\d{4})"
_TO = r"\s*(?:-|to|until)\s*"
_ISO_RANGE = re.compile(rf"\b(\d{{4}})-(\d{{2}})-(\d{{2}}){_TO}(\d{{4}})-(\d{{2}})-(\d{{2}})\b")
_DAY_MONTH_RANGE = re.compile(
    rf"\b{_DAY}\s+{_MONTH}(?:\s+{_YEAR})?{_TO}{_DAY}\s+{_MONTH}\s+{_YEAR}\b"
)
_MONTH_DAY_RANGE = re.compile(
    rf"\b{_MONTH}\s+{_DAY}(?:\s+{_YEAR})?{_TO}{_MONTH}\s+{_DAY}\s+{_YEAR}\b"
)
_NUMERIC_RANGE = re.compile(
    rf"\b(\d{{1,2}})[/.](\d{{1,2}})[/.](\d{{4}}){_TO}(\d{{1,2}})[/.](\d{{1,2}})[/.](\d{{4}})\b"
)
_MONTH_RANGE = re.compile(rf"\b{_MONTH}(?:\s+{_YEAR})?{_TO}{_MONTH}\s+{_YEAR}\b")
_PERIOD_END = re.compile(r"\b(?:period|quarter|month|year)\s+end(?:ing|ed|s)?\b\s*:?\s*(.+)")
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_DAY_MONTH_YEAR = re.compile(rf"\b{_DAY}\s+{_MONTH}\s+{_YEAR}\b")
_MONTH_DAY_YEAR = re.compile(rf"\b{_MONTH}\s+{_DAY}\s+{_YEAR}\b")
_NUMERIC_DATE = re.compile(r"\b(\d{1,2})[/.](\d{1,2})[/.](\d{4})\b")


class VatReturnError(SpreadsheetError):
    """A file that cannot be read as a VAT return at all (not a table, or no box in it)."""


@dataclass
class VatReturn:
    boxes: dict[int, Decimal]
    period_start: datetime.date | None
    period_end: datetime.date | None
    layout: str  # "Xero VAT return", ..., "generic VAT return", "Xero VAT detail", ...
    filename: str = ""
    box_rows: dict[int, int] = field(default_factory=dict)  # box → the row it was read from
    rejected: list[Rejected] = field(default_factory=list)
    transactions: int = 0  # a detail export's rows summed into the boxes
    excluded: int = 0  # a detail export's rows outside the return ("No VAT", T9)

    @property
    def is_detail(self) -> bool:
        return self.layout.endswith("VAT detail")

    def problems(self) -> list[str]:
        """Why the figures cannot be trusted: the boxes do not add up, or rows were not read."""
        found = []
        if self.rejected:
            found.append(rows_not_read(self.rejected))
        boxes = self.boxes
        if 1 in boxes and 3 in boxes:
            expected = boxes[1] + boxes.get(2, ZERO)
            if boxes[3] != expected:
                found.append(
                    f"Box 3 (total VAT due) is {boxes[3]:,.2f}, but box 1 + box 2 = "
                    f"{expected:,.2f}: a difference of {abs(boxes[3] - expected):,.2f}."
                )
        if {3, 4, 5} <= boxes.keys():
            difference = boxes[3] - boxes[4]
            if boxes[5] not in (difference, abs(difference)):
                found.append(
                    f"Box 5 (net VAT) is {boxes[5]:,.2f}, but the difference between box 3 "
                    f"({boxes[3]:,.2f}) and box 4 ({boxes[4]:,.2f}) is {abs(difference):,.2f}."
                )
        return found


def read_vat_return(data: bytes, filename: str) -> VatReturn:
    rows = _rows(data, filename)
    texts = [[cell_text(c) for c in row] for row in rows]
    detail_at, detail_roles = _find_detail_header(texts)
    if detail_at is not None:
        result = _read_detail(rows, texts, filename, detail_at, detail_roles)
        if result.transactions or result.excluded or result.rejected:
            return result  # rows not read say why in problems()
        raise VatReturnError(
            filename,
            "",
            "this does not look like a VAT return: no box 1–9 rows, and no transaction under "
            f"the VAT detail header on row {detail_at + 1} could be read",
        )
    return _read_boxes(rows, texts, filename)


def _rows(data: bytes, filename: str) -> list[list[Cell]]:
    try:
        return read_table(data, filename, literal_formulas=True)
    except SpreadsheetError as error:
        raise VatReturnError(error.filename, error.where, error.problem) from None


# --- the return: one row per box --------------------------------------------------------------


def _read_boxes(rows, texts, filename: str) -> VatReturn:
    header_at, columns = _find_box_header(texts)
    boxes: dict[int, Decimal] = {}
    box_rows: dict[int, int] = {}
    rejected: list[Rejected] = []
    first_box_at = None
    start = header_at + 1 if header_at is not None else 0
    for index in range(start, len(texts)):
        row = texts[index]
        if not any(row):
            continue
        found = _box_in_row(row, columns)
        if found is None:
            continue
        box, labels, explicit = found
        amount_text = _amount_text(row, columns, labels, explicit)
        if amount_text is None:
            continue  # a heading that names a box but holds no figure
        if first_box_at is None:
            first_box_at = index
        number = index + 1
        try:
            value = money(amount_text)
        except ValueError as problem:
            rejected.append(Rejected(number, _row_text(row), f"box {box}: {problem}"))
            continue
        if box in boxes:
            if value != boxes[box]:
                rejected.append(
                    Rejected(
                        number,
                        _row_text(row),
                        f"box {box} is on row {box_rows[box]} already, as {boxes[box]:,.2f}",
                    )
                )
            continue
        boxes[box], box_rows[box] = value, number
    if not boxes and not rejected:
        raise VatReturnError(
            filename,
            "",
            "this does not look like a VAT return: no box 1–9 rows were found (rows labelled "
            "“Box 1” to “Box 9”, box numbers in a Box column, or HMRC's box descriptions such as "
            "“VAT due in the period on sales and other outputs”; a VAT detail export needs a "
            "header with VAT and Net or Gross columns)",
        )
    title_end = header_at if header_at is not None else (first_box_at or len(rows))
    start_date, end_date = _title_period(rows[:title_end])
    return VatReturn(
        boxes=dict(sorted(boxes.items())),
        period_start=start_date,
        period_end=end_date,
        layout=_layout(filename, rows[:title_end], rows, [], "VAT return"),
        filename=filename,
        box_rows=box_rows,
        rejected=rejected,
    )


def _find_box_header(texts) -> tuple[int | None, dict[str, int]]:
    for index, row in enumerate(texts[:HEADER_SEARCH_ROWS]):
        names = [_norm(t) for t in row]
        roles = {}
        box = _first(names, BOX_HEADERS)
        description = _first(names, DESCRIPTION_HEADERS)
        adjusted = any("adjust" in name for name in names)
        for wanted in ADJUSTED_AMOUNT_HEADERS if adjusted else AMOUNT_HEADERS:
            amount = _first(names, {wanted})
            if amount is not None and amount != box:
                roles["amount"] = amount
                break
        if box is not None:
            roles["box"] = box
        if description is not None:
            roles["description"] = description
        if box is not None or ("amount" in roles and description is not None):
            return index, roles
    return None, {}


def _box_in_row(row: list[str], columns: dict[str, int]) -> tuple[int, set[int], bool] | None:
    """The box a row is for, the cells that name it, and whether it is named explicitly (a label
    or a number) rather than by its description."""
    for index, text in enumerate(row):
        match = _BOX_LABEL.match(text)
        if match:
            return int(match[1]), {index}, True
    filled = [index for index, text in enumerate(row) if text.strip()]
    box_column = columns.get("box")
    if box_column is None and len(filled) <= 3 and filled:
        box_column = filled[0]  # the generic layout: box numbers in the first column
    if box_column is not None and box_column < len(row):
        match = _BARE_BOX.match(row[box_column].strip())
        if match:
            return int(match[1]), {box_column}, True
    for index, text in enumerate(row):
        if not text.strip() or _is_amount(text):
            continue
        box = box_from_description(text)
        if box:
            labels = {index}
            for beside in (index + 1, index - 1):  # VAT100 prints the number by its description
                if 0 <= beside < len(row) and row[beside].strip().rstrip(".") == str(box):
                    labels.add(beside)
            return box, labels, False
    return None


def box_from_description(text: str) -> int | None:
    """The box HMRC's description (old or current wording, or a vendor's shortening of it)
    names, whatever the case and punctuation; None when the text names no box."""
    squeezed = re.sub(r"[^a-z]", "", text.casefold())
    if squeezed in MTD_NAMES:
        return MTD_NAMES[squeezed]
    words = _words(text)
    eu = any(f" {w} " in words for w in ("eu", "ec", "member states", "northern ireland"))

    def has(*phrases: str) -> bool:
        return any(f" {phrase} " in words for phrase in phrases)

    if has("net vat"):
        return 5
    if has("total vat due"):
        return 3
    if has("vat reclaimed", "input vat", "vat reclaimable"):
        return 4
    if has("vat due", "vat on sales", "output vat"):
        if has("acquisitions"):
            return 2
        if has("sales", "outputs", "output vat"):
            return 1
        return None
    if has("total", "value", "excluding", "ex vat"):
        if has("acquisitions"):
            return 9
        if eu and has("supplies", "dispatches", "sales"):
            return 8
        if eu and has("purchases"):
            return 9
        if has("sales", "outputs"):
            return 6
        if has("purchases", "inputs"):
            return 7
    return None


def _amount_text(row, columns, labels: set[int], explicit: bool) -> str | None:
    column = columns.get("amount")
    if column is not None and column not in labels:
        text = row[column] if column < len(row) else ""
        if text.strip() or explicit:
            return text  # a blank beside an explicit box is nil, as on the paper form
        return None
    figures = [
        index
        for index, text in enumerate(row)
        if index not in labels and text.strip() and _is_amount(text)
    ]
    return row[figures[-1]] if figures else None


# --- a VAT detail export: one row per transaction ---------------------------------------------


def _find_detail_header(texts) -> tuple[int | None, dict[str, int]]:
    for index, row in enumerate(texts[:HEADER_SEARCH_ROWS]):
        names = [_norm(t) for t in row]
        roles = {
            role: column
            for role, headers in (
                ("vat", VAT_HEADERS),
                ("net", NET_HEADERS),
                ("gross", GROSS_HEADERS),
                ("date", DATE_HEADERS),
                ("rate", RATE_HEADERS),
                ("type", TYPE_HEADERS),
                ("side", SIDE_HEADERS),
            )
            if (column := _first(names, headers)) is not None
        }
        has_amounts = "vat" in roles and ("net" in roles or "gross" in roles)
        if has_amounts and {"date", "rate", "type", "side"} & roles.keys():
            return index, roles
    return None, {}


def _read_detail(rows, texts, filename: str, header_at: int, roles: dict[str, int]) -> VatReturn:
    sales_vat = sales_net = purchase_vat = purchase_net = reverse_vat = ZERO
    rejected: list[Rejected] = []
    transactions = excluded = 0
    section = ""
    rates: list[str] = []
    amount_columns = {roles[k] for k in ("vat", "net", "gross") if k in roles}
    for index in range(header_at + 1, len(texts)):
        row = texts[index]
        number = index + 1
        if not any(row):
            continue
        label = next(
            (t.strip() for i, t in enumerate(row) if t.strip() and i not in amount_columns), ""
        )
        if not any(_get(row, column) for column in amount_columns):
            if _BOX_LABEL.match(label):
                raise VatReturnError(
                    filename,
                    f"row {number}",
                    "this VAT detail report is grouped by VAT box, so a transaction is listed "
                    "under more than one box: export the VAT Return report itself instead",
                )
            section = label if len(label) < 80 else section
            if section:
                rates.append(section.casefold())
            continue
        if label.casefold().startswith(("total", "grand total")):
            continue  # the report's own subtotals and totals
        try:
            vat = money(_get(row, roles["vat"]))
            if _get(row, roles.get("net")) or "gross" not in roles:
                net = money(_get(row, roles["net"]))
            else:  # no net amount: the gross less the VAT
                net = money(_get(row, roles["gross"])) - vat
        except ValueError as problem:
            rejected.append(Rejected(number, _row_text(row), str(problem)))
            continue
        rate_text = _get(row, roles.get("rate"))
        if rate_text:
            rates.append(rate_text.casefold())
        type_text = _get(row, roles.get("type"))
        side, reverse_charge = _side(rate_text, _get(row, roles.get("side")), section, type_text)
        if side == "outside":
            excluded += 1
            continue
        if side == "ec":
            rejected.append(
                Rejected(
                    number,
                    _row_text(row),
                    "EC acquisitions and dispatches (boxes 2, 8 and 9) are not built from a "
                    "detail export: use the VAT Return report",
                )
            )
            continue
        if side is None:
            rejected.append(
                Rejected(
                    number,
                    _row_text(row),
                    "neither its tax rate, section nor transaction type says whether it is a "
                    "sale or a purchase",
                )
            )
            continue
        if _is_credit(type_text) and (net > 0 or (net == 0 and vat > 0)):
            net, vat = -net, -vat
        transactions += 1
        if side == "sales":
            sales_vat, sales_net = sales_vat + vat, sales_net + net
        else:
            purchase_vat, purchase_net = purchase_vat + vat, purchase_net + net
            if reverse_charge:
                reverse_vat += vat
    box1 = sales_vat + reverse_vat
    boxes = {
        1: box1,
        3: box1,
        4: purchase_vat,
        5: abs(box1 - purchase_vat),
        6: sales_net,
        7: purchase_net,
    }
    start_date, end_date = _title_period(rows[:header_at])
    return VatReturn(
        boxes=dict(sorted(boxes.items())),
        period_start=start_date,
        period_end=end_date,
        layout=_layout(filename, rows[:header_at], rows, rates, "VAT detail"),
        filename=filename,
        rejected=rejected,
        transactions=transactions,
        excluded=excluded,
    )


def _side(rate: str, side: str, section: str, kind: str) -> tuple[str | None, bool]:
    """ "sales", "purchases", "outside" (not on the return), "ec" or None, and whether the row
    is a reverse charge: the first of the row's tax rate, Sales/Purchases column, section and
    transaction type that says."""
    described = " ".join((rate, section))
    reverse_charge = " reverse charge " in _words(described)
    if any(f" {w} " in _words(described) for w in EC_WORDS):
        return "ec", False
    for text, is_type in ((rate, False), (side, False), (section, False), (kind, True)):
        found = _kind(text, is_type)
        if found:
            return found, reverse_charge
    return None, reverse_charge


def _kind(text: str, is_type: bool) -> str | None:
    words = _words(text)
    bare = words.strip()
    if not bare:
        return None
    if bare in ("t9",) or any(f" {w} " in words for w in OUTSIDE_WORDS):
        return "outside"
    if is_type and bare in SAGE_SALES_TYPES:
        return "sales"
    if is_type and bare in SAGE_PURCHASE_TYPES:
        return "purchases"
    if any(f" {w} " in words for w in PURCHASE_WORDS):
        return "purchases"
    if any(f" {w} " in words for w in SALES_WORDS):
        return "sales"
    return None


def _is_credit(kind: str) -> bool:
    words = _words(kind)
    return words.strip() in CREDIT_TYPES or any(f" {w} " in words for w in CREDIT_WORDS)


# --- the period -------------------------------------------------------------------------------


def _title_period(title_rows) -> tuple[datetime.date | None, datetime.date | None]:
    """The period the title rows state: "For the period 1 October 2026 to 31 December 2026",
    "Oct - Dec 2026", "01/10/2026 - 31/12/2026", two date cells, or "Period ending ..."."""
    for row in title_rows:
        found = period_in(" ".join(cell_text(c) for c in row))
        if found != (None, None):
            return found
    dates = [
        c.date() if isinstance(c, datetime.datetime) else c
        for row in title_rows
        for c in row
        if isinstance(c, datetime.date)
    ]
    if len(dates) >= 2:
        return min(dates), max(dates)
    return None, None


def period_in(text: str) -> tuple[datetime.date | None, datetime.date | None]:
    """The first and last day of the period a line of text states; (None, end) when it states
    only the end ("Quarter ending 31 December 2026"), (None, None) when it states none."""
    text = " ".join(text.casefold().replace(",", " ").replace("–", "-").replace("—", "-").split())
    try:
        return _period_in(text)
    except ValueError:  # "31 February": not a date, so not a period
        return None, None


def _period_in(text: str) -> tuple[datetime.date | None, datetime.date | None]:
    match = _ISO_RANGE.search(text)
    if match:
        y1, m1, d1, y2, m2, d2 = (int(g) for g in match.groups())
        return datetime.date(y1, m1, d1), datetime.date(y2, m2, d2)
    match = _DAY_MONTH_RANGE.search(text)
    if match:
        d1, mon1, y1, d2, mon2, y2 = match.groups()
        return _ends(int(d1), mon1, y1, int(d2), mon2, int(y2))
    match = _MONTH_DAY_RANGE.search(text)
    if match:
        mon1, d1, y1, mon2, d2, y2 = match.groups()
        return _ends(int(d1), mon1, y1, int(d2), mon2, int(y2))
    match = _NUMERIC_RANGE.search(text)
    if match:
        d1, m1, y1, d2, m2, y2 = (int(g) for g in match.groups())
        return datetime.date(y1, m1, d1), datetime.date(y2, m2, d2)
    match = _MONTH_RANGE.search(text)
    if match:
        mon1, y1, mon2, y2 = match.groups()
        end_month, end_year = _month(mon2), int(y2)
        start, _ = _ends(1, mon1, y1, 1, mon2, end_year)
        last_day = calendar.monthrange(end_year, end_month)[1]
        return start, datetime.date(end_year, end_month, last_day)
    match = _PERIOD_END.search(text)
    if match:
        return None, _date_in(match[1])
    return None, None


def _ends(d1: int, mon1: str, y1: str | None, d2: int, mon2: str, y2: int):
    """A range whose first date may leave out its year ("1 Nov - 31 Jan 2027": November 2026)."""
    m1, m2 = _month(mon1), _month(mon2)
    start_year = int(y1) if y1 else (y2 - 1 if m1 > m2 else y2)
    return datetime.date(start_year, m1, d1), datetime.date(y2, m2, d2)


def _date_in(text: str) -> datetime.date | None:
    match = _ISO_DATE.search(text)
    if match:
        return datetime.date(*(int(g) for g in match.groups()))
    match = _DAY_MONTH_YEAR.search(text)
    if match:
        return datetime.date(int(match[3]), _month(match[2]), int(match[1]))
    match = _MONTH_DAY_YEAR.search(text)
    if match:
        return datetime.date(int(match[3]), _month(match[1]), int(match[2]))
    match = _NUMERIC_DATE.search(text)
    if match:
        return datetime.date(int(match[3]), int(match[2]), int(match[1]))
    return None


def _month(name: str) -> int:
    return "janfebmaraprmayjunjulaugsepoctnovdec".index(name[:3]) // 3 + 1


# --- which system wrote it --------------------------------------------------------------------


def _layout(filename: str, title_rows, rows, rates: list[str], kind: str) -> str:
    """The system that wrote the file: named in the file name or title rows, or known by its
    tax rate names (Xero), VAT codes or report footer (QuickBooks) or tax codes (Sage)."""
    title = " ".join(cell_text(c) for row in title_rows for c in row).casefold()
    named = f"{filename.casefold()} {title}"
    footer = " ".join(cell_text(c) for row in rows[-3:] for c in row).casefold()
    signs = (
        ("Xero", "xero" in named or any(r in rate for rate in rates for r in XERO_RATES)),
        (
            "QuickBooks",
            any(name in named for name in ("quickbooks", "intuit", "qbo"))
            or "accrual basis" in footer
            or "cash basis" in footer
            or any(_QUICKBOOKS_CODE.match(rate) for rate in rates),
        ),
        ("Sage", "sage" in named or any(_SAGE_CODE.match(rate) for rate in rates)),
    )
    vendor = next((name for name, found in signs if found), "generic")
    return f"{vendor} {kind}"


# --- cells ------------------------------------------------------------------------------------


def _norm(text: str) -> str:
    text = text.casefold().replace("_", " ")
    text = re.sub(r"\((?:gbp|£)\)", "", text)
    return " ".join(text.split()).strip(" :")


def _words(text: str) -> str:
    """The text as words between spaces, so that " vat due " finds the phrase, not a part of a
    word: "VAT due - sales & other outputs:" is " vat due sales and other outputs "."""
    text = text.casefold().replace("&", " and ")
    return " " + " ".join(re.sub(r"[^a-z0-9]+", " ", text).split()) + " "


def _first(names: list[str], wanted: set[str]) -> int | None:
    return next((index for index, name in enumerate(names) if name in wanted), None)


def _get(row: list[str], index: int | None) -> str:
    if index is None or index >= len(row):
        return ""
    return row[index].strip()


def _is_amount(text: str) -> bool:
    try:
        money(text)
    except ValueError:
        return False
    return True


def _row_text(row: list[str]) -> str:
    return " | ".join(t for t in row if t)[:200]
