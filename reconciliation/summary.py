"""The reconciliation statement's figures, always in view:

    balance per bank statement
    − bank lines not (yet) in the ledger
    + ledger entries not yet through the bank
    − differences written off on matches
    = balance per ledger, and whatever is left is the unexplained difference.

Two aggregate queries, whatever the number of lines.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum

from reconciliation.models import Line, Match, Reconciliation, Side, StatementImport
from reconciliation.workspace import later, month_end, scope

ZERO = Decimal(0)


@dataclass(frozen=True)
class Summary:
    statement_balance: Decimal | None
    ledger_balance: Decimal | None
    bank_not_in_ledger: Decimal
    ledger_not_in_bank: Decimal
    written_off: Decimal
    bank_unmatched: int
    ledger_unmatched: int
    unexplained_lines: int
    brought_forward: int
    suggestions: int

    @property
    def expected_ledger_balance(self) -> Decimal | None:
        if self.statement_balance is None:
            return None
        return (
            self.statement_balance
            - self.bank_not_in_ledger
            + self.ledger_not_in_bank
            - self.written_off
        )

    @property
    def difference(self) -> Decimal | None:
        """What nothing explains: zero when the books and the bank agree."""
        expected = self.expected_ledger_balance
        if expected is None or self.ledger_balance is None:
            return None
        return expected - self.ledger_balance

    @property
    def outstanding(self) -> int:
        return self.bank_unmatched + self.ledger_unmatched

    def blockers(self) -> list[str]:
        """What stands between the reconciliation and finishing it, in words."""
        said = []
        if self.statement_balance is None:
            said.append("Enter or import the balance per bank statement.")
        if self.ledger_balance is None:
            said.append("Enter the balance per ledger.")
        if self.suggestions:
            said.append(f"{self.suggestions} suggested matches wait: accept or reject them.")
        if self.unexplained_lines:
            said.append(
                f"{self.unexplained_lines} unmatched lines have no explanation: give each a reason."
            )
        difference = self.difference
        if difference:
            said.append(f"The unexplained difference is {difference:,.2f}: it must be zero.")
        return said


def summarise(reconciliation: Reconciliation) -> Summary:
    start = reconciliation.period
    out = Q(match__isnull=True) | later(reconciliation)
    lines = scope(reconciliation).aggregate(
        bank_out=Sum("amount", filter=out & Q(side=Side.BANK)),
        ledger_out=Sum("amount", filter=out & Q(side=Side.LEDGER)),
        bank_n=Count("pk", filter=out & Q(side=Side.BANK)),
        ledger_n=Count("pk", filter=out & Q(side=Side.LEDGER)),
        unexplained=Count("pk", filter=Q(match__isnull=True, reason="")),
        forward=Count("pk", filter=out & Q(date__lt=start)),
    )
    matches = Match.objects.filter(reconciliation=reconciliation).aggregate(
        written=Sum("difference", filter=Q(state=Match.State.ACCEPTED)),
        waiting=Count("pk", filter=Q(state=Match.State.SUGGESTED)),
    )
    return Summary(
        statement_balance=reconciliation.statement_balance,
        ledger_balance=reconciliation.ledger_balance,
        bank_not_in_ledger=lines["bank_out"] or ZERO,
        ledger_not_in_bank=lines["ledger_out"] or ZERO,
        written_off=matches["written"] or ZERO,
        bank_unmatched=lines["bank_n"],
        ledger_unmatched=lines["ledger_n"],
        unexplained_lines=lines["unexplained"],
        brought_forward=lines["forward"],
        suggestions=matches["waiting"],
    )


def _closing(bank_account_id: int, period: datetime.date, side: str) -> Decimal | None:
    """The closing balance of the file of ``side`` that reaches furthest into the month."""
    return (
        StatementImport.objects.filter(
            bank_account_id=bank_account_id,
            side=side,
            closing_balance__isnull=False,
            ends_on__gte=period,
            ends_on__lte=month_end(period),
        )
        .order_by("-ends_on", "-imported_at")
        .values_list("closing_balance", flat=True)
        .first()
    )


def statement_closing(bank_account_id: int, period: datetime.date) -> Decimal | None:
    """The balance per bank statement at the month end, as the bank's file gives it."""
    return _closing(bank_account_id, period, Side.BANK)


def ledger_closing(bank_account_id: int, period: datetime.date) -> Decimal | None:
    """The balance per ledger at the month end: as the ledger's export gives it (a running
    balance), else the account's first bank statement's opening balance plus every ledger
    entry up to the month end (the books began where the bank stood), else None."""
    given = _closing(bank_account_id, period, Side.LEDGER)
    if given is not None:
        return given
    opening = (
        StatementImport.objects.filter(
            bank_account_id=bank_account_id, side=Side.BANK, opening_balance__isnull=False
        )
        .order_by("starts_on", "imported_at")
        .values_list("opening_balance", flat=True)
        .first()
    )
    if opening is None:
        return None
    total = Line.objects.filter(
        bank_account_id=bank_account_id, side=Side.LEDGER, date__lte=month_end(period)
    ).aggregate(total=Sum("amount"))["total"]
    return opening + (total or ZERO)
