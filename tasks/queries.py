"""Read-side queries for the pack pages.

Progress is counted in SQL (one annotated query for a whole list, never a query per row); status
is worked out in Python by the pure ``cycle.status`` functions from fields already loaded.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, QuerySet

from cycle.clock import Clock
from cycle.stages import STAGES, Stage
from cycle.status import Status, days_behind, overdue_stages, pack_status
from tasks.models import Pack, PackEvent, PackItem
from tasks.services import tick_refusal, tick_would_bar_review, ticked_stages

# The pack page shows the latest events; the rest are counted.
HISTORY_LIMIT = 200


def with_progress(queryset: QuerySet) -> QuerySet:
    """Annotate each pack with its checklist counts: mandatory done/total and all done/total."""
    done = Q(items__done_at__isnull=False)
    mandatory = Q(items__mandatory=True)
    return queryset.annotate(
        mandatory_total=Count("items", filter=mandatory),
        mandatory_done=Count("items", filter=mandatory & done),
        items_total=Count("items"),
        items_done=Count("items", filter=done),
    )


def with_status(packs, clock: Clock) -> list[Pack]:
    """Put ``status`` on every pack of an evaluated list or page (no queries)."""
    packs = list(packs)
    for pack in packs:
        pack.status = clock.status(pack)
    return packs


def my_open_packs(user, role: str = "") -> QuerySet:
    """The user's open packs as preparer and/or reviewer, the next stage due first."""
    if role == "preparer":
        mine = Q(preparer=user)
    elif role == "reviewer":
        mine = Q(reviewer=user)
    else:
        mine = Q(preparer=user) | Q(reviewer=user)
    return (
        with_progress(Pack.objects.filter(mine, completed_at__isnull=True))
        .select_related("client", "template")
        .order_by(F("current_due").asc(nulls_last=True), "client__name", "period", "pk")
    )


def client_pack_list(client) -> QuerySet:
    return (
        with_progress(Pack.objects.filter(client=client))
        .select_related("template", "preparer", "reviewer")
        .order_by("-period", "template__name", "pk")
    )


@dataclass
class StageView:
    """One stage of one pack as the pack page shows it."""

    key: str
    number: int
    due: datetime.date | None
    done_at: datetime.datetime | None
    is_current: bool
    is_overdue: bool
    items: list[PackItem] = field(default_factory=list)
    refusal: str | None = None  # why the viewer cannot tick (some of) this stage's items
    bars_review: bool = False  # ticking here would stop the viewer from reviewing the pack

    @property
    def label(self) -> str:
        return Stage(self.key).label

    @property
    def is_complete(self) -> bool:
        return self.done_at is not None

    @property
    def mandatory_total(self) -> int:
        return sum(1 for item in self.items if item.mandatory)

    @property
    def mandatory_done(self) -> int:
        return sum(1 for item in self.items if item.mandatory and item.is_done)

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def done(self) -> int:
        return sum(1 for item in self.items if item.is_done)


@dataclass
class PackView:
    pack: Pack
    status: Status
    days_behind: int
    stages: list[StageView]
    events: list[PackEvent]
    event_count: int

    @property
    def current(self) -> StageView | None:
        return next((stage for stage in self.stages if stage.is_current), None)

    @property
    def mandatory_total(self) -> int:
        return sum(stage.mandatory_total for stage in self.stages)

    @property
    def mandatory_done(self) -> int:
        return sum(stage.mandatory_done for stage in self.stages)

    @property
    def total(self) -> int:
        return sum(stage.total for stage in self.stages)

    @property
    def done(self) -> int:
        return sum(stage.done for stage in self.stages)


def _refusals(pack: Pack, items: list[PackItem], user) -> None:
    """Put ``refusal`` (``tick_refusal``'s answer) and ``bars_review`` (ticking it would stop
    the viewer from reviewing) on every item, in one query: the stages the viewer ticked."""
    ticked = ticked_stages(pack, user, items)
    for item in items:
        item.refusal = tick_refusal(item, user, ticked)
        item.bars_review = not item.refusal and tick_would_bar_review(item, user, ticked)


def pack_view(pack: Pack, user, clock: Clock) -> PackView:
    """Everything the pack page shows, in a constant number of queries whatever its size:
    the checklist (with who ticked), one review-rule check, the event count and latest events."""
    items = list(PackItem.objects.filter(pack=pack).select_related("done_by"))
    for item in items:
        item.pack = pack
    _refusals(pack, items, user)
    progress = pack.progress()
    late = set(overdue_stages(progress, clock.today))
    stages = [
        StageView(
            key=stage,
            number=index + 1,
            due=getattr(pack, f"{stage}_due"),
            done_at=getattr(pack, f"{stage}_done_at"),
            is_current=stage == pack.current_stage and not pack.is_complete,
            is_overdue=stage in late,
        )
        for index, stage in enumerate(STAGES)
    ]
    by_key = {stage.key: stage for stage in stages}
    for item in items:
        by_key[item.stage].items.append(item)
    for stage in stages:
        stage.refusal = next((i.refusal for i in stage.items if i.refusal), None)
        stage.bars_review = any(item.bars_review for item in stage.items)
    events = PackEvent.objects.filter(pack=pack)
    return PackView(
        pack=pack,
        status=pack_status(progress, clock.today, clock.calendar),
        days_behind=days_behind(progress, clock.today, clock.calendar),
        stages=stages,
        events=list(events.select_related("actor")[:HISTORY_LIMIT]),
        event_count=events.count(),
    )
