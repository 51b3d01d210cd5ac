"""Reminder settings: the practice's policy (Settings → Reminders, managers) and one client's
override and pause (on the client's Requests tab)."""

import datetime

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from atlasos import clock
from atlasos.accounts.decorators import manager_required
from clients.access import access_client
from portal import reminder_policies
from portal.forms import ClientRemindersForm, PolicyForm
from portal.models import ReminderSettings
from portal.reminder_policy import ReminderPolicy, escalation_day, schedule


def example_schedule(policy: ReminderPolicy, today: datetime.date) -> dict:
    """The policy applied to a request due in three weeks, for the page to show."""
    due = today + datetime.timedelta(days=21)
    return {"due": due, "steps": schedule(due, policy), "escalation": escalation_day(due, policy)}


@manager_required
@require_http_methods(["GET", "POST"])
def reminder_settings(request: HttpRequest) -> HttpResponse:
    row = ReminderSettings.objects.filter(client__isnull=True).first()
    current = reminder_policies.policy_for(row) or ReminderPolicy()
    form = PolicyForm(request.POST or None, initial=PolicyForm.initial_from(row, current))
    if request.method == "POST" and form.is_valid():
        reminder_policies.save_practice_policy(form.policy_values())
        messages.success(request, "Reminder policy saved. It applies from the next reminder run.")
        return redirect("reminder_settings")
    context = {
        "form": form,
        "nav": "settings",
        "policy_text": reminder_policies.describe(current),
        "example": example_schedule(current, clock.practice_today(request.user.practice)),
    }
    return render(request, "portal/reminder_settings.html", context)


@manager_required
@require_POST
def client_reminders(request: HttpRequest, code) -> HttpResponse:
    from portal.views.requests import client_requests_page

    client = access_client(request, code)
    form = ClientRemindersForm(request.POST)
    if not form.is_valid():
        return client_requests_page(request, client, reminders_form=form)
    reminder_policies.save_client_reminders(
        client,
        own_policy=form.own_policy,
        paused=form.cleaned_data["paused"],
        values=form.policy_values() if form.own_policy else {},
    )
    if form.cleaned_data["paused"]:
        text = f"Reminders paused for {client.name}."
    elif form.own_policy:
        text = f"{client.name} now has its own reminder policy."
    else:
        text = f"{client.name} follows the practice's reminder policy."
    messages.success(request, text)
    return redirect(reverse("client_requests", args=[client.code]) + "#reminders-heading")
