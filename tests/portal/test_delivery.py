"""Delivery: publishing a pack's final documents to the portal (service and the pack page's
Deliver panel), the emails to portal contacts, the deliver item's tick, acknowledgement, and
the pack page's query count."""

import datetime
import re

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.test import Client as HttpClient

from atlasos import clock as wall_clock
from atlasos.tenancy.context import practice_context
from portal.delivery import DeliveryError, acknowledge, publish
from portal.models import Delivery, PortalEmail
from tasks.models import Pack, PackItem
from tasks.services import set_item_done
from tests.factories.accounts import UserFactory
from tests.factories.clients import ClientContactFactory, ClientFactory
from tests.factories.documents import DocumentFactory
from tests.factories.portal import PortalAccountFactory, PortalGrantFactory, PortalUserFactory
from tests.factories.tasks import PackFactory, PackItemFactory
from tests.helpers import sign_in
from tests.portal.helpers import counts, panel

OCTOBER = datetime.date(2026, 10, 1)
SEPTEMBER = datetime.date(2026, 9, 1)


@pytest.fixture
def client_ltd(practice):
    return ClientFactory(practice=practice, name="Harbourview Bakery Ltd")


def portal_contact(practice, client, name, *, granted=None, active=True):
    """A contact of ``client`` with a portal account granted ``granted`` (default: client)."""
    user = PortalUserFactory(practice=practice, is_active=active)
    account = PortalAccountFactory(practice=practice, user=user, contact__name=name)
    PortalGrantFactory(practice=practice, account=account, client=granted or client)
    ClientContactFactory(practice=practice, client=client, contact=account.contact)
    return account.contact


@pytest.fixture
def ann(practice, client_ltd):
    return portal_contact(practice, client_ltd, "Ann Baker")


@pytest.fixture
def not_portal_contacts(practice, client_ltd):
    """Contacts of the client who must not get the email: no portal account, an account
    granted another client only, an inactive account."""
    ClientContactFactory(practice=practice, client=client_ltd, contact__name="Carl Nosign")
    elsewhere = ClientFactory(practice=practice, name="Other Venture Ltd")
    portal_contact(practice, client_ltd, "Dee Elsewhere", granted=elsewhere)
    portal_contact(practice, client_ltd, "Eve Gone", active=False)


@pytest.fixture
def pack(practice, client_ltd, staff, manager):
    """October's pack, reviewed, with its deliver item still to do."""
    with practice_context(practice.pk):
        pack = PackFactory(
            practice=practice,
            client=client_ltd,
            period=OCTOBER,
            preparer=staff,
            reviewer=manager,
            review_done_at=wall_clock.now(),
            current_stage="deliver",
        )
        PackItemFactory(
            practice=practice,
            pack=pack,
            stage="deliver",
            title="Pack delivered to client",
            auto_key="pack_delivered",
        )
    return pack


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
def statement(practice, client_ltd):
    return DocumentFactory(
        practice=practice,
        client=client_ltd,
        period=OCTOBER,
        doc_type="bank_statement",
        original_name="Barclays October.pdf",
    )


def fresh(obj):
    with practice_context(obj.practice_id):
        return type(obj).objects.get(pk=obj.pk)


def deliver_item(pack) -> PackItem:
    with practice_context(pack.practice_id):
        return PackItem.objects.get(pack=pack, auto_key="pack_delivered")


def do_publish(pack, documents, by, **kwargs):
    with practice_context(pack.practice_id):
        return publish(pack, documents, by=by, **kwargs)


# --- publishing -------------------------------------------------------------------------------


def test_publish_records_the_delivery_with_its_documents(
    practice, pack, staff, accounts_pdf, statement
):
    delivery = do_publish(pack, [statement, accounts_pdf], staff, message="  Call me.  ")
    with practice_context(practice.pk):
        delivery = Delivery.objects.get(pk=delivery.pk)
        assert delivery.pack_id == pack.pk
        assert delivery.client_id == pack.client_id
        assert delivery.title == "Management accounts — October 2026"
        assert delivery.message == "Call me."
        assert delivery.published_by == staff
        assert delivery.published_at is not None
        assert delivery.acknowledged_at is None
        assert set(delivery.documents.all()) == {accounts_pdf, statement}


def test_publish_emails_each_portal_contact_once_after_commit(
    practice,
    pack,
    staff,
    ann,
    not_portal_contacts,
    accounts_pdf,
    statement,
    django_capture_on_commit_callbacks,
):
    bob = portal_contact(practice, pack.client, "Bob Crane")
    with django_capture_on_commit_callbacks(execute=True):
        delivery = do_publish(pack, [accounts_pdf, statement], staff, message="Profit is up.")
        assert mail.outbox == []  # nothing leaves before the commit
    assert sorted(m.to[0] for m in mail.outbox) == sorted([ann.email, bob.email])
    message = next(m for m in mail.outbox if m.to == [ann.email])
    link = f"/portal/deliveries/{delivery.code}/"
    assert message.subject == "Management accounts — October 2026 for Harbourview Bakery Ltd"
    assert "Harbour & Co Bookkeeping" in message.from_email
    body = message.body
    assert body.startswith("Hello Ann Baker,")
    assert "Harbour & Co Bookkeeping has delivered" in body  # not HTML-escaped in plain text
    assert "Harbourview Bakery Ltd, October 2026" in body
    assert "- Management accounts October 2026.pdf (Management accounts)" in body
    assert "- Barclays October.pdf (Bank statement)" in body
    assert "Profit is up." in body
    assert link in body
    html = message.alternatives[0][0]
    assert 'href="http://' in html and link in html
    assert "Harbour &amp; Co Bookkeeping" in html
    assert "<li>Barclays October.pdf" in html
    with practice_context(practice.pk):
        emails = PortalEmail.objects.filter(delivery=delivery)
        assert {e.contact_id for e in emails} == {ann.pk, bob.pk}
        assert {(e.kind, e.queued_by_id, e.state) for e in emails} == {
            ("delivery", staff.pk, "sent")
        }


def test_publish_ticks_the_deliver_item_and_completes_the_pack(practice, pack, staff, accounts_pdf):
    do_publish(pack, [accounts_pdf], staff)
    item = deliver_item(pack)
    assert item.is_done and item.done_automatically and item.done_by is None
    pack = fresh(pack)
    assert pack.deliver_done_at is not None
    assert pack.completed_at is not None


def test_the_pack_completes_only_when_the_rest_of_the_deliver_stage_is_done(
    practice, pack, staff, accounts_pdf
):
    with practice_context(practice.pk):
        invoice = PackItemFactory(practice=practice, pack=pack, stage="deliver", title="Invoice")
    do_publish(pack, [accounts_pdf], staff)
    assert deliver_item(pack).is_done
    assert fresh(pack).completed_at is None
    with practice_context(practice.pk):
        set_item_done(invoice, staff, True)
    assert fresh(pack).completed_at is not None


def test_a_pack_is_delivered_once(practice, pack, staff, ann, accounts_pdf, statement):
    do_publish(pack, [accounts_pdf], staff)
    before = counts(practice)
    with pytest.raises(DeliveryError) as refused:
        do_publish(pack, [statement], staff)
    assert "This pack was delivered already" in refused.value.message
    assert "by Tom Reilly; a pack is delivered once." in refused.value.message
    assert counts(practice) == before == (1, 1, 1)


@pytest.mark.parametrize("which", ["other_client", "deleted"])
def test_a_document_that_is_not_a_live_one_of_the_client_is_refused(
    practice, pack, staff, ann, accounts_pdf, which
):
    if which == "other_client":
        stranger = ClientFactory(practice=practice, name="Other Venture Ltd")
        document = DocumentFactory(
            practice=practice, client=stranger, period=OCTOBER, original_name="theirs.pdf"
        )
    else:
        document = DocumentFactory(
            practice=practice,
            client=pack.client,
            period=OCTOBER,
            original_name="theirs.pdf",
            deleted_at=wall_clock.now(),
        )
    with pytest.raises(DeliveryError) as refused:
        do_publish(pack, [accounts_pdf, document], staff)
    assert refused.value.message == (
        "Nothing published: “theirs.pdf” is not a live document of Harbourview Bakery Ltd."
    )
    assert counts(practice) == (0, 0, 0)
    assert not deliver_item(pack).is_done


def test_publishing_nothing_is_refused(practice, pack, staff):
    with pytest.raises(DeliveryError, match="choose at least one document"):
        do_publish(pack, [], staff)
    assert counts(practice) == (0, 0, 0)


def test_a_pack_not_reviewed_yet_cannot_be_delivered(practice, pack, staff, accounts_pdf):
    with practice_context(practice.pk):
        Pack.objects.filter(pk=pack.pk).update(review_done_at=None)
    with pytest.raises(DeliveryError, match="once the review stage is complete"):
        do_publish(pack, [accounts_pdf], staff)
    assert counts(practice) == (0, 0, 0)
    assert not deliver_item(pack).is_done


def test_without_portal_contacts_the_delivery_is_still_published(
    practice, pack, staff, not_portal_contacts, accounts_pdf, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        delivery = do_publish(pack, [accounts_pdf], staff)
    assert mail.outbox == []
    assert counts(practice) == (1, 1, 0)
    assert fresh(delivery).pack_id == pack.pk
    assert deliver_item(pack).is_done


# --- acknowledging ----------------------------------------------------------------------------


def test_a_delivery_is_acknowledged_once(practice, pack, staff, ann, accounts_pdf):
    bob = portal_contact(practice, pack.client, "Bob Crane")
    delivery = do_publish(pack, [accounts_pdf], staff)
    first = wall_clock.now()
    with practice_context(practice.pk):
        assert acknowledge(delivery, ann, now=first) is True
        assert acknowledge(delivery, bob) is False
        assert acknowledge(fresh(delivery), ann) is False
    delivery = fresh(delivery)
    assert delivery.acknowledged_at == first
    assert delivery.acknowledged_by_id == ann.pk


# --- the pack page's Deliver panel ------------------------------------------------------------


@pytest.fixture
def http(staff):
    return sign_in(HttpClient(), staff)


def page_of(http, pack) -> str:
    response = http.get(f"/packs/{pack.code}/")
    assert response.status_code == 200
    return response.content.decode()


def texts(response) -> list[str]:
    found = [str(m) for m in get_messages(response.wsgi_request)]
    return [text for text in found if not text.startswith("Successfully signed in")]


def test_the_panel_lists_the_periods_documents_with_the_accounts_first_and_ticked(
    http, practice, pack, accounts_pdf, statement
):
    DocumentFactory(
        practice=practice, client=pack.client, period=SEPTEMBER, original_name="september.pdf"
    )
    DocumentFactory(
        practice=practice,
        client=pack.client,
        period=OCTOBER,
        original_name="binned.pdf",
        deleted_at=wall_clock.now(),
    )
    html = panel(page_of(http, pack))
    assert "Deliver to client" in html
    assert 'value="Management accounts — October 2026"' in html
    boxes = re.findall(r'<input type="checkbox"[^>]*value="([^"]+)"([^>]*)>', html)
    assert boxes == [(str(accounts_pdf.code), " checked"), (str(statement.code), "")]
    assert "september.pdf" not in html and "binned.pdf" not in html
    assert "Publish to the portal</button>" in html
    assert "disabled" not in html


def test_the_panel_says_publishing_waits_for_the_review(http, practice, pack, accounts_pdf):
    with practice_context(practice.pk):
        Pack.objects.filter(pk=pack.pk).update(review_done_at=None)
    html = panel(page_of(http, pack))
    assert "You can publish once the review stage is complete." in html
    assert 'disabled aria-describedby="delivery-blocked">Publish' in html


def test_publishing_from_the_panel(
    http, practice, pack, ann, accounts_pdf, statement, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = http.post(
            f"/packs/{pack.code}/deliver/",
            {
                "documents": [str(accounts_pdf.code), str(statement.code)],
                "title": "October accounts",
                "message": "Have a look.",
            },
        )
    assert response.status_code == 302
    assert response.url == f"/packs/{pack.code}/#stage-deliver"
    assert texts(response) == [
        "Published “October accounts” to the portal: 2 documents. Emailed to Ann Baker."
    ]
    assert [m.to for m in mail.outbox] == [[ann.email]]
    page = page_of(http, pack)
    html = panel(page)
    assert "<strong>Delivered</strong> on" in html and "by Tom Reilly: “October accounts”" in html
    assert f"Emailed to Ann Baker &lt;{ann.email}&gt;" in html
    assert "Not yet acknowledged" in html
    assert "Management accounts October 2026.pdf" in html and "Barclays October.pdf" in html
    assert "<form" not in html
    assert "Ticked automatically" in page

    with practice_context(practice.pk):
        acknowledge(Delivery.objects.get(), ann)
    html = panel(page_of(http, pack))
    assert "Acknowledged</span> on" in html and "by Ann Baker." in html


def test_publishing_without_portal_contacts_says_nobody_was_emailed(
    http, pack, accounts_pdf, not_portal_contacts
):
    response = http.post(
        f"/packs/{pack.code}/deliver/",
        {"documents": [str(accounts_pdf.code)], "title": "October accounts"},
    )
    assert texts(response) == [
        "Published “October accounts” to the portal: 1 document. Nobody was emailed: "
        "Harbourview Bakery Ltd has no portal contact yet. The documents are in the portal "
        "for when a contact is invited."
    ]
    assert "Nobody was emailed" in panel(page_of(http, pack))


@pytest.mark.parametrize(
    "data, error, ticked",
    [
        ({"title": "October"}, "Nothing published: choose at least one document to deliver.", []),
        (
            {"documents": ["not-a-code"], "title": "October"},
            "Nothing published: one of the chosen documents no longer exists.",
            [],
        ),
        (
            {"documents": ["ACCOUNTS"], "title": ""},
            "Nothing published: give the delivery a title.",
            ["ACCOUNTS"],
        ),
        (
            {"documents": ["ACCOUNTS", "STRANGER"], "title": "October"},
            "Nothing published: “theirs.pdf” is not a live document of Harbourview Bakery Ltd.",
            ["ACCOUNTS"],
        ),
    ],
)
def test_a_refused_publish_shows_why_and_keeps_the_choices(
    http, practice, pack, ann, accounts_pdf, statement, data, error, ticked
):
    stranger = DocumentFactory(
        practice=practice,
        client=ClientFactory(practice=practice),
        period=OCTOBER,
        original_name="theirs.pdf",
    )
    codes = {"ACCOUNTS": str(accounts_pdf.code), "STRANGER": str(stranger.code)}
    if "documents" in data:
        data = {**data, "documents": [codes.get(code, code) for code in data["documents"]]}
    response = http.post(f"/packs/{pack.code}/deliver/", data)
    assert response.status_code == 200
    html = panel(response.content.decode())
    assert error in html
    assert re.findall(r'value="([^"]+)" checked', html) == [codes[code] for code in ticked]
    assert counts(practice) == (0, 0, 0)
    assert not deliver_item(pack).is_done


def test_publishing_twice_from_the_page_is_refused(http, practice, pack, accounts_pdf):
    url = f"/packs/{pack.code}/deliver/"
    http.post(url, {"documents": [str(accounts_pdf.code)], "title": "October"})
    response = http.post(url, {"documents": [str(accounts_pdf.code)], "title": "Again"})
    assert response.status_code == 200
    html = panel(response.content.decode())
    assert "Nothing published" not in html
    assert "This pack was delivered already" in html and "<strong>Delivered</strong>" in html
    assert counts(practice)[0] == 1


def test_publish_is_post_only_staff_only_and_another_practice_gets_404(
    practice, other_practice, pack, accounts_pdf, other_partner
):
    url = f"/packs/{pack.code}/deliver/"
    data = {"documents": [str(accounts_pdf.code)], "title": "October"}
    staff_http = sign_in(HttpClient(), UserFactory(practice=practice))
    assert staff_http.get(url).status_code == 405
    assert sign_in(HttpClient(), other_partner).post(url, data).status_code == 404
    contact_user = PortalUserFactory(practice=practice)
    assert sign_in(HttpClient(), contact_user).post(url, data).status_code == 403
    assert HttpClient().post(url, data).status_code == 302  # to the sign-in page
    assert counts(practice) == (0, 0, 0)


# --- query count ------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [1, 30])
@pytest.mark.parametrize("delivered", [False, True])
def test_pack_page_query_count_does_not_grow_with_documents_or_contacts(
    practice, pack, staff, partner, size, delivered, django_assert_num_queries
):
    http = sign_in(HttpClient(), partner)  # a partner sees everything: the reassign form too
    documents = [
        DocumentFactory(practice=practice, client=pack.client, period=OCTOBER) for _ in range(size)
    ]
    for n in range(size):
        portal_contact(practice, pack.client, f"Contact {n:02d}")
    if delivered:
        delivery = do_publish(pack, documents, staff)
        with practice_context(practice.pk):
            acknowledge(delivery, PortalEmail.objects.first().contact)
    # The pack page's own (see tests/tasks/test_pack_page.py: 13, including the stages the
    # viewer ticked, which the segregation rules read, and the top bar's inbox count of messages
    # waiting in triage), then the Deliver panel's two: 14 the delivery's document links (with
    # the delivery, who published and acknowledged it, the documents); 15 its emails with their
    # contacts — or, before delivery, the candidates, and 16 the items of the period's open
    # requests, for the warning about documents still outstanding (portal.closing.outstanding;
    # the pack is reviewed, so it can be delivered). And one for the reconcile stage's bank
    # accounts with their reconciliation of the month (reconciliation.integration), and one for
    # the prepare stage's trial balance of the month (reporting.integration), and before delivery
    # one for the renders of the management accounts the reviewer did not approve; and the
    # review stage's review points (reporting.integration).
    with django_assert_num_queries(18 if delivered else 20):
        page = page_of(http, pack)
    html = panel(page)
    if delivered:
        assert html.count("<li><a href=") == size
        assert html.count("&lt;portal-contact") == size
    else:
        assert html.count('<input type="checkbox"') == size
