"""Reporting: trial balances and their lines, account mappings, saved column maps."""

import datetime
from decimal import Decimal

import factory

from tests.factories.clients import ClientFactory
from tests.factories.tenancy import TenantFactory

NOVEMBER = datetime.date(2026, 11, 1)


class TrialBalanceFactory(TenantFactory):
    class Meta:
        model = "reporting.TrialBalance"

    client = factory.SubFactory(ClientFactory, practice=factory.SelfAttribute("..practice"))
    period = NOVEMBER
    layout = "xero"
    filename = "Trial Balance.csv"
    total_debit = Decimal("100.00")
    total_credit = Decimal("100.00")
    account_count = 2


class TrialBalanceLineFactory(TenantFactory):
    class Meta:
        model = "reporting.TrialBalanceLine"

    trial_balance = factory.SubFactory(
        TrialBalanceFactory, practice=factory.SelfAttribute("..practice")
    )
    account_code = factory.Sequence(lambda n: f"{200 + n}")
    account_key = factory.SelfAttribute("account_code")
    account_name = factory.Sequence(lambda n: f"Account {n}")
    debit = Decimal("100.00")


class AccountMappingFactory(TenantFactory):
    class Meta:
        model = "reporting.AccountMapping"

    client = factory.SubFactory(ClientFactory, practice=factory.SelfAttribute("..practice"))
    account_key = factory.Sequence(lambda n: f"{400 + n}")
    line = "administrative_expenses"


class TrialBalanceColumnsFactory(TenantFactory):
    class Meta:
        model = "reporting.TrialBalanceColumns"

    client = factory.SubFactory(ClientFactory, practice=factory.SelfAttribute("..practice"))
    columns = factory.LazyFunction(lambda: {"code": "Ref", "name": "Name", "balance": "Net"})


class AccountsRenderFactory(TenantFactory):
    class Meta:
        model = "reporting.AccountsRender"

    client = factory.SubFactory(ClientFactory, practice=factory.SelfAttribute("..practice"))
    period = NOVEMBER
    version = factory.Sequence(lambda n: n + 1)
    state = "ready"


class BrandingFactory(TenantFactory):
    class Meta:
        model = "reporting.Branding"


class ReviewPointFactory(TenantFactory):
    class Meta:
        model = "reporting.ReviewPoint"

    pack = factory.SubFactory(
        "tests.factories.tasks.PackFactory", practice=factory.SelfAttribute("..practice")
    )
    text = factory.Sequence(lambda n: f"Review point {n}")


class ReportingSettingsFactory(TenantFactory):
    class Meta:
        model = "reporting.ReportingSettings"

    client = factory.SubFactory(ClientFactory, practice=factory.SelfAttribute("..practice"))


class VarianceCommentFactory(TenantFactory):
    class Meta:
        model = "reporting.VarianceComment"

    client = factory.SubFactory(ClientFactory, practice=factory.SelfAttribute("..practice"))
    period = NOVEMBER
    line = "turnover"
    against = factory.Sequence(lambda n: f"on last month {n}")
    text = "A one-off order."


class ManagementCommentaryFactory(TenantFactory):
    class Meta:
        model = "reporting.ManagementCommentary"

    client = factory.SubFactory(ClientFactory, practice=factory.SelfAttribute("..practice"))
    period = NOVEMBER
    text = "A strong month."


class BudgetImportFactory(TenantFactory):
    class Meta:
        model = "reporting.BudgetImport"

    client = factory.SubFactory(ClientFactory, practice=factory.SelfAttribute("..practice"))
    filename = "Budget.csv"
    first_month = NOVEMBER
    last_month = NOVEMBER
    figure_count = 1


class BudgetFigureFactory(TenantFactory):
    class Meta:
        model = "reporting.BudgetFigure"

    source = factory.SubFactory(BudgetImportFactory, practice=factory.SelfAttribute("..practice"))
    client = factory.SelfAttribute("source.client")
    period = NOVEMBER
    line = "turnover"
    amount = Decimal("9500.00")


class VatReturnFactory(TenantFactory):
    class Meta:
        model = "reporting.VatReturn"

    client = factory.SubFactory(ClientFactory, practice=factory.SelfAttribute("..practice"))
    period_start = datetime.date(2026, 9, 1)
    period_end = datetime.date(2026, 11, 30)
    box1 = Decimal("6000.00")
    box4 = Decimal("2000.00")
    layout = "Xero VAT return"
    filename = "VAT Return.csv"


class PayrollSummaryFactory(TenantFactory):
    class Meta:
        model = "reporting.PayrollSummary"

    client = factory.SubFactory(ClientFactory, practice=factory.SelfAttribute("..practice"))
    period = NOVEMBER
    gross_pay = Decimal("2000.00")
    layout = "BrightPay"
    filename = "Payroll summary.csv"
