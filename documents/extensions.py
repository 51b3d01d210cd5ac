"""What the apps above the document store add to it.

Holds: a document delivered to the client through the portal is what the client received: it
is never deleted or purged. The store may not import the portal (DESIGN.md §2), so the portal
registers a ``Hold`` in its ``AppConfig.ready``: why a given document is held (or None), and
the rows that hold documents, for the purge to leave them alone in one query.

Source links: a document the inbox filed came from an email the inbox owns; the Documents tab
links back to it. An app registers ``provider(documents) -> {document id: SourceLink}`` for a
page's documents, in one query for the whole page however many there are (none when no
document on the page is its own).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet


@dataclass(frozen=True)
class Hold:
    reason: Callable[[object], str | None]  # the document -> why it must stay, or None
    holders: Callable[[], QuerySet]  # rows with a ``document`` foreign key that hold it


_holds: list[Hold] = []


def register_hold(hold: Hold) -> None:
    if hold not in _holds:
        _holds.append(hold)


def why_held(document) -> str | None:
    return next((reason for hold in _holds if (reason := hold.reason(document))), None)


def without_held(documents: QuerySet) -> QuerySet:
    for hold in _holds:
        documents = documents.exclude(Exists(hold.holders().filter(document=OuterRef("pk"))))
    return documents


@dataclass(frozen=True)
class SourceLink:
    url: str
    label: str  # what the link says, after the document's source: "view message"


_source_links: list[Callable[[list], dict[int, SourceLink]]] = []


def register_source_links(provider: Callable[[list], dict[int, SourceLink]]) -> None:
    if provider not in _source_links:
        _source_links.append(provider)


def with_source_links(documents) -> list:
    """``documents`` as a list, each with ``source_link`` (a ``SourceLink`` or None)."""
    documents = list(documents)
    links: dict[int, SourceLink] = {}
    for provider in _source_links:
        links.update(provider(documents))
    for document in documents:
        document.source_link = links.get(document.pk)
    return documents
