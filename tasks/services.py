"""Pack workflows: ticking, notes, reassignment, and the hooks other apps tick items through."""

from django.db import transaction

from atlasos import clock
from atlasos.refusals import Refusal
from cycle.stages import PREPARATION_STAGES, Stage
from tasks.models import Pack, PackEvent, PackItem
from tasks.progress import refresh_progress


class TickRefused(Refusal):
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
            detail=hand_tick_detail(item)[:500],
            created_at=now,
        )
        refresh_progress(pack, actor=user, now=now)
    return item


def hand_tick_detail(item: PackItem) -> str:
    """What the audit trail says about a tick or untick by hand (``item`` already changed):
    the title, and for an item that follows the document request, a manual override when the
    request says otherwise."""
    if item.hand_override == "ticked":
        missing = ", ".join(item.documents_missing)
        return (
            f"{item.title} — manual override: ticked by hand while the request still misses: "
            f"{missing}"
        )
    if item.hand_override == "unticked":
        return (
            f"{item.title} — manual override: unticked by hand although the request has every "
            "document for it"
        )
    return item.title


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
        _change_automatically(pack, items, done=True, reasons={auto_key: reason})
    return len(items)


def auto_tick_stage(pack: Pack, stage: str, *, reason: str) -> int:
    """Like ``auto_tick``, for every undone item of one stage: the hook for work that settles
    a whole stage at once (the partner's review signed off). Returns how many it ticked."""
    with transaction.atomic():
        pack = Pack.objects.select_for_update().get(pk=pack.pk)
        items = list(PackItem.objects.filter(pack=pack, stage=stage, done_at__isnull=True))
        _change_automatically(
            pack, items, done=True, reasons={item.auto_key: reason for item in items}
        )
    return len(items)


def auto_untick(pack: Pack, auto_key: str, *, reason: str) -> int:
    """The reverse of ``auto_tick``: the system knows the work is no longer done (a document
    unlinked, an item needed again). Unticks the pack's ticked items carrying ``auto_key``,
    recorded as automatic with ``reason``, and refreshes the pack's progress (a complete stage
    reopens); returns how many it unticked. A delivered pack is left as it is."""
    with transaction.atomic():
        pack = Pack.objects.select_for_update().get(pk=pack.pk)
        if pack.is_complete:
            return 0
        items = list(PackItem.objects.filter(pack=pack, auto_key=auto_key, done_at__isnull=False))
        _change_automatically(pack, items, done=False, reasons={auto_key: reason})
    return len(items)


def auto_untick_stage(pack: Pack, stage: str, *, reason: str) -> int:
    """The reverse of ``auto_tick_stage``: the whole stage's work no longer stands (the review
    signed off on figures since replaced). Unticks its ticked items, recorded as automatic with
    ``reason``; a delivered pack is left as it is. Returns how many it unticked."""
    with transaction.atomic():
        pack = Pack.objects.select_for_update().get(pk=pack.pk)
        if pack.is_complete:
            return 0
        items = list(PackItem.objects.filter(pack=pack, stage=stage, done_at__isnull=False))
        _change_automatically(
            pack, items, done=False, reasons={item.auto_key: reason for item in items}
        )
    return len(items)


def follow_documents(pack: Pack, answers: dict[str, list[str] | None]) -> None:
    """Bring the pack's items that follow its document request in line with the request.

    ``answers`` maps each document ``auto_key`` to what the request still misses of the
    documents it covers: ``[]`` when every one is received or not applicable, the missing
    items' titles otherwise, None when the request has no item of that kind (the item is then
    left to people). For each item carrying one of the keys:

    - it ticks itself when its answer becomes "all in" (it was not already);
    - it unticks itself when something it covers goes missing that was not missing before
      (an upload unlinked, an item needed again, a new required item added);
    - otherwise its tick stands. So a tick or untick by hand (a manual override, recorded as
      such) is not fought: it stands until the documents the item covers change again.

    What the request misses is stored on the item (``documents_missing``) for the pack page
    and for the next answer. A delivered pack never changes. Call inside the transaction that
    changed the request; one query to read the items, one to store them, then the usual tick
    bookkeeping when something ticked or unticked.
    """
    follow_documents_many({pack.pk: answers})


def follow_documents_many(answers: dict[int, dict[str, list[str] | None]]) -> None:
    """``follow_documents`` for many packs (``answers`` by pack id) at once: the packs locked
    in pk order and their items read in one query, the changed ones stored in one more."""
    with transaction.atomic():
        packs = {
            pack.pk: pack
            for pack in Pack.objects.select_for_update().filter(pk__in=list(answers)).order_by("pk")
            if not pack.is_complete
        }
        if not packs:
            return
        keys = {key for pack_id in packs for key in answers[pack_id]}
        items = PackItem.objects.filter(pack_id__in=list(packs), auto_key__in=list(keys))
        tick, untick, changed = {}, {}, []
        for item in items.order_by("pk"):
            mine = answers[item.pack_id]
            if item.auto_key not in mine:
                continue
            missing, before = mine[item.auto_key], item.documents_missing
            if missing == before:
                continue
            if missing == [] and not item.is_done and before != []:
                tick.setdefault(item.pack_id, []).append(item)
            elif missing and item.is_done and set(missing) - set(before or []):
                untick.setdefault(item.pack_id, []).append(item)
            item.documents_missing = missing
            changed.append(item)
        if not changed:
            return
        PackItem.objects.update_each(changed, ["documents_missing"])
        for pack_id, pack in packs.items():
            ticked = tick.get(pack_id, [])
            reasons = {
                item.auto_key: "the document request has every document for it" for item in ticked
            }
            _change_automatically(pack, ticked, done=True, reasons=reasons)
            unticked = untick.get(pack_id, [])
            reasons = {
                item.auto_key: f"the document request misses: {', '.join(item.documents_missing)}"
                for item in unticked
            }
            _change_automatically(pack, unticked, done=False, reasons=reasons)


def record_documents_missing(answers: dict[int, dict[str, list[str] | None]]) -> None:
    """What new requests miss, stored on their packs' items without ticking or unticking
    anything (``answers`` by pack id): a tick made before the request existed stands, and
    shows as a manual override while documents are missing. Two queries for any number of
    packs."""
    items = list(
        PackItem.objects.filter(
            pack_id__in=list(answers),
            auto_key__in={key for keys in answers.values() for key in keys},
            pack__completed_at__isnull=True,
        )
    )
    for item in items:
        item.documents_missing = answers[item.pack_id].get(item.auto_key)
    PackItem.objects.bulk_update(items, ["documents_missing"], batch_size=1000)


def _change_automatically(
    pack: Pack, items: list[PackItem], *, done: bool, reasons: dict[str, str]
) -> None:
    """Tick (or untick) ``items`` as the system, with the reason for their key in the audit
    trail, and refresh the pack's progress. Inside a transaction holding the pack's lock."""
    if not items:
        return
    now = clock.now()
    for item in items:
        item.done_at = now if done else None
        item.done_automatically = done
        item.done_by = None
    PackItem.objects.bulk_update(items, ["done_at", "done_automatically", "done_by"])
    PackEvent.objects.bulk_create(
        [
            PackEvent(
                pack=pack,
                item=item,
                action=PackEvent.Action.TICKED if done else PackEvent.Action.UNTICKED,
                stage=item.stage,
                detail=f"{item.title} ({reasons[item.auto_key]})"[:500],
                automatic=True,
                created_at=now,
            )
            for item in items
        ]
    )
    refresh_progress(pack, now=now, automatic=True)
