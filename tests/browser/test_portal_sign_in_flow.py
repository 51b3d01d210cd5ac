"""Staff invite a client's contact to the portal from the client's Contacts tab; the contact
opens the emailed link, chooses a password and lands on the portal's home, which shows the
client's open request. A contact who is signed out signs in on the portal's own page, in a
client's words, and comes back to it when signing out."""

import datetime
import re

import pytest

from atlasos.tenancy.context import practice_context
from portal.models import PortalEmail
from tests.clock import current_date
from tests.factories.accounts import PASSWORD
from tests.factories.clients import ClientContactFactory, ClientFactory, ContactFactory
from tests.factories.portal import DocumentRequestFactory, PortalGrantFactory, RequestItemFactory

expect = pytest.importorskip(
    "playwright.sync_api", reason="Playwright is not installed (pip install playwright)"
).expect

LINK = re.compile(r"https?://[^\s]+(/portal/link/[A-Za-z0-9_\-]+/)")


def test_invited_contact_sets_a_password_and_sees_the_open_request(
    page, log_in, partner, practice, browser_log
):
    client = ClientFactory(practice=practice, name="Lighthouse Cafe Ltd", preparer=partner)
    contact = ContactFactory(practice=practice, name="Jane Baker", email="jane@lighthouse.example")
    ClientContactFactory(practice=practice, client=client, contact=contact)
    with practice_context(practice.pk):
        request = DocumentRequestFactory(
            practice=practice,
            client=client,
            title="Documents for October 2026",
            status="sent",
            due=current_date() + datetime.timedelta(days=6),
        )
        RequestItemFactory(practice=practice, request=request, title="Bank statement")
        RequestItemFactory(practice=practice, request=request, title="Receipts")
        DocumentRequestFactory(practice=practice, client=client, title="A draft request")

    log_in(partner, then=f"/clients/{client.code}/contacts/")
    row = page.locator("tr", has_text="Jane Baker")
    row.get_by_role("button", name="Invite to portal").click()
    expect(page.locator(".messages")).to_contain_text("Invitation emailed to jane@lighthouse")
    expect(page.locator("tr", has_text="Jane Baker")).to_contain_text("not signed in yet")

    with practice_context(practice.pk):
        email = PortalEmail.objects.get(contact=contact, kind="invitation")
    assert email.state == "sent"
    path = LINK.search(email.body_text).group(1)

    page.context.clear_cookies()
    page.goto(path)
    expect(page.get_by_role("heading", name="Choose your password")).to_be_visible()
    page.get_by_label("New password", exact=True).fill("lighthouse-portal-2026")
    page.get_by_label("New password confirmation").fill("lighthouse-portal-2026")
    page.get_by_role("button", name="Set password and sign in").click()

    expect(page).to_have_url(re.compile(r"/portal/$"))
    expect(page.locator(".messages")).to_contain_text("Your password is set")
    section = page.locator("section.portal-client", has_text="Lighthouse Cafe Ltd")
    expect(section).to_contain_text("Documents for October 2026")
    expect(section).to_contain_text("0 of 2 received")
    expect(section).to_contain_text("2 items")
    expect(page.locator("main")).not_to_contain_text("A draft request")
    browser_log.assert_clean()


def test_contact_signs_in_on_the_portal_page_and_lands_on_the_emailed_request(
    page, practice, browser_log
):
    client = ClientFactory(practice=practice, name="Lighthouse Cafe Ltd")
    account = PortalGrantFactory(
        practice=practice, client=client, account__contact__name="Jane Baker"
    ).account
    with practice_context(practice.pk):
        request = DocumentRequestFactory(
            practice=practice,
            client=client,
            title="Documents for October 2026",
            status="sent",
            due=current_date() + datetime.timedelta(days=6),
        )
        RequestItemFactory(practice=practice, request=request, title="Bank statement")

    # The link in the request email, opened while signed out: the portal's sign-in page.
    page.goto(f"/portal/requests/{request.code}/")
    expect(page).to_have_url(re.compile(r"/portal/sign-in/\?next="))
    expect(page.get_by_role("heading", name="Sign in to your client portal")).to_be_visible()
    expect(page.get_by_role("link", name="Email me a sign-in link")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("Ask a partner of your practice")
    expect(page.get_by_role("navigation", name="Portal")).to_contain_text("Client portal")

    page.get_by_label("Email", exact=True).fill(account.user.email)
    page.get_by_label("Password", exact=True).fill("not-my-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("password you specified are not correct")
    expect(page.get_by_role("heading", name="Sign in to your client portal")).to_be_visible()

    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(rf"/portal/requests/{request.code}/$"))
    expect(page.locator("main")).to_contain_text("Documents for October 2026")
    expect(page.locator("main")).to_contain_text("Bank statement")

    # Signing out comes back to the portal's sign-in page, not the staff one.
    page.get_by_text("Jane Baker").click()
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/portal/sign-in/$"))
    expect(page.get_by_role("heading", name="Sign in to your client portal")).to_be_visible()
    browser_log.assert_clean()
