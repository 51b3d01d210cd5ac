"""Packs, their checklist items and their history."""

import factory
from django.utils import timezone

from atlasos import clock as wall_clock
from tests.clock import current_date
from tests.factories.clients import ClientFactory
from tests.factories.templates_engine import TaskTemplateFactory
from tests.factories.tenancy import TenantFactory


def _due(offset_days: int):
    return factory.LazyAttribute(lambda o: o.period + timezone.timedelta(days=31 + offset_days))


class PackFactory(TenantFactory):
    class Meta:
        model = "tasks.Pack"

    client = factory.SubFactory(ClientFactory, practice=factory.SelfAttribute("..practice"))
    template = factory.SubFactory(TaskTemplateFactory, practice=factory.SelfAttribute("..practice"))
    period = factory.LazyFunction(lambda: current_date().replace(day=1))
    recurrence = "monthly"
    collect_due = _due(5)
    capture_due = _due(8)
    reconcile_due = _due(10)
    prepare_due = _due(12)
    review_due = _due(14)
    deliver_due = _due(15)
    current_stage = "collect"
    current_due = factory.SelfAttribute("collect_due")


class PackItemFactory(TenantFactory):
    class Meta:
        model = "tasks.PackItem"

    pack = factory.SubFactory(PackFactory, practice=factory.SelfAttribute("..practice"))
    stage = "collect"
    title = factory.Sequence(lambda n: f"Pack item {n}")
    position = factory.Sequence(lambda n: (n + 1) * 10)


class PackEventFactory(TenantFactory):
    class Meta:
        model = "tasks.PackEvent"

    pack = factory.SubFactory(PackFactory, practice=factory.SelfAttribute("..practice"))
    action = "created"
    created_at = factory.LazyFunction(wall_clock.now)
