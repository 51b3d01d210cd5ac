"""Reminders for unanswered queries: the step days of a query, the email to each portal contact,
who is never chased, once only, the escalation to whoever asked, and what the staff see next."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core import mail as outbox

from atlasos import clock as wall_clock
from atlasos.accounts.models import Role
from atlasos.tenancy.context import practice_context
from clients.models import Client
from notifications.models import Notification
from portal import queries, query_reminders
from portal.models import ClientQuery, PortalEmail, QueryReminder, ReminderSettings
from portal.reminder_policy import ReminderPolicy, schedule
from portal.tasks import send_reminders
from tests.factories.accounts import UserFactory
from tests.factories.clients import ClientContactFactory, ClientFactory, ContactFactory
from tests.factories.portal import ClientQueryFactory
from tests.factories.tasks import PackFactory
from tests.portal.mailing import grant_also, open_request, parse, portal_contact

LONDON = ZoneInfo("Europe/London")
ASKED = datetime.datetime(2026, 11, 4, 10, 0, tzinfo=LONDON)  # a Wednesday: due Mon 9 Nov
QUESTION = "What is the 2,400.00 payment to Quayside Ltd on 14 October?"
DEFAULT = ReminderPolicy()  # 3 days before, every 3 days, at most 4, escalate


def at(month: int, day: int, hour: int = 9, year: int = 2026) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, 0, tzinfo=LONDON)


def run(practice, now) -> query_reminders.ReminderRun:
    """The job at ``now``, with the clock at ``now`` too."""
    wall_clock.set_now(now)
    with practice_context(practice.pk):
        return query_reminders.run_query_reminders(now)


def steps(practice, **filters) -> list[int]:
    with practice_context(practice.pk):
        return list(
            QueryReminder.objects.filter(**filters)
            .order_by("created_at", "pk")
            .values_list("step", flat=True)
        )


def to(address: str) -> list:
    return [message for message in outbox.outbox if message.to == [address]]


def ask(practice, client, asked_by, asked_at=ASKED, question=QUESTION) -> ClientQuery:
    with practice_context(practice.pk):
        return ClientQueryFactory(
            practice=practice,
            client=client,
            asked_by=asked_by,
            asked_at=asked_at,
            question=question,
        )


def refreshed(query: ClientQuery) -> ClientQuery:
    with practice_context(query.practice_id):
        return ClientQuery.objects.get(pk=query.pk)


def notifications(practice) -> list[Notification]:
    with practice_context(practice.pk):
        return list(Notification.objects.select_related("recipient").order_by("pk"))


@pytest.fixture
def asker(practice):
    return UserFactory(
        practice=practice, role=Role.MANAGER, full_name="Priya Shah", email="priya@harbour.example"
    )


@pytest.fixture
def query(practice, bakery, ann, asker):
    return ask(practice, bakery, asker)


# --- when -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("asked", "due", "days", "escalation"),
    [
        pytest.param(
            datetime.date(2026, 11, 4),
            datetime.date(2026, 11, 9),
            [(11, 6), (11, 12), (11, 15), (11, 18)],
            (11, 21),
            id="mid-month",
        ),
        pytest.param(
            datetime.date(2026, 12, 29),
            datetime.date(2027, 1, 3),
            [(12, 31), (1, 6), (1, 9), (1, 12)],
            (1, 15),
            id="over-the-year-end",
        ),
        pytest.param(
            datetime.date(2028, 2, 26),
            datetime.date(2028, 3, 2),
            [(2, 28), (3, 5), (3, 8), (3, 11)],
            (3, 14),
            id="leap-february",
        ),
    ],
)
def test_the_step_days_of_a_query(asked, due, days, escalation):
    assert query_reminders.ANSWER_WINDOW_DAYS == 5
    assert query_reminders.answer_due(asked) == due
    assert [(step.day.month, step.day.day) for step in schedule(due, DEFAULT)] == days
    day = query_reminders.query_escalation_day(due, DEFAULT)
    assert (day.month, day.day) == escalation


def test_a_step_before_the_query_was_asked_is_skipped(practice, bakery, ann, query):
    with practice_context(practice.pk):  # the first step would be Mon 2 Nov: before asking
        ReminderSettings.objects.create(client=bakery, own_policy=True, days_before=7)
    sent = [
        (day, run(practice, at(11, day, hour)).reminders)
        for day in range(4, 14)
        for hour in (9, 15)
    ]
    # The query's own email asked on the 4th; the first to go is step 2, due + 3.
    assert [day for day, reminders in sent if reminders] == [12]
    assert steps(practice) == [2]


def test_a_query_is_never_escalated_before_its_answer_was_due():
    due = query_reminders.answer_due(datetime.date(2026, 11, 4))
    early = ReminderPolicy(days_before=10, every_days=1, max_reminders=1)  # policy says 31 Oct
    assert query_reminders.query_escalation_day(due, early) == due
    assert query_reminders.query_escalation_day(due, ReminderPolicy(escalate=False)) is None


# The job day by day, counted from the day the query was asked: a reminder on the days of the
# steps (and only one, however often the job runs that day), escalation from day 17.
STEP_OFFSETS = {2: 1, 8: 2, 11: 3, 14: 4}


@pytest.mark.parametrize(
    "asked_at",
    [
        pytest.param(ASKED, id="mid-month"),
        pytest.param(datetime.datetime(2026, 12, 29, 16, 0, tzinfo=LONDON), id="year-end"),
        pytest.param(datetime.datetime(2028, 2, 26, 11, 0, tzinfo=LONDON), id="leap-february"),
        # 00:30 on 1 April in London (summer time): the practice's date is the 1st.
        pytest.param(datetime.datetime(2027, 3, 31, 23, 30, tzinfo=datetime.UTC), id="bst"),
    ],
)
def test_the_default_policy_day_by_day(practice, bakery, ann, asker, asked_at):
    query = ask(practice, bakery, asker, asked_at=asked_at)
    asked = wall_clock.local_date("Europe/London", asked_at)
    for offset in range(0, 20):
        day = asked + datetime.timedelta(days=offset)
        before = len(outbox.outbox)
        for hour in (9, 15):
            run(practice, datetime.datetime.combine(day, datetime.time(hour), LONDON))
        sent = len(outbox.outbox) - before
        escalated = refreshed(query).escalated_at is not None
        assert (sent, escalated) == (
            (1 if offset in STEP_OFFSETS else 0) + (1 if offset == 17 else 0),
            offset >= 17,
        ), f"day {offset} after asking ({day})"
    assert steps(practice) == [1, 2, 3, 4]
    assert len(to("ann@bakery.example")) == 4
    assert len(to("priya@harbour.example")) == 1


# --- what a reminder says, to whom ----------------------------------------------------------


def test_each_portal_contact_gets_the_question_and_a_link_to_it(practice, bakery, ann, query):
    bob = portal_contact(practice, bakery, "Bob Baker", "bob@bakery.example")
    portal_contact(practice, bakery, "Gone Baker", "gone@bakery.example", active=False)
    with practice_context(practice.pk):  # a contact of the client without portal access
        plain = ContactFactory(practice=practice, name="Pat Plain", email="pat@bakery.example")
        ClientContactFactory(practice=practice, client=bakery, contact=plain)

    run(practice, at(11, 5))  # the day before the first step
    assert outbox.outbox == []
    first = run(practice, at(11, 6))

    assert first.emails == 2 and first.reminders == 2 and first.sent == 2
    assert sorted(message.to[0] for message in outbox.outbox) == [
        "ann@bakery.example",
        "bob@bakery.example",
    ]
    link = f"{settings.SITE_URL.rstrip('/')}/portal/queries/{query.code}/"
    with practice_context(practice.pk):
        rows = {row.to_address: row for row in PortalEmail.objects.all()}
        reminded = set(QueryReminder.objects.values_list("contact_id", "step", "email_id"))
    for message in outbox.outbox:
        parsed = parse(message)
        row = rows[message.to[0]]
        assert row.kind == "query_reminder" and row.state == "sent"
        assert parsed["Message-ID"] == row.message_id
        assert parsed["Subject"] == (
            "Reminder: a question about Harbourview Bakery Ltd's accounts is waiting for your "
            "answer"
        )
        assert parsed["Reply-To"] == "dana@harbour.example"
        for body in (
            parsed.get_body(("plain",)).get_content(),
            parsed.get_body(("html",)).get_content(),
        ):
            assert QUESTION in body
            assert link in body
            assert "Wednesday 4 November 2026" in body
    assert reminded == {
        (ann.pk, 1, rows["ann@bakery.example"].pk),
        (bob.pk, 1, rows["bob@bakery.example"].pk),
    }


def test_one_email_per_contact_covers_their_queries_for_every_client(
    practice, bakery, ann, query, asker
):
    cafe = ClientFactory(practice=practice, name="Lighthouse Cafe Ltd")
    grant_also(practice, ann, cafe)
    second = ask(practice, cafe, asker, question="Who is the new supplier, Brightwater?")

    run(practice, at(11, 6))

    (message,) = outbox.outbox
    assert message.subject == "Reminder: questions about 2 of your companies are waiting for you"
    assert QUESTION in message.body and "Who is the new supplier, Brightwater?" in message.body
    assert f"/portal/queries/{query.code}/" in message.body
    assert f"/portal/queries/{second.code}/" in message.body
    with practice_context(practice.pk):
        assert set(QueryReminder.objects.values_list("query_id", flat=True)) == {
            query.pk,
            second.pk,
        }


# --- never chased -----------------------------------------------------------------------------


def _answer(practice, query, ann):
    with practice_context(practice.pk):
        queries.answer(query, ann, "It is the new oven: invoice attached next week.", [])


def _withdraw(practice, query, ann):
    with practice_context(practice.pk):
        queries.withdraw(query)


def _pause(practice, query, ann):
    with practice_context(practice.pk):
        ReminderSettings.objects.create(client=query.client, paused=True)


def _archive(practice, query, ann):
    with practice_context(practice.pk):
        Client.objects.filter(pk=query.client_id).update(status="archived")


@pytest.mark.parametrize(
    "arrange",
    [
        pytest.param(_answer, id="answered"),
        pytest.param(_withdraw, id="withdrawn"),
        pytest.param(_pause, id="client-paused"),
        pytest.param(_archive, id="client-archived"),
    ],
)
def test_no_reminder_and_no_escalation_for(practice, ann, query, arrange):
    arrange(practice, query, ann)
    for day in (6, 9, 12, 15, 18, 21, 24):
        run(practice, at(11, day))
    assert outbox.outbox == [] and steps(practice) == []
    assert refreshed(query).escalated_at is None
    assert notifications(practice) == []


def test_a_client_without_portal_contacts_gets_no_reminder_but_the_asker_hears(
    practice, bakery, asker
):
    query = ask(practice, bakery, asker)  # the contact's access went after it was asked
    for day in (6, 12, 15, 18, 21):
        run(practice, at(11, day))
    assert steps(practice) == []
    with practice_context(practice.pk):
        assert not PortalEmail.objects.exists()
    (notification,) = notifications(practice)
    assert notification.recipient.pk == asker.pk
    assert "no reminder could go: nobody at the client has portal access" in notification.body
    assert refreshed(query).escalated_at == at(11, 21)


@pytest.mark.parametrize("arrange", [_withdraw, _answer], ids=["withdrawn", "answered"])
def test_reminders_stop_once_the_query_is_withdrawn_or_answered(practice, ann, query, arrange):
    run(practice, at(11, 6))
    assert len(to("ann@bakery.example")) == 1
    arrange(practice, query, ann)
    for day in (12, 15, 18, 21, 24):
        run(practice, at(11, day))
    assert len(outbox.outbox) == 1 and steps(practice) == [1]
    assert refreshed(query).escalated_at is None
    assert notifications(practice) == []


def test_a_query_withdrawn_while_the_job_ran_is_neither_chased_nor_escalated(
    practice, ann, query, monkeypatch
):
    with practice_context(practice.pk):
        read_before = list(query_reminders.open_queries())
        queries.withdraw(query)
    monkeypatch.setattr(query_reminders, "open_queries", lambda: read_before)
    done = run(practice, at(11, 21))  # step 4 and the escalation are both due
    assert (done.emails, done.escalations) == (0, 0)
    assert outbox.outbox == [] and steps(practice) == []
    assert refreshed(query).escalated_at is None


def test_a_client_with_its_own_policy_follows_it(practice, bakery, ann, query):
    with practice_context(practice.pk):
        ReminderSettings.objects.create(
            client=bakery,
            own_policy=True,
            days_before=1,
            every_days=2,
            max_reminders=2,
            escalate=False,
        )
    sent_on = []
    for day in range(4, 26):
        if run(practice, at(11, day)).emails:
            sent_on.append(day)
    assert sent_on == [8, 11]  # due Mon 9: the day before, then due + 2
    assert refreshed(query).escalated_at is None and notifications(practice) == []


# --- exactly once ---------------------------------------------------------------------------


def test_a_reminder_is_not_sent_twice_when_the_job_runs_again(practice, ann, query):
    first = run(practice, at(11, 6, 9))
    again = run(practice, at(11, 6, 9))
    later = run(practice, at(11, 6, 17))
    assert (first.emails, again.emails, later.emails) == (1, 0, 0)
    assert len(outbox.outbox) == 1 and steps(practice) == [1]


@pytest.mark.parametrize("day", [pytest.param(6, id="same-day"), pytest.param(7, id="next-day")])
def test_a_run_that_read_the_steps_before_another_recorded_them_sends_nothing(
    practice, ann, query, monkeypatch, day, caplog
):
    run(practice, at(11, 6))
    # A second worker read the steps before the first one committed: it plans step 1 again.
    # The day's email (same day) or the step (next day) is unique: its transaction is refused.
    monkeypatch.setattr(query_reminders, "query_steps_sent", lambda ids: {})
    stale = run(practice, at(11, day, 10))
    assert stale.emails == 0 and stale.sent == 0
    assert [r for r in caplog.records if r.levelname == "ERROR"] == []  # skipped, not a failure
    assert len(outbox.outbox) == 1 and steps(practice) == [1]
    with practice_context(practice.pk):
        assert PortalEmail.objects.filter(kind="query_reminder").count() == 1


def test_the_beat_job_sends_query_reminders_beside_document_reminders(
    practice, bakery, ann, query, clock
):
    # A document request due the day the answer is: both first reminders fall on Fri 6 Nov,
    # each its own email (their one-a-day rules are per kind).
    open_request(practice, bakery, due=datetime.date(2026, 11, 9), sent_at=at(10, 20))
    clock.set(at(11, 6))
    assert send_reminders.apply().get() == 2
    with practice_context(practice.pk):
        kinds = sorted(PortalEmail.objects.filter(contact=ann).values_list("kind", flat=True))
    assert kinds == ["query_reminder", "reminder"]
    assert send_reminders.apply().get() == 0
    assert len(to("ann@bakery.example")) == 2


# --- escalation -------------------------------------------------------------------------------


def test_escalation_tells_the_person_who_asked_once(practice, bakery, ann, query, asker, preparer):
    with practice_context(practice.pk):
        pack = PackFactory(practice=practice, client=bakery, preparer=preparer)
        ClientQuery.objects.filter(pk=query.pk).update(pack=pack)
    for day in (6, 12, 15, 18, 20):
        run(practice, at(11, day))
    assert notifications(practice) == []
    first = run(practice, at(11, 21))
    again = run(practice, at(11, 21, 15))
    later = run(practice, at(11, 24))
    assert (first.escalations, again.escalations, later.escalations) == (1, 0, 0)
    (notification,) = notifications(practice)
    assert notification.recipient.pk == asker.pk
    assert notification.title == "Harbourview Bakery Ltd has not answered a query"
    assert notification.body.startswith(
        "Asked by Priya Shah on Wed 4 Nov, the answer was due Mon 9 Nov; 4 reminders went to "
        "the client's portal contacts, and it is still unanswered:"
    )
    assert QUESTION in notification.body
    assert notification.url == pack.get_absolute_url()
    assert refreshed(query).escalated_at == at(11, 21)
    assert len(to("priya@harbour.example")) == 1
    assert to("dana@harbour.example") == []


def test_two_runs_escalating_at_once_tell_the_asker_once(practice, ann, query, monkeypatch):
    with practice_context(practice.pk):
        read_before = list(query_reminders.open_queries())
    first = run(practice, at(11, 21))
    # A second worker read the query before the first one escalated it: the conditional
    # update has one winner.
    monkeypatch.setattr(query_reminders, "open_queries", lambda: read_before)
    second = run(practice, at(11, 21, 9))
    assert (first.escalations, second.escalations) == (1, 0)
    assert len(notifications(practice)) == 1
    assert len(to("priya@harbour.example")) == 1


def test_escalation_goes_to_the_preparer_when_the_asker_has_left(
    practice, bakery, ann, query, asker, preparer
):
    asker.is_active = False
    asker.save(update_fields=["is_active"])
    run(practice, at(11, 21))
    (notification,) = notifications(practice)
    assert notification.recipient.pk == preparer.pk
    assert notification.url == bakery.get_absolute_url()
    # The job ran only that day: the last step went with the escalation, and the note says so.
    assert "1 reminder went" in notification.body
    assert len(to("dana@harbour.example")) == 1


# --- what the staff see next ------------------------------------------------------------------


def outlook_text(practice, query, moment) -> str:
    wall_clock.set_now(moment)
    with practice_context(practice.pk):
        return queries.reminder_outlook(query).text


def test_the_outlook_says_what_comes_next(practice, bakery, ann, query):
    assert outlook_text(practice, query, at(11, 5)) == (
        "Next reminder to the client: Fri 6 Nov (reminder 1 of 4)."
    )
    assert outlook_text(practice, query, at(11, 6, 8)) == (
        "Next reminder to the client: today (reminder 1 of 4)."
    )
    run(practice, at(11, 6))
    assert outlook_text(practice, query, at(11, 6, 10)) == (
        "Next reminder to the client: Thu 12 Nov (reminder 2 of 4)."
    )
    for day in (12, 15, 18):
        run(practice, at(11, day))
    with practice_context(practice.pk):
        assert queries.reminder_outlook(query).reminders == 4
    assert outlook_text(practice, query, at(11, 19)) == (
        "No more reminders; Priya Shah is told on Sat 21 Nov if it is still unanswered."
    )
    run(practice, at(11, 21))
    wall_clock.set_now(at(11, 22))
    with practice_context(practice.pk):
        outlook = queries.reminder_outlook(query)
    assert outlook.outlook.state == "escalated"
    assert outlook.text == "Still unanswered after the reminders: escalated on Sat 21 Nov."
    _answer(practice, query, ann)
    assert outlook_text(practice, query, at(11, 23)) == "No more reminders: the client answered."


def test_the_outlook_of_a_paused_client_and_of_a_withdrawn_query(practice, bakery, ann, query):
    _pause(practice, query, ann)
    assert outlook_text(practice, query, at(11, 5)) == (
        "Reminders are paused for Harbourview Bakery Ltd."
    )
    _withdraw(practice, query, ann)
    assert outlook_text(practice, query, at(11, 5)) == (
        "No more reminders: the query was withdrawn."
    )


@pytest.mark.parametrize("count", [1, 4])
def test_the_outlooks_of_a_page_of_queries_take_three_queries(
    practice, bakery, ann, asker, count, django_assert_num_queries
):
    asked = [ask(practice, bakery, asker) for _ in range(count)]
    run(practice, at(11, 6))
    with practice_context(practice.pk), django_assert_num_queries(3):
        # the queries with their client, pack, asker and practice; the reminder policies;
        # the steps sent
        outlooks = queries.reminder_outlooks(asked)
    assert {pk: o.text for pk, o in outlooks.items()} == {
        query.pk: "Next reminder to the client: Thu 12 Nov (reminder 2 of 4)." for query in asked
    }
