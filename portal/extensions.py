"""What the apps above the portal add to it.

**Lines in its emails to client contacts.**

The request email and the reminders tell the contact how to send the documents; the inbox
offers another way (the client's own address to email them to), yet the portal may not import
the inbox (DESIGN.md §2). So an app registers a provider in its ``AppConfig.ready``:
``provider(clients) -> {client id: EmailLine}``, for every client of one email (or of one
reminder run) at once, so a provider can read them together. Each line is shown under the
client's documents: ``text`` in the plain-text part, ``html`` in the HTML part.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.safestring import SafeString


@dataclass(frozen=True)
class EmailLine:
    text: str  # for the plain-text part, as typed
    html: SafeString  # for the HTML part, escaped


_providers: list[Callable[[list], dict[int, EmailLine]]] = []


def register_request_email_extra(provider: Callable[[list], dict[int, EmailLine]]) -> None:
    if provider not in _providers:
        _providers.append(provider)


def request_email_extras(clients) -> dict[int, list[EmailLine]]:
    """Client id → the lines every registered app adds for it (an empty list for none)."""
    clients = list(clients)
    extras: dict[int, list[EmailLine]] = {client.pk: [] for client in clients}
    for provider in _providers:
        for client_id, line in provider(clients).items():
            extras[client_id].append(line)
    return extras


# --- the Deliver panel ------------------------------------------------------------------------
#
# Reporting renders a pack's management accounts again and again (each render a new document)
# and the reviewer approves one: the others must not be ticked for delivery by default. An app
# registers ``provider(pack) -> set of document ids`` it knows to be superseded; the Deliver
# panel still lists them, unticked. A provider runs a constant number of queries.

_superseded: list[Callable] = []


def register_superseded_documents(provider: Callable) -> None:
    if provider not in _superseded:
        _superseded.append(provider)


def superseded_documents(pack) -> set[int]:
    found: set[int] = set()
    for provider in _superseded:
        found |= provider(pack)
    return found
