"""Which client a message (or one attachment) belongs to, with a confidence and the reasons
staff read (issue 12 §4). Pure Python, no Django: the caller passes its own practice's
clients, the rules triage taught and what it knows of the message.

**Evidence and its level**

1. Sent to the client's own inbox address (live, or retired less than 30 days ago):
   *certain*.
2. The sender (the ``From`` addr-spec; a display name never counts) is a contact of exactly
   one client: *high* when the receiving server says the message is authenticated (DMARC, or
   SPF and DKIM aligned), otherwise a *suggestion*. A contact of several clients (a director
   of several companies) is a suggestion for each: identifiers then decide.
3. Identifiers in the text that pass their checks (``inbox.identifiers``): a VAT number,
   company number, IBAN or sort code + account number that belongs to exactly one client:
   *high*. A GB IBAN and a sort code + account pair are the same account (the IBAN carries
   both). An identifier stored on several clients is a suggestion for each. The client's
   name (rapidfuzz, ``partial_ratio`` on normalised names, at least ``NAME_THRESHOLD``;
   names under four letters are not looked for, nor those of generic words only but word
   for word) is a *suggestion* only, and never raises another suggestion to high.
4. A rule triage taught (the sender's exact address, else its domain; a domain rule for a
   webmail domain is never applied): *high* when it was right at least 3 times and at least
   90 % of the times it was used, otherwise a *suggestion*. The issue does not ask a rule
   for authentication and neither does this: its record was earned on that sender's real
   traffic, authenticated or not. (A forger who knows a rule's address can get a document
   filed under that rule's client, as one who knows a client's VAT number can.)

A candidate's level is the best of its evidence; its score (for ranking) is the sum. Only a
certain or high candidate with no other client at high or above is filed (``decide``);
everything else waits in triage, ranked. Before that, ``rank`` lowers evidence to a
suggestion where another fact explains or contradicts it (identifiers of two clients in one
text, the sender pointing to one client and the identifiers to another, the text naming
another client, the client's own address): ``inbox.routing_conflicts`` says how and why.

Identifiers on the practice's own letterhead (a quoted signature) belong to no client, so
they match nothing. A retired address past its 30 days is the caller's business: it passes
``address_client_id=None`` and notes it.

The parts, each its own module: the vocabulary (``routing_evidence``), the evidence of the
sender (``routing_senders``), of identifiers (``routing_identifiers``) and of names
(``routing_names``), the practice's clients indexed once (``routing_index``), and the
conflicts (``routing_conflicts``). This module is the entry: import from here.
"""

from collections.abc import Sequence

from inbox import identifiers
from inbox.routing_conflicts import lower_conflicts
from inbox.routing_evidence import (
    SCORE_ADDRESS,
    Candidate,
    ClientFacts,
    Evidence,
    Item,
    Level,
    Rule,
)
from inbox.routing_identifiers import identifier_items
from inbox.routing_index import index_clients
from inbox.routing_names import NAME_THRESHOLD, name_items, names_found
from inbox.routing_senders import (
    RULE_MIN_RIGHT,
    RULE_MIN_SHARE,
    WEBMAIL_DOMAINS,
    WEBMAIL_PREFIXES,
    contact_items,
    is_webmail,
    rule_items,
)

__all__ = [
    "NAME_THRESHOLD",
    "RULE_MIN_RIGHT",
    "RULE_MIN_SHARE",
    "WEBMAIL_DOMAINS",
    "WEBMAIL_PREFIXES",
    "Candidate",
    "ClientFacts",
    "Evidence",
    "Level",
    "Rule",
    "decide",
    "is_webmail",
    "rank",
]


def rank(
    evidence: Evidence, clients: Sequence[ClientFacts], rules: Sequence[Rule]
) -> list[Candidate]:
    """Every client with any evidence, best first (level, then score). See the module's
    docstring for the evidence, its levels and how conflicts lower it."""
    index = index_clients(clients)
    by_id = index.by_id
    items: dict[int, list[Item]] = {}

    def add(client_id: int, item: Item) -> None:
        items.setdefault(client_id, []).append(item)

    if evidence.address_client_id in by_id:
        add(
            evidence.address_client_id,
            Item("address", Level.CERTAIN, SCORE_ADDRESS, "Sent to the client's own address"),
        )
    sender = evidence.sender.strip().lower()
    if sender:
        contact_items(sender, evidence.authenticated, index.contacts, add)
        rule_items(sender, by_id, rules, add)
    cover_only: set[int] = set()
    documented: set[int] = set()
    if evidence.text:
        identifier_items(identifiers.find(evidence.text), index.owners, add)
        name_items(evidence.text, index.names, add)
        if evidence.document is not None:
            named = {
                client_id
                for client_id, found in items.items()
                for item in found
                if item.kind == "name" and not item.name_match.explained_by
            }  # the whole text's names, found above: only the attachment's are looked for
            cover_only = named - names_found(evidence.document, index.names)
            identifier_items(
                identifiers.find(evidence.document),
                index.owners,
                lambda client_id, item: documented.add(client_id),
            )

    lower_conflicts(items, evidence.address_client_id, by_id, evidence.text, cover_only, documented)

    candidates = [
        Candidate(
            client_id=client_id,
            level=max(item.level for item in found),
            score=round(sum(item.score for item in found), 2),
            reasons=tuple(item.reason for item in found),
        )
        for client_id, found in items.items()
    ]
    candidates.sort(key=lambda c: (-c.level, -c.score, c.client_id))
    return candidates


def decide(candidates: Sequence[Candidate]) -> Candidate | None:
    """The route to file automatically, or None for triage: the top candidate when its level
    is CERTAIN or HIGH and no other candidate reaches HIGH or above (a conflict goes to
    triage)."""
    if not candidates:
        return None
    top = max(candidates, key=lambda c: (c.level, c.score))
    if top.level < Level.HIGH:
        return None
    if any(c.client_id != top.client_id and c.level >= Level.HIGH for c in candidates):
        return None
    return top
