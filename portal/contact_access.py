"""Who a portal contact is and what they may see.

Portal users are scoped twice (DESIGN.md §3): to their practice by the tenancy middleware, and
to the clients in their account's grants by these helpers. Every portal view is decorated with
``contact_required`` and fetches objects through an ``access_*`` helper here, which filters by
the granted clients: another client's object is a 404, exactly like one that does not exist.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from clients.models import Client
from portal.models import PortalAccount, PortalGrant


def portal_account_of(user) -> PortalAccount | None:
    if not user.is_authenticated or user.practice_id is None or user.is_practice_staff:
        return None
    try:
        return PortalAccount.objects.select_related("contact").get(user=user)
    except PortalAccount.DoesNotExist:
        return None


def contact_required(view):
    """A signed-in client contact with a portal account. Anonymous visitors go to the portal's
    sign-in page; staff and anyone else get 403 (the portal is not theirs).

    Sets ``request.portal_account`` and ``request.contact``."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            # The portal's own sign-in page, in a client's words, not the staff one.
            return redirect_to_login(request.get_full_path(), reverse("portal_sign_in"))
        account = portal_account_of(request.user)
        if account is None:
            raise PermissionDenied("The client portal is for the practice's clients.")
        request.portal_account = account
        request.contact = account.contact
        return view(request, *args, **kwargs)

    wrapper.atlas_route = "portal"
    return wrapper


def granted_client_ids(request) -> list[int]:
    """The clients this contact may see (cached on the request: one query)."""
    if not hasattr(request, "_granted_client_ids"):
        request._granted_client_ids = list(
            PortalGrant.objects.filter(
                account=request.portal_account, client__archived_at__isnull=True
            ).values_list("client_id", flat=True)
        )
    return request._granted_client_ids


def granted_clients(request):
    return Client.objects.filter(pk__in=granted_client_ids(request)).order_by("name")


def access_granted_client(request, code) -> Client:
    return get_object_or_404(granted_clients(request), code=code)


def access_granted(request, queryset, code, client_field: str = "client"):
    """One object of ``queryset`` whose ``client_field`` is a granted client, else 404."""
    ids = granted_client_ids(request)
    if not ids:
        raise Http404
    return get_object_or_404(queryset, code=code, **{f"{client_field}__in": ids})


def frame(request, current_client: Client | None = None, nav: str = "") -> dict:
    """What the portal frame needs: the practice, the contact's clients for the switcher, the
    client being looked at and the active tab (one query for the clients)."""
    clients = list(granted_clients(request).only("code", "name"))
    if current_client is None and len(clients) == 1:
        current_client = clients[0]
    return {
        "portal_clients": clients,
        "current_client": current_client,
        "portal_nav": nav,
        "contact": request.contact,
    }


def start_page(user) -> str | None:
    """``atlasos.entrances``: a client contact with a portal account starts on its home."""
    return reverse("portal_home") if portal_account_of(user) is not None else None


def error_page(request, status: int) -> HttpResponse | None:
    """``atlasos.entrances``: a client contact's error page in the portal's frame (their
    clients, their name), and an empty frame for a visitor not signed in who is inside
    ``/portal/``; None for staff and everyone else, who keep the staff pages."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        if not request.path.startswith("/portal/"):
            return None
        context = {}
    else:
        account = getattr(request, "portal_account", None) or portal_account_of(user)
        if account is None:
            return None
        request.portal_account = account
        request.contact = account.contact
        context = frame(request)
    return render(request, f"portal/contact/{status}.html", context, status=status)
