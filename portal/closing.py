"""Delivery closes the period's open document requests.

When a pack is delivered — published through the Deliver panel, or its deliver item ticked by
hand on the pack page or the calendar panel — ``tasks.signals.pack_delivered`` is sent, and the
client's requests for that period that are still open are closed (``close_open_requests``,
connected in ``PortalConfig.ready``): the pack's own request and requests made by hand for the
period, draft or sent (so incomplete). A closed request is no longer asked for in the portal,
gets no more reminders (the reminder job reads sent requests only) and no longer changes; it
keeps when and why it was closed. Before that, the Deliver panel and the pack page's deliver
stage say what is still outstanding (``outstanding``), and publishing asks for a confirmation.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Q

from cycle.periods import next_period
from documents.models import DocType
from portal.models import DocumentRequest, RequestItem, RequestStatus
from portal.requests import counted, is_in
from tasks.models import Pack
from templates_engine.models import AutoTick

OPEN = (RequestStatus.DRAFT, RequestStatus.SENT)


def period_requests(pack: Pack, prefix: str = "", statuses=OPEN):
    """A filter for the client's open requests of the pack's period: its own request and
    those made by hand for a month of the period. ``prefix`` reaches them from another model
    (``"request__"``)."""
    end = next_period(pack.period, pack.recurrence)
    return Q(**{f"{prefix}client_id": pack.client_id, f"{prefix}status__in": statuses}) & (
        Q(**{f"{prefix}pack_id": pack.pk})
        | Q(
            **{
                f"{prefix}pack__isnull": True,
                f"{prefix}period__gte": pack.period,
                f"{prefix}period__lt": end,
            }
        )
    )


def _and(parts: list[str]) -> str:
    if len(parts) < 2:
        return "".join(parts)
    return f"{', '.join(parts[:-1])} and {parts[-1]}"


def _is_statement(item: RequestItem) -> bool:
    return item.covers == AutoTick.BANK_STATEMENTS or item.doc_type == DocType.BANK_STATEMENT


def describe(missing: list[RequestItem]) -> tuple[str, bool]:
    """ "Receipts and 1 bank statement", and whether it takes a plural verb. Bank statements
    are counted (their titles are long); other items are named."""
    statements = sum(1 for item in missing if _is_statement(item))
    parts = [item.title for item in missing if not _is_statement(item)]
    if statements:
        parts.append(f"{statements} bank statement{'' if statements == 1 else 's'}")
    if len(parts) > 1:
        return _and(parts), True
    plural = statements > 1 if statements else parts[0].endswith("s")
    return parts[0], plural


@dataclass(frozen=True)
class RequestOutstanding:
    """One open request of the period and its missing items (those that decide whether it is
    complete)."""

    request: DocumentRequest
    missing: list[RequestItem]

    @property
    def phrase(self) -> str:
        what, plural = describe(self.missing)
        return f"{what} {'are' if plural else 'is'} still outstanding on {self.request.title}"


@dataclass(frozen=True)
class Outstanding:
    """What the period's open requests still miss, for the delivery warning."""

    requests: list[RequestOutstanding]

    def __bool__(self) -> bool:
        return bool(self.requests)

    @property
    def text(self) -> str:
        """ "Receipts and 1 bank statement are still outstanding on Documents for October
        2026: delivering closes the request and stops its reminders." """
        several = len(self.requests) > 1
        closes = (
            "delivering closes the requests and stops their reminders"
            if several
            else "delivering closes the request and stops its reminders"
        )
        phrases = [line.phrase for line in self.requests]
        joined = ", and ".join(phrases) if several else phrases[0]
        return f"{joined}: {closes}."


def _missing_by_request(items) -> dict[int, list[RequestItem]]:
    by_request: dict[int, list[RequestItem]] = {}
    for item in items:
        by_request.setdefault(item.request_id, []).append(item)
    return {
        request_id: [item for item in counted(group) if not is_in(item)]
        for request_id, group in by_request.items()
    }


def outstanding(pack: Pack) -> Outstanding:
    """The period's open requests with documents still missing, in due order: one query."""
    items = list(
        RequestItem.objects.filter(period_requests(pack, "request__"))
        .select_related("request")
        .order_by("request__due", "request_id", "position", "pk")
    )
    requests = {item.request_id: item.request for item in items}
    missing = _missing_by_request(items)
    return Outstanding(
        [
            RequestOutstanding(requests[request_id], missing[request_id])
            for request_id in requests
            if missing[request_id]
        ]
    )


def closed_reason(pack: Pack, missing: list[RequestItem]) -> str:
    if not missing:
        return f"The {pack.period_label} pack was delivered."
    what, _ = describe(missing)
    return f"The {pack.period_label} pack was delivered with {what} outstanding."[:500]


def close_open_requests(pack: Pack, *, now: datetime.datetime) -> list[DocumentRequest]:
    """Close the period's open requests (locked: a change being made to one waits for this, or
    this for it), each with why; the closed requests. Two queries, and one to store them."""
    requests = list(
        DocumentRequest.objects.filter(period_requests(pack)).select_for_update().order_by("pk")
    )
    if not requests:
        return []
    missing = _missing_by_request(
        RequestItem.objects.filter(request__in=[request.pk for request in requests]).order_by(
            "position", "pk"
        )
    )
    for request in requests:
        request.status = RequestStatus.CLOSED
        request.closed_at = now
        request.closed_reason = closed_reason(pack, missing.get(request.pk, []))
    DocumentRequest.objects.bulk_update(requests, ["status", "closed_at", "closed_reason"])
    return requests


def closed_since(pack: Pack, moment: datetime.datetime) -> list[DocumentRequest]:
    """The period's requests closed at or after ``moment`` (by a delivery just made)."""
    return list(
        DocumentRequest.objects.filter(
            period_requests(pack, statuses=[RequestStatus.CLOSED]), closed_at__gte=moment
        ).order_by("due", "pk")
    )


def on_pack_delivered(sender, *, pack: Pack, now: datetime.datetime, **kwargs) -> None:
    """``tasks.signals.pack_delivered`` receiver (``PortalConfig.ready``)."""
    close_open_requests(pack, now=now)
