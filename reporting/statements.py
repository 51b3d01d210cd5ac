"""The management accounts from trial balances: the income statement for the month and the year
to date and the balance sheet at the month end, each beside its comparatives (the prior month,
the same month last year), with variances, the key ratios, and the checks that the figures
hold together — the balance sheet balances, and the profit for the month is what reserves moved
by — each saying why not when it fails.

Trial balances hold balances at a month end: balance sheet accounts since the business began,
income statement accounts since the start of the financial year. So the year to date is the
month end's balance, and a month is its year to date less the prior month's (the whole year to
date in a year's first month). A month whose earlier trial balance is missing has no monthly
figures, and says so.

Pure: ``Decimal`` in and out, never a float; no database.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from cycle.periods import add_months
from reporting.shape import BALANCE, INCOME, Shape

ZERO = Decimal("0.00")
ONE_DP = Decimal("0.1")

Balances = dict[str, Decimal]  # account key -> debit minus credit


def year_start(period: datetime.date, year_end_month: int | None) -> datetime.date:
    """The first month of the financial year ``period`` falls in (calendar year when the year
    end is not known)."""
    first_month = (year_end_month or 12) % 12 + 1
    start = datetime.date(period.year, first_month, 1)
    return start if start <= period else datetime.date(period.year - 1, first_month, 1)


@dataclass
class LineTotals:
    """The balance on each mappable line, and what no line took."""

    by_line: dict[str, Decimal]
    unmapped: Balances


def totals_by_line(balances: Balances, mapping: dict[str, str]) -> LineTotals:
    by_line: dict[str, Decimal] = {}
    unmapped: Balances = {}
    for key, balance in balances.items():
        line = mapping.get(key)
        if line is None:
            if balance:
                unmapped[key] = balance
            continue
        by_line[line] = by_line.get(line, ZERO) + balance
    return LineTotals(by_line, unmapped)


def figures(shape: Shape, by_line: dict[str, Decimal], statement: str) -> dict[str, Decimal]:
    """Every line of ``statement`` as it is shown (signed so the natural side is positive).

    ``by_line`` is balances by mappable line; for the balance sheet it must include the year to
    date's income statement lines, which make the profit for the year."""
    raw: dict[str, Decimal] = {}
    profit = sum(
        (by_line.get(line.key, ZERO) for line in shape.mappable() if line.statement == INCOME),
        ZERO,
    )

    def balance_of(key: str) -> Decimal:
        if key in raw:
            return raw[key]
        line = shape.by_key[key]
        if line.computed:
            value = profit if key == shape.profit_carried_to else ZERO
        elif line.parts:
            value = sum((balance_of(part) for part in line.parts), ZERO)
        else:
            value = by_line.get(key, ZERO)
        raw[key] = value
        return value

    return {
        line.key: line.sign * balance_of(line.key)
        for line in shape.lines
        if line.statement == statement
    }


def month_of(
    ytd: dict[str, Decimal] | None, ytd_before: dict[str, Decimal] | None, first_of_year: bool
) -> dict[str, Decimal] | None:
    """A month's income statement from its year to date and the prior month's. A line the
    month's export leaves out (its accounts came back to nothing, and exports omit zero
    balances) moved by minus the prior month's figure."""
    if ytd is None:
        return None
    if first_of_year:
        return dict(ytd)
    if ytd_before is None:
        return None
    keys = ytd.keys() | ytd_before.keys()
    return {key: ytd.get(key, ZERO) - ytd_before.get(key, ZERO) for key in keys}


def variance(
    current: Decimal | None, other: Decimal | None
) -> tuple[Decimal | None, Decimal | None]:
    """The amount and the percentage (one decimal) by which ``current`` differs from ``other``."""
    if current is None or other is None:
        return None, None
    amount = current - other
    if not other:
        return amount, None
    percent = (amount / abs(other) * 100).quantize(ONE_DP, rounding=ROUND_HALF_UP)
    return amount, percent


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    is_subtotal: bool
    values: tuple[Decimal | None, ...]
    variances: tuple[tuple[Decimal | None, Decimal | None], ...]


@dataclass
class Statement:
    title: str
    columns: tuple[str, ...]
    variance_columns: tuple[str, ...]
    rows: list[Row]
    variance_pairs: tuple[tuple[int, int], ...] = ()  # (column, compared with column)

    def row(self, key: str) -> Row:
        return next(r for r in self.rows if r.key == key)

    @property
    def shown_rows(self) -> list[Row]:
        """What a reader sees: every subtotal, and the lines with a figure in some column."""
        return [r for r in self.rows if r.is_subtotal or any(v for v in r.values)]


def build_statement(
    shape: Shape,
    statement: str,
    title: str,
    columns: list[tuple[str, dict[str, Decimal] | None]],
    variance_pairs: list[tuple[str, int, int]],
) -> Statement:
    """A statement's rows: one value per column (None where the column has no figures), and
    the variances named in ``variance_pairs`` (label, column, compared with column)."""
    shown = [
        (label, figures(shape, data, statement) if data is not None else None)
        for label, data in columns
    ]
    rows = []
    for line in shape.lines:
        if line.statement != statement:
            continue
        values = tuple(f[line.key] if f is not None else None for _, f in shown)
        variances = tuple(variance(values[a], values[b]) for _, a, b in variance_pairs)
        rows.append(Row(line.key, line.label, line.is_subtotal, values, variances))
    return Statement(
        title,
        tuple(label for label, _ in columns),
        tuple(v[0] for v in variance_pairs),
        rows,
        tuple((a, b) for _, a, b in variance_pairs),
    )


@dataclass(frozen=True)
class Check:
    ok: bool
    message: str


def balance_check(shape: Shape, sheet: dict[str, Decimal], unmapped: Balances) -> Check:
    net_assets, capital = sheet[shape.net_assets_line], sheet[shape.capital_line]
    difference = net_assets - capital
    if not difference and unmapped:
        return Check(
            False,
            f"The balance sheet balances only because the accounts not mapped to a line "
            f"({len(unmapped)}) balance among themselves: map them.",
        )
    if not difference:
        return Check(True, f"The balance sheet balances: net assets {net_assets:,.2f}.")
    why = (
        f" Accounts not mapped to a line hold {sum(unmapped.values(), ZERO):,.2f}: map them."
        if unmapped
        else ""
    )
    return Check(
        False,
        f"The balance sheet does not balance: net assets {net_assets:,.2f}, capital and "
        f"reserves {capital:,.2f}, a difference of {difference:,.2f}.{why}",
    )


def reserves_check(
    shape: Shape,
    sheet: dict[str, Decimal],
    sheet_before: dict[str, Decimal] | None,
    month_profit: Decimal | None,
    reserve_lines: tuple[str, ...] = ("reserves_brought_forward", "profit_for_year"),
) -> Check | None:
    """Whether the profit for the month is what the reserves moved by; None when the prior
    month end or the month's profit is not known."""
    if sheet_before is None or month_profit is None:
        return None
    movement = sum((sheet[k] - sheet_before[k] for k in reserve_lines), ZERO)
    if movement == month_profit:
        return Check(
            True, f"Profit for the month ({month_profit:,.2f}) is the movement in reserves."
        )
    return Check(
        False,
        f"Reserves moved by {movement:,.2f} but the profit for the month is "
        f"{month_profit:,.2f}: {movement - month_profit:,.2f} was posted straight to reserves "
        "(a prior-year adjustment, or the year end's transfer not yet made).",
    )


@dataclass(frozen=True)
class Kpi:
    label: str
    value: Decimal | None
    unit: str  # "%", "days", "x", "money"


def _ratio(a: Decimal, b: Decimal, scale: int = 100) -> Decimal | None:
    if not b:
        return None
    return (a / b * scale).quantize(ONE_DP, rounding=ROUND_HALF_UP)


def kpis(
    income_ytd: dict[str, Decimal], sheet: dict[str, Decimal], days_in_year_to_date: int
) -> list[Kpi]:
    turnover = income_ytd.get("turnover", ZERO)
    costs = income_ytd.get("cost_of_sales", ZERO) + income_ytd.get("overheads", ZERO)
    creditors = sheet.get("creditors_within_year", ZERO)
    return [
        Kpi("Gross margin", _ratio(income_ytd.get("gross_profit", ZERO), turnover), "%"),
        Kpi("Net margin", _ratio(income_ytd.get("profit_after_tax", ZERO), turnover), "%"),
        Kpi(
            "Debtor days",
            _ratio(sheet.get("debtors", ZERO), turnover, days_in_year_to_date),
            "days",
        ),
        Kpi("Creditor days", _ratio(creditors, costs, days_in_year_to_date), "days"),
        Kpi("Current ratio", _ratio(sheet.get("current_assets", ZERO), creditors, 1), "x"),
        Kpi("Cash", sheet.get("cash", ZERO), "money"),
    ]


def missing_months(
    period: datetime.date, year_end_month: int | None, present: set[datetime.date]
) -> list[datetime.date]:
    """The month ends whose trial balances the comparatives need and do not have."""
    needed = set()
    for month in (add_months(period, -1), add_months(period, -12)):
        needed.add(month)
        if month != year_start(month, year_end_month):
            needed.add(add_months(month, -1))
    return sorted(needed - present)


@dataclass
class ManagementAccounts:
    period: datetime.date
    year_start: datetime.date
    income: Statement
    balance_sheet: Statement
    checks: list[Check] = field(default_factory=list)
    kpis: list[Kpi] = field(default_factory=list)
    missing: list[datetime.date] = field(default_factory=list)
    unmapped: Balances = field(default_factory=dict)
    trend: list = field(default_factory=list)  # filled by reporting.building
    budget_income: Statement | None = None
    budget_balance: Statement | None = None

    @property
    def statements(self) -> list[Statement]:
        found = [self.income, self.balance_sheet, self.budget_income, self.budget_balance]
        return [s for s in found if s is not None]


Budgets = dict[datetime.date, dict[str, Decimal]]  # month -> line -> figure, natural sign


def budget_balances(shape: Shape, figures_: dict[str, Decimal]) -> dict[str, Decimal]:
    """A budget's figures (written the natural way: income and costs positive) as the
    debit-positive balances ``figures`` reads."""
    return {key: shape.by_key[key].sign * amount for key, amount in figures_.items()}


def against_budget(
    shape: Shape,
    period: datetime.date,
    start: datetime.date,
    month_actual: dict[str, Decimal] | None,
    ytd_actual: dict[str, Decimal] | None,
    budgets: Budgets,
) -> tuple[Statement | None, Statement | None]:
    """The income statement beside the month's budget and the year to date's (blank when a
    month of the year has no budget), and the balance sheet beside the month end's budget where
    the budget has balance sheet lines. (None, None) when the month has no budget."""
    month = budgets.get(period)
    if not month:
        return None, None
    income_lines = {line.key for line in shape.statement(INCOME)}
    months, cursor = [], start
    while cursor <= period:
        months.append(cursor)
        cursor = add_months(cursor, 1)
    ytd_budget: dict[str, Decimal] | None = None
    if all(m in budgets for m in months):
        ytd_budget = {}
        for m in months:
            for key, amount in budgets[m].items():
                if key in income_lines:
                    ytd_budget[key] = ytd_budget.get(key, ZERO) + amount
    month_income = {k: v for k, v in month.items() if k in income_lines}
    income = build_statement(
        shape,
        INCOME,
        "Income statement against budget",
        [
            (f"{period:%b %Y}", month_actual),
            (f"Budget {period:%b %Y}", budget_balances(shape, month_income)),
            ("Year to date", ytd_actual),
            ("Budget year to date", budget_balances(shape, ytd_budget) if ytd_budget else None),
        ],
        [("On budget", 0, 1), ("Year to date on budget", 2, 3)],
    )
    sheet_lines = {k: v for k, v in month.items() if k not in income_lines}
    if not sheet_lines:
        return income, None
    sheet_budget = budget_balances(shape, {**(ytd_budget or {}), **sheet_lines})
    balance = build_statement(
        shape,
        BALANCE,
        "Balance sheet against budget",
        [(f"{period:%b %Y}", ytd_actual), (f"Budget {period:%b %Y}", sheet_budget)],
        [("On budget", 0, 1)],
    )
    return income, balance


def management_accounts(
    shape: Shape,
    period: datetime.date,
    year_end_month: int | None,
    trial_balances: dict[datetime.date, Balances],
    mapping: dict[str, str],
    budgets: Budgets | None = None,
) -> ManagementAccounts:
    """The accounts for ``period`` from whichever of the trial balances they need are there:
    this month's (required), the prior month's, the month before that, and last year's same
    month and the month before it."""
    start = year_start(period, year_end_month)
    mapped = {p: totals_by_line(b, mapping) for p, b in trial_balances.items()}

    def ytd(p: datetime.date) -> dict[str, Decimal] | None:
        return mapped[p].by_line if p in mapped else None

    def month(p: datetime.date) -> dict[str, Decimal] | None:
        first = p == year_start(p, year_end_month)
        return month_of(ytd(p), ytd(add_months(p, -1)), first)

    before, last_year = add_months(period, -1), add_months(period, -12)
    income = build_statement(
        shape,
        INCOME,
        "Income statement",
        [
            (f"{period:%b %Y}", month(period)),
            (f"{before:%b %Y}", month(before)),
            (f"{last_year:%b %Y}", month(last_year)),
            (f"Year to date {period:%b %Y}", ytd(period)),
            (f"Year to date {last_year:%b %Y}", ytd(last_year)),
        ],
        [("On last month", 0, 1), ("On last year", 0, 2), ("Year to date on last year", 3, 4)],
    )
    balance = build_statement(
        shape,
        BALANCE,
        "Balance sheet",
        [
            (f"{period:%b %Y}", ytd(period)),
            (f"{before:%b %Y}", ytd(before)),
            (f"{last_year:%b %Y}", ytd(last_year)),
        ],
        [("On last month", 0, 1), ("On last year", 0, 2)],
    )
    result = ManagementAccounts(period, start, income, balance, unmapped=mapped[period].unmapped)
    sheet = figures(shape, ytd(period), BALANCE)
    result.checks.append(balance_check(shape, sheet, mapped[period].unmapped))
    this_month = month(period)
    sheet_before = figures(shape, ytd(before), BALANCE) if ytd(before) is not None else None
    month_profit = (
        figures(shape, this_month, INCOME)[shape.profit_line] if this_month is not None else None
    )
    moved = reserves_check(shape, sheet, sheet_before, month_profit)
    if moved is not None:
        result.checks.append(moved)
    result.missing = missing_months(period, year_end_month, set(trial_balances))
    month_end = add_months(period, 1) - datetime.timedelta(days=1)
    days = (month_end - start).days + 1
    result.kpis = kpis(figures(shape, ytd(period), INCOME), sheet, days)
    result.budget_income, result.budget_balance = against_budget(
        shape, period, start, this_month, ytd(period), budgets or {}
    )
    return result
