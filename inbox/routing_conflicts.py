"""Conflicts between the evidence ``inbox.routing`` collects: which facts lower which.

Only a certain or high candidate with no other client at high or above is filed
(``decide``); everything else waits in triage, ranked. Before that, ``rank`` lowers evidence
to a suggestion where another fact explains or contradicts it (``lower_conflicts``, here).
Lowering only ever sends a message to triage: when two clients reached high on their own
evidence, the message goes to triage whatever was lowered since ("prefer triage whenever two
clients reach high").

- *Identifiers of two clients in one text* (an invoice from one client to another, a
  statement listing several): each client's identifiers are a suggestion only.
- *The sender points to one client, the identifiers to another.* A client's purchase
  invoices carry the supplier's VAT number and bank details, and the supplier may be
  another client of the practice; a director may send a company's documents from an
  address recorded only on another company. Neither reading is safe, so neither files:
  with the sender high (authenticated contact, trusted rule) both clients are high and the
  message goes to triage as a conflict; with the sender a suggestion (a contact not
  authenticated, or of several clients) the other client's identifiers come down to a
  suggestion too, so that an unauthenticated contact of client A sending supplier B's
  invoice is not filed under B (but a statement of B's bank account stays B's: a statement
  is its account holder's, whoever sends it). A rule with a poor record is a hint for
  triage's order, not a link.
- *The text names another client.* A document with client B's identifiers that also names
  client C may be C's: B's sales invoice to C is C's purchase invoice, sent perhaps by C's
  new bookkeeper or by a director of both; and a VAT or company number alone may come from
  the signature of B's own people (the law wants the company number on their emails). B's
  identifiers stand only when the text is a statement of B's bank account (a statement is
  its account holder's, whoever its lines mention), or when it carries B's bank account and
  the sender is linked to B and not to C (B's copy of its sales invoice). Likewise a sender
  that is the only evidence for client A (no bank account of A in the text) loses its high
  when the text names another client: a director recorded on A only, sending the payslips
  of another company of hers, signs with A's name and number, but the payslips name the
  other.
  A client the sender is linked to (a contact, a rule) that is named only in the covering
  message, not in the attachment's own text, does not count against a client whose
  identifiers are in the attachment itself: a director writing for two of her companies
  names both, and signs with her main company's name, whichever company's document she
  attaches. Named in the attachment, or against identifiers found only in the covering
  message (her signature's company number), it counts.
- *The client's own address.* The sender chose that client's unguessable address, so other
  clients' identifiers in the text are its counterparties (a purchase invoice from a
  supplier who is also a client): every other client is lowered to a suggestion and the
  message is filed under the address's client.

Names count here only when no other client's name explains them (``inbox.routing_names``).
"""

from inbox import classify
from inbox.routing_evidence import ClientFacts, Item, Level, NameMatch
from inbox.routing_names import display_name


def lower_conflicts(
    items: dict[int, list[Item]],
    address_client_id: int | None,
    by_id: dict[int, ClientFacts],
    text: str,
    cover_only: set[int] = frozenset(),
    documented: set[int] = frozenset(),
) -> None:
    """Lower evidence that another fact explains or contradicts (the module's docstring),
    saying why in its reason. ``cover_only``: the clients named in the covering message
    (subject and body) and not in the attachment's own text; ``documented``: the clients
    whose identifiers are in the attachment's own text."""

    def of_kind(client_id: int, kind: str) -> list[Item]:
        return [item for item in items[client_id] if item.kind == kind]

    def with_high(kind: str) -> set[int]:
        return {
            client_id
            for client_id in items
            if any(item.level >= Level.HIGH for item in of_kind(client_id, kind))
        }

    def high_now() -> set[int]:
        return {
            client_id
            for client_id, found in items.items()
            if any(item.level >= Level.HIGH and item.kind != "address" for item in found)
        }

    def banked(client_id: int) -> bool:
        """Whether the text carries the client's bank account. Its VAT and company numbers are
        in every email its people send (the law wants the company number on them), so they
        say nothing of an attachment sent by its own contact; its bank account does."""
        return any(item.detail in ("account", "iban") for item in of_kind(client_id, "identifier"))

    statement = None  # whether the text is a bank statement, worked out when needed

    def is_statement() -> bool:
        nonlocal statement
        if statement is None:
            statement = classify.is_bank_statement(text)
        return statement

    high_before = high_now()

    # Identifiers of two clients in one text.
    if len(with_high("identifier")) > 1:
        for client_id in items:
            for item in of_kind(client_id, "identifier"):
                item.lower("the text also carries another client's identifiers")

    # The sender (a contact, a trusted rule) points to some clients, the identifiers to
    # another: with the sender high, both stay high and ``decide`` sees the conflict; with the
    # sender a suggestion, the other client's identifiers come down to one too.
    contact_clients = {client_id for client_id in items if of_kind(client_id, "contact")}
    rule_clients = {client_id for client_id in items if of_kind(client_id, "rule")}
    sender_clients = contact_clients | rule_clients
    if sender_clients and not (with_high("contact") or with_high("rule")):
        why = (
            "the sender is a contact of another client"
            if contact_clients
            else "a rule sends this sender's mail to another client"
        )
        for client_id in with_high("identifier") - sender_clients:
            if banked(client_id) and is_statement():
                continue  # a statement of its account is its own, whoever sends it
            for item in of_kind(client_id, "identifier"):
                item.lower(why)

    # The text names another client.
    named = {
        client_id: item.name_match
        for client_id in items
        for item in of_kind(client_id, "name")
        if item.name_match and not item.name_match.explained_by
    }
    # A client of the sender's (a contact, a rule) named only in the covering message is the
    # sender's own (her signature, "attached: both of my companies' papers"): it says nothing
    # against a client whose identifiers are in the attachment itself.
    signed = cover_only & sender_clients

    def others_named(client_id: int) -> list[int]:
        return [
            other
            for other in named
            if other != client_id and not (other in signed and client_id in documented)
        ]

    def another_named(client_id: int) -> NameMatch | None:
        others = others_named(client_id)
        return named[others[0]] if others else None

    # Identifiers of B and another client C named: B's when the text is a statement of B's
    # account (a statement is its account holder's, whoever its lines mention), or when the
    # sender is linked to B and not to C and the text carries B's bank account (B's sales
    # invoice to C). A stranger's, or a director's of both, or only B's VAT number from a
    # signature: the document may be C's.
    for client_id in with_high("identifier"):
        others = others_named(client_id)
        own_copy = banked(client_id) and (
            (client_id in sender_clients and not sender_clients.intersection(others))
            or is_statement()
        )
        if others and not own_copy:
            for item in of_kind(client_id, "identifier"):
                item.lower(f"the text also names another client, “{named[others[0]].display}”")
    for client_id in with_high("contact") | with_high("rule"):
        # Only the sender links the message to this client, and the text is about another.
        if banked(client_id):
            continue
        others_high = any(
            item.level >= Level.HIGH
            for other_id, found in items.items()
            if other_id != client_id
            for item in found
        )
        other = another_named(client_id)
        if other and not others_high:
            for item in of_kind(client_id, "contact") + of_kind(client_id, "rule"):
                item.lower(f"the text names another client, “{other.display}”")

    # Two clients reached high on their own evidence: triage, whatever was lowered since.
    # Lowering sends a message to triage; it never chooses one of two clients.
    left = high_now()
    if len(high_before) > 1 and len(left) == 1 and address_client_id not in items:
        (winner,) = left
        other = by_id[min(high_before - left)]
        for item in items[winner]:
            item.lower(f"another client, “{display_name(other.name)}”, has strong evidence too")

    # The client's own address explains everything else.
    if address_client_id in items:
        for client_id in items:
            if client_id != address_client_id:
                for item in items[client_id]:
                    item.lower("the message came to another client's own address")
