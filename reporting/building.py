"""A client's management accounts for a month, from the database: the current trial balances
the month and its comparatives need (this month, the two before it, and the same two last
year), in one query, mapped and computed by the pure ``statements``."""

from __future__ import annotations

import datetime
from collections import defaultdict

from clients.models import Client
from reporting.mapping import mapping_for_lines
from reporting.models import TrialBalance, TrialBalanceLine
from reporting.shape import UK_SMALL_COMPANY
from reporting.statements import ManagementAccounts, add_months, management_accounts


def months_needed(period: datetime.date) -> list[datetime.date]:
    return [add_months(period, -n) for n in (0, 1, 2, 12, 13)]


def current_trial_balance(client: Client, period: datetime.date) -> TrialBalance | None:
    return TrialBalance.objects.filter(client=client, period=period, is_current=True).first()


def accounts_for(client: Client, period: datetime.date) -> ManagementAccounts | None:
    """None when the month has no trial balance."""
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
    if period not in by_month:
        return None
    mapping = mapping_for_lines(client, lines)
    return management_accounts(
        UK_SMALL_COMPANY, period, client.year_end_month, dict(by_month), mapping
    )
