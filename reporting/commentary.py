"""What the preparer writes about the month: a comment on each material variance (a line that
moved by at least the client's amount and percentage against last month, last year or the
budget), and the management commentary where the client's packs carry one. Review cannot start
without them."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from atlasos import clock
from clients.models import Client
from reporting.models import ManagementCommentary, ReportingSettings, VarianceComment
from reporting.shape import UK_SMALL_COMPANY
from reporting.statements import ManagementAccounts


@dataclass(frozen=True)
class Variance:
    key: str  # the report line
    label: str
    against: str  # "on last month", "on last year"
    current: Decimal
    compared: Decimal
    amount: Decimal
    percent: Decimal | None
    comment: str = ""


# The lines a preparer explains: the ones accounts are mapped to. A subtotal moves because its
# lines did, the profit for the year to date grows every month, and the reserves brought
# forward move once a year by the year's profit: explaining those says nothing new.
EXPLAINED_LINES = {
    line.key for line in UK_SMALL_COMPANY.mappable() if line.key != "reserves_brought_forward"
}


def settings_for(client: Client) -> ReportingSettings:
    return ReportingSettings.objects.filter(client=client).first() or ReportingSettings(
        client=client
    )


def material_variances(
    accounts: ManagementAccounts, rules: ReportingSettings, comments: dict | None = None
) -> list[Variance]:
    """The month's lines that moved by at least the client's amount and percentage against
    last month, last year or the budget (the year to date's variance is read, not commented)."""
    comments = comments or {}
    found = []
    for statement in accounts.statements:
        for row in statement.rows:
            if row.key not in EXPLAINED_LINES:
                continue
            for index, (amount, percent) in enumerate(row.variances):
                label = statement.variance_columns[index].lower()
                if label.startswith("year to date"):
                    continue
                if amount is None or abs(amount) < rules.materiality_amount:
                    continue
                if percent is not None and abs(percent) < rules.materiality_percent:
                    continue
                current, compared = (row.values[i] for i in statement.variance_pairs[index])
                found.append(
                    Variance(
                        row.key,
                        f"{row.label} ({statement.title.lower()})",
                        label,
                        current,
                        compared,
                        amount,
                        percent,
                        comments.get((row.key, label), ""),
                    )
                )
    return found


def comments_for(client: Client, period: datetime.date) -> dict[tuple[str, str], str]:
    return {
        (c.line, c.against): c.text
        for c in VarianceComment.objects.filter(client=client, period=period)
    }


def commentary_for(client: Client, period: datetime.date) -> str:
    found = ManagementCommentary.objects.filter(client=client, period=period).first()
    return found.text if found else ""


def save_comment(client, period, line: str, against: str, text: str, user) -> None:
    text = text.strip()
    with transaction.atomic():
        if not text:
            VarianceComment.objects.filter(
                client=client, period=period, line=line, against=against
            ).delete()
            return
        VarianceComment.objects.update_or_create(
            client=client,
            period=period,
            line=line,
            against=against,
            defaults={"text": text, "written_by": user, "written_at": clock.now()},
        )


def save_commentary(client, period, text: str, user) -> None:
    text = text.strip()
    with transaction.atomic():
        if not text:
            ManagementCommentary.objects.filter(client=client, period=period).delete()
            return
        ManagementCommentary.objects.update_or_create(
            client=client,
            period=period,
            defaults={"text": text, "written_by": user, "written_at": clock.now()},
        )


def review_blockers(client: Client, period: datetime.date, accounts) -> list[str]:
    """Why review cannot start yet: material variances without a comment, a commentary the
    client's packs carry not written."""
    if accounts is None:
        return [f"There is no trial balance for {period:%B %Y} yet."]
    rules = settings_for(client)
    variances = material_variances(accounts, rules, comments_for(client, period))
    blockers = []
    bare = [v for v in variances if not v.comment]
    if bare:
        names = ", ".join(f"{v.label} {v.against}" for v in bare[:3])
        more = f" and {len(bare) - 3} more" if len(bare) > 3 else ""
        blockers.append(
            f"{len(bare)} material variance{'s' if len(bare) != 1 else ''} "
            f"{'have' if len(bare) != 1 else 'has'} no comment ({names}{more}): the preparer "
            "explains each on the management accounts page before review starts."
        )
    if rules.commentary_required and not commentary_for(client, period):
        blockers.append(
            f"{client.name}'s packs carry a management commentary: write it on the management "
            "accounts page before review starts."
        )
    return blockers
