"""Staff give a client's contact access to the client portal, or take it away (from the
client's Contacts tab)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from atlasos.accounts.decorators import staff_required
from clients.access import access_client_contact
from portal import portal_accounts


@staff_required
@require_POST
def portal_invite(request: HttpRequest, code) -> HttpResponse:
    link = access_client_contact(request, code)
    try:
        portal_accounts.invite_contact(link.contact, link.client, by=request.user)
    except portal_accounts.PortalAccessError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            f"Invitation emailed to {link.contact.email}: {link.contact.name} can now choose a "
            f"password and see {link.client.name} in the client portal.",
        )
    return redirect("client_contacts", link.client.code)


@staff_required
@require_POST
def portal_revoke(request: HttpRequest, code) -> HttpResponse:
    link = access_client_contact(request, code)
    if portal_accounts.revoke_contact(link.contact, link.client):
        messages.success(
            request, f"{link.contact.name} no longer sees {link.client.name} in the client portal."
        )
    else:
        messages.info(request, f"{link.contact.name} had no portal access to {link.client.name}.")
    return redirect("client_contacts", link.client.code)
