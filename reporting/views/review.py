"""The review page of a pack's management accounts: the figures, the variances, the VAT and
payroll figures and the bank reconciliations on one page, the review points with their
answers, and the sign-off. The reviewer raises, clears and puts points to the client; the
preparer (anyone on the team) answers them."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from atlasos.accounts.decorators import staff_required
from portal import queries
from reporting import commentary, review
from reporting.building import accounts_for
from reporting.compliance_tables import compliance_tables
from reporting.forms import AnswerForm, AskClientForm, RaisePointForm
from reporting.models import AccountsRender, ReviewPoint
from tasks.access import access_pack
from tasks.extensions import period_facts


def _back(pack) -> HttpResponse:
    from django.urls import reverse

    return redirect(reverse("reporting:review", args=[pack.code]) + "#review-points")


@staff_required
@require_GET
def review_page(request: HttpRequest, code) -> HttpResponse:
    pack = access_pack(request, code)
    client = pack.client
    accounts = accounts_for(client, pack.period)
    points = list(
        ReviewPoint.objects.filter(pack=pack)
        .select_related("raised_by", "responded_by", "cleared_by", "client_query")
        .prefetch_related("client_query__links__document")
    )
    approved = (
        AccountsRender.objects.filter(client=client, period=pack.period, approved_at__isnull=False)
        .select_related("document")
        .first()
    )
    refusal = review.reviewer_refusal(pack, request.user)
    open_queries = [
        p.client_query
        for p in points
        if p.client_query and p.client_query.state == p.client_query.State.OPEN
    ]
    outlooks = queries.reminder_outlooks(open_queries)
    for point in points:
        point.query_outlook = outlooks.get(point.client_query_id)
    return render(
        request,
        "reporting/review.html",
        {
            "nav": "clients",
            "pack": pack,
            "client": client,
            "period": pack.period,
            "accounts": accounts,
            "variances": commentary.material_variances(
                accounts,
                commentary.settings_for(client),
                commentary.comments_for(client, pack.period),
            )
            if accounts
            else [],
            "commentary": commentary.commentary_for(client, pack.period),
            "blockers": commentary.review_blockers(client, pack.period, accounts),
            "compliance": compliance_tables(client, pack.period) if accounts else [],
            "reconciliations": period_facts("bank_reconciliations", client.pk, pack.period),
            "points": points,
            "open_points": sum(1 for p in points if p.state != ReviewPoint.State.CLEARED),
            "approved": approved,
            "can_review": refusal is None,
            "refusal": refusal,
            "raise_form": RaisePointForm(),
            "answer_form": AnswerForm(),
            "ask_form": AskClientForm(),
        },
    )


def _point(request, code) -> ReviewPoint:
    return get_object_or_404(
        ReviewPoint.objects.select_related("pack", "pack__client", "pack__template"), code=code
    )


def _run(request, pack, step, success: str) -> HttpResponse:
    try:
        step()
    except review.ReviewRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, success)
    return _back(pack)


@staff_required
@require_POST
def raise_point(request: HttpRequest, code) -> HttpResponse:
    pack = access_pack(request, code)
    form = RaisePointForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return _back(pack)
    data = form.cleaned_data
    return _run(
        request,
        pack,
        lambda: review.raise_point(pack, request.user, data["text"], data["line"]),
        "Review point raised: the preparer is told.",
    )


@staff_required
@require_POST
def answer_point(request: HttpRequest, code) -> HttpResponse:
    point = _point(request, code)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Write the answer first.")
        return _back(point.pack)
    return _run(
        request,
        point.pack,
        lambda: review.answer(point, request.user, form.cleaned_data["response"]),
        "Answer saved: the reviewer is told.",
    )


@staff_required
@require_POST
def clear_point(request: HttpRequest, code) -> HttpResponse:
    point = _point(request, code)
    return _run(
        request, point.pack, lambda: review.clear(point, request.user), "Review point cleared."
    )


@staff_required
@require_POST
def ask_client(request: HttpRequest, code) -> HttpResponse:
    point = _point(request, code)
    form = AskClientForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Write the question for the client first.")
        return _back(point.pack)
    return _run(
        request,
        point.pack,
        lambda: review.ask_client(point, request.user, form.cleaned_data["question"]),
        "The question is in the client's portal, and its contacts are emailed.",
    )


@staff_required
@require_POST
def sign_off(request: HttpRequest, code) -> HttpResponse:
    pack = access_pack(request, code)
    return _run(
        request,
        pack,
        lambda: review.sign_off(pack, request.user),
        "Review signed off: the review stage is complete.",
    )
