"""Every staff, portal and public GET route, with real objects of the right practice, answers
out-of-range, malformed and oversized query parameters with 200, 302, 400 or 404: never 500.

The routes come from the URLconf walk (``tests/security/routes.py``) and the objects from the
factories, as in the URL-isolation walk, so a new route is covered without editing this file.
The parameter names are those the code reads (``request.GET.get("...")`` in the apps' source,
found by a scan) and every field name of every form, plus the usual ones. Each route gets:

- every name at once with each hostile value;
- with the nastiest values: every name at once with ``HX-Request``; every name with the page
  put first in one of its modes (a calendar day, the rows layout, a kanban column, unread
  notifications...), so parameters read only in that mode are reached; and each usual name
  alone, so no early answer to one parameter hides another's crash.

Run it on PostgreSQL as well (``DATABASE_URL``): only PostgreSQL refuses a NUL in a query.
"""

import datetime
import re
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.test import Client as HttpClient
from django.urls import reverse

from atlasos import clock as wall_clock
from tests.factories.clients import ClientFactory
from tests.factories.documents import DocumentFactory
from tests.factories.notifications import NotificationFactory
from tests.factories.portal import (
    DocumentRequestFactory,
    PortalAccountFactory,
    PortalGrantFactory,
    RequestItemFactory,
)
from tests.factories.tasks import PackFactory, PackItemFactory
from tests.helpers import project_forms, sign_in
from tests.project import source_dirs
from tests.security.isolation import make_portal_route_object, make_staff_route_object
from tests.security.routes import walk

ROUTES = walk()
STAFF_ROUTES = [r for r in ROUTES if r.kind in ("practice", "object")]
PORTAL_ROUTES = [r for r in ROUTES if r.kind in ("portal", "portal_object")]
# Public pages a stranger reaches (those with a token in the path get one that matches nothing).
PUBLIC_ROUTES = [r for r in ROUTES if r.kind == "public"]
ANSWERS = {200, 302, 400, 404}

# Parameters every list and page might read, whether or not the code does today.
USUAL = ["month", "day", "page", "sort", "q", "period", "status", "layout", "next"]
GET_READ = re.compile(r"""GET(?:\.get|\.getlist)?\(\s*["'](\w+)["']|GET\[\s*["'](\w+)["']\s*\]""")


def names_read_by_the_code() -> set[str]:
    names = set()
    for folder in source_dirs():
        for path in folder.rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for match in GET_READ.finditer(path.read_text()):
                names.add(match.group(1) or match.group(2))
    return names


def parameter_names() -> list[str]:
    names = names_read_by_the_code() | set(USUAL)
    for form in project_forms():
        names |= set(form.base_fields)
    return sorted(names)


NAMES = parameter_names()

OVERSIZED = "9" * 2000
HOSTILE = [
    # out of range
    "9999-12",
    "0001-01",
    "9999-12-31",
    "0001-01-01",
    "10000-01",
    "-1",
    "0",
    "99999999999999999999999999",
    "1e999",
    # malformed
    "2026-13",
    "2026-02-30",
    "2026-00-00",
    "abc",
    "",
    "\x00",
    "2026-11\x00",
    "\r\nX-Injected: yes",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "../../../etc/passwd",
    "//evil.example/",
    "http://evil.example/",
    "javascript:alert(1)",
    "\u202e\U0001f4a5",
    # oversized
    OVERSIZED,
]
# The values also sent with htmx, in each mode and under each usual name alone: those that
# broke pages before (out-of-range dates, huge numbers, NUL). The oversized value goes with
# every name only once (above): a page that echoes its query string in its links is slow to
# render with every name at that length, not wrong.
NASTIEST = ["9999-12", "0001-01-01", "99999999999999999999999999", "\x00"]


def modes() -> list[dict]:
    """Valid starting points that put a page into another mode, where other parameters are
    read: a calendar day and the rows layout, a kanban column, unread notifications, a role and
    a status filter."""
    today = wall_clock.local_date(settings.TIME_ZONE)
    return [
        {"day": today.isoformat()},
        {"layout": "rows", "month": f"{today:%Y-%m}"},
        {"more": "collect"},
        {"show": "unread", "role": "preparer", "status": "all", "example": "1"},
    ]


def queries() -> list[tuple[dict, dict]]:
    """(query, headers) pairs, every one a GET to make of each route."""
    htmx = {"HX-Request": "true"}
    sent = [(dict.fromkeys(NAMES, value), {}) for value in HOSTILE]
    for value in NASTIEST:
        everything = dict.fromkeys(NAMES, value)
        sent.append((everything, htmx))
        sent += [({**everything, **mode}, {}) for mode in modes()]
    for value in [*NASTIEST, OVERSIZED]:
        sent += [({name: value}, {}) for name in USUAL]
    return sent


# --- the world: real objects of the right practice ----------------------------------------


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.AWS_STORAGE_BUCKET_NAME = ""


@pytest.fixture
def world(practice, partner, staff):
    """A practice with work on every page: packs due this month and last, with checklists, a
    document request with items, a document and a notification."""
    this_month = wall_clock.local_date(practice.timezone).replace(day=1)
    last_month = (this_month - datetime.timedelta(days=1)).replace(day=1)
    for n, period in enumerate([this_month, last_month]):
        client = ClientFactory(practice=practice, name=f"Sweep {n} Ltd", preparer=staff)
        pack = PackFactory(
            practice=practice, client=client, period=period, preparer=staff, reviewer=partner
        )
        PackItemFactory(practice=practice, pack=pack, note="Chased\nthe client")
        request = DocumentRequestFactory(practice=practice, client=client, pack=pack)
        RequestItemFactory(practice=practice, request=request)
        DocumentFactory(practice=practice, client=client, period=period)
    NotificationFactory(practice=practice, recipient=partner)
    return practice


def sweep(http: HttpClient, url: str, *, signed_in: bool = True) -> list[str]:
    """Every query against ``url``; the ones answered with anything but 200/302/400/404."""
    first = http.get(url)
    if first.status_code == 405:
        return []  # not a GET route
    assert first.status_code in ANSWERS, (url, first.status_code)
    if signed_in:
        # The page itself opens for this user, so the sweep reaches the view, not the sign-in.
        assert first.status_code in (200, 302), (url, first.status_code)
        location = first.get("Location", "")
        assert "sign-in" not in location and "login" not in location, (url, location)
    problems = []
    for query, headers in queries():
        response = http.get(f"{url}?{urlencode(query)}", headers=headers)
        if response.status_code not in ANSWERS:
            exc = getattr(response, "exc_info", None)
            cause = f"{exc[0].__name__}: {str(exc[1])[:200]}" if exc else ""
            if len(query) < 5:
                shown = repr({name: value[:40] for name, value in query.items()})
            else:
                mode = {name: query[name] for name in query if query[name] != query["page"]}
                shown = f"every name = {query['page'][:40]!r} {mode or ''}"
            problems.append(f"{response.status_code} {url} {shown} {headers or ''} {cause}")
    return problems


def assert_answers(problems: list[str]) -> None:
    # One line per distinct problem, so a crash reached many ways is listed once per cause.
    assert not problems, "\n".join(sorted(set(problems))[:40])


def test_the_sweep_reads_the_parameters_the_code_reads():
    assert {"month", "day", "layout", "more", "show", "sort", "page", "client"} <= set(NAMES)
    assert {"assignee", "entity_type", "doc_type", "source", "role", "member"} <= set(NAMES)


@pytest.mark.django_db
@pytest.mark.parametrize("route", STAFF_ROUTES, ids=lambda r: r.name or r.pattern)
def test_staff_routes_never_answer_500_to_hostile_parameters(route, world, partner):
    if route.code_converters:
        arg, obj = make_staff_route_object(route, world)
        url = reverse(route.name, kwargs={arg: obj.code})
    else:
        url = reverse(route.name)
    http = sign_in(HttpClient(raise_request_exception=False), partner)
    assert_answers(sweep(http, url))


@pytest.fixture
def contact_user(world):
    """A contact of one client, who has a request, documents and a delivery to look at."""
    client = ClientFactory(practice=world, name="Granted Ltd")
    account = PortalAccountFactory(practice=world)
    PortalGrantFactory(practice=world, account=account, client=client)
    return account.user, client


@pytest.mark.django_db
@pytest.mark.parametrize("route", PORTAL_ROUTES, ids=lambda r: r.name or r.pattern)
def test_portal_routes_never_answer_500_to_hostile_parameters(route, world, contact_user):
    user, client = contact_user
    if route.code_converters:
        url, _ = make_portal_route_object(route, world, client)
    else:
        url = reverse(route.name)
    http = sign_in(HttpClient(raise_request_exception=False), user, reauthenticate=False)
    assert_answers(sweep(http, url))


@pytest.mark.django_db
@pytest.mark.parametrize("route", PUBLIC_ROUTES, ids=lambda r: r.name or r.pattern)
def test_public_routes_never_answer_500_to_hostile_parameters(route, world):
    url = reverse(route.name, kwargs=dict.fromkeys(route.converters, "no-such-token"))
    http = HttpClient(raise_request_exception=False)
    assert_answers(sweep(http, url, signed_in=False))
