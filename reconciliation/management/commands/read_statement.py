"""Read bank statement files and say what each holds, or why it is refused."""

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reconciliation.importers import detect, read_statement
from reconciliation.statements import Statement, StatementError


class Command(BaseCommand):
    help = (
        "Read bank statement files (OFX/QFX, MT940/MT942, camt.052/053/054, QIF, CSV, XLSX) "
        "and print, per file, each statement's account, currency, opening and closing "
        "balance, line count and whether it balances, or why the file is refused. "
        "Exit 1 when any file is refused."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", help="statement files, or - for standard input")
        parser.add_argument("--json", action="store_true", help="one JSON document on stdout")

    def handle(self, *args, files, json: bool, **options):
        results = [self._read(name) for name in files]
        if json:
            self.stdout.write(_dumps(results))
        else:
            for result in results:
                self.stdout.write("\n".join(_describe(result)))
        if any("error" in result for result in results):
            sys.exit(1)

    def _read(self, name: str) -> dict:
        if name == "-":
            data = sys.stdin.buffer.read()
        else:
            try:
                data = Path(name).read_bytes()
            except OSError as error:
                raise CommandError(f"{name}: cannot be read ({error.strerror}).") from error
        filename = Path(name).name if name != "-" else "standard input"
        try:
            statements = read_statement(data, filename)
        except StatementError as error:
            return {"file": name, "error": str(error)}
        return {
            "file": name,
            "format": detect(data, filename),
            "statements": [_as_dict(statement) for statement in statements],
        }


def _money(value) -> str | None:
    return None if value is None else str(value)


def _as_dict(statement: Statement) -> dict:
    account = statement.account
    return {
        "account": account.label(),
        "iban": account.iban,
        "sort_code": account.sort_code,
        "account_number": account.account_number,
        "bank_id": account.bank_id,
        "currency": statement.currency,
        "format": statement.format,
        "period_start": statement.period_start.isoformat() if statement.period_start else None,
        "period_end": statement.period_end.isoformat() if statement.period_end else None,
        "opening_balance": _money(statement.opening_balance),
        "closing_balance": _money(statement.closing_balance),
        "lines": len(statement.lines),
        "money_in": str(sum((x.amount for x in statement.lines if x.amount > 0), 0)),
        "money_out": str(sum((x.amount for x in statement.lines if x.amount < 0), 0)),
        "balances": statement.balances,
        "difference": _money(statement.difference),
    }


def _describe(result: dict) -> list[str]:
    if "error" in result:
        return [f"{result['file']}: refused: {result['error']}"]
    statements = result["statements"]
    noun = "statement" if len(statements) == 1 else "statements"
    lines = [f"{result['file']}: {len(statements)} {noun} ({result['format']})"]
    for s in statements:
        period = f"{s['period_start']} to {s['period_end']}" if s["period_start"] else "no dates"
        opening = s["opening_balance"] or "not given"
        closing = s["closing_balance"] or "not given"
        if s["balances"] is None:
            check = "balance not checked (the file gives no opening or no closing balance)"
        elif s["balances"]:
            check = "balances: opening + lines = closing"
        else:
            check = f"DOES NOT BALANCE: closing differs from opening + lines by {s['difference']}"
        currency = s["currency"] or "currency not given"
        lines.append(
            f"  {s['account']} · {currency} · {period} · opening {opening} · closing {closing} · "
            f"{s['lines']} line{'' if s['lines'] == 1 else 's'} · {check}"
        )
    return lines


def _dumps(results: list[dict]) -> str:
    return json.dumps(results, indent=2, ensure_ascii=False)
