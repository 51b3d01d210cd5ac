"""A client's management accounts for a month, from the database: the current trial balances
of the month and the thirteen before it (the comparatives need the prior month, last year's
same month and the months before each; the trend charts a year of months), in one query, and
the budget of the financial year in another, mapped and computed by the pure ``statements``."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from clients.models import Client
from reporting.budgets import budget_by_month
from reporting.mapping import mapping_for_lines
from reporting.models import TrialBalance, TrialBalanceLine
from reporting.shape import BALANCE, INCOME, UK_SMALL_COMPANY
from reporting.statements import (
    ManagementAccounts,
    add_months,
    figures,
    management_accounts,
    month_of,
    totals_by_line,
    year_start,
)

TREND_MONTHS = 12


@dataclass(frozen=True)
class TrendMonth:
    month: datetime.date
    turnover: Decimal | None
    profit: Decimal | None
    cash: Decimal | None


def months_needed(period: datetime.date) -> list[datetime.date]:
    return [add_months(period, -n) for n in range(TREND_MONTHS + 2)]


def current_trial_balance(client: Client, period: datetime.date) -> TrialBalance | None:
    return TrialBalance.objects.filter(client=client, period=period, is_current=True).first()


def _balances(client: Client, period: datetime.date):
    lines = list(
        TrialBalanceLine.objects.filter(
            trial_balance__client=client,
            trial_balance__is_current=True,
            trial_balance__period__in=months_needed(period),
        ).select_related("trial_balance")
    )
    by_month: dict[datetime.date, dict] = defaultdict(dict)
    for line in lines:
        by_month[line.trial_balance.period][line.account_key] = line.balance
    return dict(by_month), mapping_for_lines(client, lines)


def trend(client: Client, period: datetime.date, by_month: dict, mapping: dict) -> list:
    """Turnover and profit of each of the twelve months to ``period``, and the cash at each
    month end (None where a trial balance is missing)."""
    year_end = client.year_end_month
    totals = {month: totals_by_line(b, mapping).by_line for month, b in by_month.items()}
    result = []
    for n in range(TREND_MONTHS - 1, -1, -1):
        month = add_months(period, -n)
        first = month == year_start(month, year_end)
        income = month_of(totals.get(month), totals.get(add_months(month, -1)), first)
        shown = figures(UK_SMALL_COMPANY, income, INCOME) if income is not None else None
        sheet = figures(UK_SMALL_COMPANY, totals[month], BALANCE) if month in totals else None
        result.append(
            TrendMonth(
                month,
                shown["turnover"] if shown else None,
                shown[UK_SMALL_COMPANY.profit_line] if shown else None,
                sheet["cash"] if sheet else None,
            )
        )
    return result


def accounts_for(client: Client, period: datetime.date) -> ManagementAccounts | None:
    """None when the month has no trial balance."""
    by_month, mapping = _balances(client, period)
    if period not in by_month:
        return None
    start = year_start(period, client.year_end_month)
    budgets = budget_by_month(client, [add_months(start, n) for n in range(12)])
    accounts = management_accounts(
        UK_SMALL_COMPANY, period, client.year_end_month, by_month, mapping, budgets
    )
    accounts.trend = trend(client, period, by_month, mapping)
    return accounts
