"""Helpers of the reconciliation service tests: files into the client's documents, the November
files imported, an MT940 statement written from its lines, and the row counts a refusal must
leave as they were."""

from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from atlasos.tenancy.context import practice_context
from documents.models import DocType, Source
from documents.store import store_document
from reconciliation import imports, workspace
from reconciliation.models import ColumnMap, Line, Match, Reconciliation, StatementImport
from tests.reconciliation.conftest import NOVEMBER, WORKSPACE_FILES

WHITFIELD_25 = "30917402344812"


def november_bytes(name: str) -> bytes:
    return (WORKSPACE_FILES / name).read_bytes()


def stored(
    client, name: str, data: bytes, *, doc_type=DocType.BANK_STATEMENT, source=None, user=None
):
    """``data`` kept in ``client``'s documents as ``name`` for November 2026. Call inside the
    practice's context."""
    document, _ = store_document(
        client,
        SimpleUploadedFile(name, data),
        doc_type=doc_type,
        period=NOVEMBER,
        source=source or Source.STAFF_UPLOAD,
        user=user,
    )
    return document


def import_file(account, name, data, side, user, **options):
    """``data`` stored and imported into ``account`` for November (inside the context)."""
    doc_type = DocType.BANK_STATEMENT if side == "bank" else DocType.OTHER
    document = stored(account.client, name, data, doc_type=doc_type, user=user)
    return imports.import_document(account, NOVEMBER, side, document, user=user, **options)


def november_imported(account, user) -> Reconciliation:
    """The November reconciliation with the bank's MT940 and the Xero export imported, its
    balances taken from the files (inside the context)."""
    from reconciliation.views.imports import refresh_balances

    import_file(account, "november.sta", november_bytes("november.sta"), "bank", user)
    import_file(account, "november_xero.csv", november_bytes("november_xero.csv"), "ledger", user)
    reconciliation = workspace.open_for(account, NOVEMBER)
    refresh_balances(reconciliation)
    reconciliation.refresh_from_db()
    return reconciliation


def counts(practice_id: int) -> dict[str, int]:
    with practice_context(practice_id):
        return {
            "lines": Line.objects.count(),
            "imports": StatementImport.objects.count(),
            "matches": Match.objects.count(),
            "column_maps": ColumnMap.objects.count(),
        }


def mt940(
    lines: list[tuple[str, str, str, str]],
    *,
    opening: str = "5000.00",
    account: str = WHITFIELD_25,
    reference: str = "STMT2611",
    closing: str | None = None,
) -> str:
    """An MT940 message: ``lines`` are (YYMMDD, signed amount, bank reference or "", text).
    The closing balance is opening + lines unless ``closing`` is given."""
    total = Decimal(opening) + sum((Decimal(amount) for _, amount, _, _ in lines), Decimal(0))
    closing_balance = Decimal(closing) if closing is not None else total
    last = lines[-1][0] if lines else "261130"
    out = [
        f":20:{reference}",
        f":25:{account}",
        ":28C:11/1",
        f":60F:{_balance('261031', Decimal(opening))}",
    ]
    for date, amount, bank_ref, text in lines:
        value = Decimal(amount)
        mark = "C" if value > 0 else "D"
        refs = "NONREF" + (f"//{bank_ref}" if bank_ref else "")
        out.append(f":61:{date}{date[2:]}{mark}{_swift(abs(value))}NTRF{refs}")
        out.append(f":86:{text}")
    out.append(f":62F:{_balance(last, closing_balance)}")
    out.append("-")
    return "\n".join(out) + "\n"


def _balance(date: str, amount: Decimal) -> str:
    return f"{'C' if amount >= 0 else 'D'}{date}GBP{_swift(abs(amount))}"


def _swift(amount: Decimal) -> str:
    return f"{amount:.2f}".replace(".", ",")
