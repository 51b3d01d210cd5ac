"""Overdue alerts, staff notifications, their preferences and digests, and calendar feeds."""

import factory
from django.contrib.auth import get_user_model

from atlasos.accounts.models import Role, hash_token
from tests.clock import current_date
from tests.factories.accounts import UserFactory
from tests.factories.tasks import PackFactory
from tests.factories.tenancy import TenantFactory


def _practice_member(o):
    """The practice's first partner (the owner the URL isolation test signs in as), else a new
    member: a notification is only ever visible to its recipient."""
    user = (
        get_user_model()
        .objects.filter(practice=o.practice, role=Role.PARTNER, is_active=True)
        .order_by("pk")
        .first()
    )
    return user or UserFactory(practice=o.practice)


class OverdueAlertFactory(TenantFactory):
    class Meta:
        model = "notifications.OverdueAlert"

    pack = factory.SubFactory(PackFactory, practice=factory.SelfAttribute("..practice"))
    stage = "collect"
    due = factory.SelfAttribute("pack.collect_due")


class NotificationFactory(TenantFactory):
    class Meta:
        model = "notifications.Notification"

    recipient = factory.LazyAttribute(_practice_member)
    kind = "overdue"
    title = factory.Sequence(lambda n: f"Client {n} Ltd — Collect documents was due Fri 6 Nov")
    body = "The pack is behind."
    url = "/my-work/"
    email_state = "none"


class NotificationPreferenceFactory(TenantFactory):
    class Meta:
        model = "notifications.NotificationPreference"

    user = factory.LazyAttribute(_practice_member)
    email = "each"


class DigestFactory(TenantFactory):
    class Meta:
        model = "notifications.Digest"

    user = factory.LazyAttribute(_practice_member)
    day = factory.LazyFunction(current_date)


class CalendarFeedFactory(TenantFactory):
    class Meta:
        model = "notifications.CalendarFeed"

    user = factory.LazyAttribute(_practice_member)
    token_hash = factory.Sequence(lambda n: hash_token(f"feed-token-{n}"))
