"""What bank reconciliation shows on the floors below it, through the places they leave for it:

- the client's Details tab (``clients.extensions``): each bank account with its reconciliation
  of last month (state, difference) and a link to open it, and the client's matching rules;
- the pack page's reconcile stage (``tasks.extensions``): the same for the pack's month, with
  a link to each finished month's filed statement (the PDF in the client's documents).

Each provider runs one query, whatever the number of accounts.
"""

from django.db.models import OuterRef, Subquery

from clients.extensions import ClientPart, register_client_part
from clients.models import BankAccount
from reconciliation.models import Reconciliation
from reconciliation.views.workspace import default_period
from tasks.extensions import PackExtras, PackPart, register_pack_parts, register_period_facts


def account_rows(client_id: int, period) -> list[dict]:
    """The client's bank accounts, each with its reconciliation of ``period`` (or None)."""
    month = Reconciliation.objects.filter(bank_account=OuterRef("pk"), period=period)
    accounts = (
        BankAccount.objects.filter(client_id=client_id)
        .annotate(
            rec_code=Subquery(month.values("code")[:1]),
            rec_state=Subquery(month.values("state")[:1]),
            rec_balance=Subquery(month.values("statement_balance")[:1]),
            rec_report=Subquery(month.values("report__code")[:1]),
        )
        .order_by("-is_active", "name")
    )
    rows = []
    for account in accounts:
        reconciliation = None
        if account.rec_code:
            reconciliation = Reconciliation(
                code=account.rec_code,
                state=account.rec_state,
                statement_balance=account.rec_balance,
            )
        rows.append(
            {"account": account, "reconciliation": reconciliation, "report": account.rec_report}
        )
    return rows


def client_reconciliations_part(request, client) -> ClientPart:
    period = default_period(request.user.practice)
    return ClientPart(
        "reconciliation/_client_part.html",
        {"rows": account_rows(client.pk, period), "period": period, "client": client},
    )


def reconcile_stage_parts(request, pack, *, page: str, **extra) -> PackExtras:
    extras = PackExtras()
    if page == "pack":
        rows = account_rows(pack.client_id, pack.period)
        extras.parts["reconcile"] = [
            PackPart(
                "reconciliation/_pack_part.html",
                {"rows": rows, "period": pack.period, "client": pack.client},
            )
        ]
    return extras


def reconciliation_facts(client_id: int, period) -> list[dict]:
    """Each bank account's reconciliation of ``period`` as plain rows, for the management
    accounts pack (``tasks.extensions.period_facts``)."""
    states = dict(Reconciliation.State.choices)
    return [
        {
            "account": row["account"].name,
            "bank": row["account"].bank_name,
            "number": row["account"].masked_number,
            "state": states.get(row["reconciliation"].state, "") if row["reconciliation"] else "",
            "reconciled": bool(
                row["reconciliation"]
                and row["reconciliation"].state
                in (Reconciliation.State.FINISHED, Reconciliation.State.SIGNED_OFF)
            ),
            "balance": row["reconciliation"].statement_balance if row["reconciliation"] else None,
        }
        for row in account_rows(client_id, period)
        if row["account"].is_active or row["reconciliation"]
    ]


def register() -> None:
    register_client_part(client_reconciliations_part)
    register_pack_parts(reconcile_stage_parts)
    register_period_facts("bank_reconciliations", reconciliation_facts)
