"""The reconciliation workspace: one bank account, one month. Bank lines and ledger lines side
by side (unmatched first), the matcher's suggestions, what was matched, the imports, the lines
expected but missing, and the summary that must come to zero. A constant number of queries
whatever the number of lines (at most ``SHOWN`` lines of each side are listed)."""

import datetime

from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.html import format_html_join
from django.views.decorators.http import require_GET, require_POST

from atlasos import clock
from atlasos.accounts.decorators import staff_required
from clients.access import access_bank_account
from cycle.periods import last_completed_period
from reconciliation import expected
from reconciliation.access import access_reconciliation
from reconciliation.forms import (
    AcceptAboveForm,
    AskForm,
    BalancesForm,
    ExplainForm,
    ReopenForm,
    UploadForm,
    parse_period,
)
from reconciliation.imports import bank_statement_documents
from reconciliation.matching import Line as MatchLine
from reconciliation.models import Line, Match, Reconciliation, Side, StatementImport
from reconciliation.summary import summarise
from reconciliation.workspace import month_end, outstanding

SHOWN = 500
SUGGESTIONS_SHOWN = 100
MATCHES_SHOWN = 100


def default_period(practice) -> datetime.date:
    """Last month: the month a practice works on in the first weeks of this one."""
    return last_completed_period(clock.local_date(practice.timezone), "monthly")


@staff_required
@require_POST
def open_account(request: HttpRequest, code) -> HttpResponse:
    """The bank account's reconciliation for the posted ``period`` (YYYY-MM; default last
    month), made the first time someone opens it."""
    from reconciliation.workspace import open_for

    account = access_bank_account(request, code)
    period = parse_period(request.POST.get("period", "")) or default_period(request.user.practice)
    return redirect(open_for(account, period))


def _months_before(period: datetime.date, months: int) -> datetime.date:
    month = period.month - months
    year = period.year + (month - 1) // 12
    return datetime.date(year, (month - 1) % 12 + 1, 1)


def expected_lines(reconciliation: Reconciliation) -> list[expected.Expected]:
    """Payments seen in each of the last three months and missing from this one, on both
    sides: two queries."""
    start = reconciliation.period
    end = month_end(start)
    found = []
    for side in (Side.BANK, Side.LEDGER):
        rows = Line.objects.filter(
            bank_account_id=reconciliation.bank_account_id,
            side=side,
            date__gte=_months_before(start, 3),
            date__lte=end,
        ).values_list("pk", "date", "amount", "description", "counterparty", "reference")
        history, current = [], []
        for pk, date, amount, description, counterparty, reference in rows:
            text = " ".join(p for p in (counterparty, description) if p)
            line = MatchLine(id=pk, date=date, amount=amount, text=text, reference=reference)
            (current if date >= start else history).append(line)
        if history:
            today = clock.local_date(reconciliation.client.practice.timezone)
            as_of = today if today < end else None
            found += expected.expected_missing(history, current, start, end, side, as_of=as_of)
    return found


def workspace_context(request, reconciliation: Reconciliation, **forms) -> dict:
    unmatched = outstanding(reconciliation).order_by(
        F("match_id").asc(nulls_first=True), "date", "pk"
    )
    bank = list(unmatched.filter(side=Side.BANK)[: SHOWN + 1])
    ledger = list(unmatched.filter(side=Side.LEDGER)[: SHOWN + 1])
    waiting = list(
        Match.objects.filter(reconciliation=reconciliation, state=Match.State.SUGGESTED).order_by(
            "-score", "pk"
        )[:SUGGESTIONS_SHOWN]
    )
    accepted = list(
        Match.objects.filter(reconciliation=reconciliation, state=Match.State.ACCEPTED).order_by(
            "-decided_at", "-pk"
        )[:MATCHES_SHOWN]
    )
    wanted = {pk for m in [*waiting, *accepted] for pk in [*m.bank_ids, *m.ledger_ids]}
    by_id = {line.pk: line for line in Line.objects.filter(pk__in=wanted)} if wanted else {}
    for match in [*waiting, *accepted]:
        match.bank_lines = [by_id[pk] for pk in match.bank_ids if pk in by_id]
        match.ledger_lines = [by_id[pk] for pk in match.ledger_ids if pk in by_id]
    practice_id = reconciliation.practice_id
    summary = summarise(reconciliation)
    explain_form = ExplainForm(practice_id=practice_id)
    members = [(m.pk, m.full_name or m.email) for m in explain_form.fields["owner"].queryset]
    reasons = explain_form.fields["reason"].choices
    return {
        "nav": "clients",
        "reconciliation": reconciliation,
        "account": reconciliation.bank_account,
        "client": reconciliation.client,
        "period_end": month_end(reconciliation.period),
        "summary": summary,
        "bank_lines": bank[:SHOWN],
        "ledger_lines": ledger[:SHOWN],
        "more_bank": len(bank) > SHOWN,
        "more_ledger": len(ledger) > SHOWN,
        "suggestions": waiting,
        "matches": accepted,
        "imports": list(
            StatementImport.objects.filter(bank_account_id=reconciliation.bank_account_id)
            .filter(period=reconciliation.period)
            .select_related("imported_by")[:50]
        ),
        "statement_documents": list(
            bank_statement_documents(reconciliation.client, reconciliation.period)[:10]
        ),
        "expected": expected_lines(reconciliation) if reconciliation.is_open else [],
        "editable": reconciliation.is_open,
        "upload_bank": forms.get("upload_bank")
        or UploadForm(initial={"side": Side.BANK}, auto_id="bank_%s"),
        "upload_ledger": forms.get("upload_ledger")
        or UploadForm(initial={"side": Side.LEDGER}, auto_id="ledger_%s"),
        "balances_form": forms.get("balances_form")
        or BalancesForm(
            initial={
                "statement_balance": reconciliation.statement_balance,
                "ledger_balance": reconciliation.ledger_balance,
            }
        ),
        # Each unmatched line has its explain form: the options are written once, not per line.
        "lines_url": "/reconciliation-lines/",
        "reason_choices": reasons,
        "reason_options": options(reasons),
        "members": members,
        "owner_options": options([("", "— nobody —"), *members]),
        "ask_form": AskForm(),
        "accept_form": AcceptAboveForm(),
        "reopen_form": forms.get("reopen_form") or ReopenForm(),
        "today": clock.local_date(reconciliation.client.practice.timezone),
    }


def options(choices) -> str:
    return format_html_join("", '<option value="{}">{}</option>', choices)


@staff_required
@require_GET
def workspace(request: HttpRequest, code) -> HttpResponse:
    reconciliation = access_reconciliation(request, code)
    return render(
        request, "reconciliation/workspace.html", workspace_context(request, reconciliation)
    )
