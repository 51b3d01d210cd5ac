"""The inbox list (newest first, status chips with counts, client filter, search by sender and
subject, paginated) and the top bar's "Inbox" link with the count waiting in triage."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client as HttpClient
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from atlasos import clock as wall_clock
from atlasos.tenancy.context import practice_context
from inbox.context_processors import inbox as inbox_context
from inbox.context_processors import waiting_in_triage
from tests.factories.clients import ClientFactory
from tests.factories.inbox import InboundAttachmentFactory, InboundMessageFactory
from tests.factories.portal import PortalAccountFactory
from tests.helpers import HTMX, sign_in, signed_in

pytestmark = pytest.mark.django_db


def received(hours_ago: int) -> datetime.datetime:
    return wall_clock.now() - datetime.timedelta(hours=hours_ago)


def make_messages(practice, count: int, client) -> list:
    """``count`` messages a status each in turn, every one with an attachment."""
    statuses = ["routed", "triage", "ignored", "rejected"]
    made = []
    for n in range(count):
        status = statuses[n % len(statuses)]
        message = InboundMessageFactory(
            practice=practice,
            status=status,
            client=client if status == "routed" else None,
            confidence="high" if status == "routed" else "",
            received_at=received(n),
        )
        InboundAttachmentFactory(practice=practice, message=message)
        made.append(message)
    return made


def test_the_list_shows_every_message_newest_first(practice, staff):
    acme = ClientFactory(practice=practice, name="Acme Ltd")
    old = InboundMessageFactory(practice=practice, subject="September", received_at=received(48))
    new = InboundMessageFactory(
        practice=practice,
        subject="October statements",
        from_name="Alice Client",
        from_address="alice@acme.example",
        status="routed",
        client=acme,
        confidence="certain",
        received_at=received(1),
    )
    InboundAttachmentFactory(practice=practice, message=new)
    InboundAttachmentFactory(practice=practice, message=new)
    InboundAttachmentFactory(practice=practice, message=new, status="not_document")

    page = signed_in(staff).get("/inbox/").content.decode()

    assert page.index("October statements") < page.index("September")
    row = page[page.index("October statements") :]
    row = row[: row.index("</tr>")]
    assert '<td class="num">2</td>' in row  # the logo marked not a document does not count
    assert "Acme Ltd" in row and "Certain" in row
    assert '<span class="badge badge-complete">' in row and "Filed" in row
    assert "alice@acme.example" in page and "Alice Client" in page
    assert f'href="/inbox/{new.code}/"' in page and f'href="/inbox/{old.code}/"' in page


def test_status_chips_count_each_status_and_filter(practice, staff):
    client = ClientFactory(practice=practice)
    make_messages(practice, 7, client)  # 2 routed, 2 triage, 2 ignored, 1 rejected
    http = signed_in(staff)

    page = http.get("/inbox/").content.decode()
    assert 'aria-current="true">All <span class="count">7</span>' in page
    assert 'status=triage">Waiting in triage <span class="count">2</span>' in page
    assert 'status=rejected">Rejected <span class="count">1</span>' in page
    assert "status=failed" not in page  # no chip for a status with no message

    page = http.get("/inbox/?status=rejected").content.decode()
    assert 'status=rejected" aria-current="true">Rejected' in page
    assert page.count('<span class="badge badge-overdue">') == 1


def test_search_finds_sender_name_address_and_subject(practice, staff):
    InboundMessageFactory(practice=practice, from_name="Bob Builder", subject="Receipts")
    InboundMessageFactory(practice=practice, from_address="ops@zeta.example", subject="Hello")
    InboundMessageFactory(practice=practice, subject="VAT return figures")
    http = signed_in(staff)

    assert "Receipts" in http.get("/inbox/?q=builder").content.decode()
    page = http.get("/inbox/?q=ZETA.example").content.decode()
    assert "Hello" in page and "Receipts" not in page
    page = http.get("/inbox/?q=vat return").content.decode()
    assert "VAT return figures" in page and "Hello" not in page
    page = http.get("/inbox/?q=nobody-at-all").content.decode()
    assert "No email matches these filters" in page


def test_the_client_filter_and_chips_combine(practice, staff):
    acme = ClientFactory(practice=practice, name="Acme Ltd")
    beta = ClientFactory(practice=practice, name="Beta Ltd")
    InboundMessageFactory(practice=practice, status="routed", client=acme, subject="Acme one")
    InboundMessageFactory(practice=practice, status="routed", client=beta, subject="Beta one")
    http = signed_in(staff)

    page = http.get(f"/inbox/?client={acme.code}").content.decode()
    assert "Acme one" in page and "Beta one" not in page
    assert 'aria-current="true">All <span class="count">1</span>' in page
    # The status chips keep the client chosen.
    assert f"client={acme.code}&amp;status=routed" in page


def test_an_unknown_filter_value_is_dropped_not_an_error(practice, staff):
    InboundMessageFactory(practice=practice, subject="Still listed")
    response = signed_in(staff).get("/inbox/?status=nonsense&client=not-a-code&page=99")
    assert response.status_code == 200
    assert "Still listed" in response.content.decode()


def test_the_list_is_paginated(practice, staff):
    for n in range(55):
        InboundMessageFactory(
            practice=practice, subject=f"Message {n:02d}", received_at=received(n)
        )
    http = signed_in(staff)
    page = http.get("/inbox/").content.decode()
    assert "Showing 1–50 of 55" in page and "Message 49" in page and "Message 50" not in page
    assert "Message 54" in http.get("/inbox/?page=2").content.decode()


def test_a_live_search_swaps_the_results_only(practice, staff):
    InboundMessageFactory(practice=practice, subject="Quarterly figures")
    page = signed_in(staff).get("/inbox/?q=quarterly", headers=HTMX).content.decode()
    assert page.lstrip().startswith('<div id="inbox-results">')
    assert "Quarterly figures" in page and "<html" not in page


def test_the_empty_inbox_says_what_to_do(practice, partner):
    page = signed_in(partner).get("/inbox/").content.decode()
    assert "No email yet" in page and 'href="/settings/inbox/"' in page


# Session, user (with its practice), the client filter's choices, the status counts (which give
# the top bar its triage count too), the page's count, the bell's unread count, the page's rows
# (their clients and attachment counts in the same query).
LIST_QUERIES = 7


@pytest.mark.parametrize("count", [3, 40])
def test_the_list_runs_the_same_queries_at_any_size(
    practice, staff, count, django_assert_max_num_queries
):
    client = ClientFactory(practice=practice)
    make_messages(practice, count, client)
    http = signed_in(staff)
    with django_assert_max_num_queries(LIST_QUERIES):
        assert http.get("/inbox/").status_code == 200
    # Filtered, the top bar's count is one more query.
    with django_assert_max_num_queries(LIST_QUERIES + 1):
        assert http.get(f"/inbox/?q=sender&client={client.code}&status=routed").status_code == 200


def test_the_top_bar_shows_the_count_waiting_in_triage(practice, staff, other_practice):
    InboundMessageFactory.create_batch(3, practice=practice, status="triage")
    InboundMessageFactory(practice=practice, status="routed")
    InboundMessageFactory.create_batch(5, practice=other_practice, status="triage")

    page = signed_in(staff).get("/clients/").content.decode()

    assert 'href="/inbox/"' in page
    assert (
        '<span id="inbox-count" class="nav-count">3'
        '<span class="visually-hidden"> waiting in triage</span></span>'
    ) in page


def test_with_nothing_in_triage_the_count_is_hidden(practice, staff):
    page = signed_in(staff).get("/clients/").content.decode()
    assert '<span id="inbox-count" class="nav-count" hidden>0' in page


def test_the_top_bar_count_is_one_query_per_page(practice, staff):
    InboundMessageFactory(practice=practice, status="triage")
    http = signed_in(staff)
    with CaptureQueriesContext(connection) as captured:
        http.get("/clients/")
    counts = [q["sql"] for q in captured.captured_queries if "inbox_inboundmessage" in q["sql"]]
    assert len(counts) == 1 and "COUNT" in counts[0].upper()


def staff_request(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_the_count_is_the_practices_own_and_asked_once_per_request(
    practice, staff, other_practice, django_assert_num_queries
):
    InboundMessageFactory.create_batch(3, practice=practice, status="triage")
    InboundMessageFactory(practice=practice, status="routed")
    InboundMessageFactory.create_batch(5, practice=other_practice, status="triage")
    request = staff_request(staff)
    with practice_context(practice.pk):
        context = inbox_context(request)
        with django_assert_num_queries(1):
            assert int(str(context["inbox_waiting"])) == 3
            assert waiting_in_triage(request) == 3  # the same request: no second query
            assert "3" in render_to_string("inbox/_count.html", {"inbox_waiting": 3})


def test_no_count_for_contacts_or_visitors(practice):
    account = PortalAccountFactory(practice=practice)
    assert inbox_context(staff_request(account.user)) == {}
    assert inbox_context(staff_request(AnonymousUser())) == {}


def test_the_inbox_tabs_show_the_count_waiting(practice, staff):
    InboundMessageFactory.create_batch(2, practice=practice, status="triage")
    page = signed_in(staff).get("/settings/inbox/rules/").content.decode()
    assert '>Triage <span class="count" id="triage-tab-count">2</span>' in page


# --- who may see it ---------------------------------------------------------------------------


def test_visitors_go_to_sign_in(client):
    response = client.get("/inbox/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_client_contact_is_refused(practice):
    account = PortalAccountFactory(practice=practice)
    http = sign_in(HttpClient(), account.user, reauthenticate=False)
    assert http.get("/inbox/").status_code == 403
    assert http.get("/inbox/triage/").status_code == 403


def test_another_practices_mail_is_never_listed(practice, staff, other_practice):
    InboundMessageFactory(practice=other_practice, subject="Their secret statement")
    page = signed_in(staff).get("/inbox/?q=secret").content.decode()
    assert "Their secret statement" not in page
