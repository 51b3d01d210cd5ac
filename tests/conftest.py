import pytest
from django.core.cache import cache

from atlasos import clock as wall_clock
from atlasos.accounts.models import Role
from atlasos.tenancy.context import practice_context
from tests.clock import DEFAULT_NOW, TestClock
from tests.factories.accounts import UserFactory
from tests.factories.tenancy import PracticeFactory
from tests.helpers import sign_in


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


@pytest.fixture
def partner_client(client, partner):
    return sign_in(client, partner)
