"""What reporting shows on the floors below it, through the places they leave for it:

- the pack page's prepare stage (``tasks.extensions``): whether the month's trial balance is
  in, how many accounts with a balance are unmapped, and a link to the management accounts
  (three queries, whatever the number of accounts); its review stage: the review points not
  cleared and a link to the review page (one query);
- the client's Details tab (``clients.extensions``): the months with a trial balance and the
  links to the management accounts and the account mapping (one query).
"""

from django.db.models import Count, Q

from clients.extensions import ClientPart, register_client_part
from cycle.periods import next_period
from portal.extensions import register_superseded_documents
from reporting.mapping import mapping_for_lines
from reporting.models import AccountsRender, ReviewPoint, TrialBalance, TrialBalanceLine
from tasks.extensions import PackExtras, PackPart, register_pack_parts


def prepare_stage_parts(request, pack, *, page: str, **extra) -> PackExtras:
    extras = PackExtras()
    if page != "pack":
        return extras
    current = (
        TrialBalance.objects.filter(client_id=pack.client_id, period=pack.period, is_current=True)
        .select_related("imported_by")
        .first()
    )
    unmapped = 0
    if current is not None:
        with_balance = ~Q(debit=0) | ~Q(credit=0)
        lines = list(
            TrialBalanceLine.objects.filter(with_balance, trial_balance=current).select_related(
                "trial_balance"
            )
        )
        mapping = mapping_for_lines(pack.client, lines)
        unmapped = sum(1 for line in lines if line.account_key not in mapping and line.balance)
    extras.parts["prepare"] = [
        PackPart(
            "reporting/_pack_part.html",
            {"trial_balance": current, "unmapped": unmapped, "pack": pack, "client": pack.client},
        )
    ]
    points = dict(
        ReviewPoint.objects.filter(pack=pack)
        .values("state")
        .annotate(n=Count("pk"))
        .values_list("state", "n")
    )
    extras.parts["review"] = [
        PackPart(
            "reporting/_review_part.html",
            {
                "points": sum(points.values()),
                "not_cleared": sum(n for state, n in points.items() if state != "cleared"),
                "pack": pack,
            },
        )
    ]
    return extras


def client_accounts_part(request, client) -> ClientPart:
    months = list(
        TrialBalance.objects.filter(client=client, is_current=True)
        .order_by("-period")
        .values_list("period", flat=True)[:3]
    )
    return ClientPart("reporting/_client_part.html", {"months": months, "client": client})


def superseded_renders(pack) -> set[int]:
    """The documents of the pack's renders other than the approved one (or, with none
    approved, other than the newest ready one): not ticked for delivery. A render of a trial
    balance since imported again is never kept: it no longer shows the books. One query."""
    renders = list(
        AccountsRender.objects.filter(
            client_id=pack.client_id,
            period__gte=pack.period,
            period__lt=next_period(pack.period, pack.recurrence),
            state=AccountsRender.State.READY,
            document__isnull=False,
        )
        .order_by("-period", "-version")
        .values_list("document_id", "approved_at", "trial_balance__is_current")
    )
    current = [(doc, approved) for doc, approved, is_current in renders if is_current]
    keep = next((doc for doc, approved in current if approved), None)
    if keep is None and current:
        keep = current[0][0]
    return {doc for doc, _, _ in renders if doc != keep}


def register() -> None:
    register_pack_parts(prepare_stage_parts)
    register_client_part(client_accounts_part)
    register_superseded_documents(superseded_renders)
