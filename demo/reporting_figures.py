"""The demo's figures beside the trial balances of the portal contact's company, each exported
the way its software exports it and imported through the bookkeeper's own path: the budget
for the financial year (Xero's Budget Manager layout, a month per column, set before the year
from last year's months and a growth target), the payroll summary of each of the last three
months (BrightPay's layout, three employees) and the VAT return of the last quarter ended
(Xero's VAT Return). And the rendered pack of a month, its variances explained, approved: the
pack delivered to the portal or waiting to be.

The figures come from the same books the trial balances do, so the payroll agrees with the
wage accounts and the return's sales with the turnover of its quarter."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import ROUND_HALF_UP, Decimal

from clients.models import Client
from cycle.periods import add_months
from reporting import budgets, commentary
from reporting.budget_file import read_budget
from reporting.building import accounts_for
from reporting.compliance_imports import save_payroll, save_vat_return
from reporting.payroll_summary import read_payroll_summary
from reporting.statements import year_start
from reporting.vat_return import read_vat_return

ZERO = Decimal("0.00")
TEN = Decimal("10")
BUDGETED = ("sales", "cos", "wages", "employer_ni", "rent", "light", "motor", "advertising")
BUDGETED += ("accountancy", "telephone", "bank_fees", "depreciation", "interest")
EMPLOYEES = (("Amelia Hart", "001", Decimal("0.45")), ("Tom Reed", "002", Decimal("0.35")))
EMPLOYEES += (("Priya Nair", "003", Decimal("0.20")),)


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode()


def _pence(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def monthly(books_by_month: dict[datetime.date, dict], month: datetime.date, year_end: int):
    """The month's own figure of each income statement book (natural sign: sales positive)."""
    now = books_by_month[month]
    before = (
        None if month == year_start(month, year_end) else books_by_month.get(add_months(month, -1))
    )
    result = {}
    for key in BUDGETED:
        value = now[key] - (before[key] if before else ZERO)
        result[key] = -value if key == "sales" else value
    return result


def seed_budget(client: Client, books_by_month: dict, newest: datetime.date, book_names, user):
    """Last year's month plus 6 % sales (costs in step), rounded to tens, for each month of the
    financial year ``newest`` falls in."""
    year_end = client.year_end_month or 3
    start = year_start(newest, year_end)
    months = [add_months(start, n) for n in range(12)]
    rows = [["Budget Manager"], [client.name], ["Overall Budget"]]
    rows.append(
        [f"For the 12 months ending {add_months(start, 12) - datetime.timedelta(1):%-d %B %Y}"]
    )
    rows.append([])
    rows.append(["Account", *[f"{m:%b-%y}" for m in months], "Total"])
    planned: dict[str, list[Decimal]] = {key: [] for key in BUDGETED}
    for month in months:
        last_year = add_months(month, -12)
        source = last_year if last_year in books_by_month else None
        figures = monthly(books_by_month, source, year_end) if source else None
        for key in BUDGETED:
            base = figures[key] if figures else ZERO
            grown = base * (Decimal("1.06") if key in ("sales", "cos") else Decimal("1.03"))
            planned[key].append((grown / TEN).quantize(Decimal("1"), ROUND_HALF_UP) * TEN)
    for key in BUDGETED:
        values = planned[key]
        rows.append([book_names[key], *[f"{v:.2f}" for v in values], f"{sum(values):.2f}"])
    data = _csv(rows)
    budget = budgets.place(client, read_budget(data, "Budget Manager.csv"))
    budgets.save(client, budget, "Budget Manager.csv", user)


def seed_payroll(client: Client, books_by_month: dict, newest: datetime.date, user) -> None:
    """BrightPay's payroll summary of each of the last three months, from the wage books."""
    year_end = client.year_end_month or 3
    for month in (add_months(newest, -2), add_months(newest, -1), newest):
        if month not in books_by_month or add_months(month, -1) not in books_by_month:
            continue
        figures = monthly(books_by_month, month, year_end)
        gross, employer_ni = figures["wages"], figures["employer_ni"]
        pay_day = add_months(month, 1) - datetime.timedelta(days=1)
        rows = [[client.name], [f"Monthly Pay Period - Pay Date: {pay_day:%d/%m/%Y}"], []]
        rows.append(["Employee", "Works Number", "Gross Pay", "Tax", "EE NIC", "ER NIC"])
        rows[-1] += ["EE Pension", "ER Pension", "Net Pay"]
        shares = [(name, number, share) for name, number, share in EMPLOYEES]
        given = ZERO
        given_ni = ZERO
        for index, (name, number, share) in enumerate(shares):
            last = index == len(shares) - 1
            pay = gross - given if last else _pence(gross * share)
            er_ni = employer_ni - given_ni if last else _pence(employer_ni * share)
            given, given_ni = given + pay, given_ni + er_ni
            tax, ee_ni = _pence(pay * Decimal("0.14")), _pence(pay * Decimal("0.06"))
            ee_pension, er_pension = _pence(pay * Decimal("0.05")), _pence(pay * Decimal("0.03"))
            net = pay - tax - ee_ni - ee_pension
            rows.append(
                [name, number, *(f"{v:.2f}" for v in (pay, tax, ee_ni, er_ni))]
                + [f"{v:.2f}" for v in (ee_pension, er_pension, net)]
            )
        name = f"BrightPay payroll summary {month:%Y-%m}.csv"
        save_payroll(client, read_payroll_summary(_csv(rows), name), month, user)


def seed_vat_return(client: Client, books_by_month: dict, newest: datetime.date, user) -> None:
    """Xero's VAT Return for the last calendar quarter ended by ``newest``: VAT at 20 % on the
    quarter's sales and on its purchases (cost of sales and the taxable overheads)."""
    end = newest
    while end.month % 3:
        end = add_months(end, -1)
    months = [add_months(end, -2), add_months(end, -1), end]
    if not all(m in books_by_month and add_months(m, -1) in books_by_month for m in months):
        return
    year_end = client.year_end_month or 3
    sales = purchases = ZERO
    for month in months:
        figures = monthly(books_by_month, month, year_end)
        sales += figures["sales"]
        purchases += sum(
            (figures[k] for k in ("cos", "light", "motor", "advertising", "accountancy")), ZERO
        )
        purchases += figures["telephone"]
    box1, box4 = _pence(sales * Decimal("0.2")), _pence(purchases * Decimal("0.2"))
    last_day = add_months(end, 1) - datetime.timedelta(days=1)
    rows = [["VAT Return"], [client.name]]
    rows.append([f"For the period 1 {months[0]:%B %Y} to {last_day:%-d %B %Y}"])
    rows.append([])
    for label, value in (
        ("VAT due in the period on sales and other outputs", box1),
        (
            "VAT due in the period on acquisitions of goods made in Northern Ireland from EU "
            "Member States",
            ZERO,
        ),
        ("Total VAT due", box1),
        ("VAT reclaimed in the period on purchases and other inputs", box4),
        ("Net VAT to pay to HMRC or reclaim", abs(box1 - box4)),
        ("Total value of sales and all other outputs excluding any VAT", _pence(sales)),
        ("Total value of purchases and all other inputs excluding any VAT", _pence(purchases)),
        (
            "Total value of dispatches of goods and related costs (excluding VAT) from Northern "
            "Ireland to EU Member States",
            ZERO,
        ),
        (
            "Total value of acquisitions of goods and related costs (excluding VAT) made in "
            "Northern Ireland from EU Member States",
            ZERO,
        ),
    ):
        rows.append([label, f"{value:.2f}"])
    read = read_vat_return(_csv(rows), "VAT Return.csv")
    save_vat_return(client, read, months[0], end, user)


def explain_variances(client: Client, period: datetime.date, preparer) -> None:
    """The preparer's comment on each of the month's material variances."""
    accounts = accounts_for(client, period)
    if accounts is None:
        return
    for variance in commentary.material_variances(accounts, commentary.settings_for(client)):
        direction = "up" if variance.amount > 0 else "down"
        commentary.save_comment(
            client,
            period,
            variance.key,
            variance.against,
            f"{variance.label.split(' (')[0]} {direction} {variance.against}: the season, "
            "checked against the invoices and the bank.",
            preparer,
        )
