"""Which report line an account belongs to when the practice has not said: from the account
type the export carries (Xero's and QuickBooks' types, Sage Accounting's categories, Xero's
section rows), else from the chart of accounts its code belongs to (Xero's UK default chart,
Sage 50's four-digit nominal ranges), refined by the account's name where a type or range
spans several lines (an "Expense" may be staff costs or rent).

``default_line`` is what counts as mapped; ``guess_line`` reads the name alone and is only ever
offered as a suggestion on the mapping page, for a person to confirm.

Pure: plain values in, a line key out.
"""

from __future__ import annotations

import re

from reporting.shape import UK_SMALL_COMPANY

# --- names ------------------------------------------------------------------------------------

_OVERHEAD_WORDS = (
    ("depreciation", r"depreciat|amortis|amortiz"),
    ("interest_payable", r"interest (paid|payable|expense)|loan interest|hp interest|^interest$"),
    ("finance_charges", r"bank (charges|fees)|card (fees|charges)|merchant|finance charge"),
    ("staff_costs", r"wage|salar|payroll|pension|national insurance|\bn\.?i\.?\b|staff|"),
    ("staff_costs", r"directors'? (remuneration|fees)|recruit|training|employee|benefits in kind"),
    ("premises_costs", r"\brent\b|rates|\blight|heat|power|electric|\bgas\b|water|premises|"),
    ("premises_costs", r"repairs|maintenance|cleaning|service charge|lease"),
    ("motor_travel", r"motor|vehicle|fuel|petrol|mileage|travel|parking|subsistence|hotel|"),
    ("motor_travel", r"flight|\btrain|\btaxi"),
    ("marketing", r"advertis|marketing|promotion|entertain|gifts|sponsorship|website"),
    ("professional_fees", r"accountan|audit|legal|solicitor|professional|consult|bookkeep"),
    ("taxation", r"corporation tax|income tax expense|deferred tax (charge|expense)"),
)
_OVERHEAD_RULES = [(line, re.compile(pattern.rstrip("|"))) for line, pattern in _OVERHEAD_WORDS]

_BALANCE_WORDS = (
    ("intangible_assets", r"goodwill|intangible|patent|trademark|software development"),
    ("investments", r"investment"),
    ("tangible_assets", r"property|buildings|equipment|vehicle|machinery|computer|furniture|"),
    ("tangible_assets", r"fixtures|fittings|leasehold improvement|plant"),
    ("stock", r"stock|inventory|work in progress|\bwip\b|finished goods"),
    ("share_capital", r"share capital|ordinary shares|preference shares|capital introduced|"),
    ("share_capital", r"funds introduced|^capital\b"),
    ("distributions", r"dividend|drawings"),
    ("reserves_brought_forward", r"retained|profit and loss|reserve"),
    ("provisions", r"deferred tax|provision for liabilit"),
    ("creditors_after_year", r"long[- ]term|hire purchase|mortgage|bounce back|cbils|"),
    ("creditors_after_year", r"(?<!directors )(?<!director's )(?<!directors' )\bloan\b"),
    ("creditors_within_year", r"creditor|payable|accrual|\bvat\b|\bpaye\b|"),
    ("creditors_within_year", r"(pension|national insurance)s? (control|liabilit|due|owed)|"),
    ("creditors_within_year", r"credit card|corporation tax|director|suspense|"),
    ("creditors_within_year", r"deferred income|income in advance|wages control|net wages"),
    ("cash", r"\bbank\b(?! (charges|fees|interest))|current account|savings|deposit account|"),
    ("cash", r"petty cash|\bcash\b|building society|paypal|stripe"),
    ("debtors", r"debtor|receivable|prepayment|accrued income|other debtors"),
)
_BALANCE_RULES = [(line, re.compile(pattern.rstrip("|"))) for line, pattern in _BALANCE_WORDS]

_INCOME_WORDS = (
    ("interest_receivable", r"interest (income|received|receivable)|bank interest received"),
    ("other_operating_income", r"grant|other (income|revenue)|rental income|insurance claim|"),
    ("other_operating_income", r"sundry income|miscellaneous income|commission received"),
    ("cost_of_sales", r"cost of (goods|sales)|purchases|materials|subcontract|sub-contract|"),
    ("cost_of_sales", r"direct (wages|labour|expenses|costs)|carriage|freight in|closing stock"),
    ("turnover", r"sales|turnover|revenue|fees? (income|received|earned)|takings|income"),
)
_INCOME_RULES = [(line, re.compile(pattern.rstrip("|"))) for line, pattern in _INCOME_WORDS]


def _words(name: str) -> str:
    return " ".join(name.casefold().replace("&", " and ").split())


def _first(rules, name: str) -> str | None:
    text = _words(name)
    for line, pattern in rules:
        if pattern.search(text):
            return line
    return None


def overhead_line(name: str) -> str:
    """The overhead category an expense belongs to (administrative when nothing fits)."""
    return _first(_OVERHEAD_RULES, name) or "administrative_expenses"


def _asset_line(name: str, default: str) -> str:
    text = _words(name)
    if re.search(r"accumulated|less (acc|dep)|depreciation", text):
        return "tangible_assets" if default != "intangible_assets" else default
    found = _first(_BALANCE_RULES, name)
    if found in ("intangible_assets", "investments", "tangible_assets", "stock", "cash", "debtors"):
        return found
    return default


def _equity_line(name: str) -> str:
    found = _first(_BALANCE_RULES, name)
    if found in ("share_capital", "distributions"):
        return found
    return "reserves_brought_forward"


def _liability_line(name: str, default: str) -> str:
    text = _words(name)
    if re.search(r"deferred tax", text):
        return "provisions"
    return default


def guess_line(name: str) -> str | None:
    """A suggestion from the account's name alone, for a person to confirm; None: no idea."""
    text = _words(name)
    if re.search(r"accumulated|less (acc|dep)", text):
        return "tangible_assets"
    if ":" in name:  # QuickBooks' sub-account: "Office Equipment:Depreciation" is an asset's
        parent = name.split(":", 1)[0]
        found = _first(_BALANCE_RULES, parent)
        if found in ("tangible_assets", "intangible_assets", "investments"):
            return found
    if re.search(r"depreciat|amortis", text):
        return "depreciation"
    for rules in (_BALANCE_RULES, _INCOME_RULES):
        found = _first(rules, name)
        if found:
            return found
    found = _first(_OVERHEAD_RULES, name)
    if found:
        return found
    if re.search(r"expense|costs?\b|charges|fees|subscriptions|insurance|telephone|postage", text):
        return "administrative_expenses"
    return None


# --- account types ----------------------------------------------------------------------------

_TYPES = {
    # Xero (report and API names), QuickBooks Online (API, export and UK names), Sage
    # Accounting categories: each to a line, or to how the name decides.
    "revenue": "income",
    "sales": "income",
    "income": "income",
    "other income": "other_income",
    "otherincome": "other_income",
    "direct costs": "cost_of_sales",
    "directcosts": "cost_of_sales",
    "direct expenses": "cost_of_sales",
    "direct_expenses": "cost_of_sales",
    "cost of goods sold": "cost_of_sales",
    "costofgoodssold": "cost_of_sales",
    "cost of sales": "cost_of_sales",
    "expense": "overhead",
    "expenses": "overhead",
    "overhead": "overhead",
    "overheads": "overhead",
    "other expense": "overhead",
    "otherexpense": "overhead",
    "depreciation": "depreciation",
    "depreciatn": "depreciation",
    "bank": "cash",
    "cash": "cash",
    "inventory": "stock",
    "current asset": "current_asset",
    "current assets": "current_asset",
    "current": "current_asset",
    "other current asset": "current_asset",
    "other current assets": "current_asset",
    "othercurrentasset": "current_asset",
    "accounts receivable": "debtors",
    "accounts receivable (a/r)": "debtors",
    "accounts receivable (debtors)": "debtors",  # QuickBooks Online UK
    "cash and cash equivalents": "cash",
    "accountsreceivable": "debtors",
    "debtors": "debtors",
    "prepayment": "debtors",
    "fixed asset": "fixed_asset",
    "fixed assets": "fixed_asset",
    "fixed": "fixed_asset",
    "fixedasset": "fixed_asset",
    "non-current asset": "fixed_asset",
    "non-current assets": "fixed_asset",
    "other asset": "investments",
    "other assets": "investments",
    "otherasset": "investments",
    "current liability": "creditors_within_year",
    "current liabilities": "creditors_within_year",
    "currliab": "creditors_within_year",
    "liability": "creditors_within_year",
    "accounts payable": "creditors_within_year",
    "accounts payable (a/p)": "creditors_within_year",
    "accounts payable (creditors)": "creditors_within_year",
    "accountspayable": "creditors_within_year",
    "credit card": "creditors_within_year",
    "creditcard": "creditors_within_year",
    "other current liability": "creditors_within_year",
    "other current liabilities": "creditors_within_year",
    "othercurrentliability": "creditors_within_year",
    "vat": "creditors_within_year",
    "gst": "creditors_within_year",
    "payg": "creditors_within_year",
    "unpaid expense claims": "creditors_within_year",
    "rounding": "creditors_within_year",
    "historical": "creditors_within_year",
    "tracking": "creditors_within_year",
    "non-current liability": "creditors_after_year",
    "non-current liabilities": "creditors_after_year",
    # Sage Accounting's balance sheet headings.
    "future liabilities": "creditors_after_year",
    "future liability": "creditors_after_year",
    "capital and reserves": "equity",
    "owner's equity": "equity",
    "owners equity": "equity",
    "capital & reserves": "equity",
    "noncurrent": "creditors_after_year",
    "termliab": "creditors_after_year",
    "long term liability": "creditors_after_year",
    "long term liabilities": "creditors_after_year",
    "longtermliability": "creditors_after_year",
    "equity": "equity",
    "retained earnings": "reserves_brought_forward",
    # Xero's old report: its section rows.
    "assets": "any_asset",
    "liabilities": "any_liability",
    "expenses and other costs": "overhead",
}


def line_for_type(account_type: str, name: str) -> str | None:
    kind = _TYPES.get(" ".join(account_type.casefold().split()))
    if kind is None:
        return None
    if kind == "income":
        found = _first(_INCOME_RULES, name)
        return found if found in ("interest_receivable", "other_operating_income") else "turnover"
    if kind == "other_income":
        found = _first(_INCOME_RULES, name)
        return "interest_receivable" if found == "interest_receivable" else "other_operating_income"
    if kind == "overhead":
        if re.search(r"cost of (goods|sales)|purchases", _words(name)):
            return "cost_of_sales"
        return overhead_line(name)
    if kind == "current_asset":
        return _asset_line(name, "debtors")
    if kind == "fixed_asset":
        return _asset_line(name, "tangible_assets")
    if kind == "any_asset":
        return _asset_line(name, "debtors")
    if kind == "equity":
        return _equity_line(name)
    if kind == "any_liability":
        found = _first(_BALANCE_RULES, name)
        if found in ("creditors_after_year", "provisions"):
            return found
        return "creditors_within_year"
    if kind in ("creditors_within_year", "creditors_after_year"):
        return _liability_line(name, kind)
    return kind


# --- charts of accounts -----------------------------------------------------------------------

XERO_UK = {
    "200": "turnover",
    "260": "other_operating_income",
    "270": "interest_receivable",
    "310": "cost_of_sales",
    "320": "cost_of_sales",
    "325": "cost_of_sales",
    "400": "marketing",
    "401": "professional_fees",
    "404": "finance_charges",
    "408": "premises_costs",
    "412": "professional_fees",
    "416": "depreciation",
    "420": "marketing",
    "424": "marketing",
    "433": "administrative_expenses",
    "437": "interest_payable",
    "441": "professional_fees",
    "445": "premises_costs",
    "449": "motor_travel",
    "457": "premises_costs",
    "465": "premises_costs",
    "469": "premises_costs",
    "473": "premises_costs",
    "477": "staff_costs",
    "478": "staff_costs",
    "479": "staff_costs",
    "480": "staff_costs",
    "482": "staff_costs",
    "483": "staff_costs",
    "493": "motor_travel",
    "494": "motor_travel",
    "500": "taxation",
    "630": "stock",
    "770": "intangible_assets",
    "771": "intangible_assets",
    "920": "provisions",
    "950": "share_capital",
    "960": "reserves_brought_forward",
    "970": "share_capital",
    "980": "distributions",
}


def _xero_code(code: str, name: str) -> str | None:
    if code in XERO_UK:
        return XERO_UK[code]
    if not code.isdigit() or len(code) != 3:
        return None
    number = int(code)
    ranges = (
        (200, 299, "turnover"),
        (300, 399, "cost_of_sales"),
        (400, 499, None),  # overheads: by name
        (500, 599, "taxation"),
        (600, 699, "current_asset"),
        (700, 799, "fixed_asset"),
        (800, 899, "creditors_within_year"),
        (900, 949, "creditors_after_year"),
        (950, 999, "equity"),
    )
    for low, high, line in ranges:
        if low <= number <= high:
            if line is None:
                return overhead_line(name)
            if line == "current_asset":
                return _asset_line(name, "debtors")
            if line == "fixed_asset":
                return _asset_line(name, "tangible_assets")
            if line == "equity":
                return _equity_line(name)
            return line
    return None


def _sage_code(code: str, name: str) -> str | None:
    """Sage 50's (and Sage Accounting's) four-digit nominal ranges."""
    if not code.isdigit() or len(code) > 4:
        return None
    number = int(code)  # Excel may have dropped the leading zeros of 0010..0999
    ranges = (
        (1, 999, "tangible_assets"),
        (1000, 1099, "stock"),
        (1100, 1199, "debtors"),
        (1200, 1299, "cash"),
        (2000, 2299, "creditors_within_year"),
        (2300, 2319, "creditors_after_year"),
        (2320, 2329, "creditors_within_year"),  # corporation tax
        (2330, 2399, "creditors_after_year"),
        (3000, 3099, "share_capital"),
        (3100, 3299, "reserves_brought_forward"),
        (3300, 3999, "distributions"),
        (4000, 4899, "turnover"),
        (4900, 4999, "other_income"),
        (5000, 6999, "cost_of_sales"),
        (7000, 7099, "staff_costs"),
        (7100, 7299, "premises_costs"),
        (7300, 7499, "motor_travel"),
        (7500, 7599, "administrative_expenses"),
        (7600, 7699, "professional_fees"),
        (7700, 7899, "premises_costs"),
        (7900, 7999, "finance"),
        (8000, 8099, "depreciation"),
        (8100, 8999, "overhead"),
        (9000, 9997, "overhead"),
        (9998, 9999, "creditors_within_year"),  # suspense and mispostings
    )
    for low, high, line in ranges:
        if low <= number <= high:
            if line == "other_income":
                found = _first(_INCOME_RULES, name)
                if found == "interest_receivable":
                    return found
                return "other_operating_income"
            if line == "finance":
                return "interest_payable" if "interest" in _words(name) else "finance_charges"
            if line == "overhead":
                return overhead_line(name)
            if line == "staff_costs" or line == "motor_travel":
                return line if _first(_OVERHEAD_RULES, name) != "marketing" else "marketing"
            return line
    return None


CHARTS = {"xero": _xero_code, "sage": _sage_code}


def default_line(
    code: str, name: str, account_type: str = "", section: str = "", system: str = ""
) -> str | None:
    """The line an account belongs to by its type (or its section of the report), or by the
    chart of accounts ``system`` uses; None when neither says."""
    if account_type:
        found = line_for_type(account_type, name)
        if found:
            return found
    chart = CHARTS.get(system)
    by_chart = chart(code.strip(), name) if chart and code else None
    by_section = line_for_type(section, name) if section else None
    if by_chart and by_section and _side(by_chart) != _side(by_section):
        return by_section  # a chart of the client's own: its report's section says
    return by_chart or by_section


def _side(line: str) -> tuple[str, int]:
    """Which statement and which side of it a line is on: a report section ("Expenses",
    "Current Assets") is coarse, and a chart's line on the same side is the finer."""
    found = UK_SMALL_COMPANY.by_key[line]
    return found.statement, found.sign
