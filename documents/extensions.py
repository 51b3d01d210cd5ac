"""Holds: the apps above the document store keep some documents from being deleted.

A document delivered to the client through the portal is what the client received: it is
never deleted or purged. The store may not import the portal (DESIGN.md §2), so the portal
registers a ``Hold`` in its ``AppConfig.ready``: why a given document is held (or None), and
the rows that hold documents, for the purge to leave them alone in one query.
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
