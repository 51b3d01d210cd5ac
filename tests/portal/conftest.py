import pytest

from tests.factories.accounts import UserFactory
from tests.factories.clients import ClientFactory
from tests.portal.mailing import portal_contact


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Every stored file of these tests goes to a throwaway MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.AWS_STORAGE_BUCKET_NAME = ""
    return settings.MEDIA_ROOT


# A client with a preparer and one portal contact: the sending and reminder tests' cast.
@pytest.fixture
def preparer(practice):
    return UserFactory(practice=practice, full_name="Dana Price", email="dana@harbour.example")


@pytest.fixture
def bakery(practice, preparer):
    return ClientFactory(practice=practice, name="Harbourview Bakery Ltd", preparer=preparer)


@pytest.fixture
def ann(practice, bakery):
    return portal_contact(practice, bakery, "Ann Baker", "ann@bakery.example")
