"""The practice's clients as ``inbox.routing`` looks them up (contacts, identifiers, names),
indexed once and kept for the few client lists in use.
"""

from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

from inbox.routing_evidence import ClientFacts
from inbox.routing_identifiers import client_keys
from inbox.routing_names import NameIndex, index_names, name_profile


@dataclass
class Index:
    """What ``rank`` looks up, built once for a sequence of clients and kept while the same
    client objects come back (the caller routes every attachment of a message, and a
    benchmark thousands of messages, against one list)."""

    clients: tuple[ClientFacts, ...]  # held, so that their ids stay theirs
    by_id: dict[int, ClientFacts]
    contacts: dict[str, tuple[int, ...]]
    owners: dict[tuple[str, object], frozenset[int]]
    names: NameIndex


_INDEXES: "OrderedDict[tuple[int, ...], Index]" = OrderedDict()
_INDEXES_KEPT = 8


def index_clients(clients: Sequence[ClientFacts]) -> Index:
    """The index of ``clients``: the one kept for these very objects, else a new one."""
    # Client facts are frozen, so the same objects mean the same facts.
    key = tuple(map(id, clients))
    index = _INDEXES.get(key)
    if index is not None:
        _INDEXES.move_to_end(key)
        return index
    contacts: dict[str, list[int]] = {}
    owners: dict[tuple[str, object], set[int]] = {}
    profiles = []
    seen: set[int] = set()
    for client in clients:
        if client.id in seen:  # the same client twice: once is enough
            continue
        seen.add(client.id)
        for email in {email.strip().lower() for email in client.contact_emails}:
            contacts.setdefault(email, []).append(client.id)
        for identifier in client_keys(client):
            owners.setdefault(identifier, set()).add(client.id)
        profile = name_profile(client.name)
        if profile:
            profiles.append((client.id, profile))
    index = Index(
        clients=tuple(clients),
        by_id={client.id: client for client in clients},
        contacts={email: tuple(ids) for email, ids in contacts.items()},
        owners={identifier: frozenset(ids) for identifier, ids in owners.items()},
        names=index_names(profiles),
    )
    _INDEXES[key] = index
    while len(_INDEXES) > _INDEXES_KEPT:
        _INDEXES.popitem(last=False)
    return index
