"""Bank reconciliation: imports and their lines, reconciliations, matches and the rules."""

import datetime
from decimal import Decimal

import factory

from tests.factories.clients import BankAccountFactory, ClientFactory
from tests.factories.tenancy import TenantFactory

NOVEMBER = datetime.date(2026, 11, 1)


class StatementImportFactory(TenantFactory):
    class Meta:
        model = "reconciliation.StatementImport"

    bank_account = factory.SubFactory(
        BankAccountFactory, practice=factory.SelfAttribute("..practice")
    )
    side = "bank"
    period = NOVEMBER
    filename = "november.ofx"
    file_format = "ofx"


class LineFactory(TenantFactory):
    class Meta:
        model = "reconciliation.Line"

    statement_import = factory.SubFactory(
        StatementImportFactory, practice=factory.SelfAttribute("..practice")
    )
    bank_account = factory.SelfAttribute("statement_import.bank_account")
    side = factory.SelfAttribute("statement_import.side")
    date = datetime.date(2026, 11, 10)
    amount = Decimal("-45.00")
    description = factory.Sequence(lambda n: f"CARD PAYMENT {n}")
    fingerprint = factory.Sequence(lambda n: f"line-{n}")


class ReconciliationFactory(TenantFactory):
    class Meta:
        model = "reconciliation.Reconciliation"

    bank_account = factory.SubFactory(
        BankAccountFactory, practice=factory.SelfAttribute("..practice")
    )
    client = factory.SelfAttribute("bank_account.client")
    period = NOVEMBER


class MatchFactory(TenantFactory):
    class Meta:
        model = "reconciliation.Match"

    reconciliation = factory.SubFactory(
        ReconciliationFactory, practice=factory.SelfAttribute("..practice")
    )
    kind = "suggested"
    state = "suggested"
    score = 80.0
    pass_name = "amount_date"
    reason = "same amount, 1 day apart"


class MatchSettingsFactory(TenantFactory):
    class Meta:
        model = "reconciliation.MatchSettings"

    client = factory.SubFactory(ClientFactory, practice=factory.SelfAttribute("..practice"))


class ColumnMapFactory(TenantFactory):
    class Meta:
        model = "reconciliation.ColumnMap"

    bank_account = factory.SubFactory(
        BankAccountFactory, practice=factory.SelfAttribute("..practice")
    )
    side = "bank"
    mapping = factory.LazyFunction(lambda: {"date_column": "Date", "amount_column": "Amount"})
