import os

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection

from atlasos import clock as wall_clock
from atlasos.accounts.models import Role
from atlasos.tenancy.context import practice_context
from tests.clock import DEFAULT_NOW, TestClock
from tests.factories.accounts import PASSWORD, UserFactory
from tests.factories.tenancy import PracticeFactory

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"] == "atlasos.tenancy.postgresql"
needs_postgres = pytest.mark.skipif(
    not ON_POSTGRES, reason="row-level security needs PostgreSQL: set DATABASE_URL"
)
needs_redis = pytest.mark.skipif(
    not os.environ.get("REDIS_URL"), reason="needs Redis: set REDIS_URL"
)


@pytest.fixture(autouse=True)
def clock():
    """Every test runs at a fixed moment, never at the real date; a test moves it with
    ``clock.set(...)`` or ``clock.advance(days=...)``."""
    wall_clock.set_now(DEFAULT_NOW)
    yield TestClock()
    wall_clock.reset()


@pytest.fixture(autouse=True)
def _clear_cache():
    # Rate-limit counters live in the cache; every test starts with none.
    cache.clear()
    yield


@pytest.fixture
def practice(db):
    return PracticeFactory(name="Harbour & Co Bookkeeping")


@pytest.fixture
def other_practice(db):
    return PracticeFactory(name="Elsewhere Accountants")


@pytest.fixture
def partner(practice):
    return UserFactory(practice=practice, role=Role.PARTNER, full_name="Helen Marsh")


@pytest.fixture
def manager(practice):
    return UserFactory(practice=practice, role=Role.MANAGER, full_name="Priya Shah")


@pytest.fixture
def staff(practice):
    return UserFactory(practice=practice, role=Role.STAFF, full_name="Tom Reilly")


@pytest.fixture
def other_partner(other_practice):
    return UserFactory(practice=other_practice, role=Role.PARTNER, full_name="Olga Other")


@pytest.fixture
def in_practice(practice):
    """Run the test body inside the practice's context (for direct ORM use)."""
    with practice_context(practice.pk):
        yield practice


def sign_in(client, user, password: str = PASSWORD, reauthenticate: bool = True):
    """Sign in through the real login form and, by default, confirm the password again as
    allauth asks before sensitive actions (it then trusts the session for five minutes)."""
    response = client.post("/accounts/login/", {"login": user.email, "password": password})
    assert response.status_code == 302, response.content.decode()[:2000]
    if reauthenticate:
        response = client.post("/accounts/reauthenticate/", {"password": password})
        assert response.status_code == 302, response.content.decode()[:2000]
    return client


@pytest.fixture
def partner_client(client, partner):
    return sign_in(client, partner)


def uses_postgres() -> bool:
    return connection.vendor == "postgresql"
