"""The workspace's moves, each a POST that redirects back to the workspace (it works without
JavaScript; the page's htmx boost swaps the page's main part instead of reloading it). A refused
move says why in a message and changes nothing."""

import uuid
from functools import partial

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from atlasos.accounts.decorators import staff_required
from portal.models import RequestStatus
from reconciliation import finishing, queries, workspace
from reconciliation.access import access_line, access_match, access_reconciliation
from reconciliation.forms import (
    AcceptAboveForm,
    AskForm,
    BalancesForm,
    ExplainForm,
    ManualMatchForm,
    ReopenForm,
)
from reconciliation.models import Reconciliation
from reconciliation.workspace import WorkspaceError


def back(reconciliation: Reconciliation, anchor: str = "") -> HttpResponse:
    url = reconciliation.get_absolute_url()
    return redirect(f"{url}#{anchor}" if anchor else url)


def reconciliation_of(request, line) -> Reconciliation | None:
    """The reconciliation the line's form was posted from (a carried-forward line is in
    several months'), which must be one of the line's bank account (else 404); without one,
    the earliest open reconciliation whose month the line is in or before, or None."""
    posted = request.POST.get("reconciliation", "")
    account = Reconciliation.objects.select_related("bank_account", "client").filter(
        bank_account_id=line.bank_account_id
    )
    if posted:
        return get_object_or_404(account, code=_uuid(posted))
    return (
        account.filter(state=Reconciliation.State.OPEN, period__gte=line.date.replace(day=1))
        .order_by("period")
        .first()
    )


def _uuid(value: str):
    try:
        return uuid.UUID(value)
    except ValueError:
        raise Http404("No such reconciliation.") from None


def _no_reconciliation(request, line) -> HttpResponse:
    messages.error(request, "Open the bank account's reconciliation for this line's month first.")
    return redirect("client_detail", code=line.bank_account.client.code)


def _refused(request, error: Exception) -> None:
    messages.error(request, str(error))


def _do(request, reconciliation, anchor: str, move, done: str = "") -> HttpResponse:
    """Make ``move``; say why when it is refused, ``done`` when it is made; back to the page."""
    try:
        move()
    except WorkspaceError as error:
        _refused(request, error)
    else:
        if done:
            messages.success(request, done)
    return back(reconciliation, anchor)


def _form_errors(request, form) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


@staff_required
@require_POST
def run_matcher(request: HttpRequest, code) -> HttpResponse:
    reconciliation = access_reconciliation(request, code)
    try:
        result = workspace.run_matcher(reconciliation)
    except WorkspaceError as error:
        _refused(request, error)
    else:
        auto, suggested = len(result.auto), len(result.suggested)
        messages.success(
            request,
            f"The matcher paired {auto} automatically and suggests {suggested} for you to "
            f"check; {len(result.unmatched_bank)} bank and {len(result.unmatched_ledger)} "
            f"ledger lines are left.",
        )
    return back(reconciliation, "suggestions")


@staff_required
@require_POST
def accept(request: HttpRequest, code) -> HttpResponse:
    match = access_match(request, code)
    move = partial(workspace.accept, match, request.user)
    return _do(request, match.reconciliation, "suggestions", move)


@staff_required
@require_POST
def reject(request: HttpRequest, code) -> HttpResponse:
    match = access_match(request, code)
    move = partial(workspace.reject, match, request.user)
    return _do(request, match.reconciliation, "suggestions", move)


@staff_required
@require_POST
def accept_above(request: HttpRequest, code) -> HttpResponse:
    reconciliation = access_reconciliation(request, code)
    form = AcceptAboveForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return back(reconciliation, "suggestions")
    try:
        count = workspace.accept_all_above(reconciliation, form.cleaned_data["score"], request.user)
    except WorkspaceError as error:
        _refused(request, error)
    else:
        messages.success(
            request, f"{count} suggestions scoring {form.cleaned_data['score']} or more accepted."
        )
    return back(reconciliation, "suggestions")


@staff_required
@require_POST
def unmatch(request: HttpRequest, code) -> HttpResponse:
    match = access_match(request, code)
    move = partial(workspace.unmatch, match, request.user)
    done = "Unmatched: the lines are back among the unmatched."
    return _do(request, match.reconciliation, "lines", move, done)


@staff_required
@require_POST
def match_by_hand(request: HttpRequest, code) -> HttpResponse:
    reconciliation = access_reconciliation(request, code)
    ids = workspace.unmatched(reconciliation).values_list("pk", flat=True)
    form = ManualMatchForm(request.POST, line_ids=ids)
    if not form.is_valid():
        messages.error(request, "Tick the lines to match: one or more on each side.")
        return back(reconciliation, "lines")
    try:
        workspace.match_by_hand(
            reconciliation,
            form.cleaned_data["line"],
            request.user,
            write_off=form.cleaned_data["write_off"],
        )
    except WorkspaceError as error:
        _refused(request, error)
    else:
        messages.success(request, f"{len(form.cleaned_data['line'])} lines matched.")
    return back(reconciliation, "lines")


@staff_required
@require_POST
def explain(request: HttpRequest, code) -> HttpResponse:
    line = access_line(request, code)
    reconciliation = reconciliation_of(request, line)
    if reconciliation is None:
        return _no_reconciliation(request, line)
    form = ExplainForm(request.POST, practice_id=reconciliation.practice_id)
    if not form.is_valid():
        _form_errors(request, form)
        return back(reconciliation, f"line-{line.code}")
    move = partial(
        workspace.explain,
        line,
        reconciliation,
        reason=form.cleaned_data["reason"],
        note=form.cleaned_data["note"],
        owner=form.cleaned_data["owner"],
        user=request.user,
    )
    return _do(request, reconciliation, f"line-{line.code}", move)


@staff_required
@require_POST
def ask(request: HttpRequest, code) -> HttpResponse:
    line = access_line(request, code)
    reconciliation = reconciliation_of(request, line)
    if reconciliation is None:
        return _no_reconciliation(request, line)
    form = AskForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return back(reconciliation, f"line-{line.code}")
    try:
        item = queries.ask_client(reconciliation, line, form.cleaned_data["question"], request.user)
    except WorkspaceError as error:
        _refused(request, error)
    else:
        asked = item.request
        if asked.status == RequestStatus.DRAFT:
            messages.warning(
                request,
                format_html(
                    'The question is on the request “{}”, which is a draft: <a href="{}">send '
                    "it</a> for the client to see it in the portal.",
                    asked.title,
                    reverse("request_detail", args=[asked.code]),
                ),
            )
        else:
            messages.success(request, f"Asked the client on the request “{asked.title}”.")
    return back(reconciliation, f"line-{line.code}")


@staff_required
@require_POST
def balances(request: HttpRequest, code) -> HttpResponse:
    reconciliation = access_reconciliation(request, code)
    form = BalancesForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
    elif not reconciliation.is_open:
        messages.error(request, "Reopen the reconciliation to change its balances.")
    else:
        Reconciliation.objects.filter(pk=reconciliation.pk, state=Reconciliation.State.OPEN).update(
            statement_balance=form.cleaned_data["statement_balance"],
            ledger_balance=form.cleaned_data["ledger_balance"],
            balances_entered=True,
        )
        messages.success(request, "Balances saved.")
    return back(reconciliation, "summary")


@staff_required
@require_POST
def finish(request: HttpRequest, code) -> HttpResponse:
    reconciliation = access_reconciliation(request, code)
    move = partial(finishing.finish, reconciliation, request.user)
    done = "Finished: the reconciliation statement is being rendered."
    return _do(request, reconciliation, "finish", move, done)


@staff_required
@require_POST
def sign_off(request: HttpRequest, code) -> HttpResponse:
    reconciliation = access_reconciliation(request, code)
    move = partial(finishing.sign_off, reconciliation, request.user)
    return _do(request, reconciliation, "finish", move, "Signed off.")


@staff_required
@require_POST
def reopen(request: HttpRequest, code) -> HttpResponse:
    reconciliation = access_reconciliation(request, code)
    form = ReopenForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return back(reconciliation, "finish")
    move = partial(finishing.reopen, reconciliation, request.user, form.cleaned_data["reason"])
    done = "Reopened: the reason is kept with the reconciliation."
    return _do(request, reconciliation, "finish", move, done)
