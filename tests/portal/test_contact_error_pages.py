"""A client contact's error pages speak to a client, in the portal's frame (their practice,
their clients, a way back to their portal); staff keep the staff pages."""

import uuid

import pytest
from django.urls import reverse

from tests.factories.clients import ClientFactory
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db

PORTAL_FRAME = '<body class="portal">'
STAFF_403 = "Your role does not allow this"
STAFF_404_ADVICE = "It may have been moved or deleted, or the link is mistyped."


@pytest.fixture
def contact_http(client, ann):
    return sign_in(client, ann.portal_account.user, reauthenticate=False)


def in_portal_frame(page: str, practice) -> None:
    assert PORTAL_FRAME in page
    assert practice.name.replace("&", "&amp;") in page  # the practice's name heads the frame
    assert f'href="{reverse("portal_home")}"' in page
    assert "Ann Baker" in page  # the user menu names the contact
    assert 'aria-label="Main"' not in page  # not the staff top bar


def test_a_contact_meets_a_missing_portal_object_as_a_client_404(practice, bakery, contact_http):
    not_theirs = ClientFactory(practice=practice, name="Someone Else Ltd")
    response = contact_http.get(reverse("portal_documents", args=[not_theirs.code]))
    assert response.status_code == 404
    page = response.content.decode()
    in_portal_frame(page, practice)
    assert "We could not find that page" in page
    assert "reply to their email" in page
    assert "Go to your client portal" in page
    assert "Someone Else Ltd" not in page
    assert STAFF_404_ADVICE not in page


def test_a_contact_meets_an_unknown_address_as_a_client_404(practice, bakery, contact_http):
    for url in ("/portal/no-such-page/", "/no-such-page/", f"/portal/clients/{uuid.uuid4()}/"):
        response = contact_http.get(url)
        assert response.status_code == 404, url
        page = response.content.decode()
        in_portal_frame(page, practice)
        assert "Go to your client portal" in page


def test_a_contact_on_a_staff_page_gets_a_client_403(practice, bakery, contact_http):
    for url in (reverse("client_list"), reverse("client_detail", args=[bakery.code])):
        response = contact_http.get(url)
        assert response.status_code == 403, url
        page = response.content.decode()
        in_portal_frame(page, practice)
        assert "This page is not part of your client portal" in page
        assert STAFF_403 not in page
        assert "Ask a partner of your practice" not in page


def test_staff_keep_the_staff_error_pages(practice, bakery, partner_client):
    forbidden = partner_client.get(reverse("portal_home"))
    assert forbidden.status_code == 403
    assert STAFF_403 in forbidden.content.decode()
    assert PORTAL_FRAME not in forbidden.content.decode()
    missing = partner_client.get(f"/clients/{uuid.uuid4()}/")
    assert missing.status_code == 404
    assert STAFF_404_ADVICE in missing.content.decode()
    assert PORTAL_FRAME not in missing.content.decode()


def test_a_visitor_lost_inside_the_portal_gets_the_portal_404(client):
    response = client.get("/portal/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert PORTAL_FRAME in page
    assert "Client portal" in page
    assert "Go to your client portal" in page
    # Outside the portal a stranger gets the staff page, as before.
    assert PORTAL_FRAME not in client.get("/no-such-page/").content.decode()
