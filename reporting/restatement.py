"""When a month's trial balance is imported again after its pack was approved: the approved
PDF no longer shows the books, so the approval is withdrawn (the Deliver panel stops ticking
it), the "accounts rendered" item and the review signed off on the old figures reopen, and the
pack's history says why. A delivered pack is left as it is: what the client has is on record."""

from __future__ import annotations

import datetime

from atlasos import clock
from clients.models import Client
from cycle.stages import Stage
from reporting.models import AccountsRender
from tasks.models import Pack, PackEvent
from tasks.services import auto_untick, auto_untick_stage
from templates_engine.models import AutoTick


def figures_replaced(client: Client, period: datetime.date, version: int, user) -> int:
    """Withdraw the month's approval after trial balance ``version`` replaced the one it was
    rendered from; returns how many approvals were withdrawn (0: nothing to undo)."""
    withdrawn = AccountsRender.objects.filter(
        client=client, period=period, approved_at__isnull=False
    ).update(approved_at=None, approved_by=None)
    if not withdrawn:
        return 0
    pack = Pack.objects.filter(client=client, period=period).first()
    if pack is None or pack.is_complete:
        return withdrawn
    reason = (
        f"Trial balance for {period:%B %Y} imported again (version {version}): the approved "
        "pack no longer shows the books. Render it again, review and approve."
    )
    PackEvent.objects.create(
        pack=pack,
        actor=user,
        action=PackEvent.Action.NOTE,
        stage=Stage.REVIEW,
        detail=reason[:500],
        created_at=clock.now(),
    )
    auto_untick(pack, AutoTick.ACCOUNTS_RENDERED, reason=reason)
    auto_untick_stage(pack, Stage.REVIEW, reason=reason)
    return withdrawn
