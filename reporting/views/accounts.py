"""A client's management accounts for a month: the income statement and the balance sheet
with their comparatives and variances, the key ratios, the checks, and what is missing (a
trial balance, a mapping). A constant number of queries whatever the number of accounts."""

import datetime

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from atlasos import clock
from atlasos.accounts.decorators import staff_required
from clients.access import access_client
from cycle.periods import last_completed_period, parse_month
from reporting import budgets, commentary
from reporting.building import accounts_for
from reporting.charts import trend_charts
from reporting.compliance_tables import compliance_tables
from reporting.forms import (
    BudgetUploadForm,
    PayrollUploadForm,
    TrialBalanceUploadForm,
    VatReturnUploadForm,
)
from reporting.models import AccountsRender, TrialBalance


def default_period(practice) -> datetime.date:
    """Last month: the month a practice works on in the first weeks of this one."""
    return last_completed_period(clock.local_date(practice.timezone), "monthly")


def accounts_context(request, client, period, form=None) -> dict:
    months = list(
        TrialBalance.objects.filter(client=client, is_current=True).order_by("-period")[:36]
    )
    accounts = accounts_for(client, period)
    renders = list(
        AccountsRender.objects.filter(client=client, period=period)
        .select_related("document", "requested_by", "approved_by")
        .order_by("-version")[:20]
    )
    rules = commentary.settings_for(client)
    return {
        "rules": rules,
        "variances": commentary.material_variances(
            accounts, rules, commentary.comments_for(client, period)
        )
        if accounts
        else [],
        "commentary": commentary.commentary_for(client, period),
        "nav": "clients",
        "client": client,
        "period": period,
        "months": months,
        "current": next((tb for tb in months if tb.period == period), None),
        "accounts": accounts,
        "charts": trend_charts(accounts) if accounts else None,
        "renders": renders,
        "rendering": any(r.state == AccountsRender.State.RENDERING for r in renders),
        "form": form or TrialBalanceUploadForm(initial={"period": f"{period:%Y-%m}"}),
        "budget_form": BudgetUploadForm(),
        "vat_form": VatReturnUploadForm(),
        "payroll_form": PayrollUploadForm(),
        "compliance": compliance_tables(client, period) if accounts else [],
        "budget_import": budgets.latest_import(client),
    }


@staff_required
@require_GET
def management_accounts(request: HttpRequest, code) -> HttpResponse:
    client = access_client(request, code)
    period = parse_month(request.GET.get("period", "")) or default_period(request.user.practice)
    return render(request, "reporting/accounts.html", accounts_context(request, client, period))
