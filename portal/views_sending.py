"""Staff send a document request to the client's portal contacts (or send it again)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from atlasos.accounts.decorators import staff_required
from portal.access import access_request
from portal.sending import SendRefused, send_request


@staff_required
@require_POST
def request_send(request: HttpRequest, code) -> HttpResponse:
    document_request = access_request(request, code)
    again = document_request.status == "sent"
    try:
        emails = send_request(document_request, by=request.user)
    except SendRefused as refused:
        messages.error(request, refused.message)
    else:
        names = ", ".join(f"{email.contact.name} ({email.to_address})" for email in emails)
        messages.success(request, f"{'Sent again' if again else 'Sent'} to {names}.")
    return redirect(document_request)
