"""What the apps above clients add to its pages, and what they hear from it.

The client's Contacts tab shows each contact's portal access, which the portal owns; clients
may not import the portal (DESIGN.md §2). So an app registers a column in its
``AppConfig.ready``: a heading, a template rendered in each row (with ``link``, the
``ClientContact``) and how to annotate the tab's queryset for it (in the same SELECT: the page
keeps its query count).

The client's Details tab shows parts the apps above own (the inbox: the client's address to
email documents to). An app registers a provider, ``provider(request, client) -> ClientPart``
or None; each part's template is rendered on the page with ``part`` (its context) beside the
page's own. A provider runs a constant number of queries.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.dispatch import Signal

# Sent inside the transaction that removes ``link`` (a ``ClientContact``), before it goes:
# the portal revokes that contact's access to that client.
contact_removed = Signal()

# Sent inside the transaction of a bulk import (clients.imports), which saves clients, contacts
# and their links without their post_save signals, with ``practice_id``.
clients_imported = Signal()


@dataclass(frozen=True)
class ContactColumn:
    heading: str
    template: str
    annotate: Callable[[QuerySet, object], QuerySet]  # (client contact links, client)


_columns: list[ContactColumn] = []


def register_contact_column(column: ContactColumn) -> None:
    if column not in _columns:
        _columns.append(column)


def contact_columns() -> list[ContactColumn]:
    return list(_columns)


def annotate_contacts(links: QuerySet, client) -> QuerySet:
    for column in _columns:
        links = column.annotate(links, client)
    return links


@dataclass(frozen=True)
class ClientPart:
    template: str
    context: dict = field(default_factory=dict)


_part_providers: list[Callable[..., ClientPart | None]] = []


def register_client_part(provider: Callable[..., ClientPart | None]) -> None:
    if provider not in _part_providers:
        _part_providers.append(provider)


def client_parts(request, client) -> list[ClientPart]:
    """What every registered app shows on ``client``'s Details tab, in registration order."""
    return [part for provider in _part_providers if (part := provider(request, client))]
