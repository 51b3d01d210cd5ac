"""The VAT and payroll figures the reviewer checks, each beside its prior periods: the imported
VAT returns (the latest four up to the month end) or, failing them, the movement on the VAT
control accounts in the month and the two before it; the imported payroll summaries of the
month and the two before it or, failing them, the wage and PAYE accounts of those months.

A constant number of queries: the trial balance lines of four month ends, the account mapping,
the returns and the summaries."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from clients.models import Client
from cycle.periods import add_months
from reporting import compliance
from reporting.mapping import mapping_for_lines
from reporting.models import PayrollSummary, TrialBalanceLine, VatReturn
from reporting.statements import year_start

ZERO = Decimal("0.00")
MONTHS_SHOWN = 3
RETURNS_SHOWN = 4
BOX_LABELS = {
    1: "Box 1 · VAT due on sales and other outputs",
    2: "Box 2 · VAT due on acquisitions from the EU",
    3: "Box 3 · Total VAT due",
    4: "Box 4 · VAT reclaimed on purchases and other inputs",
    5: "Box 5 · Net VAT to pay (or reclaim)",
    6: "Box 6 · Total sales excluding VAT",
    7: "Box 7 · Total purchases excluding VAT",
    8: "Box 8 · Supplies of goods to the EU",
    9: "Box 9 · Acquisitions of goods from the EU",
}
PAYROLL_LABELS = (
    ("gross_pay", "Gross pay"),
    ("paye", "PAYE (income tax)"),
    ("employee_ni", "Employees' National Insurance"),
    ("employer_ni", "Employer's National Insurance"),
    ("employee_pension", "Employees' pension contributions"),
    ("employer_pension", "Employer's pension contributions"),
    ("student_loan", "Student loan deductions"),
    ("net_pay", "Net pay"),
)


@dataclass
class Table:
    title: str
    source: str
    columns: list[str]
    rows: list[tuple[str, list[Decimal | None]]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def month_end(month: datetime.date) -> datetime.date:
    return add_months(month, 1) - datetime.timedelta(days=1)


def side_by_side(
    title: str, source: str, columns: list[tuple[str, compliance.Figures | None]]
) -> Table | None:
    """Single-period figures as one table, a column each; None when no period has any."""
    if all(figures is None for _, figures in columns):
        return None
    labels: list[str] = []
    for _, figures in columns:
        for label, _ in figures.rows if figures else ():
            if label not in labels:
                labels.append(label)
    values = [dict(figures.rows) if figures else {} for _, figures in columns]
    return Table(
        title,
        source,
        [label for label, _ in columns],
        [(label, [v.get(label) for v in values]) for label in labels],
    )


def _accounts_by_month(client: Client, months: list[datetime.date]):
    """month → the compliance view of its accounts (balance now and at the prior month end)."""
    earliest = add_months(months[-1], -1)
    lines = list(
        TrialBalanceLine.objects.filter(
            trial_balance__client=client,
            trial_balance__is_current=True,
            trial_balance__period__in=[*months, earliest],
        ).select_related("trial_balance")
    )
    mapping = mapping_for_lines(client, lines)
    by_month: dict[datetime.date, dict[str, TrialBalanceLine]] = defaultdict(dict)
    for line in lines:
        by_month[line.trial_balance.period][line.account_key] = line
    result = {}
    for month in months:
        if month not in by_month:
            result[month] = None
            continue
        now = by_month[month]
        earlier = by_month.get(add_months(month, -1))
        # An account of last month's export that this month's leaves out is at nil now (a VAT
        # control account paid down to nothing): its movement counts too.
        gone = {k: v for k, v in (earlier or {}).items() if k not in now}
        result[month] = [
            compliance.Account(
                name=line.account_name,
                line=mapping.get(key),
                balance=line.balance if key in now else ZERO,
                before=(earlier[key].balance if key in earlier else ZERO)
                if earlier is not None
                else None,
            )
            for key, line in (now | gone).items()
        ]
    return result


def vat_table(client: Client, period: datetime.date, accounts_by_month) -> Table | None:
    returns = list(
        VatReturn.objects.filter(client=client, period_end__lte=month_end(period)).order_by(
            "-period_end", "-period_start"
        )[:RETURNS_SHOWN]
    )
    if returns:
        boxes = [n for n in range(1, 10) if any(r.box(n) is not None for r in returns)]
        table = Table(
            "VAT",
            "The VAT returns imported",
            [f"{r.period_start:%b %Y} – {r.period_end:%b %Y}" for r in returns],
            [(BOX_LABELS[n], [r.box(n) for r in returns]) for n in boxes],
        )
        if returns[0].period_end < add_months(period, -2):
            table.notes.append(
                f"The latest return imported ended {returns[0].period_end:%-d %B %Y}: import "
                "the one after it when it is filed."
            )
        return table
    return side_by_side(
        "VAT",
        "Movement on the VAT control accounts in each month (no VAT return imported)",
        [(f"{m:%b %Y}", _vat_of(accounts_by_month.get(m))) for m in accounts_by_month],
    )


def _vat_of(accounts):
    return compliance.vat(accounts) if accounts is not None else None


def payroll_table(
    client: Client, period: datetime.date, accounts_by_month, year_end_month
) -> Table | None:
    months = list(accounts_by_month)
    summaries = {
        s.period: s for s in PayrollSummary.objects.filter(client=client, period__in=months)
    }
    if summaries:
        rows = [
            (label, [getattr(summaries[m], key) if m in summaries else None for m in months])
            for key, label in PAYROLL_LABELS
        ]
        rows = [row for row in rows if any(v is not None for v in row[1])]
        table = Table(
            "Payroll",
            "The payroll summaries imported",
            [f"{m:%b %Y}" for m in months],
            rows,
        )
        table.notes = [_summary_note(m, summaries[m]) for m in months if m in summaries]
        if period not in summaries:
            table.notes.insert(0, f"No payroll summary imported for {period:%B %Y}.")
        return table
    return side_by_side(
        "Payroll",
        "The payroll costs from the wage accounts (no payroll summary imported)",
        [
            (
                f"{m:%b %Y}",
                compliance.payroll(accounts, m == year_start(m, year_end_month))
                if accounts is not None
                else None,
            )
            for m, accounts in accounts_by_month.items()
        ],
    )


def _summary_note(month: datetime.date, summary: PayrollSummary) -> str:
    paid = summary.employees
    people = f"{paid} employee{'s' if paid != 1 else ''} paid, " if paid else ""
    return f"{month:%B %Y}: {people}from the payroll summary ({summary.layout})."


def compliance_tables(client: Client, period: datetime.date) -> list[Table]:
    months = [add_months(period, -n) for n in range(MONTHS_SHOWN)]
    accounts = _accounts_by_month(client, months)
    found = [
        vat_table(client, period, accounts),
        payroll_table(client, period, accounts, client.year_end_month),
    ]
    return [table for table in found if table is not None]
