"""Evidence from who sent the message (``inbox.routing``): the sender is a contact of a
client, or a rule triage taught sends its mail to one.

- The sender (the ``From`` addr-spec; a display name never counts) is a contact of exactly
  one client: *high* when the receiving server says the message is authenticated (DMARC, or
  SPF and DKIM aligned), otherwise a *suggestion*. A contact of several clients (a director
  of several companies) is a suggestion for each.
- A rule (the sender's exact address, else its domain; a domain rule for a webmail domain is
  never applied): *high* when it was right at least ``RULE_MIN_RIGHT`` times and at least
  ``RULE_MIN_SHARE`` of the times it was used, otherwise a *suggestion* (a "weak rule", a
  hint for triage's order and no link in a conflict).
"""

from inbox.routing_evidence import (
    SCORE_CONTACT,
    SCORE_CONTACT_SHARED,
    SCORE_CONTACT_UNAUTHENTICATED,
    SCORE_RULE,
    SCORE_RULE_WEAK,
    Item,
    Level,
)

RULE_MIN_RIGHT = 3
RULE_MIN_SHARE = 0.9


WEBMAIL_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "msn.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "btinternet.com",
        "btopenworld.com",
        "talk21.com",
        "aol.com",
        "aol.co.uk",
        "aim.com",
        "sky.com",
        "virginmedia.com",
        "ntlworld.com",
        "blueyonder.co.uk",
        "talktalk.net",
        "tiscali.co.uk",
        "plus.com",
        "mail.com",
        "gmx.com",
        "gmx.co.uk",
        "protonmail.com",
        "proton.me",
        "pm.me",
        "zoho.com",
        "fastmail.com",
        "yandex.com",
        "hey.com",
    }
)
# Providers with a domain per country: hotmail.co.uk, yahoo.fr, live.com, …
WEBMAIL_PREFIXES = ("hotmail.", "yahoo.", "ymail.", "live.", "outlook.", "windowslive.")


def is_webmail(domain: str) -> bool:
    """A mailbox provider's domain, shared by strangers: a domain rule for it means nothing."""
    domain = domain.lower().strip().lstrip("@")
    return domain in WEBMAIL_DOMAINS or domain.startswith(WEBMAIL_PREFIXES)


def contact_items(sender, authenticated, contacts, add) -> None:
    """The clients ``sender`` is a contact of (``contacts``: address → client ids)."""
    owners = contacts.get(sender, ())
    if len(owners) == 1:
        if authenticated:
            item = Item(
                "contact",
                Level.HIGH,
                SCORE_CONTACT,
                f"Sender {sender} is a contact of this client only (DMARC passed)",
            )
        else:
            item = Item(
                "contact",
                Level.SUGGESTION,
                SCORE_CONTACT_UNAUTHENTICATED,
                f"Sender {sender} is a contact, but the message is not authenticated: "
                "a suggestion only",
            )
        add(owners[0], item)
    elif owners:
        others = len(owners) - 1
        unauthenticated = "" if authenticated else ", and the message is not authenticated"
        for client_id in owners:
            add(
                client_id,
                Item(
                    "contact",
                    Level.SUGGESTION,
                    SCORE_CONTACT_SHARED,
                    f"Sender {sender} is a contact of this client and of {others} other "
                    f"client{'s' if others > 1 else ''}{unauthenticated}: a suggestion only",
                ),
            )


def rule_items(sender, by_id, rules, add) -> None:
    """The rules for ``sender``'s exact address, else for its domain (not a webmail one)."""
    exact = [rule for rule in rules if rule.pattern.lower() == sender and rule.client_id in by_id]
    if exact:
        chosen = exact
    else:
        domain = "@" + sender.rpartition("@")[2]
        if domain == "@" or is_webmail(domain):
            return
        chosen = [r for r in rules if r.pattern.lower() == domain and r.client_id in by_id]
    for rule in chosen:
        reason = (
            f"Rule {rule.pattern.lower()} → this client "
            f"(right {rule.times_right} of {rule.times_used} times)"
        )
        share = rule.times_right / rule.times_used if rule.times_used else 0.0
        trusted = rule.times_right >= RULE_MIN_RIGHT and share >= RULE_MIN_SHARE
        if trusted:
            add(rule.client_id, Item("rule", Level.HIGH, SCORE_RULE, reason))
        else:  # a poor record: a hint for triage's order, no link in a conflict
            add(
                rule.client_id,
                Item("weak rule", Level.SUGGESTION, SCORE_RULE_WEAK + 10 * min(share, 1.0), reason),
            )
