"""Harbour Demo Ltd, a Xero client with a 31 March year end, and a partner signed in on
7 December 2026 (tests/reporting/files hold its October and November trial balances)."""

import datetime

import pytest

from atlasos.tenancy.context import practice_context
from tests.factories.clients import ClientFactory
from tests.helpers import sign_in

IN_DECEMBER = datetime.datetime(2026, 12, 7, 9, 30, tzinfo=datetime.UTC)


@pytest.fixture
def harbour(practice, partner):
    with practice_context(practice.pk):
        return ClientFactory(
            practice=practice,
            name="Harbour Demo Ltd",
            accounting_system="xero",
            year_end_month=3,
            year_end_day=31,
            preparer=partner,
        )


@pytest.fixture
def signed_in(client, partner, clock):
    clock.set(IN_DECEMBER)
    sign_in(client, partner)
    return client


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
