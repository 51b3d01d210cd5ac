"""Document reminders on every kind of day of the month (``tests.clock.MONTH_DAYS``): for
requests falling due on each day around the moment, which reminder step goes out on which day,
each only once, and the escalation the day the schedule is over.

Two clients, each with one portal contact: the bakery follows the practice's default policy
(3 days before the due date, then every 3 days, at most 4), the shop its own (1 day before,
then every 2 days, at most 3). Their requests, all sent 5 days before the moment, are due on
every day from two weeks before the moment to a few days after it, so that every step of each
policy falls on the moment's day for one of them. The hourly job (the beat task) runs every day
since they were sent, at the moment's time of day, then again an hour after the moment.
Expectations come from the policy's numbers.
"""

import datetime
from dataclasses import dataclass

import pytest
from django.core import mail as outbox

from atlasos.tenancy.context import practice_context
from notifications.models import Notification
from portal.models import DocumentRequest, Reminder
from portal.reminder_policies import save_client_reminders
from portal.tasks import send_reminders
from tests.clock import MONTH_DAYS
from tests.factories.clients import ClientFactory
from tests.month_days import ONE_DAY, local_today
from tests.portal.mailing import open_request, portal_contact

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Policy:
    days_before: int
    every_days: int
    max_reminders: int

    def step_days(self, due: datetime.date) -> dict[int, datetime.date]:
        """Step number → its day: the first ``days_before`` before the due date, then one every
        ``every_days`` after it."""
        days = {1: due - datetime.timedelta(days=self.days_before)}
        for step in range(2, self.max_reminders + 1):
            days[step] = due + datetime.timedelta(days=(step - 1) * self.every_days)
        return days

    def escalation_day(self, due: datetime.date) -> datetime.date:
        return self.step_days(due)[self.max_reminders] + datetime.timedelta(days=self.every_days)


DEFAULT = Policy(days_before=3, every_days=3, max_reminders=4)
OWN = Policy(days_before=1, every_days=2, max_reminders=3)
# Days from the moment's date to each request's due date.
DEFAULT_DUE_IN = range(-13, 5)
OWN_DUE_IN = range(-7, 3)
SENT_DAYS_BEFORE = 5


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


@pytest.fixture
def cast(practice, bakery, ann, preparer):
    shop = ClientFactory(practice=practice, name="Quayside Stores Ltd", preparer=preparer)
    bob = portal_contact(practice, shop, "Bob Quay", "bob@quayside.example")
    with practice_context(practice.pk):
        save_client_reminders(
            shop,
            own_policy=True,
            paused=False,
            values={
                "days_before": OWN.days_before,
                "every_days": OWN.every_days,
                "max_reminders": OWN.max_reminders,
                "escalate": True,
            },
        )
    return {"bakery": (bakery, ann, DEFAULT), "shop": (shop, bob, OWN)}


def make_request(practice, client, due, sent_at):
    return open_request(
        practice,
        client,
        due=due,
        sent_at=sent_at,
        title=f"Documents due {due.isoformat()}",
        items={"Bank statement": True, "Sales invoices": True},
    )


@pytest.mark.parametrize("moment", MONTH_DAYS)
def test_each_reminder_step_goes_out_once_on_its_day(clock, practice, cast, preparer, moment):
    today = local_today(moment)
    sent_at = moment - days(SENT_DAYS_BEFORE)
    requests = {}  # request id → (due, policy, contact, sent day)
    for key, due_in in (("bakery", DEFAULT_DUE_IN), ("shop", OWN_DUE_IN)):
        client, contact, policy = cast[key]
        for n in due_in:
            document_request = make_request(practice, client, today + days(n), sent_at)
            requests[document_request.pk] = (today + days(n), policy, contact, local_today(sent_at))

    reminded_on, emails_on, escalated_on = {}, {}, {}
    day = local_today(sent_at) + ONE_DAY
    while day <= today:
        now = moment - (today - day)
        clock.set(now)
        before = len(outbox.outbox)
        send_reminders()
        for message in outbox.outbox[before:]:
            emails_on.setdefault((message.to[0], day), []).append(message)
        with practice_context(practice.pk):
            for request_id, step in Reminder.objects.values_list("request_id", "step"):
                reminded_on.setdefault((request_id, step), day)
            for request_id in DocumentRequest.objects.filter(
                escalated_at__isnull=False
            ).values_list("pk", flat=True):
                escalated_on.setdefault(request_id, day)
        day += ONE_DAY
    clock.set(moment + datetime.timedelta(hours=1))
    before = len(outbox.outbox)
    send_reminders()
    assert len(outbox.outbox) == before  # the same day again: nothing more

    expected_steps, expected_escalations = {}, {}
    for request_id, (due, policy, _contact, sent_day) in requests.items():
        for step, step_day in policy.step_days(due).items():
            # Never on or before the day the request went out: that email asked already.
            if sent_day < step_day <= today:
                expected_steps[(request_id, step)] = step_day
        if sent_day < policy.escalation_day(due) <= today:
            expected_escalations[request_id] = policy.escalation_day(due)
    assert reminded_on == expected_steps
    assert escalated_on == expected_escalations
    with practice_context(practice.pk):
        rows = list(Reminder.objects.values_list("request_id", "step"))
        escalations = Notification.objects.filter(recipient=preparer, kind="overdue").count()
    assert len(rows) == len(set(rows))  # no step twice
    assert escalations == len(expected_escalations)

    # Today's email to each contact (at most one a day) names exactly today's requests.
    for client, contact, _policy in cast.values():
        due_today = sorted(
            requests[request_id][0]
            for (request_id, _), step_day in expected_steps.items()
            if step_day == today and requests[request_id][2] == contact
        )
        messages = emails_on.get((contact.email, today), [])
        assert len(messages) == (1 if due_today else 0), contact.name
        if due_today:
            body = messages[0].body
            assert messages[0].subject == f"Reminder: documents still needed for {client.name}"
            named = sorted(
                due
                for due, _policy, to, _sent in requests.values()
                if to == contact and f"Documents due {due.isoformat()}" in body
            )
            assert named == due_today
