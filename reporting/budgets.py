"""A client's budget: each figure of a budget file put on its report line (an account through
the client's mapping, as its trial balances are; a line by its name), saved by month, and read
back as the budget columns of the management accounts.

Importing a budget replaces the figures of the months the file covers, all of them or none;
the months it does not cover keep theirs (a re-forecast from July leaves January to June)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Q

from clients.models import Client
from reporting.budget_file import BudgetRow, ReadBudget, Rejected
from reporting.mapping import mapping_for_lines
from reporting.models import BudgetFigure, BudgetImport, TrialBalanceLine
from reporting.shape import UK_SMALL_COMPANY
from reporting.trial_balance import account_key

ZERO = Decimal("0.00")
MAX_BYTES = 2 * 1024 * 1024


def _words(text: str) -> str:
    return " ".join(text.casefold().replace("&", "and").split())


LINES_BY_NAME = {_words(line.label): line for line in UK_SMALL_COMPANY.lines}
LINES_BY_NAME |= {_words(line.key.replace("_", " ")): line for line in UK_SMALL_COMPANY.lines}


@dataclass
class Budget:
    """A read budget, each figure on its line: (month, line) → amount, and what was left out."""

    read: ReadBudget
    figures: dict[tuple[datetime.date, str], Decimal] = field(default_factory=dict)
    rejected: list[Rejected] = field(default_factory=list)
    accounts: dict[str, str] = field(default_factory=dict)  # row label → the line it went to

    @property
    def months(self) -> list[datetime.date]:
        return sorted({month for month, _ in self.figures})

    def table(self) -> list[tuple[str, str, list[Decimal | None]]]:
        """(line key, label, an amount per month) in the shape's order, for the preview."""
        months = self.months
        rows = []
        for line in UK_SMALL_COMPANY.mappable():
            values = [self.figures.get((month, line.key)) for month in months]
            if any(v is not None for v in values):
                rows.append((line.key, line.label, values))
        return rows


def _lines_for_accounts(client: Client, rows: list[BudgetRow]) -> dict[tuple[str, str], str]:
    """(code, name) → line for the rows naming an account: by the client's trial balance
    accounts (by key, then by name) and their mapping, else by the defaults for the code."""
    wanted = {(r.code, r.name) for r in rows}
    keys = {account_key(code, name) for code, name in wanted}
    names = {name for _, name in wanted if name}
    known = (
        TrialBalanceLine.objects.filter(
            Q(account_key__in=keys) | Q(account_name__in=names),
            trial_balance__client=client,
            trial_balance__is_current=True,
        )
        .select_related("trial_balance")  # its file's layout says whose chart the code is in
        .order_by("-trial_balance__period")
    )
    lines: dict[str, TrialBalanceLine] = {}
    by_name: dict[str, TrialBalanceLine] = {}
    for line in known:
        lines.setdefault(line.account_key, line)
        by_name.setdefault(_words(line.account_name), line)
    chosen: dict[tuple[str, str], TrialBalanceLine] = {}
    for code, name in wanted:
        line = lines.get(account_key(code, name)) or (by_name.get(_words(name)) if name else None)
        chosen[(code, name)] = line or TrialBalanceLine(
            account_key=account_key(code, name), account_code=code, account_name=name
        )
    mapping = mapping_for_lines(client, list(chosen.values()))
    return {
        pair: mapping[line.account_key]
        for pair, line in chosen.items()
        if line.account_key in mapping
    }


def place(client: Client, read: ReadBudget) -> Budget:
    """Each row's figure on its line; a row on no line (an unmapped account, a total) is
    rejected with the reason."""
    budget = Budget(read, rejected=list(read.rejected))
    on_lines, on_accounts = [], []
    for row in read.rows:
        line = None if row.code else LINES_BY_NAME.get(_words(row.name))
        (on_lines if line is not None else on_accounts).append((row, line))
    mapped = _lines_for_accounts(client, [row for row, _ in on_accounts])
    refused: set[int] = set()
    for row, line in on_lines + on_accounts:
        label = f"{row.code} {row.name}".strip()
        if line is None:
            key = mapped.get((row.code, row.name))
            if key is None:
                if row.row not in refused:
                    refused.add(row.row)
                    budget.rejected.append(
                        Rejected(
                            row.row,
                            label,
                            "No report line for this account: it is in no trial balance of the "
                            "client and its code says nothing. Map it, or budget by line.",
                        )
                    )
                continue
            line = UK_SMALL_COMPANY.by_key[key]
        elif not line.mappable:
            if row.row not in refused:
                refused.add(row.row)
                budget.rejected.append(
                    Rejected(row.row, label, f"{line.label} is a total: budget its lines.")
                )
            continue
        budget.accounts[label] = line.label
        slot = (row.month, line.key)
        budget.figures[slot] = budget.figures.get(slot, ZERO) + row.amount
    budget.rejected.sort(key=lambda r: r.row)
    return budget


def save(client: Client, budget: Budget, filename: str, user) -> BudgetImport:
    months = budget.months
    if not months:
        raise ValueError("No budget figure was read from the file: nothing to save.")
    with transaction.atomic():
        list(Client.objects.select_for_update().filter(pk=client.pk).values_list("pk"))
        BudgetFigure.objects.filter(client=client, period__in=months).delete()
        record = BudgetImport.objects.create(
            client=client,
            filename=filename[:255],
            first_month=months[0],
            last_month=months[-1],
            figure_count=len(budget.figures),
            imported_by=user,
        )
        BudgetFigure.objects.bulk_create(
            [
                BudgetFigure(
                    practice_id=client.practice_id,
                    client=client,
                    period=month,
                    line=line,
                    amount=amount,
                    source=record,
                )
                for (month, line), amount in sorted(budget.figures.items())
            ]
        )
    return record


def budget_by_month(client: Client, months) -> dict[datetime.date, dict[str, Decimal]]:
    """month → line → the budgeted figure (natural sign), for the months that have a budget."""
    found: dict[datetime.date, dict[str, Decimal]] = defaultdict(dict)
    for period, line, amount in BudgetFigure.objects.filter(
        client=client, period__in=list(months)
    ).values_list("period", "line", "amount"):
        found[period][line] = amount
    return dict(found)


def months_budgeted(client: Client, months) -> list[datetime.date]:
    """Which of ``months`` already have a budget (an import would replace it)."""
    return sorted(
        set(
            BudgetFigure.objects.filter(client=client, period__in=list(months)).values_list(
                "period", flat=True
            )
        )
    )


def latest_import(client: Client) -> BudgetImport | None:
    return BudgetImport.objects.filter(client=client).select_related("imported_by").first()
