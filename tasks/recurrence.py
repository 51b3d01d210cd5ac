"""Monthly recurrence: every active client template gets its pack for the period that has just
ended, on the first working day after it ends (plus the practice's offset)."""

import logging
from dataclasses import dataclass
from datetime import date, datetime

from django.db import connection, transaction

from atlasos import clock
from atlasos.tenancy.models import Practice
from clients.choices import ClientStatus
from cycle.periods import Recurrence, last_completed_period
from cycle.stages import STAGES
from cycle.workdays import WorkCalendar, pack_release_date, stage_due_dates
from tasks.models import Pack, PackEvent, PackItem
from tasks.signals import packs_created
from templates_engine.models import ClientTemplate
from templates_engine.services import load_checklists

logger = logging.getLogger(__name__)

ITEM_BATCH = 5000


@dataclass
class RecurrenceResult:
    practice_id: int
    today: date
    packs_created: int
    items_created: int


def year_start_month(client) -> int:
    """Annual packs follow the client's financial year: a 31 March year end starts in April."""
    if client.year_end_month:
        return client.year_end_month % 12 + 1
    return 1


def due_period(client_template, today: date, calendar: WorkCalendar, offset: int) -> date | None:
    """The period whose pack should exist today, or None before its release date."""
    recurrence = client_template.template.recurrence
    start_month = year_start_month(client_template.client) if recurrence == Recurrence.ANNUAL else 1
    period = last_completed_period(today, recurrence, start_month)
    if today < pack_release_date(period, recurrence, calendar, offset):
        return None
    return period


def _lock_practice(practice_id: int) -> None:
    """Concurrent runs for one practice wait for each other instead of racing; the unique
    constraint on (practice, client, template, period) is what makes a duplicate impossible."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(hashtext('atlasos.recurrence'), %s)", [practice_id]
            )


def ensure_packs(
    practice: Practice, now: datetime, *, client_ids: list[int] | None = None
) -> RecurrenceResult:
    """Create the packs that should exist for the practice (in its context) and do not.

    1. Work out today in the practice's timezone, and its working-day calendar.
    2. For every active template of an active client, find the period now due (if released).
    3. Under a per-practice lock, skip the packs that exist and create the rest, each with its
       checklist copied from the client's template and a "created" event, in one transaction.
    Running it twice, concurrently, or after a crash leaves each pack created exactly once.
    """
    today = clock.local_date(practice.timezone, now)
    calendar = WorkCalendar(practice.country)
    offset = practice.pack_release_offset
    client_templates = ClientTemplate.objects.filter(
        is_active=True, template__is_archived=False, client__status=ClientStatus.ACTIVE
    ).select_related("template", "client")
    if client_ids is not None:
        client_templates = client_templates.filter(client_id__in=client_ids)

    wanted = {}
    for ct in client_templates:
        period = due_period(ct, today, calendar, offset)
        if period is not None:
            wanted[(ct.client_id, ct.template_id, period)] = ct
    if not wanted:
        return RecurrenceResult(practice.pk, today, 0, 0)

    with transaction.atomic():
        _lock_practice(practice.pk)
        periods = {key[2] for key in wanted}
        existing = set(
            Pack.objects.filter(
                period__in=periods, client_id__in={key[0] for key in wanted}
            ).values_list("client_id", "template_id", "period")
        )
        missing = [ct_key for ct_key in wanted if ct_key not in existing]
        if not missing:
            return RecurrenceResult(practice.pk, today, 0, 0)
        checklists = load_checklists([wanted[key] for key in missing])
        due_cache: dict[tuple, dict] = {}
        packs = []
        for key in missing:
            ct = wanted[key]
            period, recurrence = key[2], ct.template.recurrence
            due_days = ct.due_days
            cache_key = (period, recurrence, tuple(due_days[s] for s in STAGES))
            if cache_key not in due_cache:
                due_cache[cache_key] = stage_due_dates(period, recurrence, due_days, calendar)
            due = due_cache[cache_key]
            packs.append(
                Pack(
                    client_id=ct.client_id,
                    template_id=ct.template_id,
                    period=period,
                    recurrence=recurrence,
                    preparer_id=ct.client.preparer_id,
                    reviewer_id=ct.client.reviewer_id,
                    current_stage=STAGES[0],
                    current_due=due[STAGES[0]],
                    **{f"{stage}_due": due[stage] for stage in STAGES},
                )
            )
        Pack.objects.bulk_create(packs, batch_size=1000)
        items = []
        ct_by_key = [wanted[key] for key in missing]
        for pack, ct in zip(packs, ct_by_key, strict=True):
            items += [PackItem.from_spec(pack, spec) for spec in checklists[ct.pk]]
        PackItem.objects.bulk_create(items, batch_size=ITEM_BATCH)
        PackEvent.objects.bulk_create(
            [
                PackEvent(
                    pack=pack,
                    action=PackEvent.Action.CREATED,
                    automatic=True,
                    detail=f"{pack.period_label} pack created by the recurrence",
                    created_at=now,
                )
                for pack in packs
            ],
            batch_size=ITEM_BATCH,
        )
        # The apps above act on new packs in this transaction (the portal: their requests).
        packs_created.send(sender=Pack, packs=packs)
    logger.info("recurrence: %s packs, %s items for %s", len(packs), len(items), today)
    return RecurrenceResult(practice.pk, today, len(packs), len(items))
