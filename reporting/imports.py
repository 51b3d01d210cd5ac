"""Importing a client's trial balance for a month: read (with the client's saved column map
when its files need one), refuse what does not balance, and save it as the month's new current
version, the earlier versions kept for the record. One transaction: all of its lines or none."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Max

from atlasos import clock
from clients.models import Client
from reporting.models import TrialBalance, TrialBalanceColumns, TrialBalanceLine
from reporting.restatement import figures_replaced
from reporting.trial_balance import ColumnMap, ReadTrialBalance, read_trial_balance

MAX_BYTES = 2 * 1024 * 1024


class ImportRefused(Exception):
    """The file is not saved; ``str()`` says why."""


def saved_columns(client: Client) -> ColumnMap | None:
    row = TrialBalanceColumns.objects.filter(client=client).first()
    return ColumnMap.from_dict(row.columns) if row else None


def read_for(client: Client, data: bytes, filename: str, columns: ColumnMap | None = None):
    """The file read with ``columns`` when given, else as its layout says, else with the
    client's saved column map. Raises TrialBalanceError when none of them reads it."""
    if len(data) > MAX_BYTES:
        raise ImportRefused(
            f"{filename} is {-(-len(data) // 1024)} KB: a trial balance export is far smaller "
            f"(at most {MAX_BYTES // 1024 // 1024} MB). Is this the right file?"
        )
    if columns is not None:
        return read_trial_balance(data, filename, columns)
    try:
        return read_trial_balance(data, filename)
    except ValueError:
        saved = saved_columns(client)
        if saved is None:
            raise
        return read_trial_balance(data, filename, saved)


def period_warning(read: ReadTrialBalance, period: datetime.date) -> str:
    if read.as_at and read.as_at.replace(day=1) != period:
        return (
            f"The file says it is at {read.as_at:%d %B %Y}, not the end of {period:%B %Y}: "
            "check the month before saving."
        )
    return ""


def save(
    client: Client,
    period: datetime.date,
    read: ReadTrialBalance,
    user,
    columns: ColumnMap | None = None,
) -> TrialBalance:
    """The month's new current trial balance; the one it replaces is kept, no longer current."""
    problems = read.problems()
    if problems:
        raise ImportRefused(" ".join(problems))
    period = period.replace(day=1)
    with transaction.atomic():
        list(Client.objects.select_for_update().filter(pk=client.pk).values_list("pk"))
        versions = TrialBalance.objects.filter(client=client, period=period)
        latest = versions.aggregate(latest=Max("version"))["latest"] or 0
        versions.filter(is_current=True).update(is_current=False, replaced_at=clock.now())
        trial_balance = TrialBalance.objects.create(
            client=client,
            period=period,
            version=latest + 1,
            layout=read.layout,
            filename=read.filename[:255],
            as_at=read.as_at,
            total_debit=read.total_debit,
            total_credit=read.total_credit,
            account_count=len(read.accounts),
            rejected_count=len(read.rejected),
            imported_by=user,
        )
        TrialBalanceLine.objects.bulk_create(
            lines_of(read, trial_balance),
            batch_size=1000,
        )
        figures_replaced(client, period, trial_balance.version, user)
        if columns is not None:
            TrialBalanceColumns.objects.update_or_create(
                client=client, defaults={"columns": columns.as_dict(), "updated_at": clock.now()}
            )
    return trial_balance


def lines_of(read: ReadTrialBalance, trial_balance: TrialBalance | None = None) -> list:
    """The file's accounts as trial balance lines: to save (with ``trial_balance``) or to show
    in the preview which report line each goes to."""
    return [
        TrialBalanceLine(
            practice_id=trial_balance.practice_id if trial_balance else None,
            trial_balance=trial_balance,
            account_key=account.key,
            account_code=account.code,
            account_name=account.name,
            account_type=account.account_type,
            section=account.section,
            debit=account.debit,
            credit=account.credit,
        )
        for account in read.accounts
    ]
