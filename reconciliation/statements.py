"""What a bank file says, as plain values: the importers' output and the matcher's input.

Pure: no Django. Every importer under ``reconciliation.importers`` returns ``Statement`` objects
and raises ``StatementError`` with a message a bookkeeper can act on (the file, the line or
element, and what is wrong)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from documents.spreadsheets import SpreadsheetError  # pure, as this module


class StatementError(SpreadsheetError):
    """A file that cannot be read as a bank statement. The message names the file, where in
    it (line number or element path) and what is wrong."""


@dataclass(frozen=True)
class Account:
    """How the file names the account: whichever of these the file has."""

    iban: str = ""
    sort_code: str = ""  # six digits, no dashes
    account_number: str = ""  # as the bank writes it, spaces removed
    bank_id: str = ""  # the bank's own account id (OFX ACCTID, camt Othr/Id, MT940 :25:)
    name: str = ""

    def label(self) -> str:
        if self.iban:
            return self.iban
        if self.sort_code and self.account_number:
            code = self.sort_code
            return f"{code[:2]}-{code[2:4]}-{code[4:]} {self.account_number}"
        return self.account_number or self.bank_id or self.name or "unknown account"


@dataclass(frozen=True)
class StatementLine:
    booking_date: datetime.date
    amount: Decimal  # signed: effect on the bank balance (money in > 0)
    description: str = ""
    value_date: datetime.date | None = None
    counterparty: str = ""
    reference: str = ""  # the payment's reference (end-to-end id, cheque number, customer ref)
    bank_id: str = ""  # the bank's id for the transaction (FITID, AcctSvcrRef, :61: bank ref)


@dataclass
class Statement:
    account: Account
    currency: str  # ISO 4217, upper case; "" when the file does not say
    lines: list[StatementLine] = field(default_factory=list)
    period_start: datetime.date | None = None
    period_end: datetime.date | None = None
    opening_balance: Decimal | None = None
    closing_balance: Decimal | None = None
    format: str = ""  # "ofx", "mt940", "camt.053", "qif", "csv", ...

    def __post_init__(self):
        if self.lines and self.period_start is None:
            self.period_start = min(line.booking_date for line in self.lines)
        if self.lines and self.period_end is None:
            self.period_end = max(line.booking_date for line in self.lines)

    @property
    def movement(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal(0))

    @property
    def difference(self) -> Decimal | None:
        """Closing minus (opening + lines); None when the file lacks either balance."""
        if self.opening_balance is None or self.closing_balance is None:
            return None
        return self.closing_balance - (self.opening_balance + self.movement)

    @property
    def balances(self) -> bool | None:
        difference = self.difference
        return None if difference is None else difference == 0
