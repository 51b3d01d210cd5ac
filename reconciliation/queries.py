"""A question to the client about an unmatched line: an ad-hoc item on the client's document
request for the month (the pack's, or a new one), which the client sees in the portal."""

import datetime

from django.db import transaction

from atlasos import clock
from documents.models import DocType
from portal import requests
from portal.models import DocumentRequest, RequestStatus
from reconciliation.finishing import pack_for
from reconciliation.models import Line, Reason, Reconciliation
from reconciliation.workspace import WorkspaceError, explain

ANSWER_DAYS = 7


def _request_for(reconciliation: Reconciliation, user) -> DocumentRequest:
    pack = pack_for(reconciliation)
    usable = DocumentRequest.objects.filter(client_id=reconciliation.client_id).exclude(
        status__in=[RequestStatus.CANCELLED, RequestStatus.CLOSED]
    )
    found = (usable.filter(pack=pack) if pack else usable.none()).first() or usable.filter(
        pack__isnull=True, period=reconciliation.period
    ).first()
    if found:
        return found
    today = clock.local_date(reconciliation.client.practice.timezone)
    return requests.create_request(
        reconciliation.client,
        title=f"Questions about {reconciliation.period:%B %Y}",
        due=today + datetime.timedelta(days=ANSWER_DAYS),
        period=reconciliation.period,
        user=user,
    )


def item_title(line: Line, question: str) -> str:
    what = line.counterparty or line.description or "no description"
    return f"{line.date:%d %b %Y} {line.amount:,.2f} “{what[:40]}”: {question}"[:200]


def ask_client(reconciliation: Reconciliation, line: Line, question: str, user):
    """Put ``question`` to the client about ``line``; the line is explained as a query."""
    question = " ".join(question.split())
    if not question:
        raise WorkspaceError("Write the question for the client.")
    with transaction.atomic():
        explain(line, reconciliation, reason=Reason.QUERY, note=question, owner=user, user=user)
        item = requests.add_item(
            _request_for(reconciliation, user),
            title=item_title(line, question),
            doc_type=DocType.OTHER,
            required=False,
        )
        Line.objects.filter(pk=line.pk).update(query_item=item)
    return item
