"""The compliance figures a reviewer checks, from the trial balances' control accounts when no
VAT return or payroll summary was imported (and labelled so): VAT on sales and on purchases
and the net due, from the movement on the VAT control accounts in the month; payroll costs of
the month (gross pay, employer's NI, pensions) from the wage accounts, and what is owed to
HMRC for PAYE and NI at the month end from their control account.

Pure: account rows in, figures out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

ZERO = Decimal("0.00")

_SALES_VAT = re.compile(r"(sales|output) (tax|vat)|vat on sales|sales tax control")
_PURCHASE_VAT = re.compile(r"(purchase|input) (tax|vat)|vat on purchases|purchase tax control")
_ANY_VAT = re.compile(r"\bvat\b|sales tax|purchase tax|\bgst\b")
_GROSS = re.compile(r"wage|salar|directors'? (remuneration|salar|fees)")
_EMPLOYER_NI = re.compile(r"employers?'? (n\.?i|national insurance)|national insurance")
_PENSION = re.compile(r"pension")
_PAYE = re.compile(r"paye|p\.a\.y\.e|national insurance payable|\bnic\b|\bn\.i\.?\b")


@dataclass(frozen=True)
class Account:
    name: str
    line: str | None  # the report line it is mapped to
    balance: Decimal  # at the month end, debit positive
    before: Decimal | None  # at the prior month end (None: no trial balance)


@dataclass
class Figures:
    source: str
    rows: list[tuple[str, Decimal | None]] = field(default_factory=list)


def _words(name: str) -> str:
    return " ".join(name.casefold().replace("&", "and").split())


def _movement(account: Account, first_of_year: bool) -> Decimal | None:
    on_income_statement = account.line and account.line not in _BALANCE_LINES
    if on_income_statement and first_of_year:  # its balance is the year to date: this month
        return account.balance
    if account.before is None:
        return None
    return account.balance - account.before


_BALANCE_LINES = {
    "cash",
    "debtors",
    "stock",
    "creditors_within_year",
    "creditors_after_year",
    "provisions",
    "tangible_assets",
    "intangible_assets",
    "investments",
    "share_capital",
    "reserves_brought_forward",
    "distributions",
}


def vat(accounts: list[Account]) -> Figures | None:
    """None when no account looks like VAT."""
    on_balance_sheet = [a for a in accounts if a.line in _BALANCE_LINES]
    sales = [a for a in on_balance_sheet if _SALES_VAT.search(_words(a.name))]
    purchases = [a for a in on_balance_sheet if _PURCHASE_VAT.search(_words(a.name))]
    control = [a for a in on_balance_sheet if _ANY_VAT.search(_words(a.name))]
    if not control:
        return None

    def moved(group) -> Decimal | None:
        values = [_movement(a, False) for a in group]
        return None if any(v is None for v in values) else sum(values, ZERO)

    figures = Figures("Movement on the VAT control accounts in the month (no VAT return imported)")
    if sales or purchases:
        output = moved(sales)
        input_ = moved(purchases)
        figures.rows.append(("Output VAT (on sales)", -output if output is not None else None))
        figures.rows.append(("Input VAT (on purchases)", input_))
    net = moved(control)
    figures.rows.append(("Net movement: VAT owed for the month", -net if net is not None else None))
    figures.rows.append(("VAT owed at the month end", -sum((a.balance for a in control), ZERO)))
    return figures


def payroll(accounts: list[Account], first_of_year: bool) -> Figures | None:
    """None when there is no wage account."""
    costs = [a for a in accounts if a.line == "staff_costs" or a.line == "cost_of_sales"]

    def month_total(pattern, exclude=None) -> Decimal | None:
        chosen = [
            a
            for a in costs
            if pattern.search(_words(a.name)) and not (exclude and exclude.search(_words(a.name)))
        ]
        if not chosen:
            return ZERO
        values = [_movement(a, first_of_year) for a in chosen]
        return None if any(v is None for v in values) else sum(values, ZERO)

    gross = month_total(_GROSS, exclude=_PENSION)
    if not any(_GROSS.search(_words(a.name)) for a in costs):
        return None
    figures = Figures(
        "The month's payroll costs from the wage accounts (no payroll summary imported)"
    )
    figures.rows.append(("Gross pay", gross))
    figures.rows.append(("Employer's National Insurance", month_total(_EMPLOYER_NI)))
    figures.rows.append(("Employer's pension contributions", month_total(_PENSION)))
    owed = [
        a
        for a in accounts
        if a.line in _BALANCE_LINES
        and _PAYE.search(_words(a.name))
        and not _PENSION.search(_words(a.name))
    ]
    if owed:
        figures.rows.append(
            ("PAYE and NI owed to HMRC at the month end", -sum((a.balance for a in owed), ZERO))
        )
    return figures
