"""When a document request's reminders fall due: a pure module, plain dates in and out.

A policy says: the first reminder ``days_before`` days before the request's due date, then one
every ``every_days`` days after the due date, at most ``max_reminders`` in all; after the last
one, when the next would have been due, the request is escalated to the assigned staff member.

For a request due Friday 6 November with the default policy (3 days before, every 3 days, at
most 4): reminders on Tue 3, Mon 9, Thu 12 and Sun 15 November, escalation on Wed 18 November.
Calendar days, not working days: a client can upload at the weekend, and a reminder that falls
on a Sunday is still worth sending on Monday.

The job that sends reminders asks ``step_due`` which step (if any) to send today. When the job
has missed days (downtime), it sends only the latest step that is due — never a burst of the
missed ones — and a step is never sent twice (the caller records each step it sent).

Day arithmetic saturates at the ends of the calendar (``date.min``, ``date.max``): a request
typed with a due date of 31 December 9999 or 1 January 0001 gets a schedule (steps that would
fall past the end land on the last representable day, so they never come) instead of an
OverflowError that would stop the job for every other request.
"""

import datetime
from dataclasses import dataclass

ONE_DAY = datetime.timedelta(days=1)


def shift(day: datetime.date, days: int) -> datetime.date:
    """``day`` moved by ``days`` calendar days, held at ``date.min`` / ``date.max``."""
    try:
        return day + datetime.timedelta(days=days)
    except OverflowError:
        return datetime.date.max if days > 0 else datetime.date.min


@dataclass(frozen=True)
class ReminderPolicy:
    days_before: int = 3
    every_days: int = 3
    max_reminders: int = 4
    escalate: bool = True

    def errors(self) -> list[str]:
        """What is wrong with the policy, in words; [] when it is usable."""
        problems = []
        if not 0 <= self.days_before <= 60:
            problems.append("The first reminder must be 0 to 60 days before the due date.")
        if not 1 <= self.every_days <= 60:
            problems.append("Reminders after the due date must be 1 to 60 days apart.")
        if not 1 <= self.max_reminders <= 20:
            problems.append("Send between 1 and 20 reminders.")
        return problems


@dataclass(frozen=True)
class Step:
    number: int  # 1 is the first reminder
    day: datetime.date


def schedule(due: datetime.date, policy: ReminderPolicy) -> list[Step]:
    """Every reminder of a request due on ``due``, in order."""
    steps = [Step(1, shift(due, -policy.days_before))]
    for number in range(2, policy.max_reminders + 1):
        steps.append(Step(number, shift(due, (number - 1) * policy.every_days)))
    return steps


def escalation_day(due: datetime.date, policy: ReminderPolicy) -> datetime.date | None:
    """When the request goes to the assigned staff member; None if the policy never escalates."""
    if not policy.escalate:
        return None
    return shift(schedule(due, policy)[-1].day, policy.every_days)


def step_due(
    due: datetime.date, policy: ReminderPolicy, today: datetime.date, last_sent: int = 0
) -> Step | None:
    """The reminder to send today: the latest step whose day has come, if it is later than the
    last step already sent (``last_sent``, 0 for none); otherwise None."""
    reached = [step for step in schedule(due, policy) if step.day <= today]
    if not reached or reached[-1].number <= last_sent:
        return None
    return reached[-1]


def escalation_due(
    due: datetime.date, policy: ReminderPolicy, today: datetime.date, escalated: bool
) -> bool:
    """Whether to escalate today (once: ``escalated`` says it was done already)."""
    day = escalation_day(due, policy)
    return day is not None and not escalated and day <= today
