"""When a month's trial balance is imported again after its pack was rendered, approved or
reviewed: that work shows the old books, so the approval is withdrawn (the Deliver panel stops
ticking it), the "accounts rendered" item and the review signed off on the old figures reopen,
and the pack's history says why. A delivered pack is left as it is: what the client has is on
record."""

from __future__ import annotations

import datetime

from atlasos import clock
from clients.models import Client
from cycle.stages import Stage
from reporting.models import AccountsRender
from reporting.pack_versions import withdraw_approvals
from tasks.models import Pack, PackEvent
from tasks.services import auto_untick, auto_untick_stage
from templates_engine.models import AutoTick


def figures_replaced(client: Client, period: datetime.date, version: int, user) -> int:
    """After trial balance ``version`` replaced an earlier one: withdraw the month's approval,
    and reopen what stood on the old figures (the "accounts rendered" item when a pack was
    rendered from them, the review when it was signed off on them). Returns how many approvals
    were withdrawn."""
    withdrawn = withdraw_approvals(client.pk, period)
    if version < 2:
        return withdrawn
    pack = Pack.objects.filter(client=client, period=period).first()
    if pack is None or pack.is_complete:
        return withdrawn
    rendered = AccountsRender.objects.filter(client=client, period=period).exists()
    if not (withdrawn or rendered or pack.review_done_at):
        return withdrawn
    reason = (
        f"Trial balance for {period:%B %Y} imported again (version {version}): what was "
        "rendered, approved or reviewed shows the old books. Render it again, review and approve."
    )
    PackEvent.objects.create(
        pack=pack,
        actor=user,
        action=PackEvent.Action.NOTE,
        stage=Stage.REVIEW,
        detail=reason[:500],
        created_at=clock.now(),
    )
    if rendered:
        auto_untick(pack, AutoTick.ACCOUNTS_RENDERED, reason=reason)
    auto_untick_stage(pack, Stage.REVIEW, reason=reason)
    return withdrawn
