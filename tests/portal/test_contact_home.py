"""The portal home of a signed-in contact: open requests with their progress, the client
switcher, and access that follows the grants (revoked clients, staff, two-factor)."""

import datetime

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from atlasos import clock as wall_clock
from atlasos.tenancy.context import practice_context
from portal import portal_accounts
from tests.clock import current_date
from tests.factories.clients import ClientFactory
from tests.factories.portal import (
    ClientQueryFactory,
    DocumentRequestFactory,
    RequestItemFactory,
)
from tests.helpers import sign_in
from tests.portal.helpers import portal_contact


def test_home_lists_only_sent_requests_with_progress_and_overdue(practice, bakery, client):
    account = portal_contact(practice, [bakery])
    today = current_date()
    with practice_context(practice.pk):
        late = DocumentRequestFactory(
            practice=practice,
            client=bakery,
            title="September documents",
            status="sent",
            due=today - datetime.timedelta(days=3),
        )
        RequestItemFactory(practice=practice, request=late, received_at=wall_clock.now())
        RequestItemFactory(practice=practice, request=late)
        RequestItemFactory(practice=practice, request=late)
        RequestItemFactory(practice=practice, request=late, required=False)
        soon = DocumentRequestFactory(
            practice=practice,
            client=bakery,
            title="October documents",
            status="sent",
            due=today + datetime.timedelta(days=5),
        )
        RequestItemFactory(practice=practice, request=soon)
        for status in ("draft", "complete", "cancelled"):
            DocumentRequestFactory(
                practice=practice, client=bakery, title=f"A {status} request", status=status
            )
    sign_in(client, account.user, reauthenticate=False)
    page = client.get(reverse("portal_home")).content.decode()
    assert "2 open requests, <strong>1 overdue</strong>" in page
    assert "September documents" in page and "October documents" in page
    assert page.index("September documents") < page.index("October documents")
    assert "1 of 3 received" in page and "2 items" in page and "Overdue" in page
    assert "0 of 1 received" in page
    for status in ("draft", "complete", "cancelled"):
        assert f"A {status} request" not in page


def test_home_lists_the_questions_waiting_for_an_answer(practice, bakery, client):
    account = portal_contact(practice, [bakery])
    with practice_context(practice.pk):
        waiting = ClientQueryFactory(
            practice=practice, client=bakery, question="Was the council order a one-off?"
        )
        ClientQueryFactory(
            practice=practice, client=bakery, question="Answered already", state="answered"
        )
    sign_in(client, account.user, reauthenticate=False)
    page = client.get(reverse("portal_home")).content.decode()
    assert "1 question waiting for your answer." in page
    assert f'<a href="{waiting.get_portal_url()}">Was the council order a one-off?</a>' in page
    assert "Answered already" not in page


def test_contact_of_three_clients_sees_all_three_and_switches(practice, client):
    clients = [ClientFactory(practice=practice, name=f"Company {n} Ltd") for n in "ABC"]
    other = ClientFactory(practice=practice, name="Not Theirs Ltd")
    account = portal_contact(practice, clients)
    sign_in(client, account.user, reauthenticate=False)
    page = client.get(reverse("portal_home")).content.decode()
    for c in clients:
        assert f'<option value="{c.code}"' in page
        assert f'<h2 id="client-{c.code}">' in page
    assert "Not Theirs Ltd" not in page

    response = client.get(reverse("portal_switch"), {"client": str(clients[1].code)})
    assert response["Location"] == reverse("portal_client", args=[clients[1].code])
    assert client.get(reverse("portal_switch"), {"client": str(other.code)}).status_code == 404
    assert client.get(reverse("portal_switch"), {"client": "not-a-code"}).status_code == 404
    assert client.get(reverse("portal_switch"))["Location"] == reverse("portal_home")


@pytest.mark.parametrize("size", [1, 4])
def test_home_query_count_does_not_grow(practice, client, size, django_assert_max_num_queries):
    clients = [ClientFactory(practice=practice) for _ in range(size)]
    account = portal_contact(practice, clients)
    with practice_context(practice.pk):
        for c in clients:
            for _ in range(size):
                request = DocumentRequestFactory(practice=practice, client=c, status="sent")
                RequestItemFactory.create_batch(size, practice=practice, request=request)
            ClientQueryFactory.create_batch(size, practice=practice, client=c)
    sign_in(client, account.user, reauthenticate=False)
    # session, user, portal account, granted client ids, the clients' names, the requests
    # with their counts, the open queries.
    with django_assert_max_num_queries(7):
        response = client.get(reverse("portal_home"))
    assert response.status_code == 200
    assert response.content.decode().count("received</span>") == size * size
    assert response.content.decode().count('<a href="/portal/queries/') == size * size


def test_revoked_client_disappears_and_its_pages_are_404(practice, client):
    kept, revoked = ClientFactory(practice=practice), ClientFactory(practice=practice)
    account = portal_contact(practice, [kept, revoked])
    with practice_context(practice.pk):
        request = DocumentRequestFactory(practice=practice, client=revoked, status="sent")
        portal_accounts.revoke_grant(account, revoked)
    sign_in(client, account.user, reauthenticate=False)
    page = client.get(reverse("portal_home")).content.decode()
    assert revoked.name not in page and kept.name in page
    assert client.get(reverse("portal_client", args=[revoked.code])).status_code == 404
    assert client.get(reverse("portal_request", args=[request.code])).status_code == 404
    assert client.get(reverse("portal_client", args=[kept.code])).status_code == 200


def test_staff_get_403_in_the_portal_and_contacts_403_on_staff_pages(
    practice, bakery, staff_http, client
):
    assert staff_http.get(reverse("portal_home")).status_code == 403
    assert staff_http.get(reverse("portal_client", args=[bakery.code])).status_code == 403
    account = portal_contact(practice, [bakery])
    sign_in(client, account.user, reauthenticate=False)
    assert client.get(reverse("client_list")).status_code == 403
    assert client.get(reverse("client_detail", args=[bakery.code])).status_code == 403
    assert client.get("/")["Location"] == reverse("portal_home")


def test_anonymous_visitors_are_sent_to_the_portal_sign_in(client):
    response = client.get(reverse("portal_home"))
    assert response.status_code == 302
    assert response["Location"] == "/portal/sign-in/?next=/portal/"


def test_compulsory_two_factor_is_for_staff_not_contacts(practice, bakery, client, staff):
    practice.require_mfa = True
    practice.save()
    account = portal_contact(practice, [bakery])
    sign_in(client, account.user, reauthenticate=False)
    assert client.get(reverse("portal_home")).status_code == 200
    staff_client = sign_in(HttpClient(), staff, reauthenticate=False)
    assert staff_client.get(reverse("client_list"))["Location"] == "/accounts/2fa/totp/activate/"
