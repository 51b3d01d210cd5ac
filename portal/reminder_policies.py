"""The reminder policy in force: the practice's (``ReminderSettings`` without a client; the
defaults of ``ReminderPolicy`` when there is none), or a client's own, paused or not; saving
them, and saying them in words. ``portal.reminders`` runs the job with them."""

from dataclasses import dataclass

from django.db.models import Q

from portal.models import ReminderSettings
from portal.reminder_policy import ReminderPolicy

# --- the policy in force --------------------------------------------------------------------


def policy_for(row: ReminderSettings | None) -> ReminderPolicy | None:
    """The policy a settings row says (the defaults without one); None when it is paused."""
    if row is None:
        return ReminderPolicy()
    if row.paused:
        return None
    return ReminderPolicy(
        days_before=row.days_before,
        every_days=row.every_days,
        max_reminders=row.max_reminders,
        escalate=row.escalate,
    )


@dataclass
class Policies:
    """The practice's settings row and some clients' rows: the policy each client follows."""

    practice_row: ReminderSettings | None
    client_rows: dict[int, ReminderSettings]

    @property
    def practice(self) -> ReminderPolicy:
        return policy_for(self.practice_row) or ReminderPolicy()

    def for_client(self, client_id: int) -> ReminderPolicy | None:
        row = self.client_rows.get(client_id)
        if row is not None and (row.paused or row.own_policy):
            return policy_for(row)
        return self.practice


def load_policies(client_ids) -> Policies:
    """The practice's row and these clients' rows, in one query."""
    rows = ReminderSettings.objects.filter(
        Q(client__isnull=True) | Q(client_id__in=list(client_ids))
    )
    practice_row, client_rows = None, {}
    for row in rows:
        if row.client_id is None:
            practice_row = row
        else:
            client_rows[row.client_id] = row
    return Policies(practice_row, client_rows)


# --- saving and describing --------------------------------------------------------------------


def save_practice_policy(values: dict) -> ReminderSettings:
    """Store the practice's policy (``values``: the ReminderPolicy fields)."""
    row, _ = ReminderSettings.objects.update_or_create(client=None, defaults=values)
    return row


def save_client_reminders(client, *, own_policy: bool, paused: bool, values: dict) -> None:
    """A client's override: its own policy (``values``) or the practice's, paused or not. The
    numbers of an earlier own policy are kept when it goes back to the practice's."""
    defaults = {"own_policy": own_policy, "paused": paused}
    if own_policy:
        defaults.update(values)
    ReminderSettings.objects.update_or_create(client=client, defaults=defaults)


def describe(policy: ReminderPolicy) -> str:
    """ "3 days before the due date, then every 3 days, at most 4; then the assigned staff
    member is told"."""
    first = (
        "on the due date"
        if policy.days_before == 0
        else f"{policy.days_before} day{'s' if policy.days_before != 1 else ''} before the due date"
    )
    text = (
        f"first {first}, then every {policy.every_days} day"
        f"{'s' if policy.every_days != 1 else ''}, at most {policy.max_reminders}"
    )
    if policy.escalate:
        text += "; then the assigned staff member is told"
    return text
