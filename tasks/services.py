"""Pack workflows: ticking, notes, reassignment, and the hooks other apps tick items through."""

from django.db import transaction

from atlasos import clock
from tasks.models import Pack, PackEvent, PackItem
from tasks.progress import refresh_progress
from tasks.stages import PREPARATION_STAGES, Stage


class TickRefused(Exception):
    """The rules of the cycle do not allow this user to tick (or untick) this item."""


def ticked_stages(pack: Pack, user, items: list[PackItem] | None = None) -> frozenset[str]:
    """The stages of ``pack`` in which ``user`` ticked an item: one now ticked by them, or a
    tick of theirs in the audit trail (an item they ticked and someone later unticked still
    counts). ``items``, when the caller has loaded the checklist, saves a query."""
    if items is None:
        current = PackItem.objects.filter(pack=pack, done_by=user).values_list("stage", flat=True)
    else:
        current = [item.stage for item in items if item.done_by_id == user.pk]
    history = PackEvent.objects.filter(
        pack=pack, actor=user, action=PackEvent.Action.TICKED
    ).values_list("stage", flat=True)
    return frozenset(current) | frozenset(history)


def tick_refusal(item: PackItem, user, ticked: frozenset[str] | None = None) -> str | None:
    """Why ``user`` may not change ``item``, or None when they may.

    Segregation of duties: review is done by a partner or manager who is not the preparer and
    ticked none of the preparation items, once preparation (stages 1–4) is complete; whoever
    ticked a review item may not tick preparation items. Delivery comes after review.
    ``ticked`` is ``ticked_stages(pack, user)`` when the caller has it already.
    """
    pack = item.pack
    if item.stage == Stage.REVIEW:
        if not user.can_review:
            return "Only a partner or manager can tick review items."
        if pack.preparer_id == user.pk:
            return "The preparer of a pack cannot review it."
        ticked = ticked_stages(pack, user) if ticked is None else ticked
        if ticked & set(PREPARATION_STAGES):
            return "You ticked preparation items on this pack, so someone else must review it."
        if not item.is_done and not preparation_complete(pack):
            return "Review comes after preparation: stages 1–4 must be complete first."
    elif item.stage in PREPARATION_STAGES:
        ticked = ticked_stages(pack, user) if ticked is None else ticked
        if Stage.REVIEW in ticked:
            return (
                "You ticked review items on this pack, so you may not tick its preparation "
                "items: the reviewer and the preparer must be different people."
            )
    if item.stage == Stage.DELIVER and pack.review_done_at is None and not item.is_done:
        return "The pack can be delivered once the review stage is complete."
    return None


def preparation_complete(pack: Pack) -> bool:
    return all(getattr(pack, f"{stage}_done_at") is not None for stage in PREPARATION_STAGES)


def tick_would_bar_review(item: PackItem, user, ticked: frozenset[str]) -> bool:
    """Whether ticking ``item`` would stop ``user`` from reviewing the pack: a partner or
    manager, not its preparer, who has not yet ticked preparation items, about to tick one."""
    pack = item.pack
    return (
        item.stage in PREPARATION_STAGES
        and not item.is_done
        and user.can_review
        and pack.preparer_id != user.pk
        and not ticked & set(PREPARATION_STAGES)
        and Stage.REVIEW not in ticked
    )


def set_item_done(item: PackItem, user, done: bool) -> PackItem:
    """Tick or untick an item by hand, record who and when, and update the pack's progress."""
    with transaction.atomic():
        pack = Pack.objects.select_for_update().get(pk=item.pack_id)
        item = PackItem.objects.select_related("pack").get(pk=item.pk)
        item.pack = pack
        if item.is_done == done:
            return item
        reason = tick_refusal(item, user)
        if reason:
            raise TickRefused(reason)
        now = clock.now()
        item.done_at = now if done else None
        item.done_by = user if done else None
        item.done_automatically = False
        item.save(update_fields=["done_at", "done_by", "done_automatically"])
        PackEvent.objects.create(
            pack=pack,
            item=item,
            actor=user,
            action=PackEvent.Action.TICKED if done else PackEvent.Action.UNTICKED,
            stage=item.stage,
            detail=item.title,
            created_at=now,
        )
        refresh_progress(pack, actor=user, now=now)
    return item


def tick_from_form(item: PackItem, user, value: str | None) -> str | None:
    """Tick (``"1"``) or untick (``"0"``) as a form's ``done`` field asks: the reason nothing
    changed, or None when the item changed."""
    if value not in ("0", "1"):
        return "Nothing changed: the form did not say whether the item is done."
    try:
        set_item_done(item, user, value == "1")
    except TickRefused as refused:
        return f"Nothing changed: {refused}"
    return None


def set_item_note(item: PackItem, user, note: str) -> PackItem:
    note = note.strip()
    if note == item.note:
        return item
    with transaction.atomic():
        item.note = note
        item.save(update_fields=["note"])
        PackEvent.objects.create(
            pack_id=item.pack_id,
            item=item,
            actor=user,
            action=PackEvent.Action.NOTE,
            stage=item.stage,
            detail=f"{item.title}: {note}"[:500] if note else f"{item.title}: note removed",
            created_at=clock.now(),
        )
    return item


def reassign(pack: Pack, *, preparer, reviewer, actor) -> bool:
    """Change who prepares and who reviews the pack; record it. Returns whether it changed."""
    changes = []
    if preparer != pack.preparer:
        changes.append(f"preparer {pack.preparer or 'nobody'} → {preparer or 'nobody'}")
    if reviewer != pack.reviewer:
        changes.append(f"reviewer {pack.reviewer or 'nobody'} → {reviewer or 'nobody'}")
    if not changes:
        return False
    with transaction.atomic():
        pack.preparer, pack.reviewer = preparer, reviewer
        pack.save(update_fields=["preparer", "reviewer"])
        PackEvent.objects.create(
            pack=pack,
            actor=actor,
            action=PackEvent.Action.REASSIGNED,
            detail="; ".join(changes),
            created_at=clock.now(),
        )
    return True


def auto_tick(pack: Pack, auto_key: str, *, reason: str) -> int:
    """The hook other apps call when the system knows work is done (all requested documents
    received, every bank account reconciled, accounts rendered, pack delivered).

    Ticks the pack's undone items carrying ``auto_key`` (see ``AutoTick``), marked as done
    automatically, with ``reason`` in the audit trail; returns how many it ticked. A person can
    still untick them by hand.
    """
    with transaction.atomic():
        pack = Pack.objects.select_for_update().get(pk=pack.pk)
        items = list(PackItem.objects.filter(pack=pack, auto_key=auto_key, done_at__isnull=True))
        if not items:
            return 0
        now = clock.now()
        for item in items:
            item.done_at = now
            item.done_automatically = True
            item.done_by = None
        PackItem.objects.bulk_update(items, ["done_at", "done_automatically", "done_by"])
        PackEvent.objects.bulk_create(
            [
                PackEvent(
                    pack=pack,
                    item=item,
                    action=PackEvent.Action.TICKED,
                    stage=item.stage,
                    detail=f"{item.title} ({reason})"[:500],
                    automatic=True,
                    created_at=now,
                )
                for item in items
            ]
        )
        refresh_progress(pack, now=now, automatic=True)
    return len(items)
