"""Inbound addresses: the practice's own and one per client under it, rotation with 30 days'
grace, and what every kind of address resolves to (the one unscoped read, logged)."""

import datetime
import logging
import re

import pytest

from atlasos.tenancy.context import practice_context, unscoped
from inbox import addresses
from inbox.addresses import TOKEN_ALPHABET, TOKEN_LENGTH
from inbox.models import InboxAddress
from tests.factories.clients import ClientFactory
from tests.factories.tenancy import PracticeFactory

pytestmark = pytest.mark.django_db

DOMAIN = "in.atlas.test"  # tests/inbox/conftest.py
SLUG = "harbour-co-bookkeeping"  # the practice fixture: "Harbour & Co Bookkeeping"
CLIENT_ADDRESS = re.compile(
    rf"^{SLUG}\+([{TOKEN_ALPHABET}]{{{TOKEN_LENGTH}}})@{re.escape(DOMAIN)}$"
)


@pytest.fixture
def acme(practice):
    return ClientFactory(practice=practice, name="Acme Trading Ltd", short_code="ACME")


def address_of(client) -> str:
    with practice_context(client.practice_id):
        return addresses.client_address(client)


def token_of(address: str) -> str:
    return CLIENT_ADDRESS.match(address).group(1)


# --- the addresses ------------------------------------------------------------------------------


def test_the_practice_address_is_its_slug_at_the_inbox_domain(practice):
    assert addresses.practice_address(practice) == f"{SLUG}@{DOMAIN}"
    assert addresses.practice_address(practice) == f"{SLUG}@{DOMAIN}"  # made once, kept


def test_two_practices_of_one_name_get_two_addresses(practice):
    twin = PracticeFactory(name="Harbour & Co. Bookkeeping")
    assert addresses.practice_address(practice) == f"{SLUG}@{DOMAIN}"
    assert addresses.practice_address(twin) == f"{SLUG}-2@{DOMAIN}"


def test_a_client_address_is_the_practice_slug_plus_a_short_safe_token(acme):
    address = address_of(acme)
    token = token_of(address)  # <practice-slug>+<token>@<domain>, from the safe alphabet
    assert len(token) == 10
    assert not set(token) & set("01lo")  # nothing to misread aloud or type wrongly
    assert token.lower() != acme.short_code.lower()
    assert acme.short_code.lower() not in address
    assert str(acme.code) not in address and str(acme.code.hex) not in address
    assert address_of(acme) == address  # made the first time, then the same


def test_every_client_has_its_own_token(practice):
    clients = [ClientFactory(practice=practice) for _ in range(40)]
    tokens = {token_of(address_of(client)) for client in clients}
    assert len(tokens) == 40


def test_a_token_already_taken_is_drawn_again(practice, monkeypatch):
    addresses.practice_address(practice)
    draws = iter(["aaaaaaaaaa", "aaaaaaaaaa", "bbbbbbbbbb"])
    monkeypatch.setattr(addresses, "_new_token", lambda: next(draws))
    # A client has its address from the moment it is saved.
    first, second = ClientFactory(practice=practice), ClientFactory(practice=practice)
    assert address_of(first) == f"{SLUG}+aaaaaaaaaa@{DOMAIN}"
    assert address_of(second) == f"{SLUG}+bbbbbbbbbb@{DOMAIN}"


def test_the_address_follows_the_domain_setting(acme, settings):
    settings.ATLAS_INBOX_DOMAIN = "docs.harbour.example"
    assert address_of(acme).endswith("@docs.harbour.example")
    assert addresses.resolve(address_of(acme)).client_id == acme.pk


# --- resolving an address -----------------------------------------------------------------------


def test_a_new_practice_and_a_new_client_can_receive_mail_before_anyone_looks(db):
    new = PracticeFactory(name="Brand New Bookkeeping")
    with practice_context(new.pk):
        client = ClientFactory(practice=new)
    with unscoped("test"):
        rows = {row.client_id: row.local_part for row in InboxAddress.objects.filter(practice=new)}
    assert rows[None] == "brand-new-bookkeeping"
    assert rows[client.pk].startswith("brand-new-bookkeeping+")
    assert addresses.resolve(f"brand-new-bookkeeping@{DOMAIN}").practice_id == new.pk


def test_the_practice_address_resolves_to_the_practice_and_no_client(practice):
    found = addresses.resolve(addresses.practice_address(practice))
    assert (found.practice_id, found.client_id, found.note) == (practice.pk, None, "")


def test_a_client_address_resolves_to_its_client(practice, acme):
    address = address_of(acme)
    found = addresses.resolve(address)
    assert (found.practice_id, found.client_id, found.note) == (practice.pk, acme.pk, "")
    assert found.recipient == address


def test_an_unknown_token_under_the_practice_slug_goes_to_the_practice_with_a_note(practice, acme):
    address_of(acme)
    found = addresses.resolve(f"{SLUG}+zzzzzzzzzz@{DOMAIN}")
    assert (found.practice_id, found.client_id) == (practice.pk, None)
    assert found.note == "the client part of the address is unknown"


@pytest.mark.parametrize(
    "address",
    [
        f"{SLUG}@elsewhere.example",  # another domain
        f"{SLUG}@sub.{DOMAIN}",
        f"someone-else@{DOMAIN}",  # no such practice
        f"someone-else+abcdefghij@{DOMAIN}",
        "not an address",
        "",
        None,
        f"{'x' * 65}@{DOMAIN}",  # longer than a local part may be
    ],
)
def test_an_address_that_is_not_ours_resolves_to_nothing(practice, acme, address):
    address_of(acme)
    assert addresses.resolve(address) is None
    assert not addresses.is_known(address)


def test_another_domain_with_a_client_token_resolves_to_nothing(acme):
    local = address_of(acme).split("@")[0]
    assert addresses.resolve(f"{local}@elsewhere.example") is None


def test_addresses_are_case_insensitive_and_forgive_brackets_and_spaces(practice, acme):
    address = address_of(acme)
    for written in (address.upper(), f" <{address}> ", address.replace(DOMAIN, DOMAIN.upper())):
        found = addresses.resolve(written)
        assert found.client_id == acme.pk
        assert found.recipient == address  # as written, lowercased
    assert addresses.resolve(f"{SLUG.upper()}@{DOMAIN.upper()}").practice_id == practice.pk


def test_a_client_of_another_practice_is_never_this_practice(practice, acme):
    other = PracticeFactory(name="Elsewhere Accountants")
    theirs = ClientFactory(practice=other, name="Acme Trading Ltd")
    found = addresses.resolve(address_of(theirs))
    assert (found.practice_id, found.client_id) == (other.pk, theirs.pk)
    assert address_of(theirs).startswith("elsewhere-accountants+")


def test_the_lookup_is_the_logged_unscoped_read(acme, caplog):
    address = address_of(acme)
    with caplog.at_level(logging.INFO, logger="atlasos.tenancy"):
        addresses.resolve(address)
    assert "unscoped: inbox: recipient address → practice" in caplog.messages


# --- rotation -----------------------------------------------------------------------------------


def test_rotating_gives_a_new_address_and_the_old_one_works_for_30_days(acme, clock):
    old = address_of(acme)
    with practice_context(acme.practice_id):
        new = addresses.rotate_client_address(acme)
    assert new != old and token_of(new) != token_of(old)
    assert address_of(acme) == new
    retired_at = clock.now()
    with practice_context(acme.practice_id):
        assert addresses.retired_addresses(acme) == [
            (old, retired_at + datetime.timedelta(days=30))
        ]
    assert addresses.resolve(new).client_id == acme.pk

    clock.advance(days=29)
    found = addresses.resolve(old)
    assert (found.client_id, found.note) == (acme.pk, "")  # within 30 days: still the client


def test_after_30_days_a_retired_address_goes_to_the_practice_with_a_note(practice, acme, clock):
    old = address_of(acme)
    with practice_context(acme.practice_id):
        addresses.rotate_client_address(acme)
    clock.advance(days=30)
    found = addresses.resolve(old)
    assert (found.practice_id, found.client_id) == (practice.pk, None)
    assert found.note == "sent to a client address retired on 18 Nov 2026, more than 30 days ago"
    with practice_context(acme.practice_id):
        assert addresses.retired_addresses(acme) == []
    assert addresses.is_known(old)  # still ours: the practice gets it, in triage


def test_rotating_twice_keeps_both_earlier_addresses_newest_first(acme, clock):
    first = address_of(acme)
    with practice_context(acme.practice_id):
        second = addresses.rotate_client_address(acme)
        clock.advance(days=2)
        addresses.rotate_client_address(acme)
        assert [address for address, _ in addresses.retired_addresses(acme)] == [second, first]
