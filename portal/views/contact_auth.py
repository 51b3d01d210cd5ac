"""Client contacts sign in to the portal, and its home page.

Signing in is by password on the portal's own sign-in page (``/portal/sign-in/``, in the
portal's frame and a client's words; staff keep ``/accounts/login/``), or by a one-time link
sent by email (an invitation to set a password, or a 20-minute sign-in link). A link is never
consumed by a GET: mail scanners open links to check them, so the contact confirms with a
button (a POST).
"""

import uuid
from collections import defaultdict

from allauth.account.views import LoginView
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.forms import SetPasswordForm
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from atlasos import clock
from atlasos.tenancy.context import practice_context
from atlasos.tenancy.routes import public
from portal import portal_accounts
from portal.contact_access import access_granted_client, contact_required, frame
from portal.forms import SignInLinkForm
from portal.models import (
    ClientQuery,
    DocumentRequest,
    PortalAccount,
    PortalLink,
    RequestStatus,
)
from portal.requests import with_progress

# The session records this backend; it must be one of AUTHENTICATION_BACKENDS, or the next
# request would not find the user again.
BACKEND = "allauth.account.auth_backends.AuthenticationBackend"


def _sign_in(request: HttpRequest, user) -> None:
    with practice_context(user.practice_id):
        login(request, user, backend=BACKEND)


def _link_problem(request: HttpRequest, error: portal_accounts.LinkError) -> HttpResponse:
    return render(
        request, "portal/contact/link_problem.html", {"problem": error.message}, status=error.status
    )


# allauth's sign-in, in the portal's template: the same password check, failed-login rate
# limits, second factor and session tracking as the staff page.
_password_sign_in = LoginView.as_view(template_name="portal/contact/sign_in.html")


@public("a client contact signs in to the portal with a password; the sign-in form itself")
@require_http_methods(["GET", "POST"])
def portal_sign_in(request: HttpRequest) -> HttpResponse:
    """The portal's sign-in page: email and password, a link to ask for a one-time sign-in
    link instead. Where it sends the contact next: the ``next`` page they were turned away
    from, else the start page (the portal's home, for a contact)."""
    return _password_sign_in(request)


@public("a client contact without a password asks for a one-time sign-in link by email")
@require_http_methods(["GET", "POST"])
def sign_in_link(request: HttpRequest) -> HttpResponse:
    form = SignInLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # The same answer whether or not the address has portal access: the form must not
        # tell a stranger who the practice's clients are.
        portal_accounts.request_sign_in_link(form.cleaned_data["email"])
        return redirect(reverse("portal_sign_in_link") + "?sent=1")
    return render(
        request,
        "portal/contact/sign_in_link.html",
        {"form": form, "sent": request.method == "GET" and request.GET.get("sent") == "1"},
    )


@public("opened from an emailed one-time link by a contact not signed in; the token is the key")
@require_http_methods(["GET", "POST"])
def portal_link(request: HttpRequest, token: str) -> HttpResponse:
    try:
        link = portal_accounts.check_link(token)
    except portal_accounts.LinkError as error:
        return _link_problem(request, error)
    if link.purpose == PortalLink.Purpose.SIGN_IN:
        return _sign_in_with_link(request, token, link)
    return _set_password_with_link(request, token, link)


def _sign_in_with_link(request: HttpRequest, token: str, link: PortalLink) -> HttpResponse:
    if request.method == "POST":
        try:
            account, _ = portal_accounts.use_link(token, purpose=PortalLink.Purpose.SIGN_IN)
        except portal_accounts.LinkError as error:
            return _link_problem(request, error)
        _sign_in(request, account.user)
        return redirect("portal_home")
    return render(request, "portal/contact/link_confirm.html", {"practice": link.practice})


def _set_password_with_link(request: HttpRequest, token: str, link: PortalLink) -> HttpResponse:
    with practice_context(link.practice_id):
        account = PortalAccount.objects.select_related("user", "contact").get(pk=link.account_id)
    form = SetPasswordForm(account.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account, _ = portal_accounts.use_link(
                token,
                purpose=PortalLink.Purpose.SET_PASSWORD,
                password=form.cleaned_data["new_password1"],
            )
        except portal_accounts.LinkError as error:
            return _link_problem(request, error)
        _sign_in(request, account.user)
        messages.success(request, "Your password is set. Next time, sign in with your email.")
        return redirect("portal_home")
    return render(
        request,
        "portal/contact/set_password.html",
        {"form": form, "practice": link.practice, "account": account},
    )


@contact_required
@require_GET
def portal_home(request: HttpRequest) -> HttpResponse:
    """What does my accountant still need from me, and by when? Every granted client's open
    requests (sent, not complete or cancelled) with progress and due date, and the questions
    waiting for an answer.

    Queries: session, user, portal account, granted clients (twice: ids, names), requests with
    their item counts, open client queries."""
    context = frame(request, None, "home")
    clients = context["portal_clients"]
    open_requests = (
        with_progress(
            DocumentRequest.objects.filter(
                client_id__in=[c.pk for c in clients], status=RequestStatus.SENT
            )
        )
        .annotate(
            items_missing=Count(
                "items",
                filter=Q(
                    items__required=True,
                    items__received_at__isnull=True,
                    items__marked_at__isnull=True,
                ),
            )
        )
        .order_by("due", "title", "pk")
    )
    today = clock.practice_today(request.user.practice)
    by_client = defaultdict(list)
    for document_request in open_requests:
        document_request.is_overdue = document_request.due < today
        by_client[document_request.client_id].append(document_request)
    asked = defaultdict(list)
    for query in ClientQuery.objects.filter(
        client_id__in=[c.pk for c in clients], state=ClientQuery.State.OPEN
    ).order_by("asked_at", "pk"):
        asked[query.client_id].append(query)
    sections = [
        (client, by_client.get(client.pk, []), asked.get(client.pk, [])) for client in clients
    ]
    context.update(
        query_count=sum(len(found) for found in asked.values()),
        sections=sections,
        today=today,
        open_count=sum(len(requests) for _, requests, _ in sections),
        overdue_count=sum(r.is_overdue for _, requests, _ in sections for r in requests),
    )
    return render(request, "portal/contact/home.html", context)


@contact_required
@require_GET
def portal_switch(request: HttpRequest) -> HttpResponse:
    """The client switcher (a GET form, so it works without JavaScript)."""
    code = request.GET.get("client", "").strip()
    if not code:
        return redirect("portal_home")
    try:
        code = uuid.UUID(code)
    except ValueError:
        raise Http404 from None
    client = access_granted_client(request, code)
    return redirect("portal_client", client.code)
