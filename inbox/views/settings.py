"""Settings › Inbox: the practice's inbound address, and the IMAP mailbox polled for mail (its
password write-only, stored encrypted, and a "Test connection" button); and a partner's
rotation of a client's address."""

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import dateformat, timezone
from django.views.decorators.http import require_http_methods, require_POST

from atlasos.accounts.decorators import manager_required, partner_required
from clients.access import access_client
from inbox import addresses, polling, secrets
from inbox.access import practice_mailbox
from inbox.forms import MailboxForm
from inbox.models import Mailbox


def _test(form: MailboxForm) -> dict:
    """Try the mailbox as the form has it (not saved): the typed password, or the stored one."""
    mailbox = form.save(commit=False)
    problem = polling.check_connection(mailbox, password=form.cleaned_data["password"] or None)
    if problem:
        return {"ok": False, "text": problem}
    return {
        "ok": True,
        "text": f"Connected to {mailbox.host} as {mailbox.username}: the folder "
        f"{mailbox.folder} opened. Save to start polling it.",
    }


@manager_required
@require_http_methods(["GET", "POST"])
def inbox_settings(request: HttpRequest) -> HttpResponse:
    mailbox = practice_mailbox(request)
    form = MailboxForm(request.POST or None, instance=mailbox or Mailbox())
    test = None
    if request.method == "POST" and form.is_valid():
        if "test" in request.POST:
            test = _test(form)
        else:
            with transaction.atomic():
                saved = form.save(commit=False)
                if form.cleaned_data["password"]:
                    secrets.set_password(saved, form.cleaned_data["password"])
                saved.save()
            state = "polled" if saved.is_active else "kept, not polled"
            messages.success(request, f"Mailbox {saved} saved: it is {state}.")
            return redirect("inbox:settings")
    context = {
        "nav": "inbox",
        "address": addresses.practice_address(request.user.practice),
        "mailbox": mailbox,
        "form": form,
        "test": test,
    }
    return render(request, "inbox/settings.html", context)


@partner_required
@require_POST
def rotate_address(request: HttpRequest, code) -> HttpResponse:
    """A new inbound address for the client; the old one keeps working for 30 days."""
    client = access_client(request, code)
    new = addresses.rotate_client_address(client)
    retired = addresses.retired_addresses(client)
    text = f"{client.name}'s inbox address is now {new}."
    if retired:
        old, until = retired[0]
        day = dateformat.format(timezone.localtime(until), "j F Y")
        text += (
            f" The old one, {old}, keeps working for {settings.ATLAS_INBOX_RETIRED_DAYS} more "
            f"days (until {day}), then its mail goes to triage."
        )
    messages.success(request, text)
    return redirect(client)
