"""Every route is classified; every route that takes an object code is a 404 for another
practice, whatever the method, and changes nothing of theirs. New routes are covered without
editing this file: they only need a converter (``<client:code>``) and a factory."""

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from tests.factories.accounts import UserFactory
from tests.helpers import sign_in
from tests.security.isolation import METHODS, make_staff_route_object, snapshot
from tests.security.routes import walk

ROUTES = walk()


def test_every_route_is_classified():
    unclassified = [str(r) for r in ROUTES if r.kind == "unclassified"]
    assert not unclassified, (
        "Classify these routes: decorate the view with @staff_required/@role_required "
        f"(and take object codes through a model converter) or @public(reason): {unclassified}"
    )


def test_public_routes_give_a_reason():
    for route in ROUTES:
        if route.kind == "public":
            assert len(route.view.atlas_public_reason) > 20, route


def test_object_routes_take_one_object_code():
    for route in ROUTES:
        if route.kind == "object":
            assert len(route.code_converters) == 1, f"{route}: one object code per URL"


def test_there_are_object_routes_to_check():
    assert len([r for r in ROUTES if r.kind == "object"]) >= 10


@pytest.mark.django_db
@pytest.mark.parametrize(
    "route", [r for r in ROUTES if r.kind == "object"], ids=lambda r: r.name or r.pattern
)
def test_another_practice_gets_404_for_every_method_and_changes_nothing(
    route, practice, partner, other_practice, other_partner
):
    arg, obj = make_staff_route_object(route, practice)
    url = reverse(route.name, kwargs={arg: obj.code})
    attacker = sign_in(HttpClient(), other_partner)
    before = snapshot(practice.pk)
    accepted = []
    for method in METHODS:
        for headers in ({}, {"HX-Request": "true"}):
            response = getattr(attacker, method)(url, headers=headers)
            if response.status_code == 405:
                assert method.upper() not in response["Allow"], (route, method)
                continue
            assert response.status_code == 404, (str(route), method, headers, response.status_code)
            accepted.append(method)
    assert accepted, f"{route} accepts no method at all"
    assert snapshot(practice.pk) == before, f"{route}: another practice changed our data"

    owner = sign_in(HttpClient(), partner)
    response = owner.get(url)
    if response.status_code == 405:
        response = owner.post(url)
        assert response.status_code in (200, 302), (str(route), response.status_code)
    else:
        assert response.status_code == 200, (str(route), response.status_code)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "route", [r for r in ROUTES if r.kind == "practice"], ids=lambda r: r.name or r.pattern
)
def test_practice_routes_need_a_signed_in_member(route, client, practice):
    url = reverse(route.name)
    response = client.get(url)
    assert response.status_code in (302, 405), route
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("account_login"))
    # A signed-in user of no practice (a platform superuser) is not practice staff.
    admin = UserFactory(practice=None, role="", is_superuser=True, is_staff=True)
    other = sign_in(HttpClient(), admin)
    assert other.get(url).status_code in (403, 405), route
