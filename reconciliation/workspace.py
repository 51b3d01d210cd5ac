"""The moves of the reconciliation workspace: open a month, run the matcher, accept or reject
its suggestions, match and unmatch by hand, and explain what stays unmatched.

A reconciliation works on its scope: the account's lines dated up to its month end that no
other reconciliation matched (so an item still open last month is here again), plus the lines
it matched itself. Every move is one transaction and refuses what is no longer true (a line
matched meanwhile, a reconciliation signed off) with ``WorkspaceError``.
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Q, QuerySet

from atlasos import clock
from clients.models import BankAccount
from cycle.periods import period_end
from reconciliation import matching
from reconciliation.models import Line, Match, MatchSettings, Reason, Reconciliation, Side


class WorkspaceError(Exception):
    """The move is refused; ``str()`` says why."""


def month_end(period: datetime.date) -> datetime.date:
    return period_end(period, "monthly")


def open_for(bank_account: BankAccount, period: datetime.date) -> Reconciliation:
    reconciliation, _ = Reconciliation.objects.get_or_create(
        bank_account=bank_account,
        period=period.replace(day=1),
        defaults={"client_id": bank_account.client_id},
    )
    return reconciliation


def later(reconciliation: Reconciliation) -> Q:
    """Lines a later month matched: still outstanding at this month's end."""
    return Q(match__reconciliation__period__gt=reconciliation.period)


def scope(reconciliation: Reconciliation, side: str | None = None) -> QuerySet[Line]:
    """The account's lines dated up to the month end that are unmatched, matched here, or
    matched by a later month (they were outstanding at this month's end, and stay so on its
    statement when that later month clears them)."""
    lines = Line.objects.filter(
        bank_account_id=reconciliation.bank_account_id,
        date__lte=month_end(reconciliation.period),
    ).filter(
        Q(match__isnull=True) | Q(match__reconciliation=reconciliation) | later(reconciliation)
    )
    return lines.filter(side=side) if side else lines


def outstanding(reconciliation: Reconciliation, side: str | None = None) -> QuerySet[Line]:
    """What was unmatched at the month end: unmatched now, or matched by a later month."""
    return scope(reconciliation, side).filter(Q(match__isnull=True) | later(reconciliation))


def unmatched(reconciliation: Reconciliation, side: str | None = None) -> QuerySet[Line]:
    return scope(reconciliation, side).filter(match__isnull=True)


def _editable(reconciliation: Reconciliation) -> Reconciliation:
    locked = Reconciliation.objects.select_for_update().get(pk=reconciliation.pk)
    if locked.state == Reconciliation.State.RENDERING:
        raise WorkspaceError("Its statement is being rendered: wait a moment, then reopen it.")
    if not locked.is_open:
        raise WorkspaceError(
            f"The reconciliation is {locked.get_state_display().lower()}: reopen it to change it."
        )
    return locked


def rules_for(reconciliation: Reconciliation) -> matching.MatchRules:
    """The client's rules, or the defaults of a new ``MatchSettings``."""
    settings = MatchSettings.objects.filter(client_id=reconciliation.client_id).first()
    settings = settings or MatchSettings()
    return matching.MatchRules(
        date_window_days=settings.date_window_days,
        tolerance=settings.tolerance,
        tolerance_percent=settings.tolerance_percent or None,
        references_must_agree=settings.references_must_agree,
    )


def _as_input(line_values) -> matching.Line:
    pk, date, amount, description, counterparty, reference = line_values
    text = " ".join(part for part in (counterparty, description) if part)
    return matching.Line(id=pk, date=date, amount=amount, text=text, reference=reference)


FIELDS = ("pk", "date", "amount", "description", "counterparty", "reference")


def run_matcher(reconciliation: Reconciliation) -> matching.MatchResult:
    """Match what is unmatched: auto matches are made, suggestions wait (replacing the
    earlier waiting ones, never one someone rejected), and each line left over keeps the
    matcher's hint."""
    with transaction.atomic():
        reconciliation = _editable(reconciliation)
        Match.objects.filter(reconciliation=reconciliation, state=Match.State.SUGGESTED).delete()
        free = unmatched(reconciliation)
        bank = [_as_input(v) for v in free.filter(side=Side.BANK).values_list(*FIELDS)]
        ledger = [_as_input(v) for v in free.filter(side=Side.LEDGER).values_list(*FIELDS)]
        result = matching.match(bank, ledger, rules_for(reconciliation))
        rejected = {
            (tuple(sorted(m.bank_ids)), tuple(sorted(m.ledger_ids)))
            for m in Match.objects.filter(
                reconciliation=reconciliation, state=Match.State.REJECTED
            ).only("bank_ids", "ledger_ids")
        }
        now = clock.now()
        rows = []
        for found in result.matches:
            key = (tuple(sorted(found.bank_ids)), tuple(sorted(found.ledger_ids)))
            if key in rejected:  # rejected, or matched and undone by hand: not again
                continue
            auto = found.kind == "auto"
            rows.append(
                Match(
                    practice_id=reconciliation.practice_id,
                    reconciliation=reconciliation,
                    kind=Match.Kind.AUTO if auto else Match.Kind.SUGGESTED,
                    state=Match.State.ACCEPTED if auto else Match.State.SUGGESTED,
                    score=found.score,
                    pass_name=found.pass_name,
                    reason=found.reason[:300],
                    difference=found.difference,
                    bank_ids=list(found.bank_ids),
                    ledger_ids=list(found.ledger_ids),
                    decided_at=now if auto else None,
                )
            )
        Match.objects.bulk_create(rows, batch_size=500)
        accepted = [m for m in rows if m.state == Match.State.ACCEPTED]
        if accepted and accepted[0].pk is None:  # a database that does not return ids
            accepted = list(
                Match.objects.filter(
                    reconciliation=reconciliation, kind=Match.Kind.AUTO, decided_at=now
                )
            )
        _link(accepted)
        _keep_hints(result)
        reconciliation.matched_at = now
        reconciliation.save(update_fields=["matched_at"])
    return result


def _link(matches: list[Match]) -> None:
    by_line = {pk: m.pk for m in matches for pk in [*m.bank_ids, *m.ledger_ids]}
    if not by_line:
        return
    lines = list(Line.objects.filter(pk__in=by_line).only("pk", "match"))
    for line in lines:
        line.match_id = by_line[line.pk]
        line.hint = ""
    Line.objects.bulk_update(lines, ["match", "hint"], batch_size=1000)


def _keep_hints(result: matching.MatchResult) -> None:
    hints = {left.id: left.hint for left in [*result.unmatched_bank, *result.unmatched_ledger]}
    for found in result.matches:
        if found.kind == "suggested":
            for pk in [*found.bank_ids, *found.ledger_ids]:
                hints[pk] = "a match is suggested"
    lines = list(Line.objects.filter(pk__in=hints).only("pk", "hint"))
    for line in lines:
        line.hint = hints[line.pk][:120]
    Line.objects.bulk_update(lines, ["hint"], batch_size=1000)


def _free_lines(reconciliation: Reconciliation, ids: list[int]) -> list[Line]:
    lines = list(unmatched(reconciliation).filter(pk__in=ids).select_for_update(of=("self",)))
    if len(lines) != len(set(ids)):
        raise WorkspaceError("One of these lines is matched already, or not in this month.")
    return lines


def _drop_suggestions_touching(reconciliation: Reconciliation, ids: set[int]) -> None:
    waiting = Match.objects.filter(reconciliation=reconciliation, state=Match.State.SUGGESTED)
    stale = [m.pk for m in waiting if ids & {*m.bank_ids, *m.ledger_ids}]
    Match.objects.filter(pk__in=stale).delete()


def accept(match: Match, user) -> Match:
    with transaction.atomic():
        reconciliation = _editable(match.reconciliation)
        match = Match.objects.select_for_update().filter(pk=match.pk).first()
        if match is None:
            raise WorkspaceError("This suggestion is gone: one of its lines was matched.")
        if match.state != Match.State.SUGGESTED:
            raise WorkspaceError("This suggestion has been dealt with already.")
        lines = _free_lines(reconciliation, [*match.bank_ids, *match.ledger_ids])
        _accept(reconciliation, match, lines, user)
    return match


def _accept(reconciliation, match, lines, user) -> None:
    match.state = Match.State.ACCEPTED
    match.decided_by = user
    match.decided_at = clock.now()
    match.save(update_fields=["state", "decided_by", "decided_at"])
    Line.objects.filter(pk__in=[line.pk for line in lines]).update(match=match, hint="")
    _drop_suggestions_touching(reconciliation, {line.pk for line in lines})


def accept_all_above(reconciliation: Reconciliation, score: float, user) -> int:
    """Accept every waiting suggestion scoring at least ``score``, best first; a suggestion
    whose lines an earlier one took is left. Returns how many were accepted."""
    with transaction.atomic():
        reconciliation = _editable(reconciliation)
        waiting = list(
            Match.objects.filter(
                reconciliation=reconciliation, state=Match.State.SUGGESTED, score__gte=score
            ).order_by("-score", "pk")
        )
        free = set(unmatched(reconciliation).values_list("pk", flat=True))
        taken: list[Match] = []
        for match in waiting:
            ids = {*match.bank_ids, *match.ledger_ids}
            if ids <= free:
                free -= ids
                taken.append(match)
        now = clock.now()
        for match in taken:
            match.state = Match.State.ACCEPTED
            match.decided_by = user
            match.decided_at = now
        Match.objects.bulk_update(taken, ["state", "decided_by", "decided_at"], batch_size=500)
        _link(taken)
        used = {pk for m in taken for pk in [*m.bank_ids, *m.ledger_ids]}
        _drop_suggestions_touching(reconciliation, used)
    return len(taken)


def reject(match: Match, user) -> None:
    with transaction.atomic():
        _editable(match.reconciliation)
        updated = Match.objects.filter(pk=match.pk, state=Match.State.SUGGESTED).update(
            state=Match.State.REJECTED, decided_by=user, decided_at=clock.now()
        )
        if not updated:
            raise WorkspaceError("This suggestion has been dealt with already.")
        Line.objects.filter(pk__in=[*match.bank_ids, *match.ledger_ids], match__isnull=True).update(
            hint="a suggestion was rejected"
        )


def difference_of(lines: list[Line]) -> Decimal:
    """Bank minus ledger: zero when the lines agree."""
    bank = sum((line.amount for line in lines if line.side == Side.BANK), Decimal(0))
    ledger = sum((line.amount for line in lines if line.side == Side.LEDGER), Decimal(0))
    return bank - ledger


def match_by_hand(
    reconciliation: Reconciliation, ids: list[int], user, *, write_off: bool = False
) -> Match:
    """Match any number of lines on each side. Their totals must agree, unless the difference
    is written off (it then shows among the outstanding items of the statement)."""
    if not ids:
        raise WorkspaceError("Choose the lines to match.")
    with transaction.atomic():
        reconciliation = _editable(reconciliation)
        lines = _free_lines(reconciliation, ids)
        difference = difference_of(lines)
        bank_ids = sorted(line.pk for line in lines if line.side == Side.BANK)
        ledger_ids = sorted(line.pk for line in lines if line.side == Side.LEDGER)
        if len(lines) < 2:
            raise WorkspaceError(
                "Choose at least two lines: one on each side, or lines that cancel out."
            )
        if (not bank_ids or not ledger_ids) and difference:
            raise WorkspaceError("Lines of one side can only be matched when they cancel out.")
        if difference and not write_off:
            raise WorkspaceError(
                f"The lines differ by {difference:,.2f}: choose lines that agree, or match "
                f"them with the difference written off."
            )
        written = "" if not difference else f"; {difference:,.2f} written off"
        match = Match.objects.create(
            reconciliation=reconciliation,
            kind=Match.Kind.MANUAL,
            state=Match.State.SUGGESTED,
            score=100,
            pass_name="manual",
            reason=f"matched by {user.get_full_name() or user.email}{written}"[:300],
            difference=difference,
            bank_ids=bank_ids,
            ledger_ids=ledger_ids,
        )
        _accept(reconciliation, match, lines, user)
    return match


def unmatch(match: Match, user) -> None:
    """Undo a match. It is kept as rejected, so the matcher does not make it again."""
    with transaction.atomic():
        _editable(match.reconciliation)
        updated = Match.objects.filter(pk=match.pk, state=Match.State.ACCEPTED).update(
            state=Match.State.REJECTED, decided_by=user, decided_at=clock.now()
        )
        if not updated:
            raise WorkspaceError("Only a match can be undone.")
        Line.objects.filter(match=match).update(match=None, hint="unmatched by hand")


def explain(line: Line, reconciliation: Reconciliation, *, reason: str, note: str, owner, user):
    """Say why ``line`` stays unmatched (an empty reason takes the explanation back)."""
    if reason and reason not in Reason.values:
        raise WorkspaceError("Choose one of the reasons.")
    with transaction.atomic():
        _editable(reconciliation)
        updated = (
            unmatched(reconciliation)
            .filter(pk=line.pk)
            .update(
                reason=reason,
                note=note[:500],
                owner=owner,
                explained_at=clock.now() if reason else None,
            )
        )
        if not updated:
            raise WorkspaceError("This line is matched: it needs no explanation.")
