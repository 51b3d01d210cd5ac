"""Stage completion, derived from the checklist and stored on the pack by one function, in the
same transaction as the tick that changed it."""

from datetime import datetime

from django.db.models import Count, Q

from cycle.stages import STAGES, Stage
from cycle.status import current_stage
from tasks.models import Pack, PackEvent, PackItem
from tasks.signals import pack_delivered


def refresh_progress(pack: Pack, *, actor=None, now: datetime, automatic: bool = False) -> None:
    """Recompute which stages are complete (all mandatory items done), the current stage, and
    whether the pack has started or is complete; record every change as an event. When the
    pack has just become complete, send ``tasks.signals.pack_delivered`` (same transaction)."""
    rows = (
        PackItem.objects.filter(pack=pack)
        .values("stage")
        .annotate(
            open_mandatory=Count("pk", filter=Q(mandatory=True, done_at__isnull=True)),
            mandatory=Count("pk", filter=Q(mandatory=True)),
            done=Count("pk", filter=Q(done_at__isnull=False)),
        )
    )
    open_by_stage = {row["stage"]: row["open_mandatory"] for row in rows}
    started = any(row["done"] for row in rows)
    events = []
    changed = []

    def event(action, stage="", detail=""):
        events.append(
            PackEvent(
                pack=pack,
                actor=actor,
                action=action,
                stage=stage,
                detail=detail,
                automatic=automatic,
                created_at=now,
            )
        )

    mandatory_by_stage = {row["stage"]: row["mandatory"] for row in rows}
    earlier_complete = True
    for stage in STAGES:
        field = f"{stage}_done_at"
        # A stage with no mandatory items has nothing to wait for of its own: it completes
        # when the stages before it have, so an empty review or deliver stage cannot
        # complete a pack on the first tick.
        if mandatory_by_stage.get(stage, 0):
            complete = open_by_stage.get(stage, 0) == 0
        else:
            complete = earlier_complete
        earlier_complete = earlier_complete and complete
        was_complete = getattr(pack, field) is not None
        if complete and not was_complete:
            setattr(pack, field, now)
            changed.append(field)
            event(PackEvent.Action.STAGE_COMPLETED, stage, Stage(stage).label)
        elif was_complete and not complete:
            setattr(pack, field, None)
            changed.append(field)
            event(PackEvent.Action.STAGE_REOPENED, stage, Stage(stage).label)

    stage_now = current_stage(pack.completed_stages) or ""
    if stage_now != pack.current_stage:
        pack.current_stage = stage_now
        changed.append("current_stage")
    due_now = getattr(pack, f"{stage_now}_due") if stage_now else None
    if due_now != pack.current_due:
        pack.current_due = due_now
        changed.append("current_due")
    if started and pack.started_at is None:
        pack.started_at = now
        changed.append("started_at")
    elif not started and pack.started_at is not None:
        pack.started_at = None
        changed.append("started_at")

    delivered = pack.deliver_done_at is not None
    if delivered and pack.completed_at is None:
        pack.completed_at = now
        changed.append("completed_at")
        event(PackEvent.Action.COMPLETED)
    elif not delivered and pack.completed_at is not None:
        pack.completed_at = None
        changed.append("completed_at")
        event(PackEvent.Action.REOPENED)

    if changed:
        pack.save(update_fields=changed)
    if events:
        PackEvent.objects.bulk_create(events)
    if "completed_at" in changed and pack.completed_at is not None:
        pack_delivered.send(sender=Pack, pack=pack, actor=actor, now=now)
