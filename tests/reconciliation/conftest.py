"""A client with one bank account and its November 2026 files: the bank's MT940 statement and
the ledger's Xero export (tests/reconciliation/files/workspace/)."""

import datetime
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from atlasos.tenancy.context import practice_context
from tests.factories.clients import BankAccountFactory, ClientFactory
from tests.factories.reconciliation import MatchSettingsFactory

WORKSPACE_FILES = Path(__file__).parent / "files" / "workspace"
NOVEMBER = datetime.date(2026, 11, 1)
IN_DECEMBER = datetime.datetime(2026, 12, 7, 9, 30, tzinfo=datetime.UTC)


def workspace_file(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (WORKSPACE_FILES / name).read_bytes())


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def whitfield(practice, partner):
    with practice_context(practice.pk):
        client = ClientFactory(practice=practice, name="Whitfield Joinery Ltd", preparer=partner)
        account = BankAccountFactory(
            practice=practice,
            client=client,
            name="Business Current Account",
            bank_name="Lloyds",
            sort_code="309174",
            account_number="02344812",
        )
        # Whitfield's rules ask for exact amounts: the card takings, net of the processor's
        # fee at the bank, are matched by hand (the default rules would suggest them).
        MatchSettingsFactory(practice=practice, client=client, tolerance=0, tolerance_percent=0)
    return account
