"""Reminder steps of a document request against a policy, as a table of dated cases."""

from datetime import date

import pytest

from portal.reminder_policy import (
    ReminderPolicy,
    Step,
    escalation_day,
    escalation_due,
    schedule,
    step_due,
)

DUE = date(2026, 11, 6)  # Friday
DEFAULT = ReminderPolicy()  # 3 days before, every 3 days after, at most 4, escalate


def test_the_default_schedule_worked_out_by_hand():
    assert schedule(DUE, DEFAULT) == [
        Step(1, date(2026, 11, 3)),  # Tue: 3 days before
        Step(2, date(2026, 11, 9)),  # Mon: due + 3
        Step(3, date(2026, 11, 12)),  # Thu: due + 6
        Step(4, date(2026, 11, 15)),  # Sun: due + 9
    ]
    assert escalation_day(DUE, DEFAULT) == date(2026, 11, 18)  # when a 5th would be due


@pytest.mark.parametrize(
    ("today", "last_sent", "expected"),
    [
        pytest.param(date(2026, 11, 2), 0, None, id="before the first reminder: nothing"),
        pytest.param(date(2026, 11, 3), 0, 1, id="three days before the due date: the first"),
        pytest.param(date(2026, 11, 3), 1, None, id="the first already sent today: not again"),
        pytest.param(date(2026, 11, 6), 1, None, id="on the due date: nothing new"),
        pytest.param(date(2026, 11, 9), 1, 2, id="due + 3: the second"),
        pytest.param(date(2026, 11, 10), 2, None, id="between steps: nothing"),
        pytest.param(
            date(2026, 11, 12), 0, 3, id="job down since before the first: only the latest step"
        ),
        pytest.param(date(2026, 11, 15), 3, 4, id="the fourth and last"),
        pytest.param(date(2026, 11, 30), 4, None, id="after the last: never a fifth"),
        pytest.param(date(2026, 11, 30), 2, 4, id="missed the third: goes straight to the last"),
    ],
)
def test_the_step_to_send_today(today, last_sent, expected):
    step = step_due(DUE, DEFAULT, today, last_sent)
    assert (step.number if step else None) == expected


@pytest.mark.parametrize(
    ("policy", "today", "escalated", "expected"),
    [
        (DEFAULT, date(2026, 11, 17), False, False),
        (DEFAULT, date(2026, 11, 18), False, True),
        (DEFAULT, date(2026, 11, 25), False, True),
        (DEFAULT, date(2026, 11, 25), True, False),
        (ReminderPolicy(escalate=False), date(2026, 12, 31), False, False),
    ],
)
def test_escalation_comes_once_after_the_last_reminder(policy, today, escalated, expected):
    assert escalation_due(DUE, policy, today, escalated) is expected


def test_a_single_reminder_on_the_due_date():
    policy = ReminderPolicy(days_before=0, every_days=7, max_reminders=1)
    assert schedule(DUE, policy) == [Step(1, DUE)]
    assert escalation_day(DUE, policy) == date(2026, 11, 13)
    assert step_due(DUE, policy, date(2026, 11, 5)) is None
    assert step_due(DUE, policy, DUE) == Step(1, DUE)


def test_a_reminder_schedule_across_the_year_end():
    policy = ReminderPolicy(days_before=5, every_days=7, max_reminders=3)
    assert [s.day for s in schedule(date(2026, 12, 31), policy)] == [
        date(2026, 12, 26),
        date(2027, 1, 7),
        date(2027, 1, 14),
    ]


@pytest.mark.parametrize(
    ("policy", "message"),
    [
        (ReminderPolicy(days_before=-1), "0 to 60 days before"),
        (ReminderPolicy(every_days=0), "1 to 60 days apart"),
        (ReminderPolicy(max_reminders=0), "between 1 and 20"),
    ],
)
def test_an_unusable_policy_says_why(policy, message):
    assert any(message in error for error in policy.errors())
    assert DEFAULT.errors() == []


# --- the ends of the calendar: rows typed before due dates had bounds --------------------------

LONGEST = ReminderPolicy(days_before=60, every_days=60, max_reminders=20)
EXTREMES = [
    pytest.param(date.max, id="due 9999-12-31"),
    pytest.param(date.min, id="due 0001-01-01"),
    pytest.param(date(9999, 12, 1), id="due a month before the end"),
    pytest.param(date(1, 1, 20), id="due days after the start"),
]


@pytest.mark.parametrize("due", EXTREMES)
@pytest.mark.parametrize("policy", [DEFAULT, LONGEST], ids=["default", "longest"])
def test_a_due_date_at_the_end_of_the_calendar_still_has_a_schedule(due, policy):
    steps = schedule(due, policy)
    assert [step.number for step in steps] == list(range(1, policy.max_reminders + 1))
    days = [step.day for step in steps]
    assert days == sorted(days)
    assert all(date.min <= day <= date.max for day in days)
    escalation = escalation_day(due, policy)
    assert escalation is not None and escalation >= days[-1]
    for today in (date(2026, 11, 18), date.min, date.max):
        step_due(due, policy, today)
        escalation_due(due, policy, today, escalated=False)


def test_steps_past_the_last_day_of_the_calendar_never_come():
    assert schedule(date.max, DEFAULT) == [
        Step(1, date(9999, 12, 28)),
        Step(2, date.max),
        Step(3, date.max),
        Step(4, date.max),
    ]
    assert escalation_day(date.max, DEFAULT) == date.max
    assert step_due(date.max, DEFAULT, date(2026, 11, 18)) is None
    assert step_due(date.max, DEFAULT, date(9999, 12, 28)) == Step(1, date(9999, 12, 28))
    assert step_due(date.max, DEFAULT, date(9999, 12, 30), last_sent=1) is None
    assert escalation_due(date.max, DEFAULT, date(2026, 11, 18), escalated=False) is False


def test_a_first_reminder_before_the_first_day_of_the_calendar_is_held_on_it():
    assert schedule(date.min, DEFAULT) == [
        Step(1, date.min),
        Step(2, date(1, 1, 4)),
        Step(3, date(1, 1, 7)),
        Step(4, date(1, 1, 10)),
    ]
    assert escalation_day(date.min, DEFAULT) == date(1, 1, 13)
    assert step_due(date.min, DEFAULT, date(2026, 11, 18)) == Step(4, date(1, 1, 10))
