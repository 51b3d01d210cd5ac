"""The demo's management accounts: fourteen months of trial balances (to last month, so the
month has its prior month and last year's comparatives) for a few clients, each exported the
way its accounting system exports them — Xero's Trial Balance report, Sage 50's trial balance,
QuickBooks Online's — and imported through the same reader and save a bookkeeper's upload uses.

The books are made up but hold together: sales with a season and some growth, cost of sales
near 40 %, fixed overheads, depreciation of the equipment, interest on a loan being repaid;
debtors, creditors and VAT follow the month's trade and the bank is what is left, so every
trial balance balances and each year's profit moves into retained earnings at the year end.
The QuickBooks client's accounts were mapped once by the practice (QuickBooks' export carries
no account types), as the mapping page's suggestions would have them.
"""

from __future__ import annotations

import csv
import datetime
import io
import math
import random
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from clients.choices import AccountingSystem
from clients.models import Client
from cycle.periods import add_months
from demo.reporting_figures import (
    explain_variances,
    seed_budget,
    seed_payroll,
    seed_vat_return,
)
from reporting import imports, mapping
from reporting.statements import year_start
from reporting.trial_balance import read_trial_balance

PENNY = Decimal("0.01")
MONTHS = 14
MAX_CLIENTS = 3


@dataclass(frozen=True)
class Book:
    key: str
    name: str
    xero: str
    sage: str
    quickbooks: str
    section: str  # Xero's report section


BOOKS = [
    Book("sales", "Sales", "200", "4000", "4000", "Revenue"),
    Book("cos", "Cost of Goods Sold", "310", "5000", "5000", "Expenses"),
    Book("wages", "Salaries", "477", "7000", "6000", "Expenses"),
    Book("employer_ni", "Employers National Insurance", "479", "7006", "6010", "Expenses"),
    Book("rent", "Rent", "469", "7100", "6100", "Expenses"),
    Book("light", "Light, Power, Heating", "445", "7200", "6110", "Expenses"),
    Book("motor", "Motor Vehicle Expenses", "449", "7300", "6200", "Expenses"),
    Book("advertising", "Advertising & Marketing", "400", "6201", "6300", "Expenses"),
    Book("accountancy", "Audit & Accountancy fees", "401", "7601", "6400", "Expenses"),
    Book("telephone", "Telephone & Internet", "489", "7502", "6500", "Expenses"),
    Book("bank_fees", "Bank Fees", "404", "7901", "6600", "Expenses"),
    Book("depreciation", "Depreciation", "416", "8000", "6700", "Expenses"),
    Book("interest", "Interest Paid", "437", "7903", "7000", "Expenses"),
    Book("tax", "Corporation Tax", "500", "8300", "7500", "Expenses"),
    Book("bank", "Business Bank Account", "", "1200", "1000", "Assets"),
    Book("debtors", "Accounts Receivable", "610", "1100", "1100", "Assets"),
    Book("equipment", "Office Equipment", "710", "0030", "1500", "Assets"),
    Book(
        "equipment_depreciation",
        "Less Accumulated Depreciation on Office Equipment",
        "711",
        "0031",
        "1510",
        "Assets",
    ),
    Book("creditors", "Accounts Payable", "800", "2100", "2000", "Liabilities"),
    Book("vat", "VAT", "820", "2202", "2200", "Liabilities"),
    Book("paye", "PAYE Payable", "825", "2210", "2210", "Liabilities"),
    Book("corporation_tax", "Provision for Corporation Tax", "830", "2320", "2300", "Liabilities"),
    Book("loan", "Loan", "900", "2300", "2700", "Liabilities"),
    Book("share_capital", "Share Capital", "950", "3000", "3000", "Equity"),
    Book("retained", "Retained Earnings", "960", "3200", "3100", "Equity"),
]
INCOME = ("sales", "cos", "wages", "employer_ni", "rent", "light", "motor", "advertising")
INCOME += ("accountancy", "telephone", "bank_fees", "depreciation", "interest", "tax")
CREDIT_NATURED = {"sales", "equipment_depreciation", "creditors", "vat", "paye", "loan"}
CREDIT_NATURED |= {"corporation_tax"}
CREDIT_NATURED |= {"share_capital", "retained"}
QUICKBOOKS_LINES = {
    "bank": "cash",
    "debtors": "debtors",
    "equipment": "tangible_assets",
    "equipment_depreciation": "tangible_assets",
    "creditors": "creditors_within_year",
    "vat": "creditors_within_year",
    "paye": "creditors_within_year",
    "loan": "creditors_after_year",
    "share_capital": "share_capital",
    "retained": "reserves_brought_forward",
    "sales": "turnover",
    "cos": "cost_of_sales",
    "wages": "staff_costs",
    "employer_ni": "staff_costs",
    "rent": "premises_costs",
    "light": "premises_costs",
    "motor": "motor_travel",
    "advertising": "marketing",
    "accountancy": "professional_fees",
    "telephone": "administrative_expenses",
    "bank_fees": "finance_charges",
    "depreciation": "depreciation",
    "interest": "interest_payable",
    "tax": "taxation",
    "corporation_tax": "creditors_within_year",
}


def money(value: float) -> Decimal:
    return Decimal(str(value)).quantize(PENNY, rounding=ROUND_HALF_UP)


def balances(client: Client, months: list[datetime.date], seed: str) -> list[dict]:
    """Each month's balances (debit positive) by book key, the trial balance at its end: the
    reserves brought forward are chosen so that the first month's bank is in credit."""
    first = _balances(client, months, random.Random(seed), Decimal("0.00"))[0]["bank"]
    wanted = money(random.Random(f"{seed} bank").uniform(12_000, 36_000))
    return _balances(client, months, random.Random(seed), wanted - first)


def _balances(client, months, rng: random.Random, retained: Decimal) -> list[dict]:
    year_end = client.year_end_month or 3
    base = rng.randint(18, 70) * 1000
    equipment = money(base * rng.uniform(0.4, 0.9))
    loan = money(base * rng.uniform(0.3, 0.8))
    ytd = dict.fromkeys(INCOME, Decimal("0.00"))
    accumulated = money(float(equipment) * 0.3)
    result = []
    for index, month in enumerate(months):
        if index and month == year_start(month, year_end):
            retained -= sum(ytd.values(), Decimal("0.00"))  # the year's profit, carried
            ytd = dict.fromkeys(INCOME, Decimal("0.00"))
        season = 1 + 0.15 * math.sin(2 * math.pi * month.month / 12)
        sales = money(base * season * (1 + 0.008 * index) * rng.uniform(0.94, 1.06))
        payroll = money(base * 0.2)
        depreciation = money(float(equipment) / 60)
        month_costs = {
            "cos": money(float(sales) * rng.uniform(0.37, 0.43)),
            "wages": payroll,
            "employer_ni": money(float(payroll) * 0.1),
            "rent": money(base * 0.05),
            "light": money(base * 0.01 * (1.4 - season + 0.6)),
            "motor": money(base * rng.uniform(0.01, 0.02)),
            "advertising": money(base * rng.uniform(0.005, 0.03)),
            "accountancy": money(base * 0.012),
            "telephone": money(base * 0.006),
            "bank_fees": money(rng.uniform(25, 90)),
            "depreciation": depreciation,
            "interest": money(float(loan) * 0.065 / 12),
        }
        profit = sales - sum(month_costs.values(), Decimal("0.00"))
        month_costs["tax"] = max(Decimal("0.00"), money(float(profit) * 0.19))
        ytd["sales"] -= sales
        for key, value in month_costs.items():
            ytd[key] += value
        accumulated += depreciation
        loan = max(Decimal("0.00"), loan - money(base * 0.01))
        sheet = {
            "debtors": money(float(sales) * rng.uniform(1.0, 1.25)),
            "equipment": equipment,
            "equipment_depreciation": -accumulated,
            "creditors": -money(float(month_costs["cos"]) * rng.uniform(0.7, 1.0)),
            "vat": -money(float(sales - month_costs["cos"]) * 0.2 * (month.month % 3 + 1)),
            "paye": -money(float(payroll) * 0.3),
            "corporation_tax": -ytd["tax"],
            "loan": -loan,
            "share_capital": Decimal("-100.00"),
            "retained": -retained,
        }
        everything = {**ytd, **sheet}
        everything["bank"] = -sum(everything.values(), Decimal("0.00"))
        result.append(everything)
    return result


def _amounts(balance: Decimal) -> tuple[str, str]:
    return (f"{balance:.2f}", "") if balance >= 0 else ("", f"{-balance:.2f}")


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode()


def export(client: Client, month: datetime.date, books: dict) -> tuple[str, bytes]:
    """The month's trial balance as the client's accounting system exports it."""
    end = add_months(month, 1) - datetime.timedelta(days=1)
    system = client.accounting_system
    if system == AccountingSystem.SAGE:
        rows = [["N/C", "Name", "Debit", "Credit"]]
        rows += [[b.sage, b.name, *_amounts(books[b.key])] for b in BOOKS]
        return f"TB_{month:%Y_%m}.csv", _csv(rows)
    if system == AccountingSystem.QUICKBOOKS:
        rows = [[client.name], ["Trial Balance"], [f"As of {end:%B} {end.day}, {end.year}"], []]
        rows.append(["", "Debit", "Credit"])
        rows += [[f"{b.quickbooks} {b.name}", *_amounts(books[b.key])] for b in BOOKS]
        return f"{client.name} Trial Balance {month:%b %Y}.csv", _csv(rows)
    rows = [["Trial Balance"], [client.name], [f"As at {end.day} {end:%B %Y}"], []]
    rows.append(["Account", "Debit", "Credit", "YTD Debit", "YTD Credit"])
    section = ""
    for b in BOOKS:
        if b.section != section:
            section = b.section
            rows.append([section])
        name = f"{b.name} ({b.xero})" if b.xero else b.name
        rows.append([name, "", "", *_amounts(books[b.key])])
    return f"{client.name} - Trial Balance.csv", _csv(rows)


def seed_trial_balances(
    practice, *, clients: list[Client], newest: datetime.date, user, demo=()
) -> list[Client]:
    """Trial balances to ``newest`` for the portal contact's first company (``demo``) and a
    client on each accounting system the demo has; for that company, its budget, payroll
    summaries and last VAT return too. Returns the clients with trial balances."""
    chosen: list[Client] = list(demo[:1])
    for system in (AccountingSystem.XERO, AccountingSystem.SAGE, AccountingSystem.QUICKBOOKS):
        client = next(
            (c for c in clients if c.accounting_system == system and c not in chosen), None
        )
        if client is not None and not any(c.accounting_system == system for c in chosen):
            chosen.append(client)
    for client in chosen[: MAX_CLIENTS + 1]:
        # The books start with the financial year of the first month imported, so that last
        # year's year to date is a whole one.
        first = year_start(add_months(newest, 1 - MONTHS), client.year_end_month or 3)
        months = [first]
        while months[-1] < newest:
            months.append(add_months(months[-1], 1))
        seed = f"{practice.name} management accounts {client.short_code}"
        books_by_month = dict(zip(months, balances(client, months, seed), strict=True))
        for month in months[-MONTHS:]:
            name, data = export(client, month, books_by_month[month])
            imports.save(client, month, read_trial_balance(data, name), user)
        if client.accounting_system == AccountingSystem.QUICKBOOKS:
            keys = {b.key: f"{b.quickbooks}" for b in BOOKS}
            mapping.choose(
                client, {keys[key]: line for key, line in QUICKBOOKS_LINES.items()}, user
            )
        if demo and client == demo[0]:
            seed_budget(client, books_by_month, newest, _budget_names(client), user)
            seed_payroll(client, books_by_month, newest, user)
            seed_vat_return(client, books_by_month, newest, user)
    return chosen


def _budget_names(client: Client) -> dict[str, str]:
    """Each book as the client's system names an account in its budget export."""
    if client.accounting_system in (AccountingSystem.SAGE, AccountingSystem.QUICKBOOKS):
        code = "sage" if client.accounting_system == AccountingSystem.SAGE else "quickbooks"
        return {b.key: f"{getattr(b, code)} {b.name}" for b in BOOKS}
    return {b.key: f"{b.name} ({b.xero})" if b.xero else b.name for b in BOOKS}


def render_approved(
    client: Client, period: datetime.date, preparer, reviewer, finished, *, approved=True
):
    """The month's pack as the worker renders it, its material variances explained first,
    filed as version 1 and (``approved``) approved twenty minutes after ``finished``; its
    document."""
    from documents.models import DocType
    from documents.store import store_generated_pdf
    from reporting.models import AccountsRender
    from reporting.pack_document import render_pack_pdf

    explain_variances(client, period, preparer)
    pdf, pages = render_pack_pdf(client, period, 1)
    document = store_generated_pdf(
        client,
        f"Management accounts {client.name} {period:%Y-%m} v1.pdf",
        pdf,
        doc_type=DocType.MANAGEMENT_ACCOUNTS,
        period=period,
        user=preparer,
    )
    AccountsRender.objects.create(
        client=client,
        period=period,
        version=1,
        state=AccountsRender.State.READY,
        document=document,
        pages=pages,
        requested_by=preparer,
        requested_at=finished - datetime.timedelta(minutes=1),
        finished_at=finished,
        approved_by=reviewer if approved else None,
        approved_at=finished + datetime.timedelta(minutes=20) if approved else None,
    )
    return document


def seed_review(now: datetime.datetime, *, newest: datetime.date, user, reviewer, demo) -> None:
    """For the portal contact's company: last month's pack rendered, and a review point put to
    her as a query waiting in her portal (the pack is approved once the point is settled)."""
    if demo:
        _reviewed(demo[0], newest, user, reviewer or user, now)


def _reviewed(client: Client, period: datetime.date, preparer, reviewer, now) -> None:
    """The portal contact's company: its pack rendered an hour ago (filed as the worker files
    it; its pack's checklist is left as the cycle's story has it), and a review point on its
    sales put to the client two hours ago, emailed, waiting in her portal: the reviewer
    approves the pack for delivery once it is answered and cleared."""
    from portal import queries
    from portal.models import PortalEmail
    from reporting.models import ReviewPoint
    from tasks.models import Pack

    hour_ago = now - datetime.timedelta(hours=1)
    render_approved(client, period, preparer, reviewer, hour_ago, approved=False)
    pack = Pack.objects.filter(client=client, period=period).first()
    if pack is None:
        return
    asked = now - datetime.timedelta(hours=2)
    point = ReviewPoint.objects.create(
        pack=pack,
        line="turnover",
        text="Sales are well up on last month: is there a one-off order in there?",
        raised_by=reviewer,
        raised_at=asked,
    )
    query = queries.ask(
        client,
        pack,
        f"Your sales for {period:%B} are higher than usual. Was there a one-off order or a "
        "change in prices? A line or two is enough.",
        reviewer,
    )
    ReviewPoint.objects.filter(pk=point.pk).update(client_query=query)
    type(query).objects.filter(pk=query.pk).update(asked_at=asked)
    # Emailed then, as the outbox would have done since.
    PortalEmail.objects.filter(query=query).update(
        created_at=asked, sent_at=asked + datetime.timedelta(minutes=1), state="sent"
    )
