"""The management accounts, the account mapping, the trial balance and the pack page run the
same number of queries for a client of 50 accounts and one of 2,000 (trial balances of five
months each, the mapping half chosen by hand)."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from atlasos.tenancy.context import practice_context
from reporting.models import AccountMapping, TrialBalance, TrialBalanceLine
from tests.factories.clients import ClientFactory
from tests.helpers import sign_in, standard_pack

pytestmark = pytest.mark.django_db

NOVEMBER = datetime.date(2026, 11, 1)
IN_DECEMBER = datetime.datetime(2026, 12, 7, 9, 30, tzinfo=datetime.UTC)
MONTHS = [NOVEMBER, datetime.date(2026, 10, 1), datetime.date(2026, 9, 1)]
MONTHS += [datetime.date(2025, 11, 1), datetime.date(2025, 10, 1)]
PAGE_QUERIES = {"accounts": 18, "mapping": 7, "trial_balance": 8, "pack": 21}


def fill(practice, accounts: int):
    client = ClientFactory(practice=practice, accounting_system="sage", year_end_month=3)
    for period in MONTHS:
        trial_balance = TrialBalance.objects.create(
            client=client,
            period=period,
            layout="sage",
            filename="tb.csv",
            total_debit=Decimal(accounts * 10),
            total_credit=Decimal(accounts * 10),
            account_count=accounts,
        )
        TrialBalanceLine.objects.bulk_create(
            [
                TrialBalanceLine(
                    practice=practice,
                    trial_balance=trial_balance,
                    account_key=f"{n:05d}",
                    account_code=f"{n:05d}",  # five digits: no chart places them
                    account_name=f"Account {n}",
                    debit=Decimal(20) if n % 2 else Decimal(0),
                    credit=Decimal(0) if n % 2 else Decimal(20),
                )
                for n in range(accounts)
            ],
            batch_size=1000,
        )
    AccountMapping.objects.bulk_create(
        [
            AccountMapping(practice=practice, client=client, account_key=f"{n:05d}", line="cash")
            for n in range(0, accounts, 2)
        ]
    )
    return client, trial_balance


@pytest.mark.parametrize("accounts", [50, 2000])
def test_reporting_pages_run_a_constant_number_of_queries(
    client, practice, partner, clock, accounts
):
    clock.set(IN_DECEMBER)
    with practice_context(practice.pk):
        harbour, last = fill(practice, accounts)
    pack = standard_pack(practice, harbour, now=IN_DECEMBER)
    sign_in(client, partner)
    urls = {
        "accounts": reverse("reporting:accounts", args=[harbour.code]) + "?period=2026-11",
        "mapping": reverse("reporting:mapping", args=[harbour.code]),
        "trial_balance": reverse("reporting:trial_balance", args=[last.code]),
        "pack": pack.get_absolute_url(),
    }
    counts = {}
    for name, url in urls.items():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, name
        counts[name] = len(queries)
    assert counts == PAGE_QUERIES
    text = client.get(urls["accounts"]).content.decode()
    assert f"{accounts // 2} accounts with a balance are not mapped" in text
