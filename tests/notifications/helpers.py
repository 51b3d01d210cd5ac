"""Shared builders for the notification tests: an October 2026 pack whose collect stage is due
Fri 6 Nov and capture Mon 9 Nov, and fixed clocks around those dates (Europe/London is UTC in
November)."""

import datetime

from django.test import Client as HttpClient

from atlasos.tenancy.context import practice_context
from templates_engine.models import TaskTemplate
from tests.conftest import sign_in
from tests.factories.clients import ClientFactory
from tests.factories.tasks import PackFactory
from tests.factories.templates_engine import TaskTemplateFactory

OCTOBER = datetime.date(2026, 10, 1)
UTC = datetime.UTC
# Monday 9 November, 10:00: collect (due Fri 6 Nov) is overdue, capture (due Mon 9) is not yet.
MON_9 = datetime.datetime(2026, 11, 9, 10, 0, tzinfo=UTC)
# Tuesday 10 November: capture (due Mon 9 Nov) has gone overdue too.
TUE_10 = datetime.datetime(2026, 11, 10, 10, 0, tzinfo=UTC)

DUES = {
    "collect_due": datetime.date(2026, 11, 6),
    "capture_due": datetime.date(2026, 11, 9),
    "reconcile_due": datetime.date(2026, 11, 11),
    "prepare_due": datetime.date(2026, 11, 13),
    "review_due": datetime.date(2026, 11, 17),
    "deliver_due": datetime.date(2026, 11, 18),
}


def make_pack(practice, name="Acme Ltd", short_code=None, period=OCTOBER, **fields):
    client = ClientFactory(
        practice=practice, name=name, **({"short_code": short_code} if short_code else {})
    )
    with practice_context(practice.pk):
        template = TaskTemplate.objects.filter(name="Monthly bookkeeping").first()
    template = template or TaskTemplateFactory(practice=practice, name="Monthly bookkeeping")
    values = {**DUES, "current_due": DUES["collect_due"], **fields}
    return PackFactory(practice=practice, client=client, template=template, period=period, **values)


def signed_in(user) -> HttpClient:
    return sign_in(HttpClient(), user)
