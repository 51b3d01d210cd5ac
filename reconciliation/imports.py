"""Bank statements and ledger exports into a bank account's lines.

A file comes in as a ``Document`` of the client (uploaded here, or already in the store from
the portal or the inbox), is read (``reconciliation.importers``), checked, and its lines are
saved once: a line already imported from an overlapping file has the same fingerprint and is
skipped and counted. Everything of one import is written in one transaction, or nothing.

The checks, each a ``ImportRefused`` with a message the bookkeeper can act on:
- the file reads as a statement (the importer's ``StatementError``, naming file, line, problem);
- opening balance + lines = closing balance wherever the file gives both;
- the account in the file is this bank account, else ``AccountMismatch`` until confirmed.
"""

import datetime
import hashlib
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from atlasos import clock
from atlasos.tenancy.context import require_practice_id
from clients.models import BankAccount
from documents.models import DocType, Document
from documents.store import open_stored_file
from reconciliation.importers import detect, ledger_exports, read_statement, tabular
from reconciliation.models import ColumnMap, Line, Side, StatementImport
from reconciliation.statements import Account, Statement, StatementError, StatementLine

SPREADSHEET = "spreadsheet"
MAX_BYTES = 25 * 1024 * 1024


class ImportRefused(Exception):
    """The file is not imported; ``str()`` says why."""


class AccountMismatch(ImportRefused):
    """The file names another account: the bookkeeper must confirm it is this one."""


@dataclass
class ImportResult:
    statement_import: StatementImport
    imported: int
    skipped: int

    @property
    def message(self) -> str:
        noun = "line" if self.imported == 1 else "lines"
        said = f"{self.imported} {noun} imported from {self.statement_import.filename}"
        if self.skipped:
            said += f"; {self.skipped} already imported from an overlapping file, skipped"
        return said + "."


def read_document(document: Document) -> bytes:
    if document.size > MAX_BYTES:
        raise ImportRefused(f"{document.original_name} is larger than 25 MB.")
    with open_stored_file(document) as stored:
        return stored.read()


def is_spreadsheet(data: bytes, filename: str) -> bool:
    return detect(data, filename) == SPREADSHEET


def saved_mapping(bank_account: BankAccount, side: str) -> tabular.ColumnMapping | None:
    row = ColumnMap.objects.filter(bank_account=bank_account, side=side).first()
    if row is None:
        return None
    try:
        return tabular.ColumnMapping.from_dict(row.mapping)
    except (TypeError, ValueError):
        return None


def save_mapping(bank_account: BankAccount, side: str, mapping: tabular.ColumnMapping) -> None:
    ColumnMap.objects.update_or_create(
        bank_account=bank_account,
        side=side,
        defaults={"mapping": mapping.to_dict(), "updated_at": clock.now()},
    )


def statements_in(
    data: bytes, filename: str, side: str, mapping: tabular.ColumnMapping | None
) -> list[Statement]:
    """What the file holds, as statements (a ledger export is one statement without an
    account or balances)."""
    try:
        if side == Side.LEDGER:
            return [ledger_exports.read_ledger_statement(data, filename, mapping)]
        if mapping is not None and is_spreadsheet(data, filename):
            return tabular.read(data, filename, mapping)
        return read_statement(data, filename)
    except StatementError as error:
        raise ImportRefused(str(error)) from error


def account_matches(account: Account, bank_account: BankAccount) -> bool | None:
    """True when the file's account is this bank account, False when it is another, None
    when the file does not say."""
    digits = "".join(ch for ch in account.account_number if ch.isdigit())
    iban = account.iban.replace(" ", "").upper()
    if iban and bank_account.iban:
        return iban == bank_account.iban.replace(" ", "").upper()
    if account.sort_code and digits and bank_account.sort_code:
        return (account.sort_code, digits[-8:]) == (
            bank_account.sort_code,
            bank_account.account_number,
        )
    number = iban or digits or "".join(ch for ch in account.bank_id if ch.isalnum())
    if len(number) < 6:  # too short to say whose it is
        return None
    own = [bank_account.account_number, bank_account.iban.replace(" ", "")]
    return any(len(o) >= 6 and (number.endswith(o) or o.endswith(number)) for o in own)


def choose(
    statements: list[Statement], bank_account: BankAccount, filename: str, confirmed: bool
) -> tuple[list[Statement], str]:
    """The statements of this bank account, and a warning when the file could not say so."""
    verdicts = [account_matches(s.account, bank_account) for s in statements]
    mine = [s for s, verdict in zip(statements, verdicts, strict=True) if verdict]
    if mine:
        return mine, ""
    if any(verdict is None for verdict in verdicts):
        return [s for s, v in zip(statements, verdicts, strict=True) if v is None], ""
    named = ", ".join(sorted({s.account.label() for s in statements}))
    if len(statements) > 1:
        raise ImportRefused(
            f"{filename} holds statements of {named}, none of them {bank_account}: "
            f"choose the bank account the file belongs to."
        )
    warning = f"{filename} is for account {named}, not {bank_account}."
    if not confirmed:
        raise AccountMismatch(f"{warning} Import it into {bank_account} anyway?")
    return statements, f"{warning} Imported on confirmation."


def check_balances(statement: Statement, filename: str) -> None:
    difference = statement.difference
    if difference:
        raise ImportRefused(
            f"{filename}: the statement of {statement.account.label()} does not add up: opening "
            f"balance {statement.opening_balance:,.2f} plus its lines "
            f"({statement.movement:,.2f}) is {statement.opening_balance + statement.movement:,.2f}"
            f", but the closing balance is {statement.closing_balance:,.2f} (a difference of "
            f"{difference:,.2f}). The file may be incomplete: download it again."
        )


def _normal(text: str) -> str:
    return " ".join(text.upper().split())


def fingerprints(side: str, lines: list[StatementLine]) -> list[str]:
    """The same transaction from two overlapping files has the same fingerprint: date, amount,
    the bank's own id where the file has one (else the text), and how many identical lines
    came before it in the file (two identical coffees on one day are two lines; two
    transactions a bank gave one id are two lines)."""
    seen: Counter = Counter()
    out = []
    for line in lines:
        amount = line.amount.quantize(Decimal("0.00001"))
        if line.bank_id:
            what = f"id|{line.bank_id}"
        else:
            what = _normal(f"{line.counterparty} {line.description} {line.reference}")
        base = f"{side}|{line.booking_date.isoformat()}|{amount}|{what}"
        out.append(hashlib.sha256(f"{base}|{seen[base]}".encode()).hexdigest())
        seen[base] += 1
    return out


def import_document(
    bank_account: BankAccount,
    period: datetime.date,
    side: str,
    document: Document,
    *,
    user,
    mapping: tabular.ColumnMapping | None = None,
    confirmed: bool = False,
) -> ImportResult:
    """Read ``document`` into ``bank_account``'s ``side`` lines for ``period``."""
    data = read_document(document)
    filename = document.original_name
    if mapping is None and is_spreadsheet(data, filename):
        mapping = saved_mapping(bank_account, side)
    statements = statements_in(data, filename, side, mapping)
    warning = ""
    if side == Side.BANK:
        statements, warning = choose(statements, bank_account, filename, confirmed)
    for statement in statements:
        check_balances(statement, filename)
    with transaction.atomic():
        if mapping is not None:
            save_mapping(bank_account, side, mapping)
        return _save(bank_account, period, side, document, statements, user, warning)


def _save(bank_account, period, side, document, statements, user, warning) -> ImportResult:
    lines = [line for statement in statements for line in statement.lines]
    if not lines:
        raise ImportRefused(f"{document.original_name} has no transactions to import.")
    keys = fingerprints(side, lines)
    known = set(
        Line.objects.filter(bank_account=bank_account, side=side, fingerprint__in=keys)
        .values_list("fingerprint", flat=True)
        .iterator()
    )
    first, last = statements[0], statements[-1]
    opening = first.opening_balance if len(statements) == 1 or side == Side.BANK else None
    statement_import = StatementImport.objects.create(
        bank_account=bank_account,
        side=side,
        period=period,
        filename=document.original_name[:255],
        file_format=first.format or "",
        document=document,
        account_label=first.account.label()[:80] if first.account != Account() else "",
        currency=first.currency[:3],
        starts_on=min((s.period_start for s in statements if s.period_start), default=None),
        ends_on=max((s.period_end for s in statements if s.period_end), default=None),
        opening_balance=opening,
        closing_balance=last.closing_balance,
        warning=warning[:300],
        imported_by=user,
    )
    practice_id = require_practice_id()
    new = []
    for line, key in zip(lines, keys, strict=True):
        if key in known:
            continue
        known.add(key)
        new.append(
            Line(
                practice_id=practice_id,
                bank_account=bank_account,
                side=side,
                statement_import=statement_import,
                date=line.booking_date,
                value_date=line.value_date,
                amount=line.amount,
                description=line.description[:500],
                counterparty=line.counterparty[:200],
                reference=line.reference[:140],
                bank_ref=line.bank_id[:140],
                fingerprint=key,
            )
        )
    Line.objects.bulk_create(new, batch_size=1000)
    statement_import.line_count = len(new)
    statement_import.skipped_count = len(lines) - len(new)
    statement_import.save(update_fields=["line_count", "skipped_count"])
    return ImportResult(statement_import, len(new), len(lines) - len(new))


def bank_statement_documents(client, period: datetime.date):
    """The client's bank statements in the store for ``period`` (from the portal, the inbox
    or an upload), newest first: each can be imported in one click."""
    return Document.objects.live().filter(
        client=client, doc_type=DocType.BANK_STATEMENT, period=period
    )
