"""Demo history for the cycle: every client on the standard template, twelve past periods of
packs (mostly delivered on time, with realistic tick times and a few late ones) and the current
period spread across the stages, as far as today's date allows."""

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import connection

from atlasos import clock
from tasks.models import Pack, PackEvent, PackItem
from tasks.periods import Recurrence, last_completed_period, next_period, previous_period
from tasks.stages import STAGES, Stage
from tasks.workdays import WorkCalendar, stage_due_dates
from templates_engine.models import ClientTemplate, TaskTemplate
from templates_engine.services import checklist_from
from templates_engine.standard import STANDARD_NAME

BATCH = 5000


def _moment(rng: random.Random, day: date, tz, now: datetime) -> datetime:
    """A working-hours time on ``day``, never later than now."""
    moment = datetime.combine(day, time(rng.randint(8, 17), rng.randint(0, 59)), tzinfo=tz)
    return min(moment, now - timedelta(minutes=rng.randint(1, 90)))


def seed_cycle(rng: random.Random, practice, clients: list, now: datetime, history: int = 12):
    template = TaskTemplate.objects.get(name=STANDARD_NAME)
    ClientTemplate.objects.bulk_create(
        [ClientTemplate(client=c, template=template) for c in clients], batch_size=BATCH
    )
    specs = checklist_from(list(template.items.all()), [], set())
    calendar = WorkCalendar(practice.country)
    tz = ZoneInfo(practice.timezone)
    today = clock.local_date(practice.timezone, now)
    current = last_completed_period(today, Recurrence.MONTHLY)
    periods = [current]
    for _ in range(history):
        periods.insert(0, previous_period(periods[0], Recurrence.MONTHLY))
    due_by_period = {
        p: stage_due_dates(p, Recurrence.MONTHLY, template.due_days, calendar) for p in periods
    }

    packs, plans = [], []
    for period in periods:
        due = due_by_period[period]
        for client in clients:
            plan = _plan(rng, due, today, calendar, current=period == current)
            done = plan["stage_done"]
            finished = len(done) == len(STAGES)
            stage_now = next((s for s in STAGES if s not in done), "")
            packs.append(
                Pack(
                    client=client,
                    template=template,
                    period=period,
                    recurrence=Recurrence.MONTHLY,
                    preparer_id=client.preparer_id,
                    reviewer_id=client.reviewer_id,
                    current_stage=stage_now,
                    current_due=due[stage_now] if stage_now else None,
                    started_at=_moment(rng, plan["started"], tz, now) if plan["started"] else None,
                    completed_at=_moment(rng, done["deliver"], tz, now) if finished else None,
                    **{f"{s}_due": due[s] for s in STAGES},
                    **{f"{s}_done_at": _moment(rng, d, tz, now) for s, d in done.items()},
                )
            )
            plans.append(plan)
    Pack.objects.bulk_create(packs, batch_size=BATCH)

    if connection.vendor == "postgresql":
        _items_and_events_in_sql(packs, plans, periods[-1], rng, tz, now)
    else:
        _items_and_events_in_python(packs, plans, specs, periods, rng, tz, now)
    return len(packs)


def _plan(rng, due: dict, today: date, calendar: WorkCalendar, *, current: bool) -> dict:
    """When each stage of one pack was completed (never after today), and which stage is
    half-done. Past periods: most on time, some a few working days late."""
    late_stage = rng.choice(STAGES) if rng.random() < 0.15 else None
    stop_after = len(STAGES)
    if current:
        stop_after = rng.choices(range(len(STAGES) + 1), weights=[1, 2, 2, 2, 2, 2, 6])[0]
    stage_done, ticks, partial = {}, {}, {}
    previous = None
    for index, stage in enumerate(STAGES):
        if index >= stop_after:
            break
        early = rng.choice([0, 0, 1, 1, 2])
        finish = calendar.add_working_days(due[stage], -early) if early else due[stage]
        if stage == late_stage or (current and rng.random() < 0.1):
            finish = calendar.add_working_days(due[stage], rng.randint(1, 4))
        if previous and finish < previous:
            finish = previous
        if finish > today:
            break
        stage_done[stage] = finish
        ticks[stage] = finish
        previous = finish
    next_stage = next((s for s in STAGES if s not in stage_done), None)
    if current and next_stage and rng.random() < 0.7:
        start = previous or calendar.add_working_days(due[STAGES[0]], -3)
        if start <= today and next_stage != Stage.DELIVER:
            partial[next_stage] = min(today, calendar.add_working_days(start, 1))
    started = min([*ticks.values(), *partial.values()], default=None)
    return {"stage_done": stage_done, "ticks": ticks, "partial": partial, "started": started}


def _items_and_events_in_python(packs, plans, specs, periods, rng, tz, now) -> None:
    items, events = [], []
    for pack, plan in zip(packs, plans, strict=True):
        created = datetime.combine(
            next_period(pack.period, Recurrence.MONTHLY), time(6, 0), tzinfo=tz
        )
        events.append(
            PackEvent(
                pack=pack, action=PackEvent.Action.CREATED, automatic=True, created_at=created
            )
        )
        for spec in specs:
            ticked_on = plan["ticks"].get(spec.stage)
            done = ticked_on is not None and (spec.mandatory or rng.random() < 0.6)
            if spec.stage in plan["partial"]:
                done = rng.random() < 0.5
                ticked_on = plan["partial"][spec.stage] if done else None
            by = pack.reviewer_id if spec.stage == Stage.REVIEW else pack.preparer_id
            items.append(
                PackItem.from_spec(
                    pack,
                    spec,
                    done_at=_moment(rng, ticked_on, tz, now) if done else None,
                    done_by_id=by if done else None,
                )
            )
            if done and pack.period == periods[-1]:
                events.append(
                    PackEvent(
                        pack=pack,
                        actor_id=by,
                        action=PackEvent.Action.TICKED,
                        stage=spec.stage,
                        detail=spec.title,
                        created_at=items[-1].done_at,
                    )
                )
        for stage in STAGES:
            done_at = getattr(pack, f"{stage}_done_at")
            if done_at:
                events.append(
                    PackEvent(
                        pack=pack,
                        actor_id=pack.preparer_id,
                        action=PackEvent.Action.STAGE_COMPLETED,
                        stage=stage,
                        detail=Stage(stage).label,
                        created_at=done_at,
                    )
                )
        if pack.completed_at:
            events.append(
                PackEvent(
                    pack=pack,
                    actor_id=pack.preparer_id,
                    action=PackEvent.Action.COMPLETED,
                    created_at=pack.completed_at,
                )
            )
    PackItem.objects.bulk_create(items, batch_size=BATCH)
    PackEvent.objects.bulk_create(events, batch_size=BATCH)


# The SQL below is assembled from constants (the stage names) only, never from input.
STAGE_DONE = "CASE {stage} " + " ".join(f"WHEN '{s}' THEN p.{s}_done_at" for s in STAGES) + " END"

ITEMS_SQL = f"""
INSERT INTO tasks_packitem (practice_id, code, pack_id, stage, title, guidance, mandatory,
    position, auto_key, template_item_id, done_at, done_by_id, done_automatically, note)
SELECT p.practice_id, gen_random_uuid(), p.id, ti.stage, ti.title, ti.guidance, ti.mandatory,
    ti.position, ti.auto_key, ti.id, t.done_at,
    CASE WHEN t.done_at IS NULL THEN NULL
         WHEN ti.stage = 'review' THEN p.reviewer_id ELSE p.preparer_id END,
    false, ''
FROM tasks_pack p
JOIN templates_engine_templateitem ti ON ti.template_id = p.template_id
CROSS JOIN LATERAL (
    SELECT CASE WHEN {STAGE_DONE.format(stage="ti.stage")} IS NOT NULL
                 AND (ti.mandatory OR random() < 0.6)
           THEN {STAGE_DONE.format(stage="ti.stage")} - random() * interval '20 hours'
           END AS done_at
) t
WHERE p.id = ANY(%s)
"""

EVENTS_SQL = """
INSERT INTO tasks_packevent (practice_id, code, pack_id, actor_id, action, stage, detail,
    automatic, created_at)
SELECT p.practice_id, gen_random_uuid(), p.id, NULL, 'created', '',
    'Pack created by the recurrence', true,
    ((p.period + interval '1 month')::timestamp + interval '6 hours') AT TIME ZONE %s
FROM tasks_pack p WHERE p.id = ANY(%s)
UNION ALL
SELECT p.practice_id, gen_random_uuid(), p.id, p.preparer_id, 'completed', '', '', false,
    p.completed_at
FROM tasks_pack p WHERE p.id = ANY(%s) AND p.completed_at IS NOT NULL
""" + "".join(
    f"""UNION ALL
SELECT p.practice_id, gen_random_uuid(), p.id,
    {"p.reviewer_id" if s == Stage.REVIEW else "p.preparer_id"}, 'stage_completed', '{s}',
    '{Stage(s).label}', false, p.{s}_done_at
FROM tasks_pack p WHERE p.id = ANY(%s) AND p.{s}_done_at IS NOT NULL
"""
    for s in STAGES
)

TICK_EVENTS_SQL = """
INSERT INTO tasks_packevent (practice_id, code, pack_id, item_id, actor_id, action, stage,
    detail, automatic, created_at)
SELECT i.practice_id, gen_random_uuid(), i.pack_id, i.id, i.done_by_id, 'ticked', i.stage,
    i.title, false, i.done_at
FROM tasks_packitem i WHERE i.pack_id = ANY(%s) AND i.done_at IS NOT NULL
"""

PARTIAL_SQL = """
UPDATE tasks_packitem i SET done_at = %s, done_by_id = %s
WHERE i.pack_id = %s AND i.stage = %s AND random() < 0.5
"""


def _items_and_events_in_sql(packs, plans, current, rng, tz, now) -> None:
    """The same history as the Python path, built by PostgreSQL itself: hundreds of thousands
    of rows for a 2,000-client practice in seconds instead of minutes."""
    ids = [p.pk for p in packs]
    current_ids = [p.pk for p in packs if p.period == current]
    partial = [
        (
            _moment(rng, day, tz, now),
            p.reviewer_id if stage == Stage.REVIEW else p.preparer_id,
            p.pk,
            stage,
        )
        for p, plan in zip(packs, plans, strict=True)
        for stage, day in plan["partial"].items()
    ]
    with connection.cursor() as cursor:
        cursor.execute(ITEMS_SQL, [ids])
        cursor.executemany(PARTIAL_SQL, partial)
        cursor.execute(EVENTS_SQL, [str(tz), ids, ids, *[ids] * len(STAGES)])
        cursor.execute(TICK_EVENTS_SQL, [current_ids])
