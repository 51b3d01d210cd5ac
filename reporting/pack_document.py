"""The management accounts pack as a PDF: a cover in the practice's colours with its logo, the
contents, the income statement, the balance sheet, the variances that matter, the key figures
and the charts, the VAT and payroll figures, and each bank account's reconciliation. Rendered
with WeasyPrint by a worker (``reporting.rendering``) and by ``manage.py render_pack``.

``pack_context`` reads what it needs in a constant number of queries; ``render_pack_pdf``
returns the PDF's bytes and its page count. Both run inside the practice's context.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from atlasos import clock
from clients.models import Client
from cycle.periods import add_months
from documents.pdf import BASE_URL, html_to_pdf
from reporting import charts, commentary
from reporting.building import accounts_for, current_trial_balance
from reporting.compliance_tables import compliance_tables
from reporting.mapping import mapping_for_lines
from reporting.models import Branding, ReviewPoint, TrialBalanceLine
from reporting.shape import INCOME, UK_SMALL_COMPANY
from reporting.statements import year_start
from tasks.extensions import period_facts

TEMPLATE = "reporting/pack_pdf.html"
LOGO_URL = BASE_URL + "branding/logo"


class NothingToRender(Exception):
    """The month has no trial balance."""


def _month_lines(client: Client, period: datetime.date) -> list:
    return list(
        TrialBalanceLine.objects.filter(
            trial_balance__client=client,
            trial_balance__is_current=True,
            trial_balance__period__in=[period, add_months(period, -1)],
        ).select_related("trial_balance")
    )


@dataclass(frozen=True)
class DetailLine:
    code: str
    name: str
    month: Decimal | None  # income statement: the month; balance sheet: the month end
    total: Decimal  # income statement: the year to date; balance sheet: last month end


def detailed_accounts(client: Client, period: datetime.date, lines) -> list:
    """The appendix: each report line with the accounts on it and their figures (signed as
    the line is shown), in the shape's order; accounts with nothing in either column left out."""
    mapping = mapping_for_lines(client, lines)
    first = period == year_start(period, client.year_end_month)
    current = {tb.account_key: tb for tb in lines if tb.trial_balance.period == period}
    earlier_lines = {tb.account_key: tb for tb in lines if tb.trial_balance.period != period}
    before = {key: tb.balance for key, tb in earlier_lines.items()}
    have_before = bool(before)
    # An account last month's export has and this month's leaves out is at nil now: it moved
    # by minus last month's figure, as the statements count it (statements.month_of).
    accounts = {**{k: tb for k, tb in earlier_lines.items() if k not in current}, **current}
    groups = []
    for report_line in UK_SMALL_COMPANY.mappable():
        sign = report_line.sign
        rows = []
        for key, line in accounts.items():
            if mapping.get(key) != report_line.key:
                continue
            balance = line.balance if key in current else Decimal("0.00")
            if report_line.statement == INCOME:
                ytd = sign * balance
                if first:
                    month = ytd
                elif have_before:
                    month = sign * (balance - before.get(key, Decimal("0.00")))
                else:
                    month = None
                rows.append(DetailLine(line.account_code, line.account_name, month, ytd))
            else:
                earlier = sign * before.get(key, Decimal("0.00"))
                rows.append(
                    DetailLine(line.account_code, line.account_name, sign * balance, earlier)
                )
        rows = [r for r in rows if r.month or r.total]
        if rows:
            rows.sort(key=lambda r: (r.code or "~", r.name))
            groups.append((report_line, rows))
    return groups


def pack_context(client: Client, period: datetime.date, version: int | None = None) -> dict:
    accounts = accounts_for(client, period)
    if accounts is None:
        raise NothingToRender(f"{client.name} has no trial balance for {period:%B %Y}.")
    branding = Branding.objects.filter().first() or Branding()
    rules = commentary.settings_for(client)
    trend_chart, cash_chart = charts.trend_charts(
        accounts, branding.primary_colour, branding.accent_colour
    )
    trial_balance = current_trial_balance(client, period)
    lines = _month_lines(client, period)
    detail = detailed_accounts(client, period, lines)
    return {
        "practice": client.practice,
        "client": client,
        "period": period,
        "period_end": add_months(period, 1) - datetime.timedelta(days=1),
        "version": version,
        "accounts": accounts,
        "branding": branding,
        "logo_url": LOGO_URL if branding.logo else "",
        "variances": commentary.material_variances(
            accounts, rules, commentary.comments_for(client, period)
        ),
        "material_percent": rules.materiality_percent,
        "material_amount": rules.materiality_amount,
        "commentary": commentary.commentary_for(client, period),
        "trend_chart": mark_safe(trend_chart),  # noqa: S308 (every text in it is escaped)
        "cash_chart": mark_safe(cash_chart),  # noqa: S308
        "compliance": compliance_tables(client, period),
        "detail_income": [group for group in detail if group[0].statement == INCOME],
        "detail_balance": [group for group in detail if group[0].statement != INCOME],
        "reconciliations": period_facts("bank_reconciliations", client.pk, period),
        "open_queries": list(
            ReviewPoint.objects.filter(
                pack__client=client, pack__period=period, client_query__state="open"
            )
            .select_related("client_query")
            .order_by("client_query__asked_at")
        ),
        "trial_balance": trial_balance,
        "generated": clock.local_date(client.practice.timezone),
    }


def render_pack_pdf(client: Client, period: datetime.date, version: int | None = None):
    """(PDF bytes, number of pages)."""
    context = pack_context(client, period, version)
    branding = context["branding"]
    extra = {LOGO_URL: (bytes(branding.logo), branding.logo_type)} if branding.logo else {}
    html = render_to_string(TEMPLATE, context)
    return html_to_pdf(html, extra=extra, with_pages=True)
