"""The workspace runs the same number of queries at 100 lines and at 5,000: lines, matches and
suggestions are read in bulk, and each side lists at most 500 lines."""

import datetime
from decimal import Decimal

import pytest

from atlasos.tenancy.context import practice_context
from reconciliation.models import Line, Match
from tests.factories.reconciliation import ReconciliationFactory, StatementImportFactory
from tests.helpers import sign_in
from tests.reconciliation.conftest import IN_DECEMBER, NOVEMBER

pytestmark = pytest.mark.django_db

WORKSPACE_QUERIES = 19


def fill(practice, account, size: int):
    reconciliation = ReconciliationFactory(
        practice=practice,
        bank_account=account,
        period=NOVEMBER,
        statement_balance=Decimal("1000.00"),
        ledger_balance=Decimal("1000.00"),
    )
    imports = {
        side: StatementImportFactory(practice=practice, bank_account=account, side=side)
        for side in ("bank", "ledger")
    }
    lines = []
    for n in range(size):
        day = NOVEMBER + datetime.timedelta(days=n % 30)
        for side in ("bank", "ledger"):
            lines.append(
                Line(
                    practice=practice,
                    bank_account=account,
                    side=side,
                    statement_import=imports[side],
                    date=day if n % 10 else day - datetime.timedelta(days=40),
                    amount=Decimal(-10 - n),
                    description=f"PAYMENT {n}",
                    fingerprint=f"{side}-{n}",
                    reason="timing" if n % 7 == 0 else "",
                )
            )
    Line.objects.bulk_create(lines, batch_size=1000)
    ids = list(Line.objects.order_by("pk").values_list("pk", "side"))
    bank = [pk for pk, side in ids if side == "bank"]
    ledger = [pk for pk, side in ids if side == "ledger"]
    matches = []
    for n in range(0, size // 2, 2):
        state = "accepted" if n % 4 == 0 else "suggested"
        matches.append(
            Match(
                practice=practice,
                reconciliation=reconciliation,
                kind="auto" if state == "accepted" else "suggested",
                state=state,
                score=90,
                pass_name="amount_date",
                reason="same amount, same day",
                bank_ids=[bank[n]],
                ledger_ids=[ledger[n]],
            )
        )
    Match.objects.bulk_create(matches)
    for match in Match.objects.filter(state="accepted"):
        Line.objects.filter(pk__in=[*match.bank_ids, *match.ledger_ids]).update(match=match)
    return reconciliation


@pytest.mark.parametrize("size", [100, 5000])
def test_the_workspace_reads_a_constant_number_of_queries(
    client, practice, partner, whitfield, clock, size, django_assert_max_num_queries
):
    clock.set(IN_DECEMBER)
    with practice_context(practice.pk):
        reconciliation = fill(practice, whitfield, size)
    sign_in(client, partner)
    with django_assert_max_num_queries(WORKSPACE_QUERIES):
        response = client.get(reconciliation.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    unmatched = size - len(range(0, size // 2, 4))  # each side, less the accepted matches
    assert html.count('name="line"') == 2 * min(unmatched, 500)
    assert "brought forward" in html
