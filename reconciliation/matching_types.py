"""The matcher's inputs and outputs: ``Line``, ``MatchRules``, ``Match``, ``Leftover`` and
``MatchResult``. Import them from ``reconciliation.matching``."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

Kind = Literal["auto", "suggested"]
PassName = Literal["reference", "amount_date", "group", "tolerance"]


@dataclass(frozen=True)
class Line:
    """A bank line or a ledger entry. ``amount`` is the effect on the bank balance."""

    id: str | int
    date: datetime.date
    amount: Decimal
    text: str = ""
    reference: str = ""


@dataclass(frozen=True)
class MatchRules:
    """A client's matching rules."""

    date_window_days: int = 7
    tolerance: Decimal = Decimal("0.00")  # absolute, in the account's currency
    tolerance_percent: Decimal | None = None  # of the larger amount; the larger limit applies
    references_must_agree: bool = False  # auto only when the references agree
    max_group_size: int = 4  # lines on the many side of a group match (2 to 5)
    group_pool_size: int = 40  # nearest-dated candidates searched for a group
    auto_margin: float = 15.0  # score points the best candidate must beat the second by

    def __post_init__(self):
        if self.date_window_days < 0:
            raise ValueError("the date window cannot be negative")
        if self.tolerance < 0 or (self.tolerance_percent or 0) < 0:
            raise ValueError("the tolerance cannot be negative")
        if not 1 <= self.max_group_size <= 5:
            raise ValueError("a group has at most 5 lines")

    def tolerance_for(self, amount_a: Decimal, amount_b: Decimal) -> Decimal:
        """The largest difference allowed between two amounts matched as near."""
        if not self.tolerance_percent:
            return self.tolerance
        larger = max(abs(amount_a), abs(amount_b))
        return max(self.tolerance, larger * self.tolerance_percent / 100)


@dataclass(frozen=True)
class Match:
    bank_ids: tuple
    ledger_ids: tuple
    kind: Kind
    score: float  # 0 to 100
    pass_name: PassName
    reason: str
    difference: Decimal = Decimal(0)  # bank minus ledger: the write-off of a tolerance match


@dataclass(frozen=True)
class Leftover:
    side: Literal["bank", "ledger"]
    id: str | int
    hint: str


@dataclass
class MatchResult:
    matches: list[Match] = field(default_factory=list)
    unmatched_bank: list[Leftover] = field(default_factory=list)
    unmatched_ledger: list[Leftover] = field(default_factory=list)

    @property
    def auto(self) -> list[Match]:
        return [m for m in self.matches if m.kind == "auto"]

    @property
    def suggested(self) -> list[Match]:
        return [m for m in self.matches if m.kind == "suggested"]

    def for_bank(self, bank_id) -> Match | None:
        return next((m for m in self.matches if bank_id in m.bank_ids), None)

    def for_ledger(self, ledger_id) -> Match | None:
        return next((m for m in self.matches if ledger_id in m.ledger_ids), None)
