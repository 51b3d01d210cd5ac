"""The versions of a client's management accounts pack for a month: ``request`` records a new
version (state "rendering") and enqueues the worker's render once committed; ``approve`` marks
the version the reviewer approved, the one the pack's delivery publishes."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Max

from atlasos import clock
from clients.models import Client
from reporting.building import accounts_for, current_trial_balance
from reporting.commentary import review_blockers
from reporting.models import AccountsRender, ReviewPoint
from reporting.tasks import render_accounts_pack

State = AccountsRender.State


class RenderRefused(Exception):
    """Nothing rendered; ``str()`` says why."""


def withdraw_approvals(client_id, period: datetime.date, keep=None) -> int:
    """The month's approved versions (but ``keep``) approved no longer; how many were."""
    approved = AccountsRender.objects.filter(
        client_id=client_id, period=period, approved_at__isnull=False
    )
    if keep is not None:
        approved = approved.exclude(pk=keep.pk)
    return approved.update(approved_at=None, approved_by=None)


def unmapped_refusal(unmapped: dict) -> str | None:
    """Why a pack cannot be prepared while accounts with a balance are on no line."""
    if not unmapped:
        return None
    names = ", ".join(sorted(unmapped)[:5]) + (" and more" if len(unmapped) > 5 else "")
    return (
        f"{len(unmapped)} account{'s' if len(unmapped) != 1 else ''} with a balance "
        f"{'are' if len(unmapped) != 1 else 'is'} not mapped to a report line ({names}): "
        "map them on the account mapping page before preparing the pack."
    )


def request(client: Client, period: datetime.date, user) -> AccountsRender:
    trial_balance = current_trial_balance(client, period)
    if trial_balance is None:
        raise RenderRefused(f"There is no trial balance for {period:%B %Y} to render.")
    refusal = unmapped_refusal(accounts_for(client, period).unmapped)
    if refusal:
        raise RenderRefused(refusal)
    with transaction.atomic():
        list(Client.objects.select_for_update().filter(pk=client.pk).values_list("pk"))
        versions = AccountsRender.objects.filter(client=client, period=period)
        if versions.filter(state=State.RENDERING).exists():
            raise RenderRefused("A version is rendering already: wait for it, then render again.")
        latest = versions.aggregate(latest=Max("version"))["latest"]
        render = AccountsRender.objects.create(
            client=client,
            period=period,
            version=(latest or 0) + 1,
            trial_balance=trial_balance,
            requested_by=user,
        )
        render_accounts_pack.delay_on_commit(render.pk, practice_id=client.practice_id)
    return render


def approve(render: AccountsRender, user, refusal: str | None = None) -> AccountsRender:
    """The reviewer's approval of this version (and of no other of the month). ``refusal``:
    why ``user`` may not (the review rule of the month's pack)."""
    if refusal:
        raise RenderRefused(refusal)
    if render.state != State.READY:
        raise RenderRefused("Only a rendered version can be approved.")
    if render.approved_at is not None:
        who = render.approved_by.full_name if render.approved_by else "a former team member"
        raise RenderRefused(
            f"Version {render.version} is approved already, by {who} on "
            f"{render.approved_at:%-d %B %Y}."
        )
    blockers = review_blockers(
        render.client, render.period, accounts_for(render.client, render.period)
    )
    if blockers:
        raise RenderRefused(f"Not yet: {blockers[0]}")
    current = current_trial_balance(render.client, render.period)
    if current is None or current.pk != render.trial_balance_id:
        raise RenderRefused(
            "The trial balance was imported again after this version: render it again."
        )
    open_points = (
        ReviewPoint.objects.filter(pack__client_id=render.client_id, pack__period=render.period)
        .exclude(state=ReviewPoint.State.CLEARED)
        .count()
    )
    if open_points:
        raise RenderRefused(
            f"{open_points} review point{'s are' if open_points != 1 else ' is'} not cleared: "
            "the pack is approved for delivery once the review's points are settled."
        )
    with transaction.atomic():
        list(Client.objects.select_for_update().filter(pk=render.client_id).values_list("pk"))
        withdraw_approvals(render.client_id, render.period, keep=render)
        render.approved_by, render.approved_at = user, clock.now()
        render.save(update_fields=["approved_by", "approved_at"])
    return render
