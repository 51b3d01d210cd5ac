"""Finishing a reconciliation: the statement is rendered to PDF by a worker and filed in the
client's documents; the preparer signs it off, which ticks the pack's reconcile items once every
active bank account of the client is signed off for the month; reopening unticks them, with the
reason recorded.

States: open → (finish) rendering → (the worker) finished → (sign off) signed off; reopen from
finished or signed off goes back to open. A render that fails goes back to open with the error.
"""

from django.db import transaction

from atlasos import clock
from clients.models import BankAccount
from reconciliation.models import Reconciliation
from reconciliation.summary import summarise
from reconciliation.tasks import render_statement
from reconciliation.workspace import WorkspaceError
from tasks.models import Pack
from tasks.services import auto_tick, auto_untick
from templates_engine.models import AutoTick

State = Reconciliation.State


def finish(reconciliation: Reconciliation, user) -> Reconciliation:
    """Check it balances and is explained, then have the statement rendered (after commit)."""
    with transaction.atomic():
        locked = Reconciliation.objects.select_for_update().get(pk=reconciliation.pk)
        if locked.state != State.OPEN:
            raise WorkspaceError(f"It is {locked.get_state_display().lower()} already.")
        blockers = summarise(locked).blockers()
        if blockers:
            raise WorkspaceError(" ".join(blockers))
        locked.state = State.RENDERING
        locked.prepared_by = user
        locked.finished_at = clock.now()
        locked.render_error = ""
        locked.save(update_fields=["state", "prepared_by", "finished_at", "render_error"])
        render_statement.delay_on_commit(locked.pk, practice_id=locked.practice_id)
    return locked


def pack_for(reconciliation: Reconciliation) -> Pack | None:
    """The client's pack whose period holds the reconciliation's month."""
    from cycle.periods import period_end

    for pack in Pack.objects.filter(
        client_id=reconciliation.client_id, period__lte=reconciliation.period
    ).order_by("-period")[:3]:
        if period_end(pack.period, pack.recurrence) >= reconciliation.period:
            return pack
    return None


def last_month(pack: Pack):
    """A quarterly or yearly pack is reconciled when its last month is."""
    from cycle.periods import period_end

    return period_end(pack.period, pack.recurrence).replace(day=1)


def all_signed_off(client_id: int, period) -> bool:
    accounts = BankAccount.objects.filter(client_id=client_id, is_active=True).values_list(
        "pk", flat=True
    )
    signed = Reconciliation.objects.filter(
        client_id=client_id, period=period, state=State.SIGNED_OFF
    ).values_list("bank_account_id", flat=True)
    return bool(accounts) and set(accounts) <= set(signed)


def sign_off(reconciliation: Reconciliation, user) -> Reconciliation:
    with transaction.atomic():
        locked = Reconciliation.objects.select_for_update().get(pk=reconciliation.pk)
        if locked.state != State.FINISHED:
            raise WorkspaceError(
                "Only a finished reconciliation, its statement filed, is signed off."
            )
        locked.state = State.SIGNED_OFF
        locked.signed_off_by = user
        locked.signed_off_at = clock.now()
        locked.reopened_reason = ""
        locked.save(update_fields=["state", "signed_off_by", "signed_off_at", "reopened_reason"])
        pack = pack_for(locked)
        if pack is not None and all_signed_off(locked.client_id, last_month(pack)):
            auto_tick(
                pack,
                AutoTick.BANK_RECONCILED,
                reason=f"Every bank account reconciled for {locked.period:%B %Y} and signed off",
            )
    return locked


def reopen(reconciliation: Reconciliation, user, reason: str) -> Reconciliation:
    reason = reason.strip()
    if not reason:
        raise WorkspaceError("Say why it is reopened.")
    with transaction.atomic():
        locked = Reconciliation.objects.select_for_update().get(pk=reconciliation.pk)
        if locked.state not in (State.FINISHED, State.SIGNED_OFF):
            raise WorkspaceError("Only a finished or signed-off reconciliation is reopened.")
        was_signed = locked.state == State.SIGNED_OFF
        locked.state = State.OPEN
        locked.signed_off_by = None
        locked.signed_off_at = None
        locked.reopened_reason = reason[:300]
        locked.report = None  # the filed statement stays in the documents, as the record
        locked.save(
            update_fields=["state", "signed_off_by", "signed_off_at", "reopened_reason", "report"]
        )
        pack = pack_for(locked)
        if was_signed and pack is not None:
            who = user.get_full_name() or user.email
            what = f"{locked.bank_account.name} {locked.period:%B %Y}"
            auto_untick(
                pack, AutoTick.BANK_RECONCILED, reason=f"{what} reopened by {who}: {reason}"
            )
    return locked
