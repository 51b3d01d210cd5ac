"""The partner review of a pack's management accounts (stage 5): the reviewer raises points on
the figures (a line, or the pack as a whole), the preparer answers each, the reviewer clears it
or puts it to the client as a query; the review is signed off once every point is cleared,
which ticks the pack's review stage. Every step is written to the pack's history.

Who may do what follows the review rule already in place (``tasks.services.tick_refusal``):
the reviewer is a partner or manager who is not the preparer and ticked no preparation item.
"""

from __future__ import annotations

from django.db import transaction

from atlasos import clock
from cycle.stages import Stage
from notifications.models import Notification
from portal import queries
from reporting.building import accounts_for
from reporting.commentary import review_blockers
from reporting.models import ReviewPoint
from reporting.pack_versions import withdraw_approvals
from tasks.models import Pack, PackEvent, PackItem
from tasks.services import auto_tick_stage, tick_refusal

State = ReviewPoint.State


class ReviewRefused(Exception):
    """The step is refused; ``str()`` says why."""


def reviewer_refusal(pack: Pack, user) -> str | None:
    """Why ``user`` may not review ``pack`` (the rule of its review items), or None."""
    if not user.can_review:
        return (
            "Only a partner or manager reviews a pack: clears its points, signs it off and "
            "approves its PDF."
        )
    return tick_refusal(PackItem(pack=pack, stage=Stage.REVIEW), user)


def _event(pack: Pack, user, detail: str, action: str = PackEvent.Action.NOTE) -> None:
    PackEvent.objects.create(
        pack=pack,
        actor=user,
        action=action,
        stage=Stage.REVIEW,
        detail=detail[:500],
        created_at=clock.now(),
    )


def _notify(user_id, pack: Pack, title: str, body: str) -> None:
    if user_id:
        Notification.objects.create(
            recipient_id=user_id,
            kind=Notification.Kind.REVIEW,
            title=title[:300],
            body=body[:2000],
            url=pack.get_absolute_url(),
            pack=pack,
            email_state=Notification.EmailState.NONE,
        )


def _not_ready(pack: Pack) -> None:
    """Review starts once the preparer has explained every material variance (and written the
    commentary where the client's packs carry one)."""
    blockers = review_blockers(pack.client, pack.period, accounts_for(pack.client, pack.period))
    if blockers:
        raise ReviewRefused(" ".join(blockers))


def _as_reviewer(pack: Pack, user) -> None:
    refusal = reviewer_refusal(pack, user)
    if refusal:
        raise ReviewRefused(refusal)


def _still_open(pack: Pack) -> None:
    if pack.review_done_at is not None:
        raise ReviewRefused("The review is signed off: untick the review stage to reopen it.")


def _locked(point: ReviewPoint) -> ReviewPoint:
    """The point, locked for the step and read afresh (another tab may have moved it)."""
    return ReviewPoint.objects.select_for_update().select_related("pack__client").get(pk=point.pk)


def raise_point(pack: Pack, user, text: str, line: str = "") -> ReviewPoint:
    _as_reviewer(pack, user)
    _still_open(pack)
    _not_ready(pack)
    with transaction.atomic():
        # The pack's lock, as sign-off takes it: a point never lands after the sign-off.
        pack = Pack.objects.select_for_update().select_related("client").get(pk=pack.pk)
        _still_open(pack)
        point = ReviewPoint.objects.create(pack=pack, line=line, text=text, raised_by=user)
        where = f" on {point.line_label}" if point.line_label else ""
        # A point is a question about the figures: the PDF approved before it waits for it.
        withdrawn = withdraw_approvals(pack.client_id, pack.period)
        note = " The pack PDF's approval is withdrawn until it is settled." if withdrawn else ""
        _event(pack, user, f"Review point raised{where}: {text}{note}")
        _notify(
            pack.preparer_id,
            pack,
            f"Review point on {pack.client.name}'s accounts",
            f"{user.full_name}{where}: {text}",
        )
    return point


def answer(point: ReviewPoint, user, response: str) -> ReviewPoint:
    """The preparer's (or a colleague's) answer; not the reviewer's own: the one who raised a
    point does not answer it."""
    if point.raised_by_id == user.pk:
        raise ReviewRefused("You raised this point: the preparer answers it.")
    with transaction.atomic():
        point = _locked(point)
        if point.state == State.CLEARED:
            raise ReviewRefused("The point is cleared already.")
        point.response, point.state = response, State.ANSWERED
        point.responded_by, point.responded_at = user, clock.now()
        point.save(update_fields=["response", "state", "responded_by", "responded_at"])
        _event(point.pack, user, f"Review point answered: {response}")
        _notify(
            point.raised_by_id,
            point.pack,
            f"Your review point on {point.pack.client.name} was answered",
            response,
        )
    return point


def clear(point: ReviewPoint, user) -> ReviewPoint:
    """Clear the point; a query still waiting in the client's portal is withdrawn with it."""
    _as_reviewer(point.pack, user)
    with transaction.atomic():
        point = _locked(point)
        if point.state == State.CLEARED:
            return point
        point.state, point.cleared_by, point.cleared_at = State.CLEARED, user, clock.now()
        point.save(update_fields=["state", "cleared_by", "cleared_at"])
        if point.client_query_id:
            queries.withdraw(point.client_query)
        _event(point.pack, user, f"Review point cleared: {point.text}")
    return point


def ask_client(point: ReviewPoint, user, question: str) -> ReviewPoint:
    """Put the point to the client's contacts as a query in the portal (emailed to them)."""
    _as_reviewer(point.pack, user)
    with transaction.atomic():
        point = _locked(point)
        if point.client_query_id:
            raise ReviewRefused("The point was put to the client already.")
        if point.state == State.CLEARED:
            raise ReviewRefused("The point is cleared already.")
        try:
            query = queries.ask(point.pack.client, point.pack, question, user)
        except queries.NobodyToAsk as nobody:
            raise ReviewRefused(str(nobody)) from None
        point.client_query = query
        point.save(update_fields=["client_query"])
        _event(point.pack, user, f"Query to the client: {question}")
    return point


def on_query_answered(query, **kwargs) -> None:
    """The client answered in the portal: the answer comes back to the point, as the
    preparer's answer would, and the preparer hears of it."""
    names = ", ".join(d.original_name for d in query.documents.all())
    response = f"The client answered: {query.answer}" + (f" (files: {names})" if names else "")
    points = ReviewPoint.objects.filter(client_query=query).exclude(state=State.CLEARED)
    for point in points.select_for_update().select_related("pack__client"):
        point.response, point.state = response, State.ANSWERED
        point.responded_by, point.responded_at = None, clock.now()
        point.save(update_fields=["response", "state", "responded_by", "responded_at"])
        _event(point.pack, None, f"The client answered the query: {query.answer}")
        _notify(
            point.pack.preparer_id,
            point.pack,
            f"{point.pack.client.name} answered a query",
            query.answer,
        )
        if point.raised_by_id != point.pack.preparer_id:
            _notify(
                point.raised_by_id,
                point.pack,
                f"{point.pack.client.name} answered a query",
                query.answer,
            )


def sign_off(pack: Pack, user) -> int:
    """Sign the review off: refused while a point is not cleared; ticks the review stage."""
    _as_reviewer(pack, user)
    _not_ready(pack)
    with transaction.atomic():
        # The pack's lock: a point raised meanwhile is counted, a second sign-off waits.
        pack = Pack.objects.select_for_update().select_related("client").get(pk=pack.pk)
        _still_open(pack)
        left = ReviewPoint.objects.filter(pack=pack).exclude(state=State.CLEARED).count()
        if left:
            raise ReviewRefused(
                f"{left} review point{'s are' if left != 1 else ' is'} not cleared: clear "
                f"{'them' if left != 1 else 'it'} before signing off."
            )
        # Recorded as the reviewer's tick of the review stage: the segregation rule then keeps
        # them off the pack's preparation items, as a tick by hand would.
        _event(pack, user, "Review signed off", action=PackEvent.Action.TICKED)
        return auto_tick_stage(pack, Stage.REVIEW, reason=f"Review signed off by {user.full_name}")
