"""The reminder job: which step goes out on which day, to whom, listing what; once only; the
per-client override and pause; escalation; the sweep finishing an abandoned send."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail as outbox

from atlasos import clock
from atlasos import clock as wall_clock
from atlasos.tenancy.context import practice_context
from notifications.models import Notification
from portal import mail, reminders
from portal import requests as services
from portal.models import DocumentRequest, PortalEmail, Reminder, ReminderSettings
from portal.tasks import send_reminders
from tests.factories.accounts import UserFactory
from tests.factories.clients import ClientFactory
from tests.factories.documents import DocumentFactory
from tests.factories.tasks import PackFactory
from tests.portal.mailing import grant_also, open_request, parse, portal_contact

LONDON = ZoneInfo("Europe/London")
DUE = datetime.date(2026, 11, 6)  # a Friday
SENT = datetime.datetime(2026, 10, 20, 10, 0, tzinfo=LONDON)
ITEMS = {"Bank statement — Barclays ****1234": True, "Receipts": True, "Petty cash": False}


def at(month: int, day: int, hour: int = 9) -> datetime.datetime:
    return datetime.datetime(2026, month, day, hour, 0, tzinfo=LONDON)


def run(practice, now) -> reminders.ReminderRun:
    with practice_context(practice.pk):
        return reminders.run_reminders(now)


def steps(practice, **filters) -> list[int]:
    with practice_context(practice.pk):
        return list(
            Reminder.objects.filter(**filters)
            .order_by("created_at", "pk")
            .values_list("step", flat=True)
        )


@pytest.fixture
def doc_request(practice, bakery, ann):
    return open_request(
        practice, bakery, due=DUE, sent_at=SENT, items=ITEMS, title="Documents for October"
    )


def to(address: str) -> list:
    return [message for message in outbox.outbox if message.to == [address]]


# --- the table: the default policy (3 days before, every 3 days, at most 4, escalate) ------


DEFAULT_POLICY_DAYS = [
    # (month, day, hour), the step sent that run (None: nothing), escalated after the run
    ((10, 30, 9), None, False),
    ((11, 2, 9), None, False),
    ((11, 3, 9), 1, False),  # 3 days before Fri 6 Nov
    ((11, 3, 15), None, False),  # the same day again: sent once
    ((11, 4, 9), None, False),
    ((11, 6, 9), None, False),  # the due date itself: nothing
    ((11, 9, 9), 2, False),
    ((11, 9, 10), None, False),
    ((11, 12, 9), 3, False),
    ((11, 15, 9), 4, False),
    ((11, 17, 9), None, False),
    ((11, 18, 9), None, True),  # three days after the last: escalated
    ((11, 21, 9), None, True),
]


def test_the_default_policy_day_by_day(practice, doc_request, ann):
    for (month, day, hour), step, escalated in DEFAULT_POLICY_DAYS:
        before = len(outbox.outbox)
        run(practice, at(month, day, hour))
        sent = to("ann@bakery.example")[before:] if before < len(outbox.outbox) else []
        when = f"{day}/{month} {hour}h"
        assert len(sent) == (1 if step else 0), when
        with practice_context(practice.pk):
            doc_request.refresh_from_db()
        assert (doc_request.escalated_at is not None) == escalated, when
    assert steps(practice) == [1, 2, 3, 4]
    with practice_context(practice.pk):
        assert PortalEmail.objects.filter(kind="reminder").count() == 4
        assert set(PortalEmail.objects.values_list("state", flat=True)) == {"sent"}


def test_after_missed_days_only_the_latest_due_step_goes(practice, doc_request):
    run(practice, at(11, 13))  # the job was down on the 3rd, 9th and 12th
    assert steps(practice) == [3]
    assert len(outbox.outbox) == 1
    run(practice, at(11, 14))
    run(practice, at(11, 15))
    assert steps(practice) == [3, 4]


def test_steps_before_the_request_was_sent_are_skipped(practice, bakery, ann):
    late = open_request(practice, bakery, due=DUE, sent_at=at(11, 10, 11))
    for day in (10, 11):
        run(practice, at(11, day, 15))
    assert steps(practice, request=late) == []
    run(practice, at(11, 12))
    assert steps(practice, request=late) == [3]


def test_a_request_sent_after_its_schedule_ended_is_not_escalated(practice, bakery, ann):
    late = open_request(practice, bakery, due=DUE, sent_at=at(11, 25))
    run(practice, at(11, 26))
    with practice_context(practice.pk):
        late.refresh_from_db()
    assert late.escalated_at is None and steps(practice) == []


@pytest.mark.parametrize("status", ["draft", "complete", "cancelled"])
def test_only_sent_requests_are_chased(practice, doc_request, status):
    with practice_context(practice.pk):
        DocumentRequest.objects.filter(pk=doc_request.pk).update(status=status)
    run(practice, at(11, 3))
    run(practice, at(11, 20))
    assert outbox.outbox == [] and steps(practice) == []


# --- what a reminder says ---------------------------------------------------------------------


def test_the_reminder_lists_the_missing_items_and_drops_a_received_one(practice, doc_request, ann):
    run(practice, at(11, 3))
    (first,) = outbox.outbox
    parsed = parse(first)
    assert parsed["Subject"] == "Reminder: documents still needed for Harbourview Bakery Ltd"
    assert parsed["From"].addresses[0].display_name == "Harbour & Co Bookkeeping"
    assert parsed["Reply-To"] == "dana@harbour.example"
    with practice_context(practice.pk):
        row = PortalEmail.objects.get(kind="reminder")
        reminder = Reminder.objects.get()
    assert parsed["Message-ID"] == row.message_id
    assert reminder.contact_id == ann.pk and reminder.step == 1
    assert reminder.items == ["Bank statement — Barclays ****1234", "Receipts", "Petty cash"]
    text = parsed.get_body(("plain",)).get_content()
    html = parsed.get_body(("html",)).get_content()
    for body in (text, html):
        assert "Bank statement — Barclays ****1234" in body and "Receipts" in body
        assert f"/portal/requests/{doc_request.code}/" in body
        assert "Friday 6 November 2026" in body
    assert "Petty cash (optional)" in text

    with practice_context(practice.pk):
        bank = doc_request.items.get(title__startswith="Bank")
        services.link_document(bank, DocumentFactory(practice=practice, client=doc_request.client))
        petty = doc_request.items.get(title="Petty cash")
        services.mark_not_applicable(petty, "No cash this month", user=None)
    run(practice, at(11, 9))
    second = outbox.outbox[1].body
    assert "Receipts" in second
    assert "Bank statement" not in second and "Petty cash" not in second
    with practice_context(practice.pk):
        assert Reminder.objects.get(step=2).items == ["Receipts"]
    assert "was due Friday 6 November 2026" in second


def test_one_email_per_contact_covers_all_their_clients(practice, bakery, doc_request, ann):
    cafe = ClientFactory(practice=practice, name="Lighthouse Cafe Ltd")
    grant_also(practice, ann, cafe)
    cafe_request = open_request(
        practice, cafe, due=DUE, sent_at=SENT, items={"Sales invoices": True}
    )
    ben = portal_contact(practice, cafe, "Ben Brew", "ben@cafe.example")

    run(practice, at(11, 3))

    (to_ann,) = to("ann@bakery.example")
    (to_ben,) = to("ben@cafe.example")
    assert to_ann.subject == "Reminder: documents still needed for 2 of your companies"
    assert "Harbourview Bakery Ltd" in to_ann.body and "Lighthouse Cafe Ltd" in to_ann.body
    assert "Sales invoices" in to_ann.body and "Receipts" in to_ann.body
    assert "Harbourview Bakery Ltd" not in to_ben.body
    with practice_context(practice.pk):
        ann_email = PortalEmail.objects.get(contact=ann)
        assert {r.request_id for r in ann_email.reminders.all()} == {
            doc_request.pk,
            cafe_request.pk,
        }
        assert PortalEmail.objects.get(contact=ben).reminders.get().request == cafe_request


def test_only_portal_contacts_are_reminded(practice, bakery, doc_request):
    portal_contact(practice, bakery, "Gone Baker", "gone@bakery.example", active=False)
    run(practice, at(11, 3))
    assert [m.to for m in outbox.outbox] == [["ann@bakery.example"]]


# --- settings -------------------------------------------------------------------------------


def test_a_paused_client_gets_no_reminder_and_no_escalation(practice, bakery, doc_request):
    with practice_context(practice.pk):
        ReminderSettings.objects.create(client=bakery, paused=True)
    for month, day in ((11, 3), (11, 9), (11, 18)):
        run(practice, at(month, day))
    assert outbox.outbox == [] and steps(practice) == []
    with practice_context(practice.pk):
        doc_request.refresh_from_db()
        assert doc_request.escalated_at is None
        assert not Notification.objects.exists()


def test_a_client_with_its_own_policy_follows_it(practice, bakery, doc_request):
    cafe = ClientFactory(practice=practice, name="Lighthouse Cafe Ltd")
    portal_contact(practice, cafe, "Ben Brew", "ben@cafe.example")
    open_request(practice, cafe, due=DUE, sent_at=SENT)
    with practice_context(practice.pk):
        ReminderSettings.objects.create(
            client=bakery, own_policy=True, days_before=7, every_days=2, max_reminders=2
        )
    run(practice, at(10, 30))  # 7 days before: the bakery only
    assert [m.to for m in outbox.outbox] == [["ann@bakery.example"]]
    run(practice, at(11, 3))  # the cafe follows the practice's: 3 days before
    assert [m.to for m in outbox.outbox][1:] == [["ben@cafe.example"]]
    run(practice, at(11, 8))  # bakery step 2: due + 2 days
    assert len(to("ann@bakery.example")) == 2


def test_the_practice_policy_applies_to_every_client(practice, doc_request):
    with practice_context(practice.pk):
        ReminderSettings.objects.create(days_before=5, every_days=1, max_reminders=2)
        # A client row that only says "not paused" keeps the practice's policy.
        ReminderSettings.objects.create(client=doc_request.client, days_before=9)
    run(practice, at(11, 1))
    assert steps(practice) == [1]
    run(practice, at(11, 7))
    assert steps(practice) == [1, 2]


# --- escalation -----------------------------------------------------------------------------


def test_escalation_notifies_the_packs_preparer_once(practice, bakery, doc_request, preparer):
    pack_preparer = UserFactory(practice=practice, full_name="Sam Pack", email="sam@h.example")
    with practice_context(practice.pk):
        pack = PackFactory(practice=practice, client=bakery, preparer=pack_preparer)
        DocumentRequest.objects.filter(pk=doc_request.pk).update(pack=pack)
    for month, day in ((11, 3), (11, 9), (11, 12), (11, 15)):
        run(practice, at(month, day))
    first = run(practice, at(11, 18))
    again = run(practice, at(11, 18, 15))
    assert first.escalations == 1 and again.escalations == 0
    with practice_context(practice.pk):
        (notification,) = Notification.objects.all()
        doc_request.refresh_from_db()
    assert doc_request.escalated_at == at(11, 18)
    assert notification.recipient == pack_preparer
    assert notification.title == (
        "Harbourview Bakery Ltd — documents still missing for Documents for October"
    )
    assert "4 reminders went to the client's portal contacts" in notification.body
    assert "- Receipts" in notification.body and "- Petty cash (optional)" in notification.body
    assert notification.url == doc_request.get_absolute_url()
    assert len(to("sam@h.example")) == 1
    assert to("dana@harbour.example") == []


def test_escalation_without_a_pack_goes_to_the_clients_preparer(practice, doc_request):
    run(practice, at(11, 18))
    with practice_context(practice.pk):
        (notification,) = Notification.objects.all()
    assert notification.recipient.email == "dana@harbour.example"
    # The job ran only that day: one reminder (the last step) went, and the note says so.
    assert "1 reminder went" in notification.body


# --- exactly once ---------------------------------------------------------------------------


def test_an_abandoned_send_is_finished_by_the_sweep_with_the_same_message_id(
    practice, doc_request, monkeypatch, settings
):
    settings.NOTIFICATION_CLAIM_TIMEOUT_MINUTES = 10

    def worker_dies(self, fail_silently=False):
        raise ConnectionError("the worker died mid-send")

    with monkeypatch.context() as patch:
        patch.setattr("django.core.mail.EmailMessage.send", worker_dies)
        run(practice, at(11, 3))
    with practice_context(practice.pk):
        row = PortalEmail.objects.get(kind="reminder")
    assert row.state == "sending" and outbox.outbox == []

    # Moments later the claim is still the (dead) worker's: nothing is sent.
    run(practice, at(11, 3, 9) + datetime.timedelta(minutes=5))
    assert outbox.outbox == []
    # Once the claim is stale the sweep sends it: the same row, the same Message-ID.
    run(practice, at(11, 3, 9) + datetime.timedelta(minutes=11))
    (message,) = outbox.outbox
    assert message.extra_headers["Message-ID"] == row.message_id
    with practice_context(practice.pk):
        row.refresh_from_db()
        assert row.state == "sent"
        assert Reminder.objects.count() == 1
    run(practice, at(11, 3, 12))
    assert len(outbox.outbox) == 1


def test_a_row_claimed_moments_ago_is_not_sent_again(practice, doc_request):
    run(practice, at(11, 3))
    with practice_context(practice.pk):
        row = PortalEmail.objects.get(kind="reminder")
        PortalEmail.objects.filter(pk=row.pk).update(state="sending", claimed_at=at(11, 3, 10))
    outbox.outbox.clear()
    with practice_context(practice.pk):
        assert mail.send_due(at(11, 3, 10) + datetime.timedelta(minutes=1)) == 0
    assert outbox.outbox == []


def test_the_beat_task_runs_every_practice_in_its_own_context(
    practice, other_practice, doc_request
):
    in_three_days = clock.practice_today(practice) + datetime.timedelta(days=3)
    month_ago = wall_clock.now() - datetime.timedelta(days=30)
    other_client = ClientFactory(practice=other_practice, name="Elsewhere Client Ltd")
    portal_contact(other_practice, other_client, "Olive", "olive@elsewhere.example")
    open_request(other_practice, other_client, due=in_three_days, sent_at=month_ago)
    with practice_context(practice.pk):
        DocumentRequest.objects.filter(pk=doc_request.pk).update(
            due=in_three_days, sent_at=month_ago
        )
    assert send_reminders.apply().get() == 2
    assert sorted(m.to[0] for m in outbox.outbox) == [
        "ann@bakery.example",
        "olive@elsewhere.example",
    ]
    assert send_reminders.apply().get() == 0
    assert len(outbox.outbox) == 2
