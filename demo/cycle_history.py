"""Demo history for the cycle: every client on the standard template, and a pack for each client
for the newest period the recurrence has made by now and the ``history`` periods before it.

Each pack is created when the recurrence would have created it, and is as far through its
stages as its profile and the moment allow (``demo.plan``). Its checklist agrees with
the stored progress: a completed stage has all its mandatory items ticked, no later than the
stage's completion and no earlier than the stage could start; a stage in progress has some
mandatory items left. Preparation items are ticked by the preparer, review items by the
reviewer, who is never the preparer.
"""

import datetime
import random
from dataclasses import dataclass, replace
from zoneinfo import ZoneInfo

from django.db import connection

from cycle.periods import Recurrence
from cycle.stages import STAGES, Stage
from cycle.workdays import WorkCalendar, stage_due_dates
from demo.plan import (
    PackPlan,
    plan_pack,
    practice_profiles,
    release_moment,
    released_periods,
)
from tasks.models import Pack, PackEvent, PackItem
from templates_engine.models import ClientTemplate, TaskTemplate
from templates_engine.services import checklist_from
from templates_engine.standard import STANDARD_NAME

BATCH = 5000
# The items of a stage are ticked within this time before the stage completes.
TICK_WINDOW = datetime.timedelta(hours=20)
# Optional items ticked in a completed stage.
OPTIONAL_DONE = 0.6


@dataclass
class Cycle:
    """What the seed made: the periods (oldest first; the last is the newest the recurrence
    has made by now), when the recurrence made each period's packs, and the packs."""

    periods: list[datetime.date]
    created: dict[datetime.date, datetime.datetime]
    packs: dict[tuple[int, datetime.date], Pack]

    @property
    def newest(self) -> datetime.date:
        return self.periods[-1]

    @property
    def before(self) -> datetime.date | None:
        return self.periods[-2] if len(self.periods) > 1 else None


def seed_cycle(
    rng: random.Random,
    practice,
    clients: list,
    now: datetime.datetime,
    *,
    history: int = 12,
    forced: dict | None = None,
) -> Cycle:
    """Packs, checklists and their audit trail. ``forced[(client pk, age)]`` is a profile that
    replaces the drawn one (age 0 is the newest period): the demo's scripted packs are made
    untouched, as the recurrence made them, and their story is played afterwards."""
    template = TaskTemplate.objects.get(name=STANDARD_NAME)
    ClientTemplate.objects.bulk_create(
        [ClientTemplate(client=c, template=template) for c in clients], batch_size=BATCH
    )
    specs = checklist_from(list(template.items.all()), [], set())
    calendar = WorkCalendar(practice.country)
    tz = ZoneInfo(practice.timezone)
    offset = practice.pack_release_offset
    periods = released_periods(now.astimezone(tz).date(), calendar, offset, history)
    created = {period: release_moment(period, calendar, tz, offset, now) for period in periods}
    profiles = practice_profiles(rng, [c.pk for c in clients], len(periods), forced or {})

    packs, plans = [], []
    for index, period in enumerate(periods):
        age = len(periods) - 1 - index
        due = stage_due_dates(period, Recurrence.MONTHLY, template.due_days, calendar)
        for client in clients:
            plan = plan_pack(rng, profiles[age][client.pk], due, created[period], now, calendar, tz)
            working = _working_items(rng, specs, plan.working) if plan.working else []
            if not working:
                plan = replace(plan, working=None, working_at=None)
            packs.append(_pack(client, template, period, due, plan))
            plans.append((plan, working))

    if connection.vendor == "postgresql":
        Pack.objects.bulk_create(packs, batch_size=BATCH)
        _items_and_events_in_sql(practice, packs, plans, specs, periods[-1])
    else:
        _items_and_events_in_python(rng, packs, plans, specs, periods[-1])
    return Cycle(periods, created, {(p.client_id, p.period): p for p in packs})


def _pack(client, template, period, due: dict, plan: PackPlan) -> Pack:
    stage_now = plan.current_stage
    return Pack(
        client=client,
        template=template,
        period=period,
        recurrence=Recurrence.MONTHLY,
        preparer=client.preparer,
        reviewer=client.reviewer,
        current_stage=stage_now,
        current_due=due[stage_now] if stage_now else None,
        completed_at=plan.completed_at,
        created_at=plan.created,
        **{f"{stage}_due": due[stage] for stage in STAGES},
        **{f"{stage}_done_at": plan.done.get(stage) for stage in STAGES},
    )


def _working_items(rng: random.Random, specs, stage: str) -> list[int]:
    """The items (indexes in ``specs``) ticked so far in the stage in progress: some of its
    mandatory items, never all, and a few optional ones."""
    in_stage = [i for i, spec in enumerate(specs) if spec.stage == stage]
    mandatory = [i for i in in_stage if specs[i].mandatory]
    if len(mandatory) < 2:
        return []
    chosen = set(rng.sample(mandatory, rng.randint(1, len(mandatory) - 1)))
    chosen |= {i for i in in_stage if not specs[i].mandatory and rng.random() < 0.4}
    return sorted(chosen)


def _last_mandatory(specs) -> list[int]:
    """The position of each stage's last mandatory item."""
    last = {spec.stage: spec.position for spec in specs if spec.mandatory}
    return sorted(last.values())


def _doer(pack: Pack, stage: str):
    return pack.reviewer if stage == Stage.REVIEW else pack.preparer


def _ticks(rng: random.Random, plan: PackPlan, working: list[int], specs) -> dict:
    """Spec index → when its item was ticked. The last mandatory item of a completed stage is
    the tick that completed it."""
    ticks = {}
    for stage, end in plan.done.items():
        start = max(plan.stage_start(stage), end - TICK_WINDOW)
        in_stage = [i for i, spec in enumerate(specs) if spec.stage == stage]
        for i in in_stage:
            if specs[i].mandatory or rng.random() < OPTIONAL_DONE:
                ticks[i] = start + (end - start) * rng.random()
        mandatory = [i for i in in_stage if specs[i].mandatory]
        if mandatory:
            ticks[mandatory[-1]] = end
    for i in working:
        ticks[i] = plan.working_at
    return ticks


def _created_event(pack: Pack) -> PackEvent:
    return PackEvent(
        pack=pack,
        action=PackEvent.Action.CREATED,
        automatic=True,
        detail=f"{pack.period_label} pack created by the recurrence",
        created_at=pack.created_at,
    )


def _progress_events(pack: Pack) -> list[PackEvent]:
    events = [
        PackEvent(
            pack=pack,
            actor=_doer(pack, stage),
            action=PackEvent.Action.STAGE_COMPLETED,
            stage=stage,
            detail=Stage(stage).label,
            created_at=getattr(pack, f"{stage}_done_at"),
        )
        for stage in STAGES
        if getattr(pack, f"{stage}_done_at")
    ]
    if pack.completed_at:
        events.append(
            PackEvent(
                pack=pack,
                actor=pack.preparer,
                action=PackEvent.Action.COMPLETED,
                created_at=pack.completed_at,
            )
        )
    return events


def _items_and_events_in_python(rng, packs, plans, specs, newest) -> None:
    ticks_by_pack = []
    for pack, (plan, working) in zip(packs, plans, strict=True):
        ticks = _ticks(rng, plan, working, specs)
        pack.started_at = min(ticks.values(), default=None)
        ticks_by_pack.append(ticks)
    Pack.objects.bulk_create(packs, batch_size=BATCH)

    items, events = [], []
    for pack, ticks in zip(packs, ticks_by_pack, strict=True):
        events.append(_created_event(pack))
        audit_ticks = pack.period == newest or pack.completed_at is None
        for index, spec in enumerate(specs):
            done_at = ticks.get(index)
            by = _doer(pack, spec.stage) if done_at else None
            item = PackItem.from_spec(pack, spec, done_at=done_at, done_by=by)
            items.append(item)
            if done_at and audit_ticks:
                events.append(
                    PackEvent(
                        pack=pack,
                        item=item,
                        actor=by,
                        action=PackEvent.Action.TICKED,
                        stage=spec.stage,
                        detail=spec.title,
                        created_at=done_at,
                    )
                )
        events += _progress_events(pack)
    PackItem.objects.bulk_create(items, batch_size=BATCH)
    PackEvent.objects.bulk_create(events, batch_size=BATCH)


# --- PostgreSQL: the same history, built by the database ------------------------------------
# The SQL below is assembled from constants (stage names, column names) only; every value is
# a parameter.


def _by_stage(column: str, values: dict[str, str]) -> str:
    return f"CASE {column} " + " ".join(f"WHEN '{s}' THEN {v}" for s, v in values.items()) + " END"


STAGE_DONE = _by_stage("s.stage", {stage: f"p.{stage}_done_at" for stage in STAGES})
STAGE_START = _by_stage(
    "s.stage",
    {
        stage: f"p.{STAGES[index - 1]}_done_at" if index else "p.created_at"
        for index, stage in enumerate(STAGES)
    },
)


def _draw(salt: str) -> str:
    """A number in [0, 1) drawn from the practice's name, the client, the period and the item:
    the same seed gives the same checklist on every run, whatever the row ids."""
    key = (
        f"%(seed)s || ':{salt}:' || c.short_code || ':' || p.period::text "
        "|| ':' || s.position::text"
    )
    return f"((hashtext({key}) & 1048575)::float8 / 1048576.0)"


ITEMS_SQL = f"""
INSERT INTO tasks_packitem (practice_id, code, pack_id, stage, title, guidance, mandatory,
    position, auto_key, template_item_id, done_at, done_by_id, done_automatically, note)
SELECT p.practice_id, gen_random_uuid(), p.id, s.stage, s.title, s.guidance, s.mandatory,
    s.position, s.auto_key, s.template_item_id, t.done_at,
    CASE WHEN t.done_at IS NULL THEN NULL
         WHEN s.stage = 'review' THEN p.reviewer_id ELSE p.preparer_id END,
    false, ''
FROM tasks_pack p
JOIN clients_client c ON c.id = p.client_id
CROSS JOIN unnest(%(stage)s::varchar[], %(title)s::varchar[], %(guidance)s::text[],
    %(mandatory)s::boolean[], %(position)s::integer[], %(auto_key)s::varchar[],
    %(template_item)s::bigint[])
    AS s(stage, title, guidance, mandatory, position, auto_key, template_item_id)
CROSS JOIN LATERAL (
    SELECT {STAGE_DONE} AS finished, {STAGE_START} AS started
) b
CROSS JOIN LATERAL (
    SELECT CASE WHEN b.finished IS NULL THEN NULL
                -- the tick that completed the stage: its last mandatory item
                WHEN s.position = ANY(%(last)s) THEN b.finished
                WHEN s.mandatory OR {_draw("o")} < {OPTIONAL_DONE}
                THEN GREATEST(b.started, b.finished - {_draw("t")} * interval '20 hours')
           END AS done_at
) t
WHERE p.id = ANY(%(ids)s)
"""

WORKING_SQL = """
UPDATE tasks_packitem SET done_at = %s, done_by_id = %s
WHERE pack_id = %s AND position = ANY(%s)
"""

STARTED_SQL = """
UPDATE tasks_pack p SET started_at = first.done_at
FROM (
    SELECT pack_id, MIN(done_at) AS done_at FROM tasks_packitem
    WHERE pack_id = ANY(%(ids)s) AND done_at IS NOT NULL GROUP BY pack_id
) first
WHERE p.id = first.pack_id
"""

EVENTS_SQL = """
INSERT INTO tasks_packevent (practice_id, code, pack_id, actor_id, action, stage, detail,
    automatic, created_at)
SELECT p.practice_id, gen_random_uuid(), p.id, NULL, 'created', '',
    to_char(p.period, 'FMMonth YYYY') || ' pack created by the recurrence', true, p.created_at
FROM tasks_pack p WHERE p.id = ANY(%(ids)s)
UNION ALL
SELECT p.practice_id, gen_random_uuid(), p.id, p.preparer_id, 'completed', '', '', false,
    p.completed_at
FROM tasks_pack p WHERE p.id = ANY(%(ids)s) AND p.completed_at IS NOT NULL
""" + "".join(
    f"""UNION ALL
SELECT p.practice_id, gen_random_uuid(), p.id,
    {"p.reviewer_id" if s == Stage.REVIEW else "p.preparer_id"}, 'stage_completed', '{s}',
    '{Stage(s).label}', false, p.{s}_done_at
FROM tasks_pack p WHERE p.id = ANY(%(ids)s) AND p.{s}_done_at IS NOT NULL
"""
    for s in STAGES
)

TICK_EVENTS_SQL = """
INSERT INTO tasks_packevent (practice_id, code, pack_id, item_id, actor_id, action, stage,
    detail, automatic, created_at)
SELECT i.practice_id, gen_random_uuid(), i.pack_id, i.id, i.done_by_id, 'ticked', i.stage,
    i.title, false, i.done_at
FROM tasks_packitem i WHERE i.pack_id = ANY(%(ids)s) AND i.done_at IS NOT NULL
"""


def _items_and_events_in_sql(practice, packs, plans, specs, newest) -> None:
    """The Python path's history, built by PostgreSQL itself: hundreds of thousands of rows
    for a 2,000-client practice in seconds instead of minutes."""
    ids = [pack.pk for pack in packs]
    columns = {
        "stage": [spec.stage for spec in specs],
        "title": [spec.title for spec in specs],
        "guidance": [spec.guidance for spec in specs],
        "mandatory": [spec.mandatory for spec in specs],
        "position": [spec.position for spec in specs],
        "auto_key": [spec.auto_key for spec in specs],
        "template_item": [spec.template_item_id for spec in specs],
    }
    working = [
        (
            plan.working_at,
            _doer(pack, plan.working).pk,
            pack.pk,
            [specs[i].position for i in items],
        )
        for pack, (plan, items) in zip(packs, plans, strict=True)
        if items
    ]
    audited = [p.pk for p in packs if p.period == newest or p.completed_at is None]
    with connection.cursor() as cursor:
        last = _last_mandatory(specs)
        cursor.execute(ITEMS_SQL, {**columns, "ids": ids, "seed": practice.name, "last": last})
        if working:
            cursor.executemany(WORKING_SQL, working)
        cursor.execute(STARTED_SQL, {"ids": ids})
        cursor.execute(EVENTS_SQL, {"ids": ids})
        cursor.execute(TICK_EVENTS_SQL, {"ids": audited})
