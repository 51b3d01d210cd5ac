"""The pack's collect items follow its document request, through the pages people use: a
contact's upload in the portal, staff uploading, unlinking, marking not applicable and adding
items on the request page, and ticks by hand on the pack page (a manual override, recorded as
such and not fought until the documents it covers change again)."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as HttpClient
from django.urls import reverse

from atlasos import clock as wall_clock
from atlasos.tenancy.context import practice_context
from portal.models import DocumentRequest, RequestItem, RequestItemDocument
from tasks.models import PackEvent, PackItem
from templates_engine.models import TaskTemplate
from templates_engine.standard import STANDARD_NAME
from tests.factories.clients import BankAccountFactory, ClientFactory
from tests.factories.portal import PortalGrantFactory
from tests.helpers import sign_in, standard_pack
from tests.portal import samples

COLLECT = [
    "Bank statements received",
    "Sales invoices received",
    "Purchase invoices received",
    "Receipts received",
]


@pytest.fixture
def client_ltd(practice):
    client = ClientFactory(practice=practice, name="Lighthouse Cafe Ltd", payroll_frequency="none")
    BankAccountFactory(
        practice=practice,
        client=client,
        bank_name="Barclays",
        name="Business Current",
        account_number="41231234",
    )
    return client


@pytest.fixture
def pack(practice, client_ltd):
    """October's pack on the standard template, made by the recurrence with its request,
    which has been sent to the client."""
    pack = standard_pack(practice, client_ltd, now=wall_clock.now())
    with practice_context(practice.pk):
        DocumentRequest.objects.filter(pack=pack).update(status="sent", sent_at=wall_clock.now())
    return pack


@pytest.fixture
def http(staff):
    return sign_in(HttpClient(), staff)


@pytest.fixture
def contact_http(practice, client_ltd):
    account = PortalGrantFactory(practice=practice, client=client_ltd).account
    http = HttpClient()
    http.force_login(account.user)
    return http


def request_item(pack, title) -> RequestItem:
    with practice_context(pack.practice_id):
        return RequestItem.objects.select_related("request").get(request__pack=pack, title=title)


def collect_item(pack, title) -> PackItem:
    with practice_context(pack.practice_id):
        return PackItem.objects.get(pack=pack, stage="collect", title=title)


def upload(http, item, name="receipts.pdf", data=samples.PDF):
    url = reverse("request_item_upload", args=[item.code])
    response = http.post(url, {"files": [SimpleUploadedFile(name, data)]})
    assert response.status_code == 302
    return response


def tick(http, item, done=True):
    response = http.post(f"/pack-items/{item.code}/tick/", {"done": "1" if done else "0"})
    assert response.status_code == 302
    return response


def item_html(http, pack, title) -> str:
    """The pack page's checklist line of the collect item called ``title``."""
    page = http.get(pack.get_absolute_url()).content.decode()
    item = collect_item(pack, title)
    return re.search(rf'<li id="item-{item.code}".*?</li>\n', page, re.S).group(0)


def history(http, pack) -> str:
    return http.get(pack.get_absolute_url()).content.decode().split('id="pack-history"')[1]


def test_the_contacts_last_upload_ticks_the_matching_collect_item(
    http, contact_http, practice, pack, media
):
    receipts = request_item(pack, "Receipts")
    response = contact_http.post(
        reverse("portal_item_upload", args=[receipts.code]),
        {"files": [SimpleUploadedFile("october-receipts.pdf", samples.PDF)]},
    )
    assert response.status_code == 302
    line = item_html(http, pack, "Receipts received")
    assert 'aria-pressed="true"' in line and "Ticked automatically" in line
    # The other kinds are still awaited, and say what they wait for.
    sales = item_html(http, pack, "Sales invoices received")
    assert 'aria-pressed="false"' in sales
    assert "Ticks itself when the request has them; still missing: Sales invoices." in sales
    assert "Receipts received (the document request has every document for it)" in history(
        http, pack
    )
    with practice_context(practice.pk):
        assert PackItem.objects.filter(pack=pack, done_at__isnull=False).count() == 1


def test_the_collect_stage_completes_only_when_every_mandatory_kind_is_in(
    http, practice, pack, media
):
    for number, title in enumerate(
        [
            "Bank statement — Barclays Business Current ****1234",
            "Sales invoices",
            "Purchase invoices",
        ]
    ):
        upload(http, request_item(pack, title), f"file-{number}.pdf", samples.PDF + bytes([number]))
    page = http.get(pack.get_absolute_url()).content.decode()
    assert "Mandatory 3 of 4" in page.split('id="stage-collect"')[1].split("</header>")[0]
    # Receipts not applicable this month: the last mandatory kind is in, the stage completes
    # (petty cash and payroll are optional: the stage does not wait for them).
    receipts = request_item(pack, "Receipts")
    http.post(
        reverse("request_item_not_applicable", args=[receipts.code]),
        {"reason": "Paid everything by card"},
    )
    page = http.get(pack.get_absolute_url()).content.decode()
    collect = page.split('id="stage-collect"')[1].split("</header>")[0]
    assert "Mandatory 4 of 4" in collect and ">Complete</span>" in collect
    assert "Now: Capture transactions, due" in page
    for title in COLLECT:
        assert collect_item(pack, title).done_automatically


def test_unlinking_an_upload_unticks_the_item_and_reopens_the_stage(http, practice, pack, media):
    for title in COLLECT:
        tick(http, collect_item(pack, title))  # by hand, before anything came in
    receipts = request_item(pack, "Receipts")
    upload(http, receipts)
    assert collect_item(pack, "Receipts received").is_done
    with practice_context(practice.pk):
        document = RequestItemDocument.objects.get(item=receipts).document
    response = http.post(
        reverse("request_item_unlink", args=[receipts.code]), {"document": str(document.code)}
    )
    assert response.status_code == 302
    item = collect_item(pack, "Receipts received")
    assert item.done_at is None and item.documents_missing == ["Receipts"]
    page = http.get(pack.get_absolute_url()).content.decode()
    assert "Now: Collect documents" in page
    assert "Unticked: Receipts received (the document request misses: Receipts)" in page


def test_not_applicable_ticks_and_needed_again_unticks(http, practice, pack):
    petty = request_item(pack, "Petty cash records")
    http.post(
        reverse("request_item_not_applicable", args=[petty.code]), {"reason": "No petty cash"}
    )
    assert collect_item(pack, "Petty cash records received").done_automatically
    http.post(reverse("request_item_needed", args=[petty.code]))
    item = collect_item(pack, "Petty cash records received")
    assert item.done_at is None and item.documents_missing == ["Petty cash records"]


def test_a_new_required_item_of_a_kind_unticks_its_collect_item(http, practice, pack, media):
    upload(http, request_item(pack, "Receipts"))
    assert collect_item(pack, "Receipts received").is_done
    response = http.post(
        reverse("request_item_add", args=[request_item(pack, "Receipts").request.code]),
        {"title": "Fuel receipts", "doc_type": "receipt", "required": "on"},
    )
    assert response.status_code == 302
    item = collect_item(pack, "Receipts received")
    assert item.done_at is None and item.documents_missing == ["Fuel receipts"]
    # An item of another kind leaves the receipts alone.
    upload(http, request_item(pack, "Fuel receipts"), "fuel.pdf", samples.PDF + b"fuel")
    assert collect_item(pack, "Receipts received").done_automatically


def test_a_hand_tick_while_documents_are_missing_is_a_recorded_override(
    http, practice, pack, staff
):
    tick(http, collect_item(pack, "Receipts received"))
    line = item_html(http, pack, "Receipts received")
    assert "Ticked by Tom Reilly" in line
    assert "Manual override:</strong> ticked by hand while the request still misses: Receipts" in (
        line
    )
    with practice_context(practice.pk):
        event = PackEvent.objects.get(pack=pack, action="ticked")
    assert event.actor == staff and not event.automatic
    assert event.detail == (
        "Receipts received — manual override: ticked by hand while the request still misses: "
        "Receipts"
    )
    assert (
        "Ticked: Receipts received — manual override: ticked by hand while the request still "
        "misses: Receipts" in history(http, pack)
    )


def test_the_system_does_not_fight_a_hand_tick_until_its_documents_change(
    http, practice, pack, media
):
    tick(http, collect_item(pack, "Receipts received"))
    # Something else comes in: the request changed, but not for receipts. The tick stands.
    upload(http, request_item(pack, "Sales invoices"), "sales.pdf")
    assert collect_item(pack, "Receipts received").is_done
    # A new receipts item is asked for: what the override covered changed, the system unticks.
    http.post(
        reverse("request_item_add", args=[request_item(pack, "Receipts").request.code]),
        {"title": "Fuel receipts", "doc_type": "receipt", "required": "on"},
    )
    item = collect_item(pack, "Receipts received")
    assert item.done_at is None and item.documents_missing == ["Receipts", "Fuel receipts"]


def test_a_hand_untick_while_everything_is_in_is_an_override_that_stands(
    http, practice, pack, media
):
    upload(http, request_item(pack, "Receipts"))
    tick(http, collect_item(pack, "Receipts received"), done=False)
    line = item_html(http, pack, "Receipts received")
    assert "Manual override:</strong> unticked by hand although the request has every" in line
    upload(http, request_item(pack, "Sales invoices"), "sales.pdf")
    assert collect_item(pack, "Receipts received").done_at is None
    with practice_context(practice.pk):
        event = PackEvent.objects.get(pack=pack, action="unticked")
    assert "manual override: unticked by hand" in event.detail


def test_the_calendar_panel_shows_the_override_too(http, practice, pack, partner):
    tick(http, collect_item(pack, "Receipts received"))
    manager_http = sign_in(HttpClient(), partner)
    panel = manager_http.get(
        reverse("calendar_pack_panel", args=[pack.code]) + "?month=2026-11"
    ).content.decode()
    assert "ticked by hand while the request still misses: Receipts" in panel
    assert "still missing: Sales invoices" in panel


def test_the_standard_template_says_which_kind_each_collect_item_follows(practice, partner):
    with practice_context(practice.pk):
        template = TaskTemplate.objects.get(name=STANDARD_NAME)
    page = sign_in(HttpClient(), partner).get(template.get_absolute_url()).content.decode()
    for kind in ("receipts", "bank statements", "payroll report"):
        assert f"Ticks itself: requested {kind} received" in page
