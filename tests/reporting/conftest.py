"""Harbour Demo Ltd, a Xero client with a 31 March year end, and a partner signed in on
7 December 2026 (tests/reporting/files hold its October and November trial balances)."""

import pytest

from atlasos.tenancy.context import practice_context
from cycle.stages import PREPARATION_STAGES
from tasks.models import PackItem
from tasks.progress import refresh_progress
from tests.factories.clients import ClientFactory
from tests.helpers import sign_in, standard_pack
from tests.reporting.helpers import IN_DECEMBER, save, upload


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


@pytest.fixture
def prepared(signed_in, practice, harbour, partner):
    """The November pack, prepared by the partner: stages 1-4 done, the trial balance in."""
    save(signed_in, harbour, upload(signed_in, harbour, "xero_old_2026-11.csv"))
    pack = standard_pack(practice, harbour, now=IN_DECEMBER)
    with practice_context(practice.pk):
        PackItem.objects.filter(pack=pack, stage__in=PREPARATION_STAGES).update(
            done_at=IN_DECEMBER, done_by=partner
        )
        refresh_progress(pack, now=IN_DECEMBER)
        pack.refresh_from_db()
        pack.client  # noqa: B018  (read inside the practice: row-level security hides it outside)
    assert pack.prepare_done_at is not None and pack.review_done_at is None
    return pack
