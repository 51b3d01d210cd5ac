"""The client's Details tab shows its inbox address with a copy button, its rotated addresses
still working and until when, and for partners a button to rotate it (the inbox fills the
place ``clients.extensions`` leaves for it)."""

import html
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from atlasos.tenancy.context import practice_context
from inbox import addresses
from tests.factories.clients import ClientFactory
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def acme(practice):
    return ClientFactory(practice=practice, name='Acme & Sons "Quay" Ltd')


def address_of(client) -> str:
    with practice_context(client.practice_id):
        return addresses.client_address(client)


def rotate(client) -> str:
    with practice_context(client.practice_id):
        return addresses.rotate_client_address(client)


def details(http, client) -> str:
    response = http.get(reverse("client_detail", args=[client.code]))
    assert response.status_code == 200
    return response.content.decode()


def block(page: str) -> str:
    return re.search(
        r'<section class="card" aria-labelledby="inbox-address-heading">.*?</section>', page, re.S
    ).group(0)


def test_the_details_tab_shows_the_client_address_with_a_copy_button(client, staff, acme):
    part = block(details(sign_in(client, staff), acme))
    address = address_of(acme)  # the page made it; asked again, it is the same
    assert "Documents by email" in part
    assert f'<span class="code" id="inbox-address">{address}</span>' in part
    # Copies the address; hidden until the script finds the browser can copy.
    button = re.search(r"<button [^>]*data-copy=[^>]*>Copy</button>", part).group(0)
    assert f'data-copy="{address}"' in button
    assert 'type="button"' in button and " hidden" in button
    assert "data-copy-status" in part


def test_the_copy_button_has_its_script():
    script = Path(finders.find("js/atlas.js")).read_text(encoding="utf-8")
    assert "button[data-copy]" in script and "navigator.clipboard.writeText" in script
    css = Path(finders.find("css/atlas.css")).read_text(encoding="utf-8")
    assert "[hidden] { display: none !important; }" in css  # over button's display rule


def test_a_partner_sees_rotate_with_what_it_means(client, partner, acme):
    part = block(details(sign_in(client, partner), acme))
    address = address_of(acme)
    url = reverse("inbox:rotate_address", args=[acme.code])
    assert url == f"/clients/{acme.code}/inbox-address/rotate/"
    form = re.search(
        r'<form method="post" action="([^"]+)"[^>]*data-confirm="([^"]+)"[^>]*>.*?</form>',
        part,
        re.S,
    )
    assert form.group(1) == url
    question = html.unescape(form.group(2))
    assert question == (
        f'Give Acme & Sons "Quay" Ltd a new address? The current one, {address}, keeps '
        "working for 30 more days; after that its mail waits in triage."
    )
    assert "csrfmiddlewaretoken" in form.group(0)
    assert ">Rotate address</button>" in form.group(0)


@pytest.mark.parametrize("role", ["manager", "staff"])
def test_only_partners_see_rotate(client, request, acme, role):
    part = block(details(sign_in(client, request.getfixturevalue(role)), acme))
    assert address_of(acme) in part
    assert "Rotate address" not in part
    assert "inbox-address/rotate" not in part


def test_rotated_addresses_still_working_show_with_their_end_date(client, staff, acme, clock):
    first = address_of(acme)
    second = rotate(acme)  # 18 Nov 2026: the first works until 18 December
    clock.advance(days=5)
    current = rotate(acme)  # 23 Nov: the second works until 23 December
    http = sign_in(client, staff)
    part = block(details(http, acme))
    assert f'<span class="code" id="inbox-address">{current}</span>' in part
    assert "Earlier addresses, still working until their mail goes to triage:" in part
    listed = re.findall(r'<li><span class="code">([^<]+)</span> until ([^<]+)</li>', part)
    assert listed == [(second, "23 December 2026"), (first, "18 December 2026")]

    clock.advance(days=26)  # 19 Dec: the first has stopped, the second still works
    listed = re.findall(
        r'<li><span class="code">([^<]+)</span> until ([^<]+)</li>', block(details(http, acme))
    )
    assert listed == [(second, "23 December 2026")]

    clock.advance(days=5)
    assert "Earlier addresses" not in block(details(http, acme))


def test_the_address_is_the_client_own(client, staff, practice, acme):
    other = ClientFactory(practice=practice, name="Other Ltd")
    http = sign_in(client, staff)
    assert address_of(acme) in block(details(http, acme))
    assert address_of(acme) not in block(details(http, other))
    assert address_of(other) in block(details(http, other))


def test_only_the_details_tab_carries_it(client, staff, acme):
    http = sign_in(client, staff)
    details(http, acme)
    contacts = http.get(reverse("client_contacts", args=[acme.code])).content.decode()
    assert "inbox-address-heading" not in contacts
    assert address_of(acme) not in contacts


# Session, user, client, tab counts, tags, the bell, the top bar's inbox count (messages waiting
# in triage); then the address and its rotated ones; and the bank accounts with last month's
# reconciliations (reconciliation's part of the tab), and the months with a trial balance
# (reporting's part).
DETAIL_QUERIES = 11


@pytest.mark.parametrize("rotations", [0, 5])
def test_the_details_tab_adds_two_queries_however_many_rotations(
    client, partner, acme, rotations, django_assert_num_queries
):
    address_of(acme)
    for _ in range(rotations):
        rotate(acme)
    http = sign_in(client, partner)
    details(http, acme)  # the first visit of a client without an address makes it
    with django_assert_num_queries(DETAIL_QUERIES):
        part = block(details(http, acme))
    assert part.count("<li>") == rotations
