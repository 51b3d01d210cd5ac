"""Inviting an address that is already somebody's sign-in: inside the practice the answer may
say whose; outside it (another practice's contact or member of staff, a platform account) the
answer is one set of words, the same as for our own sending address, so the invitation forms
cannot be used to learn who signs in to another practice."""

import re
from html import unescape

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse

from atlasos.accounts.models import Invitation
from atlasos.tenancy.context import practice_context
from portal.models import PortalAccount, PortalEmail, PortalGrant, PortalLink
from tests.factories.accounts import UserFactory
from tests.factories.clients import ClientContactFactory, ClientFactory, ContactFactory
from tests.factories.portal import PortalUserFactory
from tests.portal.mailing import portal_contact

User = get_user_model()
ERRORS = re.compile(r'<ul class="errorlist"[^>]*>(.*?)</ul>', re.S)

# Who holds each address; none of them belongs to the inviting practice.
OUTSIDE = [
    "another practice's client contact",
    "another practice's member of staff",
    "a platform administrator",
    "our own sending address",
]


@pytest.fixture
def outside_addresses(other_practice):
    elsewhere = ClientFactory(practice=other_practice, name="Elsewhere Client Ltd")
    portal_contact(other_practice, elsewhere, "Sam Director", "sam@director.example")
    UserFactory(practice=other_practice, role="manager", email="olga@elsewhere.example")
    User.objects.create_superuser(email="root@platform.example", password="x", full_name="Root")
    return dict(
        zip(
            OUTSIDE,
            [
                "sam@director.example",
                "olga@elsewhere.example",
                "root@platform.example",
                "no-reply@atlasos.local",
            ],
            strict=True,
        )
    )


@pytest.fixture
def bakery(practice, partner):
    return ClientFactory(practice=practice, name="Harbourview Bakery Ltd", preparer=partner)


def stored(practice) -> dict:
    with practice_context(practice.pk):
        return {
            "users": User.objects.count(),
            "accounts": PortalAccount.objects.count(),
            "grants": PortalGrant.objects.count(),
            "links": PortalLink.objects.count(),
            "emails": PortalEmail.objects.count(),
            "invitations": Invitation.objects.count(),
        }


def invite_contact(http, practice, client, email, capture) -> str:
    """Invite a new contact with ``email`` to the portal from the Contacts tab; the message."""
    link = ClientContactFactory(
        practice=practice,
        client=client,
        contact=ContactFactory(practice=practice, name="Someone New", email=email),
    )
    with capture(execute=True):
        response = http.post(reverse("client_contact_portal_invite", args=[link.code]))
    assert response.status_code == 302
    return [str(m) for m in get_messages(response.wsgi_request)][-1]


def invite_staff(http, email, capture) -> str:
    """Invite ``email`` to the team; the error shown beside the address."""
    with capture(execute=True):
        response = http.post(
            "/settings/team/invite/", {"email": email, "full_name": "Someone", "role": "staff"}
        )
    assert response.status_code == 200
    (errors,) = ERRORS.findall(response.content.decode())
    return unescape(re.sub(r"<[^>]+>", "", errors)).strip()


def neutral(message: str, email: str) -> str:
    assert email in message
    return message.replace(email, "<address>")


def test_a_contact_invitation_gives_one_answer_for_every_address_outside_the_practice(
    practice, bakery, partner_client, outside_addresses, django_capture_on_commit_callbacks
):
    before = stored(practice)
    answers = {
        holder: neutral(
            invite_contact(
                partner_client, practice, bakery, email, django_capture_on_commit_callbacks
            ),
            email,
        )
        for holder, email in outside_addresses.items()
    }
    assert len(set(answers.values())) == 1, answers
    answer = answers[OUTSIDE[0]]
    for word in ("practice", "staff", "portal", "Elsewhere", "administrator"):
        assert word not in answer
    assert stored(practice)["accounts"] == before["accounts"] == 0
    assert stored(practice)["grants"] == 0 and stored(practice)["emails"] == 0
    assert mail.outbox == []


def test_a_staff_invitation_gives_the_same_answer_as_the_contact_invitation(
    practice, bakery, partner_client, outside_addresses, django_capture_on_commit_callbacks
):
    contact_answer = neutral(
        invite_contact(
            partner_client,
            practice,
            bakery,
            "no-reply@atlasos.local",
            django_capture_on_commit_callbacks,
        ),
        "no-reply@atlasos.local",
    )
    answers = {
        holder: neutral(
            invite_staff(partner_client, email, django_capture_on_commit_callbacks), email
        )
        for holder, email in outside_addresses.items()
    }
    assert set(answers.values()) == {contact_answer}, answers
    assert stored(practice)["invitations"] == 0
    assert mail.outbox == []


def test_a_contacts_changed_address_held_outside_the_practice_gets_the_same_answer(
    practice, bakery, partner, partner_client, outside_addresses, django_capture_on_commit_callbacks
):
    link = ClientContactFactory(
        practice=practice,
        client=bakery,
        contact=ContactFactory(practice=practice, name="Jane Baker", email="jane@bakery.example"),
    )
    url = reverse("client_contact_portal_invite", args=[link.code])
    with django_capture_on_commit_callbacks(execute=True):
        partner_client.post(url)
    answers = set()
    for email in outside_addresses.values():
        with practice_context(practice.pk):
            link.contact.email = email
            link.contact.save()
        with django_capture_on_commit_callbacks(execute=True):
            response = partner_client.post(url)
        answers.add(neutral([str(m) for m in get_messages(response.wsgi_request)][-1], email))
    assert answers == {"<address> cannot be used as a sign-in here. Ask for another email address."}
    with practice_context(practice.pk):
        user = PortalAccount.objects.get(contact=link.contact).user
    assert user.email == "jane@bakery.example"


def test_inside_the_practice_the_answer_says_whose_address_it_is(
    practice, bakery, staff, partner_client, django_capture_on_commit_callbacks
):
    contact_user = PortalUserFactory(practice=practice, email="ann@bakery.example")
    for_contact = invite_contact(
        partner_client, practice, bakery, staff.email, django_capture_on_commit_callbacks
    )
    assert "is the sign-in of a member of staff" in for_contact
    for_staff = invite_staff(partner_client, contact_user.email, django_capture_on_commit_callbacks)
    assert "is the client portal sign-in of" in for_staff
    assert contact_user.full_name in for_staff
    assert mail.outbox == []
