"""Staff send a document request to the client's portal contacts (or send it again).

What the page says afterwards is what happened to each email: sent, on its way (a worker
sends it, or retries it after a transient failure), or not sent and why. Never "Sent" for an
email that failed.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from atlasos.accounts.decorators import staff_required
from portal.access import access_request
from portal.models import PortalEmail
from portal.sending import AlreadySent, SendRefused, send_request


def _names(emails) -> str:
    return ", ".join(f"{email.contact.name} ({email.to_address})" for email in emails)


def report_outcome(request: HttpRequest, emails, again: bool) -> None:
    """One message per outcome, from the rows as they stand now (one query)."""
    rows = list(
        PortalEmail.objects.filter(pk__in=[email.pk for email in emails])
        .select_related("contact")
        .order_by("contact__name", "pk")
    )
    sent = [row for row in rows if row.state == PortalEmail.State.SENT]
    failed = [row for row in rows if row.state == PortalEmail.State.FAILED]
    retrying = [row for row in rows if row.state == PortalEmail.State.SENDING and row.failure]
    waiting = [row for row in rows if row not in sent + failed + retrying]
    if sent:
        messages.success(request, f"{'Sent again' if again else 'Sent'} to {_names(sent)}.")
    if waiting:
        messages.info(
            request, f"Sending to {_names(waiting)}: the Emails list shows when it has gone."
        )
    for row in retrying:
        messages.warning(
            request,
            f"Not sent yet to {_names([row])}: {row.failure} It is tried again in a few minutes.",
        )
    for row in failed:
        messages.error(request, f"Not sent to {_names([row])}: {row.failure}")


@staff_required
@require_POST
def request_send(request: HttpRequest, code) -> HttpResponse:
    document_request = access_request(request, code)
    again = document_request.status == "sent"
    try:
        emails = send_request(document_request, by=request.user)
    except AlreadySent as already:
        messages.info(request, already.message)
    except SendRefused as refused:
        messages.error(request, refused.message)
    else:
        report_outcome(request, emails, again)
    return redirect(document_request)
