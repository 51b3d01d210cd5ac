"""Which report line each of a client's accounts is on: the practice's own decision for the
client where there is one, else the default for its type or chart of accounts. The accounts
are the ones the client's current trial balances hold; a name guess is only a suggestion."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from atlasos import clock
from clients.models import Client
from reporting.default_maps import default_line, guess_line
from reporting.models import AccountMapping, TrialBalanceLine
from reporting.shape import UK_SMALL_COMPANY

LABELS = {line.key: line.label for line in UK_SMALL_COMPANY.lines}


@dataclass
class AccountRow:
    key: str
    code: str
    name: str
    account_type: str
    balance: Decimal  # in the latest trial balance that has the account
    period: datetime.date
    chosen: str | None  # the practice's decision
    default: str | None
    guess: str | None

    @property
    def line(self) -> str | None:
        return self.chosen or self.default

    @property
    def line_label(self) -> str:
        return LABELS.get(self.line or "", "")

    @property
    def guess_label(self) -> str:
        return LABELS.get(self.guess or "", "")

    @property
    def how(self) -> str:
        if self.chosen:
            return "Chosen for this client"
        if self.default:
            return "Default for its type or chart"
        return "Not mapped"


def overrides(client: Client) -> dict[str, str]:
    return dict(AccountMapping.objects.filter(client=client).values_list("account_key", "line"))


CHART_LAYOUTS = {"xero", "sage", "quickbooks"}


def system_of(line: TrialBalanceLine, client: Client, layout: str = "") -> str:
    """Whose chart of accounts the line's code is in: the system its file was read as (a Sage
    export is Sage's chart whatever the client's record says), else the client's. Saved lines
    come with their trial balance (``select_related``, or through ``trial_balance.lines``);
    unsaved ones name their file's ``layout``."""
    if not layout and TrialBalanceLine.trial_balance.is_cached(line) and line.trial_balance:
        layout = line.trial_balance.layout
    return layout if layout in CHART_LAYOUTS else client.accounting_system


def _default(line: TrialBalanceLine, system: str) -> str | None:
    return default_line(
        line.account_code, line.account_name, line.account_type, line.section, system
    )


def account_rows(client: Client, since: datetime.date | None = None) -> list[AccountRow]:
    """Every account of the client's current trial balances (from ``since``), the latest
    month's balance, unmapped first, then by code and name. Two queries."""
    chosen = overrides(client)
    lines = TrialBalanceLine.objects.filter(
        trial_balance__client=client, trial_balance__is_current=True
    )
    if since:
        lines = lines.filter(trial_balance__period__gte=since)
    rows: dict[str, AccountRow] = {}
    for line in lines.select_related("trial_balance").order_by("-trial_balance__period", "pk"):
        if line.account_key in rows:
            continue
        rows[line.account_key] = AccountRow(
            key=line.account_key,
            code=line.account_code,
            name=line.account_name,
            account_type=line.account_type or line.section,
            balance=line.balance,
            period=line.trial_balance.period,
            chosen=chosen.get(line.account_key),
            default=_default(line, system_of(line, client)),
            guess=guess_line(line.account_name),
        )
    return sorted(rows.values(), key=lambda r: (r.line is not None, r.code or "~", r.name))


def mapping_for_lines(client: Client, lines, layout: str = "") -> dict[str, str]:
    """account key → line for ``lines`` (trial balance lines), the client's choices first;
    ``layout``: the layout of the file the (unsaved) lines were read from."""
    chosen = overrides(client)
    mapping = {}
    for line in lines:
        found = chosen.get(line.account_key) or _default(line, system_of(line, client, layout))
        if found:
            mapping[line.account_key] = found
    return mapping


def choose(client: Client, choices: dict[str, str], user) -> int:
    """Record the practice's line for each account key; returns how many changed."""
    valid = {line.key for line in UK_SMALL_COMPANY.mappable()}
    choices = {key: line for key, line in choices.items() if line in valid and key}
    if not choices:
        return 0
    with transaction.atomic():
        existing = {
            m.account_key: m
            for m in AccountMapping.objects.select_for_update().filter(
                client=client, account_key__in=list(choices)
            )
        }
        changed, new = [], []
        for key, line in choices.items():
            mapping = existing.get(key)
            if mapping is None:
                new.append(AccountMapping(client=client, account_key=key, line=line, set_by=user))
            elif mapping.line != line:
                mapping.line, mapping.set_by, mapping.set_at = line, user, clock.now()
                changed.append(mapping)
        for mapping in new:
            mapping.practice_id = client.practice_id
        AccountMapping.objects.bulk_create(new)
        AccountMapping.objects.bulk_update(changed, ["line", "set_by", "set_at"])
    return len(new) + len(changed)
