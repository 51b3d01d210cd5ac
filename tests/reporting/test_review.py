"""The partner review of Harbour Demo Ltd's November accounts: the manager reviews what the
partner prepared, raises points, the preparer answers, one point goes to the client's portal
and her answer (text and a file) comes back; sign-off waits for every point to be cleared,
then ticks the review stage. Every step is in the pack's history."""

import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from atlasos.tenancy.context import practice_context
from cycle.stages import Stage
from notifications.models import Notification
from portal.models import ClientQuery, PortalEmail
from reporting.models import ReviewPoint
from tasks.models import PackEvent, PackItem
from tests.helpers import signed_in as client_of
from tests.portal.helpers import portal_contact

State = ReviewPoint.State


def review_page(http, pack) -> str:
    return html.unescape(http.get(reverse("reporting:review", args=[pack.code])).content.decode())


def test_points_answered_cleared_and_signed_off(signed_in, practice, prepared, manager, partner):
    as_manager = client_of(manager)
    page = review_page(as_manager, prepared)
    assert "Income statement" in page and "The balance sheet balances" in page
    as_manager.post(
        reverse("reporting:raise_point", args=[prepared.code]),
        {"line": "premises_costs", "text": "Rent is a month early?"},
    )
    with practice_context(practice.pk):
        point = ReviewPoint.objects.get()
        assert (point.state, point.line, point.raised_by) == (State.OPEN, "premises_costs", manager)
        told = Notification.objects.get(recipient=partner, kind="review")
        assert told.body == "Priya Shah on Premises costs: Rent is a month early?"

    # The preparer may not raise or clear points: she prepared the pack.
    response = signed_in.post(
        reverse("reporting:raise_point", args=[prepared.code]), {"text": "x"}, follow=True
    )
    assert "The preparer of a pack cannot review it." in html.unescape(response.content.decode())
    signed_in.post(
        reverse("reporting:answer_point", args=[point.code]),
        {"response": "No: December's rent was paid on 28 November, a prepayment."},
    )
    response = as_manager.post(reverse("reporting:sign_off", args=[prepared.code]), follow=True)
    assert "1 review point is not cleared: clear it before signing off." in html.unescape(
        response.content.decode()
    )
    as_manager.post(reverse("reporting:clear_point", args=[point.code]))
    as_manager.post(reverse("reporting:sign_off", args=[prepared.code]))
    with practice_context(practice.pk):
        prepared.refresh_from_db()
        assert prepared.review_done_at is not None
        review_items = PackItem.objects.filter(pack=prepared, stage=Stage.REVIEW)
        assert all(item.done_automatically for item in review_items)
        history = list(
            PackEvent.objects.filter(pack=prepared, stage=Stage.REVIEW, automatic=False)
            .order_by("pk")
            .values_list("detail", flat=True)
        )
    assert history == [
        "Review point raised on Premises costs: Rent is a month early?",
        "Review point answered: No: December's rent was paid on 28 November, a prepayment.",
        "Review point cleared: Rent is a month early?",
        "Review signed off",
    ]


def test_a_point_put_to_the_client_comes_back_with_her_answer(
    signed_in, practice, prepared, manager, partner, media
):
    account = portal_contact(practice, [prepared.client])
    as_manager = client_of(manager)
    as_manager.post(
        reverse("reporting:raise_point", args=[prepared.code]),
        {"line": "turnover", "text": "Sales up 11 %: a one-off?"},
    )
    with practice_context(practice.pk):
        point = ReviewPoint.objects.get()
    as_manager.post(
        reverse("reporting:ask_client", args=[point.code]),
        {"question": "Sales were 10,000 in November: was any of it a one-off?"},
    )
    with practice_context(practice.pk):
        query = ClientQuery.objects.get()
        email = PortalEmail.objects.get(kind="query")
    assert email.to_address == account.contact.email
    assert "Sales were 10,000 in November" in email.body_text
    assert query.get_portal_url() in email.body_text
    review_page = html.unescape(
        as_manager.get(reverse("reporting:review", args=[prepared.code])).content.decode()
    )
    # Asked on Monday 7 December: the answer is due on the 12th, the first reminder three
    # days before (the practice's default policy).
    assert "Next reminder to the client: Wed 9 Dec (reminder 1 of 4)." in review_page

    contact = client_of(account.user)
    tab = html.unescape(
        contact.get(reverse("portal_queries", args=[prepared.client.code])).content.decode()
    )
    assert "Waiting for your answer" in tab
    empty = contact.post(query.get_portal_url(), {"answer": ""})
    assert (
        empty.status_code == 400 and "Write an answer or attach a file." in empty.content.decode()
    )
    contact.post(
        query.get_portal_url(),
        {
            "answer": "Yes: a one-off order from the council.",
            "files": [SimpleUploadedFile("council-order.pdf", b"%PDF-1.4\n%%EOF\n")],
        },
    )
    with practice_context(practice.pk):
        point.refresh_from_db()
        query.refresh_from_db()
        assert (
            query.state == "answered" and query.documents.get().original_name == "council-order.pdf"
        )
        assert point.state == State.ANSWERED
        assert point.response == (
            "The client answered: Yes: a one-off order from the council. (files: council-order.pdf)"
        )
        assert Notification.objects.filter(
            recipient=partner, title=f"{prepared.client.name} answered a query"
        ).exists()
    review_page = html.unescape(
        as_manager.get(reverse("reporting:review", args=[prepared.code])).content.decode()
    )
    with practice_context(practice.pk):
        answer_file = query.documents.get()
    assert (
        f'href="{reverse("document_download", args=[answer_file.code])}" hx-boost="false">'
        "council-order.pdf</a>" in review_page
    )
    again = contact.post(query.get_portal_url(), {"answer": "Again"}, follow=True)
    assert "This query is answered already" in html.unescape(again.content.decode())
    assert "Yes: a one-off order from the council." in html.unescape(again.content.decode())


def test_another_clients_contact_cannot_see_the_query(practice, prepared, manager):
    from tests.factories.clients import ClientFactory

    portal_contact(practice, [prepared.client])
    as_manager = client_of(manager)
    as_manager.post(
        reverse("reporting:raise_point", args=[prepared.code]), {"text": "Where is the lease?"}
    )
    with practice_context(practice.pk):
        point = ReviewPoint.objects.get()
    as_manager.post(reverse("reporting:ask_client", args=[point.code]), {"question": "The lease?"})
    with practice_context(practice.pk):
        query = ClientQuery.objects.get()
        stranger = portal_contact(practice, [ClientFactory(practice=practice, name="Other Ltd")])
    assert client_of(stranger.user).get(query.get_portal_url()).status_code == 404


def test_the_review_steps_hold_their_rules(signed_in, practice, prepared, manager, partner):
    from reporting import review
    from tasks.services import ticked_stages

    with practice_context(practice.pk):
        point = review.raise_point(prepared, manager, "Where is the lease?")
        # The one who raised it does not answer it.
        with pytest.raises(review.ReviewRefused, match="the preparer answers it"):
            review.answer(point, manager, "Here.")
        # Nobody could answer a query: the client has no contact with portal access.
        with pytest.raises(review.ReviewRefused, match="has no contact with portal access"):
            review.ask_client(point, manager, "The lease?")
        # The preparer may not put it to the client: that is the reviewer's step.
        with pytest.raises(review.ReviewRefused, match="cannot review it"):
            review.ask_client(point, partner, "The lease?")
    account = portal_contact(practice, [prepared.client])
    with practice_context(practice.pk):
        review.ask_client(point, manager, "The lease?")
        review.clear(point, manager)
        query = ClientQuery.objects.get()
        assert query.state == "withdrawn"  # out of the client's portal with its point
    # Her old link shows nothing to answer; a cleared point is not reopened.
    assert client_of(account.user).get(query.get_portal_url()).status_code == 404
    with practice_context(practice.pk):
        query.state, query.answer = "answered", "Sent it."
        review.on_query_answered(query)
        assert ReviewPoint.objects.get().state == State.CLEARED
        review.sign_off(prepared, manager)
        prepared.refresh_from_db()
        # The sign-off counts as the manager's review tick: no preparation items for her now.
        assert Stage.REVIEW in ticked_stages(prepared, manager)
        with pytest.raises(review.ReviewRefused, match="signed off"):
            review.raise_point(prepared, manager, "One more thing.")
