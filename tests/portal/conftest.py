import pytest
from django.test import Client as HttpClient

from tests.factories.accounts import UserFactory
from tests.factories.clients import ClientFactory
from tests.factories.portal import PortalGrantFactory
from tests.helpers import sign_in
from tests.portal.mailing import DUE, ITEMS, open_request, portal_contact


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


@pytest.fixture
def doc_request(practice, bakery):
    """The sending tests' draft request to the bakery."""
    return open_request(practice, bakery, due=DUE, items=ITEMS, title="Documents for October 2026")


@pytest.fixture
def staff_http(partner):
    """A partner signed in, for the staff side of the portal contacts' tests."""
    return sign_in(HttpClient(), partner)


# The contact pages' cast: a client and one of its contacts signed in to the portal (``http``),
# and a client of the same practice they were not granted. A module with an ``http`` of its own
# (a member of staff, mostly) overrides this one.
@pytest.fixture
def client_ltd(practice):
    return ClientFactory(practice=practice, name="Lighthouse Cafe Ltd")


@pytest.fixture
def other_client(practice):
    """A client of the same practice the contact was NOT granted."""
    return ClientFactory(practice=practice, name="Harbour Bakery Ltd")


@pytest.fixture
def account(practice, client_ltd):
    return PortalGrantFactory(practice=practice, client=client_ltd).account


@pytest.fixture
def contact(account):
    return account.contact


@pytest.fixture
def http(client, account):
    client.force_login(account.user)
    return client
