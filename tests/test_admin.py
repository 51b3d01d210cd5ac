import pytest

from tests.factories.accounts import UserFactory
from tests.factories.clients import ClientFactory
from tests.helpers import sign_in


@pytest.fixture
def superuser(db):
    return UserFactory(practice=None, role="", is_superuser=True, is_staff=True)


def test_platform_admin_sees_every_practice_in_the_admin(
    client, superuser, practice, other_practice
):
    ClientFactory(practice=practice, name="First Practice Client")
    ClientFactory(practice=other_practice, name="Second Practice Client")
    sign_in(client, superuser, reauthenticate=False)
    page = client.get("/admin/clients/client/").content.decode()
    assert "First Practice Client" in page and "Second Practice Client" in page
    assert client.get("/admin/accounts/user/").status_code == 200


def test_practice_staff_cannot_use_the_admin(client, partner):
    sign_in(client, partner, reauthenticate=False)
    response = client.get("/admin/clients/client/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
