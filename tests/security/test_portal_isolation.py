"""The client portal's second wall: a contact sees only the clients they were granted.

For every portal route that takes an object code, a contact of client A asking for an object of
client B (same practice) or of another practice gets a 404 whatever the method, and nothing of
either practice changes; the same kind of object of client A opens. Every portal route needs a
signed-in contact (visitors go to sign in, staff get 403), and every staff route refuses a
contact. New routes are covered without editing this file: a converter, a factory in
``tests/factories/<app>.py`` and, when contacts see the object only in some state, an entry in
``VISIBLE_TO_CONTACTS`` (``tests/security/isolation.py``).
"""

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from tests.factories import FACTORIES
from tests.factories.accounts import UserFactory
from tests.factories.clients import ClientFactory
from tests.factories.portal import PortalAccountFactory, PortalGrantFactory
from tests.helpers import sign_in
from tests.security.isolation import METHODS, client_path, make_portal_route_object, snapshot
from tests.security.routes import walk

ROUTES = walk()
PORTAL_OBJECT_ROUTES = [r for r in ROUTES if r.kind == "portal_object"]
PORTAL_ROUTES = [r for r in ROUTES if r.kind == "portal"]


@pytest.fixture
def client_a(practice):
    return ClientFactory(practice=practice, name="Granted Ltd")


@pytest.fixture
def client_b(practice):
    return ClientFactory(practice=practice, name="Not Granted Ltd")


@pytest.fixture
def contact_user(practice, client_a, client_b):
    """A contact of client A only (they are also a contact of nobody else)."""
    account = PortalAccountFactory(practice=practice)
    PortalGrantFactory(practice=practice, account=account, client=client_a)
    return account.user


def test_there_are_portal_routes_to_check():
    assert len(PORTAL_OBJECT_ROUTES) >= 5
    assert {r.name for r in PORTAL_ROUTES} >= {"portal_home", "portal_switch"}


def test_portal_object_routes_take_one_object_code():
    for route in PORTAL_OBJECT_ROUTES:
        assert len(route.code_converters) == 1, f"{route}: one object code per URL"


def test_client_path_follows_foreign_keys():
    assert client_path(FACTORIES["portal.RequestItem"]._meta.model) == "request__client"
    assert client_path(FACTORIES["documents.Document"]._meta.model) == "client"


@pytest.mark.django_db
@pytest.mark.parametrize("owner", ["another client", "another practice"])
@pytest.mark.parametrize("route", PORTAL_OBJECT_ROUTES, ids=lambda r: r.name or r.pattern)
def test_a_contact_gets_404_for_objects_not_theirs_and_changes_nothing(
    route, owner, practice, other_practice, client_a, client_b, contact_user
):
    if owner == "another client":
        url, _ = make_portal_route_object(route, practice, client_b)
    else:
        url, _ = make_portal_route_object(route, other_practice)
    contact = sign_in(HttpClient(), contact_user, reauthenticate=False)
    before = snapshot(practice.pk), snapshot(other_practice.pk)
    accepted = []
    for method in METHODS:
        for headers in ({}, {"HX-Request": "true"}):
            response = getattr(contact, method)(url, headers=headers)
            if response.status_code == 405:
                assert method.upper() not in response["Allow"], (route, method)
                continue
            assert response.status_code == 404, (str(route), method, headers, response.status_code)
            accepted.append(method)
    assert accepted, f"{route} accepts no method at all"
    assert (snapshot(practice.pk), snapshot(other_practice.pk)) == before, (
        f"{route}: a contact changed data of a client they were not granted"
    )

    # The same kind of object of their own client is theirs: the 404 above is the grant's.
    own_url, _ = make_portal_route_object(route, practice, client_a)
    response = contact.get(own_url)
    if response.status_code == 405:
        response = contact.post(own_url)
    assert response.status_code < 500 and response.status_code not in (403, 404), (
        str(route),
        response.status_code,
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "route", PORTAL_ROUTES + PORTAL_OBJECT_ROUTES, ids=lambda r: r.name or r.pattern
)
def test_portal_routes_need_a_signed_in_contact(route, practice, client_a, partner):
    url = (
        reverse(route.name)
        if route.kind == "portal"
        else make_portal_route_object(route, practice, client_a)[0]
    )
    admin = UserFactory(practice=None, role="", is_superuser=True, is_staff=True)
    visitors = {
        "anonymous": (HttpClient(), 302),
        "staff": (sign_in(HttpClient(), partner), 403),
        "platform admin": (sign_in(HttpClient(), admin, reauthenticate=False), 403),
    }
    for who, (http, expected) in visitors.items():
        answers = set()
        for method in ("get", "post"):
            response = getattr(http, method)(url)
            assert response.status_code in (expected, 405), (str(route), who, method)
            answers.add(response.status_code)
            if response.status_code == 302:
                assert response["Location"].startswith(reverse("portal_sign_in")), route
        assert expected in answers, (str(route), who, answers)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "route",
    [r for r in ROUTES if r.kind in ("practice", "object")],
    ids=lambda r: r.name or r.pattern,
)
def test_staff_routes_refuse_a_contact(route, practice, contact_user):
    if route.kind == "practice":
        url = reverse(route.name)
    else:
        ((arg, converter),) = route.code_converters.items()
        url = reverse(
            route.name, kwargs={arg: FACTORIES[converter.model_label](practice=practice).code}
        )
    contact = sign_in(HttpClient(), contact_user, reauthenticate=False)
    before = snapshot(practice.pk)
    for method in ("get", "post"):
        response = getattr(contact, method)(url)
        assert response.status_code in (403, 405), (str(route), method, response.status_code)
    assert snapshot(practice.pk) == before, f"{route}: a contact changed staff data"
