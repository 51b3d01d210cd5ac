"""Rules triage teaches: "mail from this sender (or this domain) belongs to this client", with
how often each was right. Assigning a message in triage teaches the sender's address; a rule
staff correct is pointed at the client they chose and starts counting again."""

from django.db.models import F

from atlasos import clock
from inbox.models import RoutingRule

# A domain shared by strangers says nothing about the client: never taught or applied as a
# domain rule (the router holds the same list).
WEBMAIL = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "hotmail.com",
        "hotmail.co.uk",
        "live.com",
        "live.co.uk",
        "msn.com",
        "yahoo.com",
        "yahoo.co.uk",
        "icloud.com",
        "me.com",
        "aol.com",
        "btinternet.com",
        "sky.com",
        "proton.me",
        "protonmail.com",
    }
)


def teach(sender: str, client, user=None) -> RoutingRule | None:
    """Staff filed mail from ``sender`` to ``client``: the sender's rule says so, and counts one
    more right answer (or, if it named another client, now names this one from scratch)."""
    sender = (sender or "").strip().lower()
    if "@" not in sender:
        return None
    rule, created = RoutingRule.objects.get_or_create(
        pattern=sender,
        defaults={"client": client, "times_used": 1, "times_right": 1, "created_by": user},
    )
    if created:
        return rule
    if rule.client_id == client.pk:
        rule.times_used += 1
        rule.times_right += 1
    else:
        rule.client = client
        rule.times_used = 1
        rule.times_right = 1
    rule.updated_at = clock.now()
    rule.save(update_fields=["client", "times_used", "times_right", "updated_at"])
    return rule


def count_use(sender: str, client_ids: set[int]) -> None:
    """A message was filed automatically: the sender's rules that named that client count it."""
    sender = (sender or "").strip().lower()
    if "@" not in sender or len(client_ids) != 1:
        return
    domain = "@" + sender.rsplit("@", 1)[1]
    RoutingRule.objects.filter(pattern__in=[sender, domain], client_id__in=client_ids).update(
        times_used=F("times_used") + 1, times_right=F("times_right") + 1
    )
