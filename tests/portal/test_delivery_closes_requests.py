"""Delivering a pack closes its period's open document requests and stops their reminders,
after a warning when documents are still outstanding: the Deliver panel (plain and htmx), the
pack page's deliver item and the calendar panel's, the request page and Requests tab, the
portal's home and client page, and the reminder job."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as HttpClient
from django.urls import reverse

from atlasos import clock as wall_clock
from atlasos.tenancy.context import practice_context
from portal import reminders
from portal.delivery import DeliveryError, publish
from portal.models import Delivery, DocumentRequest, Reminder, RequestItem
from tasks.models import Pack, PackItem
from tests.factories.clients import ClientFactory
from tests.factories.documents import DocumentFactory
from tests.factories.portal import DocumentRequestFactory, RequestItemFactory
from tests.factories.tasks import PackFactory, PackItemFactory
from tests.helpers import HTMX, sign_in
from tests.portal import samples
from tests.portal.mailing import portal_contact

LONDON = ZoneInfo("Europe/London")
OCTOBER = datetime.date(2026, 10, 1)
SEPTEMBER = datetime.date(2026, 9, 1)
WARNING = (
    "Receipts and 1 bank statement are still outstanding on Documents for October 2026: "
    "delivering closes the request and stops its reminders."
)
REASON = "The October 2026 pack was delivered with Receipts and 1 bank statement outstanding."


@pytest.fixture
def client_ltd(practice):
    return ClientFactory(practice=practice, name="Harbourview Bakery Ltd")


@pytest.fixture
def ann(practice, client_ltd):
    return portal_contact(practice, client_ltd, "Ann Baker", "ann@bakery.example")


def reviewed_pack(practice, client, period=OCTOBER, **fields) -> Pack:
    """A reviewed pack with a collect item and its deliver item still to do."""
    with practice_context(practice.pk):
        pack = PackFactory(
            practice=practice,
            client=client,
            period=period,
            review_done_at=wall_clock.now(),
            current_stage="deliver",
            **fields,
        )
        PackItemFactory(
            practice=practice,
            pack=pack,
            stage="collect",
            title="Receipts received",
            auto_key="receipts",
            done_at=wall_clock.now(),
        )
        PackItemFactory(
            practice=practice,
            pack=pack,
            stage="deliver",
            title="Pack delivered to client",
            auto_key="pack_delivered",
        )
    return pack


def make_request(practice, client, *, pack=None, title, period=OCTOBER, status="sent", got=()):
    """A request asking for a bank statement, sales invoices and receipts (required) and petty
    cash (optional); the titles in ``got`` are received."""
    with practice_context(practice.pk):
        request = DocumentRequestFactory(
            practice=practice,
            client=client,
            pack=pack,
            title=title,
            period=period,
            due=datetime.date(2026, 11, 6),
            status=status,
            sent_at=None if status == "draft" else wall_clock.now(),
        )
        for title, doc_type, required in [
            ("Bank statement — Barclays ****1234", "bank_statement", True),
            ("Sales invoices", "sales_invoice", True),
            ("Receipts", "receipt", True),
            ("Petty cash records", "other", False),
        ]:
            RequestItemFactory(
                practice=practice,
                request=request,
                title=title,
                doc_type=doc_type,
                required=required,
                received_at=wall_clock.now() if title in got else None,
            )
    return request


@pytest.fixture
def pack(practice, client_ltd):
    return reviewed_pack(practice, client_ltd)


@pytest.fixture
def october(practice, client_ltd, pack):
    """The pack's request: the sales invoices are in; a bank statement and receipts are not."""
    return make_request(
        practice, client_ltd, pack=pack, title="Documents for October 2026", got={"Sales invoices"}
    )


@pytest.fixture
def accounts_pdf(practice, client_ltd):
    return DocumentFactory(
        practice=practice,
        client=client_ltd,
        period=OCTOBER,
        doc_type="management_accounts",
        original_name="Management accounts October 2026.pdf",
    )


@pytest.fixture
def http(staff):
    return sign_in(HttpClient(), staff)


@pytest.fixture
def contact_http(ann):
    http = HttpClient()
    with practice_context(ann.practice_id):
        http.force_login(ann.portal_account.user)
    return http


def fresh(obj):
    with practice_context(obj.practice_id):
        return type(obj).objects.get(pk=obj.pk)


def texts(response) -> list[str]:
    found = [str(m) for m in get_messages(response.wsgi_request)]
    return [text for text in found if not text.startswith("Successfully signed in")]


def deliver_item(pack) -> PackItem:
    with practice_context(pack.practice_id):
        return PackItem.objects.get(pack=pack, auto_key="pack_delivered")


def deliveries(practice) -> int:
    with practice_context(practice.pk):
        return Delivery.objects.count()


def publish_form(accounts_pdf, **extra) -> dict:
    return {"documents": [str(accounts_pdf.code)], "title": "October accounts", **extra}


# --- the warning ------------------------------------------------------------------------------


def test_the_deliver_stage_warns_what_is_still_outstanding(http, pack, october, accounts_pdf):
    page = http.get(pack.get_absolute_url()).content.decode()
    deliver = page.split('id="stage-deliver"')[1]
    warning = re.search(r'<p [^>]*id="deliver-outstanding">(.*?)</p>', deliver, re.S).group(1)
    assert WARNING in warning
    # Ticking the deliver item by hand asks first (htmx) ...
    item = deliver_item(pack)
    form = re.search(rf'<li id="item-{item.code}".*?</form>', deliver, re.S).group(0)
    assert f'hx-confirm="{WARNING} Tick “Pack delivered to client”?"' in form
    # ... and publishing needs the box ticked.
    assert "Deliver with documents outstanding" in deliver
    assert 'name="close_outstanding"' in deliver and "checked" not in re.search(
        r'<input type="checkbox" name="close_outstanding"[^>]*>', deliver
    ).group(0)


def test_no_warning_and_no_confirmation_when_everything_is_in(
    http, practice, pack, client_ltd, accounts_pdf
):
    make_request(
        practice,
        client_ltd,
        pack=pack,
        title="Documents for October 2026",
        status="complete",
        got={"Bank statement — Barclays ****1234", "Sales invoices", "Receipts"},
    )
    page = http.get(pack.get_absolute_url()).content.decode()
    assert 'id="deliver-outstanding"' not in page and "close_outstanding" not in page
    response = http.post(f"/packs/{pack.code}/deliver/", publish_form(accounts_pdf))
    assert response.status_code == 302 and deliveries(practice) == 1


def test_the_calendar_panel_warns_before_delivering(practice, partner, pack, october):
    panel = (
        sign_in(HttpClient(), partner)
        .get(reverse("calendar_pack_panel", args=[pack.code]), headers=HTMX)
        .content.decode()
    )
    warning = (
        "Documents for October 2026 is still open: delivering closes the request and stops its "
        "reminders."
    )
    assert warning in panel
    assert f'hx-confirm="{warning} Tick “Pack delivered to client”?"' in panel


# --- publishing: refused without the confirmation, closing with it -----------------------------


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["no-js", "htmx"])
def test_publishing_without_confirming_is_refused_and_changes_nothing(
    http, practice, pack, october, ann, accounts_pdf, headers
):
    response = http.post(
        f"/packs/{pack.code}/deliver/", publish_form(accounts_pdf), headers=headers
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert (
        f"Nothing published: {WARNING} Tick “Deliver with documents outstanding” to deliver all "
        "the same, or wait for the documents." in page
    )
    assert 'value="October accounts"' in page  # the form as it was sent
    assert deliveries(practice) == 0 and mail.outbox == []
    assert fresh(october).status == "sent"
    assert not deliver_item(pack).is_done and fresh(pack).completed_at is None


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["no-js", "htmx"])
def test_confirming_publishes_and_closes_the_request(
    http, practice, pack, october, ann, accounts_pdf, headers
):
    response = http.post(
        f"/packs/{pack.code}/deliver/",
        publish_form(accounts_pdf, close_outstanding="on"),
        headers=headers,
    )
    assert response.status_code == 302
    assert texts(response) == [
        "Published “October accounts” to the portal: 1 document. Emailed to Ann Baker. Closed "
        "Documents for October 2026: the client is no longer asked for it and reminders stop."
    ]
    request = fresh(october)
    assert request.status == "closed" and request.closed_at == wall_clock.now()
    assert request.closed_reason == REASON
    assert fresh(pack).completed_at is not None
    page = http.get(pack.get_absolute_url()).content.decode()
    assert "Closed at delivery" in page and 'id="deliver-outstanding"' not in page


def test_the_service_refuses_too_without_the_confirmation(practice, pack, october, staff):
    with practice_context(practice.pk), pytest.raises(DeliveryError, match="still outstanding"):
        publish(pack, [DocumentFactory(practice=practice, client=pack.client)], by=staff)
    assert deliveries(practice) == 0


# --- ticking the deliver item by hand ----------------------------------------------------------


def test_ticking_the_deliver_item_on_the_pack_page_closes_the_request(
    http, practice, pack, october
):
    response = http.post(f"/pack-items/{deliver_item(pack).code}/tick/", {"done": "1"})
    assert response.status_code == 302
    assert fresh(pack).completed_at is not None
    request = fresh(october)
    assert request.status == "closed" and request.closed_reason == REASON


def test_ticking_the_deliver_item_in_the_calendar_panel_closes_the_request(
    practice, partner, pack, october
):
    http = sign_in(HttpClient(), partner)
    response = http.post(
        reverse("calendar_item_tick", args=[deliver_item(pack).code]), {"done": "1"}, headers=HTMX
    )
    assert response.status_code == 200
    assert fresh(october).status == "closed"


def test_only_the_periods_open_requests_close(http, practice, client_ltd, pack, october):
    made_by_hand = make_request(practice, client_ltd, title="Fuel receipts", status="draft")
    complete = make_request(
        practice,
        client_ltd,
        title="Loan letters",
        status="complete",
        got={"Bank statement — Barclays ****1234", "Sales invoices", "Receipts"},
    )
    september = make_request(practice, client_ltd, title="September extras", period=SEPTEMBER)
    other_client = make_request(practice, ClientFactory(practice=practice), title="Theirs")
    other_pack = reviewed_pack(practice, client_ltd)  # another template, same period
    others_own = make_request(practice, client_ltd, pack=other_pack, title="VAT quarter")
    http.post(f"/pack-items/{deliver_item(pack).code}/tick/", {"done": "1"})
    assert fresh(october).status == "closed"
    assert fresh(made_by_hand).status == "closed"
    assert fresh(complete).status == "complete"
    for untouched in (september, other_client, others_own):
        assert fresh(untouched).status == "sent" and fresh(untouched).closed_at is None


# --- the closed request, as staff and the client see it ----------------------------------------


@pytest.fixture
def closed(http, pack, october, accounts_pdf):
    http.post(f"/packs/{pack.code}/deliver/", publish_form(accounts_pdf, close_outstanding="on"))
    return fresh(october)


def test_the_request_page_and_requests_tab_show_it_closed_with_why(http, client_ltd, closed, media):
    page = http.get(reverse("request_detail", args=[closed.code])).content.decode()
    summary = page.split('class="pack-summary"')[1].split("</p>")[0]
    assert "Closed</span>" in summary
    assert f"Wed 18 Nov: {REASON} No longer asked for; no more reminders." in summary
    assert "Send again" not in page and "Upload</button>" not in page
    assert "Ask for another document" not in page
    row = re.search(
        rf'<tr id="request-{closed.code}">.*?</tr>',
        http.get(reverse("client_requests", args=[client_ltd.code])).content.decode(),
        re.S,
    ).group(0)
    assert "Closed</span>" in row and REASON in row
    # Nothing can change it any more.
    with practice_context(closed.practice_id):
        receipts = RequestItem.objects.get(request=closed, title="Receipts")
    response = http.post(
        reverse("request_item_upload", args=[receipts.code]),
        {"files": [SimpleUploadedFile("late.pdf", samples.PDF)]},
    )
    assert texts(response) == [
        "This request was closed when its pack was delivered; it cannot be changed."
    ]
    response = http.post(reverse("request_send", args=[closed.code]))
    assert "This request was closed when its pack was delivered; it cannot be sent." in texts(
        response
    )
    assert fresh(closed).status == "closed"


def test_the_portal_no_longer_asks_for_it(
    http, contact_http, client_ltd, pack, october, accounts_pdf
):
    home = contact_http.get("/portal/").content.decode()
    assert "Documents for October 2026" in home and "1 open request" in home
    http.post(f"/packs/{pack.code}/deliver/", publish_form(accounts_pdf, close_outstanding="on"))
    home = contact_http.get("/portal/").content.decode()
    assert "Documents for October 2026" not in home
    assert "Nothing needed right now: you are all caught up." in home
    client_page = contact_http.get(reverse("portal_client", args=[client_ltd.code]))
    assert "Documents for October 2026" not in client_page.content.decode()
    # The contact can no longer upload against it.
    with practice_context(october.practice_id):
        receipts = RequestItem.objects.get(request=october, title="Receipts")
    response = contact_http.post(
        reverse("portal_item_upload", args=[receipts.code]),
        {"files": [SimpleUploadedFile("late.pdf", samples.PDF)]},
    )
    assert response.status_code == 404


def test_reminders_stop_for_the_closed_request(
    practice, clock, staff, client_ltd, ann, pack, october, accounts_pdf
):
    still_open = ClientFactory(practice=practice, name="Other Bakery Ltd")
    bob = portal_contact(practice, still_open, "Bob Crane", "bob@other.example")
    make_request(practice, still_open, title="Documents for October 2026")
    with practice_context(practice.pk):
        DocumentRequest.objects.update(sent_at=datetime.datetime(2026, 10, 20, 9, tzinfo=LONDON))
    clock.set(datetime.datetime(2026, 11, 2, 9, tzinfo=LONDON))
    with practice_context(practice.pk):
        publish(pack, [accounts_pdf], by=staff, close_outstanding=True)
        # Three days before the due date: the first reminder, for the open request only.
        reminders.run_reminders(datetime.datetime(2026, 11, 3, 9, tzinfo=LONDON))
        assert list(Reminder.objects.values_list("contact", "step")) == [(bob.pk, 1)]
        # Nor is anyone told about its missing documents once the schedule is over.
        reminders.run_reminders(datetime.datetime(2026, 11, 30, 9, tzinfo=LONDON))
        assert fresh(october).escalated_at is None
        assert not Reminder.objects.filter(contact=ann).exists()


def test_a_delivered_packs_checklist_no_longer_follows_a_request(
    http, practice, client_ltd, pack, accounts_pdf, media
):
    """The pack's own request, complete at delivery, stays complete and editable; a document
    unlinked from it later leaves the delivered pack's collect item as it was."""
    request = make_request(
        practice,
        client_ltd,
        pack=pack,
        title="Documents for October 2026",
        status="complete",
        got={"Bank statement — Barclays ****1234", "Sales invoices"},
    )
    with practice_context(practice.pk):
        receipts = RequestItem.objects.get(request=request, title="Receipts")
    http.post(
        reverse("request_item_upload", args=[receipts.code]),
        {"files": [SimpleUploadedFile("receipts.pdf", samples.PDF)]},
    )
    http.post(f"/packs/{pack.code}/deliver/", publish_form(accounts_pdf))
    assert fresh(pack).completed_at is not None
    with practice_context(practice.pk):
        document = receipts.documents.get()
    http.post(
        reverse("request_item_unlink", args=[receipts.code]), {"document": str(document.code)}
    )
    assert fresh(request).status == "sent"
    with practice_context(practice.pk):
        collect = PackItem.objects.get(pack=pack, auto_key="receipts")
    assert collect.is_done
    assert fresh(pack).completed_at is not None
