"""Every kind of email the product sends, read as the recipient's mail program reads it: the
plain-text part shows names as typed (``Harbour & Co``), never HTML entities; the HTML part
escapes them (``Harbour &amp; Co``)."""

import datetime
import email
from email import policy as email_policy
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail as outbox

from atlasos import clock as wall_clock
from atlasos.accounts.services import invite_member
from atlasos.tenancy.context import practice_context
from notifications.models import EmailChoice
from notifications.services import save_email_choice, send_daily_digests
from portal.delivery import publish
from portal.portal_accounts import invite_contact, request_sign_in_link
from portal.reminders import run_reminders
from portal.sending import send_request
from tasks.alerts import raise_overdue_alerts
from tests.factories.accounts import UserFactory
from tests.factories.clients import ClientContactFactory, ClientFactory, ContactFactory
from tests.factories.documents import DocumentFactory
from tests.factories.tasks import PackFactory, PackItemFactory
from tests.helpers import MON_9, make_pack_due_from_6_nov
from tests.portal.mailing import open_request, portal_contact

PRACTICE = "Harbour & Co Bookkeeping"
PRACTICE_HTML = "Harbour &amp; Co Bookkeeping"
CLIENT = 'Smith & Jones "The Bakers" <Quay> Ltd'
CLIENT_HTML = "Smith &amp; Jones &quot;The Bakers&quot; &lt;Quay&gt; Ltd"
ENTITIES = ("&amp;", "&quot;", "&lt;", "&gt;", "&#x27;", "&#39;")


@pytest.fixture
def preparer(practice):
    return UserFactory(practice=practice, full_name="Dana Price", email="dana@harbour.example")


@pytest.fixture
def smiths(practice, preparer):
    return ClientFactory(practice=practice, name=CLIENT, preparer=preparer)


@pytest.fixture
def ann(practice, smiths):
    return portal_contact(practice, smiths, "Ann O'Brien", "ann@smiths.example")


def today(practice) -> datetime.date:
    return wall_clock.local_date(practice.timezone)


def month_ago() -> datetime.datetime:
    return wall_clock.now() - datetime.timedelta(days=30)


# --- one builder per kind: makes the product send it, returns the messages sent ---------------


def request_email(practice, smiths, ann, preparer, partner, capture):
    doc_request = open_request(practice, smiths, due=today(practice), title="Papers & receipts")
    with capture(execute=True), practice_context(practice.pk):
        send_request(doc_request, by=preparer, now=wall_clock.now())
    return outbox.outbox


def reminder_email(practice, smiths, ann, preparer, partner, capture):
    due = today(practice) + datetime.timedelta(days=3)
    open_request(practice, smiths, due=due, sent_at=month_ago())
    with practice_context(practice.pk):
        run_reminders()
    return outbox.outbox


def escalation_email(practice, smiths, ann, preparer, partner, capture):
    due = today(practice) - datetime.timedelta(days=20)
    open_request(practice, smiths, due=due, sent_at=month_ago())
    with practice_context(practice.pk):
        run_reminders()
    return [message for message in outbox.outbox if message.to == [preparer.email]]


def delivery_email(practice, smiths, ann, preparer, partner, capture):
    october = datetime.date(2026, 10, 1)
    with practice_context(practice.pk):
        pack = PackFactory(
            practice=practice,
            client=smiths,
            period=october,
            preparer=preparer,
            reviewer=partner,
            review_done_at=wall_clock.now(),
            current_stage="deliver",
        )
        PackItemFactory(practice=practice, pack=pack, stage="deliver", auto_key="pack_delivered")
    document = DocumentFactory(
        practice=practice, client=smiths, period=october, original_name="Accounts & notes.pdf"
    )
    with capture(execute=True), practice_context(practice.pk):
        publish(pack, [document], by=partner, message="Profit & loss are in.")
    return outbox.outbox


def invitation_email(practice, smiths, ann, preparer, partner, capture):
    with practice_context(practice.pk):
        contact = ContactFactory(practice=practice, name="Bob O'Hara", email="bob@smiths.example")
        ClientContactFactory(practice=practice, client=smiths, contact=contact)
    with capture(execute=True), practice_context(practice.pk):
        invite_contact(contact, smiths, by=partner)
    return outbox.outbox


def sign_in_email(practice, smiths, ann, preparer, partner, capture):
    with capture(execute=True):
        assert request_sign_in_link("ann@smiths.example")
    return outbox.outbox


def staff_invitation_email(practice, smiths, ann, preparer, partner, capture):
    with capture(execute=True), practice_context(practice.pk):
        invite_member(
            practice=practice,
            invited_by=partner,
            email="newcomer@harbour.example",
            role="staff",
            full_name="Niamh O'Neill",
        )
    return outbox.outbox


def overdue_alert_email(practice, smiths, ann, preparer, partner, capture):
    wall_clock.set_now(MON_9)
    make_pack_due_from_6_nov(practice, name=CLIENT, preparer=preparer)
    with practice_context(practice.pk):
        raise_overdue_alerts(practice, MON_9)
    return outbox.outbox


def digest_email(practice, smiths, ann, preparer, partner, capture):
    wall_clock.set_now(MON_9)
    make_pack_due_from_6_nov(practice, name=CLIENT, preparer=preparer)
    with practice_context(practice.pk):
        save_email_choice(preparer, EmailChoice.DIGEST)
        raise_overdue_alerts(practice, MON_9)
        assert outbox.outbox == []
        send_daily_digests(practice, MON_9)
    return outbox.outbox


KINDS = [
    pytest.param(request_email, True, id="request"),
    pytest.param(reminder_email, True, id="reminder"),
    pytest.param(escalation_email, True, id="escalation"),
    pytest.param(delivery_email, True, id="delivery"),
    pytest.param(invitation_email, True, id="portal-invitation"),
    pytest.param(sign_in_email, False, id="portal-sign-in-link"),
    pytest.param(staff_invitation_email, False, id="staff-invitation"),
    pytest.param(overdue_alert_email, True, id="overdue-alert"),
    pytest.param(digest_email, True, id="digest"),
]


@pytest.mark.parametrize(("build", "names_the_client"), KINDS)
def test_the_text_part_shows_names_as_typed_and_the_html_part_escapes_them(
    practice,
    smiths,
    ann,
    preparer,
    partner,
    build,
    names_the_client,
    django_capture_on_commit_callbacks,
):
    messages = build(practice, smiths, ann, preparer, partner, django_capture_on_commit_callbacks)

    assert messages, "the product sent no email of this kind"
    parsed = email.message_from_bytes(messages[0].message().as_bytes(), policy=email_policy.default)
    text = parsed.get_body(("plain",)).get_content()
    html = parsed.get_body(("html",)).get_content()
    assert PRACTICE in text
    assert PRACTICE_HTML in html
    assert not [entity for entity in ENTITIES if entity in text], text
    if names_the_client:
        assert CLIENT in text
        assert CLIENT_HTML in html
        assert CLIENT not in html


def test_every_plain_text_email_template_turns_autoescape_off():
    """A new email kind gets the same treatment: its text part is written without escaping."""
    templates = Path(settings.BASE_DIR) / "templates"
    text_parts = sorted(templates.glob("**/email/*.txt"))
    assert len(text_parts) >= 9
    for path in text_parts:
        source = path.read_text()
        assert "{% autoescape off %}" in source and "{% endautoescape %}" in source, path
        if "{% extends" not in source:
            assert source.startswith("{% autoescape off %}"), path
