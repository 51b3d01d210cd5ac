"""Applying a template: to clients (an assignment gets the current period's pack at once), and
to the open packs already made from it (a template change carried over on request).

Packs copy their checklist when they are created, so editing a template changes future packs
only. `plan_template_update` shows what carrying the template into the open packs would change;
`apply_template_update` does it. The diff itself is a pure function (`diff_pack`).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction

from atlasos import clock
from cycle.stages import Stage, stage_index
from tasks.models import Pack, PackEvent, PackItem
from tasks.progress import refresh_progress
from tasks.recurrence import ensure_packs
from templates_engine.models import ClientDisabledItem, ClientTemplate, TaskTemplate
from templates_engine.services import ItemSpec

# What a pack item copies from its template item, and so what a template edit can change.
COPIED_FIELDS = ("stage", "title", "mandatory", "guidance", "auto_key")
FIELD_WORDS = {"auto_key": "automatic tick"}


# --- assignment -----------------------------------------------------------------------------


@dataclass(frozen=True)
class AssignResult:
    assigned: int  # clients that now have the template (new or reactivated assignments)
    already: int  # clients that already had it, left as they were
    packs_created: int  # packs of this template created for them straight away
    latest_pack: Pack | None = None  # the newest pack of this template among them


def assign_template(template: TaskTemplate, clients, *, practice, now: datetime) -> AssignResult:
    """Give `template` to each of `clients` (all of the practice in context).

    1. Skip the clients with an active assignment; reactivate an inactive one; create the rest.
    2. Run the recurrence for those clients, so a template assigned mid-month yields the
       current period's pack now rather than at the next month end.
    """
    clients = list(clients)
    client_ids = [c.pk for c in clients]
    with transaction.atomic():
        existing = {
            ct.client_id: ct
            for ct in ClientTemplate.objects.filter(template=template, client_id__in=client_ids)
        }
        already = sum(1 for ct in existing.values() if ct.is_active)
        inactive = [ct.pk for ct in existing.values() if not ct.is_active]
        if inactive:
            ClientTemplate.objects.filter(pk__in=inactive).update(is_active=True)
        # A concurrent assignment of the same pair is absorbed by the unique constraint.
        ClientTemplate.objects.bulk_create(
            [
                ClientTemplate(client_id=client_id, template=template)
                for client_id in client_ids
                if client_id not in existing
            ],
            ignore_conflicts=True,
        )
    changed_ids = [client_id for client_id in client_ids if client_id not in existing] + [
        ct.client_id for ct in existing.values() if not ct.is_active
    ]
    packs = Pack.objects.filter(template=template, client_id__in=changed_ids)
    before = packs.count() if changed_ids else 0
    if changed_ids:
        ensure_packs(practice, now, client_ids=changed_ids)
    after = packs.count() if changed_ids else 0
    latest = packs.order_by("-period").first() if after > before else None
    return AssignResult(
        assigned=len(changed_ids), already=already, packs_created=after - before, latest_pack=latest
    )


# --- carrying a template change into the open packs -----------------------------------------


@dataclass(frozen=True)
class ItemRef:
    """A pack item named in the preview."""

    pack_item_id: int
    stage: str
    title: str


@dataclass(frozen=True)
class ItemChange:
    pack_item_id: int
    stage: str
    title: str  # the title the pack shows now
    changes: tuple[tuple[str, object, object], ...]  # (field, now, after)

    @property
    def fields(self) -> list[str]:
        return [name for name, _old, _new in self.changes]

    @property
    def description(self) -> str:
        return ", ".join(FIELD_WORDS.get(name, name) for name in self.fields)


@dataclass
class PackDiff:
    to_add: list[ItemSpec] = field(default_factory=list)
    to_remove: list[ItemRef] = field(default_factory=list)
    to_change: list[ItemChange] = field(default_factory=list)
    kept: list[ItemRef] = field(default_factory=list)  # gone from the template, but ticked

    @property
    def has_changes(self) -> bool:
        return bool(self.to_add or self.to_remove or self.to_change)

    @property
    def additions(self) -> list[tuple[ItemSpec, str]]:
        """The items to add with their stage's name, for the preview."""
        return [(spec, Stage(spec.stage).label) for spec in self.to_add]


def diff_pack(pack_items: list, template_items: list, disabled_ids: set[int]) -> PackDiff:
    """How one pack's checklist differs from its template now (pure: objects in, diff out).

    - to add: template items no pack item comes from, less the optional ones the client has
      switched off;
    - to change: pack items whose template item has a new stage, title, mandatory flag,
      guidance or automatic tick;
    - to remove: items whose template item was deleted (both links are empty once their
      source is gone), unless ticked: a ticked item is kept, so the work done stays on record.
    The client's extra items are the client's, not the template's, and are left alone.
    """
    diff = PackDiff()
    current = {item.pk: item for item in template_items}
    linked = {pi.template_item_id for pi in pack_items if pi.template_item_id is not None}
    for item in template_items:
        if item.pk in linked or (item.pk in disabled_ids and not item.mandatory):
            continue
        diff.to_add.append(ItemSpec.of_template_item(item))
    for pack_item in pack_items:
        if pack_item.template_item_id in current:
            source = current[pack_item.template_item_id]
            changes = tuple(
                (name, getattr(pack_item, name), getattr(source, name))
                for name in COPIED_FIELDS
                if getattr(pack_item, name) != getattr(source, name)
            )
            if changes:
                diff.to_change.append(
                    ItemChange(pack_item.pk, pack_item.stage, pack_item.title, changes)
                )
        elif pack_item.template_item_id is None and pack_item.extra_item_id is None:
            ref = ItemRef(pack_item.pk, pack_item.stage, pack_item.title)
            (diff.kept if pack_item.done_at is not None else diff.to_remove).append(ref)
    return diff


def merge_order(existing: list, added: list, template_positions: dict[int, int]) -> list:
    """The pack's items in checklist order with `added` slotted in: each after the items of its
    stage that come before it in the template, ahead of the client's extra items (pure)."""
    ordered = sorted(existing, key=lambda i: (stage_index(i.stage), i.position, i.pk or 0))
    for new in sorted(added, key=lambda i: (stage_index(i.stage), i.position)):
        stage = stage_index(new.stage)
        rank = template_positions[new.template_item_id]
        after_earlier_stages, first_of_stage, after_predecessor = 0, None, None
        for index, item in enumerate(ordered):
            item_stage = stage_index(item.stage)
            if item_stage < stage:
                after_earlier_stages = index + 1
            elif item_stage == stage:
                if first_of_stage is None:
                    first_of_stage = index
                item_rank = template_positions.get(item.template_item_id)
                if item_rank is not None and item_rank <= rank:
                    after_predecessor = index + 1
        if after_predecessor is not None:
            at = after_predecessor
        elif first_of_stage is not None:
            at = first_of_stage
        else:
            at = after_earlier_stages
        ordered.insert(at, new)
    return ordered


@dataclass
class PackPlan:
    pack: Pack
    diff: PackDiff


@dataclass
class Plan:
    template: TaskTemplate
    open_packs: int  # open packs made from the template
    packs: list[PackPlan]  # those with something to change or keep

    def _total(self, name: str) -> int:
        return sum(len(getattr(p.diff, name)) for p in self.packs)

    @property
    def changed_packs(self) -> list[PackPlan]:
        return [p for p in self.packs if p.diff.has_changes]

    @property
    def totals(self) -> dict[str, int]:
        return {
            "packs": len(self.changed_packs),
            "added": self._total("to_add"),
            "removed": self._total("to_remove"),
            "changed": self._total("to_change"),
            "kept": self._total("kept"),
        }

    @property
    def has_changes(self) -> bool:
        return bool(self.changed_packs)


@dataclass
class _Loaded:
    """Everything a plan needs, in four queries whatever the number of packs."""

    template_items: list
    items_by_pack: dict[int, list[PackItem]]
    disabled: dict[int, set[int]]  # client id -> template items switched off


def _load(template: TaskTemplate, packs: list[Pack]) -> _Loaded:
    template_items = list(template.items.all())
    items_by_pack: dict[int, list[PackItem]] = defaultdict(list)
    for pack_item in PackItem.objects.filter(pack_id__in=[p.pk for p in packs]):
        items_by_pack[pack_item.pack_id].append(pack_item)
    disabled: dict[int, set[int]] = defaultdict(set)
    for client_id, item_id in ClientDisabledItem.objects.filter(
        client_template__template=template,
        client_template__client_id__in={p.client_id for p in packs},
    ).values_list("client_template__client_id", "template_item_id"):
        disabled[client_id].add(item_id)
    return _Loaded(template_items, items_by_pack, disabled)


def _plan_for(template: TaskTemplate, packs: list[Pack], loaded: _Loaded) -> Plan:
    plans = []
    for pack in packs:
        diff = diff_pack(
            loaded.items_by_pack[pack.pk], loaded.template_items, loaded.disabled[pack.client_id]
        )
        if diff.has_changes or diff.kept:
            plans.append(PackPlan(pack, diff))
    return Plan(template=template, open_packs=len(packs), packs=plans)


def plan_template_update(template: TaskTemplate) -> Plan:
    """What carrying `template` into its open packs (not yet complete) would change."""
    packs = list(
        Pack.objects.filter(template=template, completed_at__isnull=True)
        .select_related("client")
        .order_by("client__name", "period", "pk")
    )
    return _plan_for(template, packs, _load(template, packs))


@dataclass(frozen=True)
class ApplyResult:
    packs: int
    added: int
    removed: int
    changed: int
    kept: int


def _summary(template: TaskTemplate, diff: PackDiff) -> str:
    parts = []
    if diff.to_add:
        parts.append(f"{len(diff.to_add)} added")
    if diff.to_change:
        parts.append(f"{len(diff.to_change)} updated")
    if diff.to_remove:
        parts.append(f"{len(diff.to_remove)} removed")
    text = f"From the template {template.name}: {', '.join(parts)}"
    if diff.kept:
        text += f"; {len(diff.kept)} ticked item{'s' if len(diff.kept) != 1 else ''} kept"
    return text[:500]


def apply_template_update(plan: Plan, actor, *, now: datetime | None = None) -> ApplyResult:
    """Carry the template into the open packs of `plan`, in one transaction.

    1. Lock the packs the plan changes; a pack completed since the preview is left alone.
    2. Diff each again on the locked rows, so a tick or a template edit made since the preview
       counts (a ticked item is never removed) and a second submit adds nothing twice.
    3. Add, update and remove items, keep the checklist in order, record an "items updated"
       event per pack and recompute its stages. Due dates do not change.
    """
    now = now or clock.now()
    template = plan.template
    pack_ids = [p.pack.pk for p in plan.changed_packs]
    added = removed = changed = kept = 0
    changed_packs = []
    with transaction.atomic():
        packs = list(
            Pack.objects.select_for_update()
            .filter(pk__in=pack_ids, completed_at__isnull=True)
            .order_by("pk")
        )
        loaded = _load(template, packs)
        fresh = _plan_for(template, packs, loaded)
        positions = {item.pk: item.position for item in loaded.template_items}
        to_create, to_update, to_delete, events = [], {}, [], []
        for pack_plan in fresh.changed_packs:
            pack, diff = pack_plan.pack, pack_plan.diff
            gone = {ref.pack_item_id for ref in diff.to_remove}
            existing = [i for i in loaded.items_by_pack[pack.pk] if i.pk not in gone]
            by_pk = {i.pk: i for i in existing}
            for change in diff.to_change:
                item = by_pk[change.pack_item_id]
                for name, _old, new in change.changes:
                    setattr(item, name, new)
                to_update[item.pk] = item
            new_items = [PackItem.from_spec(pack, spec) for spec in diff.to_add]
            for index, item in enumerate(merge_order(existing, new_items, positions)):
                position = (index + 1) * 10
                if item.position != position:
                    item.position = position
                    if item.pk:
                        to_update[item.pk] = item
            to_create += new_items
            to_delete += gone
            events.append(
                PackEvent(
                    pack=pack,
                    actor=actor,
                    action=PackEvent.Action.ITEMS_UPDATED,
                    detail=_summary(template, diff),
                    created_at=now,
                )
            )
            changed_packs.append(pack)
            added += len(diff.to_add)
            removed += len(diff.to_remove)
            changed += len(diff.to_change)
            kept += len(diff.kept)
        # The diff ran on locked packs, so an item listed for removal is still unticked.
        PackItem.objects.filter(pk__in=to_delete, done_at__isnull=True).delete()
        PackItem.objects.bulk_update(to_update.values(), [*COPIED_FIELDS, "position"])
        PackItem.objects.bulk_create(to_create)
        PackEvent.objects.bulk_create(events)
        for pack in changed_packs:
            refresh_progress(pack, actor=actor, now=now)
    return ApplyResult(len(changed_packs), added, removed, changed, kept)
