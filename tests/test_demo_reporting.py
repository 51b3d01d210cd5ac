"""The demo's management accounts (``demo.reporting_story``): ``seed_demo`` leaves a client on
each accounting system with fourteen months of trial balances to the month just ended, each
exported as its system exports it and imported through the bookkeeper's own path, so that the
month has every comparative, the balance sheet balances and the reserves move by the profit.
Seeded on two days of the month, and across a year end."""

import datetime
import html

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Max
from django.urls import reverse

from atlasos.tenancy.context import practice_context
from atlasos.tenancy.models import Practice
from portal.models import ClientQuery, Delivery, PortalGrant
from reporting.building import accounts_for
from reporting.commentary import review_blockers
from reporting.compliance_tables import compliance_tables, month_end
from reporting.models import (
    AccountsRender,
    PayrollSummary,
    ReviewPoint,
    TrialBalance,
    VatReturn,
)
from tasks.models import Pack
from tests.helpers import sign_in

UTC = datetime.UTC
DAYS = [
    pytest.param(datetime.datetime(2026, 12, 3, 9, 0, tzinfo=UTC), id="3rd"),
    pytest.param(datetime.datetime(2027, 4, 20, 14, 0, tzinfo=UTC), id="after-a-march-year-end"),
]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.mark.parametrize("moment", DAYS)
def test_the_demo_has_real_management_accounts(db, clock, client, moment):
    clock.set(moment)
    call_command(
        "seed_demo",
        practice="Demo Practice",
        email="boss@demo.example.com",
        password="demo-password-1",
        clients=40,
        history=1,
        portal_email="sarah@whitfield.example.com",
        portal_password="portal-pass-2026",
    )
    practice = Practice.objects.get(name="Demo Practice")
    with practice_context(practice.pk):
        newest = Pack.objects.aggregate(newest=Max("period"))["newest"]
        trial_balances = TrialBalance.objects.filter(is_current=True).select_related("client")
        clients = {tb.client for tb in trial_balances}
        assert {"xero", "sage", "quickbooks"} <= {c.accounting_system for c in clients}
        query = ClientQuery.objects.select_related("client").get(state="open")
        whitfield = query.client  # one of Sarah Whitfield's companies
        assert PortalGrant.objects.filter(
            account__user__email="sarah@whitfield.example.com", client=whitfield
        ).exists()
        assert whitfield in clients
        render = AccountsRender.objects.select_related("document").get(
            client=whitfield, period=newest
        )
        # Rendered; approved once the review point put to her is settled.
        assert render.state == "ready" and render.approved_at is None
        assert render.document.doc_type == "management_accounts"
        assert ReviewPoint.objects.get(client_query=query).line == "turnover"
        # The preparer explained every material variance: review could start.
        whitfield_accounts = accounts_for(whitfield, newest)
        assert review_blockers(whitfield, newest, whitfield_accounts) == []
        # Her company's budget, last VAT return and payroll, imported as exported.
        budget = whitfield_accounts.budget_income
        assert budget is not None and budget.row("turnover").values[1] > 0
        assert budget.row("turnover").values[3] is not None  # every month of the year budgeted
        assert VatReturn.objects.filter(
            client=whitfield, period_end__lte=month_end(newest)
        ).exists()
        pay = list(PayrollSummary.objects.filter(client=whitfield).order_by("period"))
        assert [p.period for p in pay][-1] == newest and all(p.employees == 3 for p in pay)
        tables = {t.title: t for t in compliance_tables(whitfield, newest)}
        assert tables["VAT"].source.startswith("The VAT returns imported")
        assert tables["Payroll"].source == "The payroll summaries imported"
        # The pack delivered before is the one rendered from her trial balances.
        delivered = Delivery.objects.filter(pack__client=whitfield).order_by("-pack__period")
        delivered = delivered.first()
        assert delivered is not None and delivered.pack.period < newest
        document = delivered.documents.get()
        assert AccountsRender.objects.filter(document=document, approved_at__isnull=False).exists()
        for demo_client in clients:
            months = sorted(tb.period for tb in trial_balances if tb.client == demo_client)
            assert len(months) == 14 and months[-1] == newest
            accounts = accounts_for(demo_client, newest)
            assert accounts.missing == []
            assert not accounts.unmapped, demo_client.accounting_system
            assert [check.ok for check in accounts.checks] == [True, True], [
                check.message for check in accounts.checks
            ]
            assert accounts.balance_sheet.row("cash").values[0] > 0
            assert all(value is not None for value in accounts.income.row("turnover").values)
    boss = get_user_model().objects.get(email="boss@demo.example.com")
    sign_in(client, boss, password="demo-password-1")
    shown = next(iter(clients))
    url = reverse("reporting:accounts", args=[shown.code]) + f"?period={newest:%Y-%m}"
    text = html.unescape(client.get(url).content.decode())
    assert "The balance sheet balances" in text
    assert "is the movement in reserves" in text

    sarah = get_user_model().objects.get(email="sarah@whitfield.example.com")
    client.force_login(sarah)
    tab = html.unescape(
        client.get(reverse("portal_queries", args=[whitfield.code])).content.decode()
    )
    assert "Waiting for your answer" in tab and "higher than usual" in tab
