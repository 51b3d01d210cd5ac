import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from atlasos.accounts.models import Role
from atlasos.tenancy.context import practice_context
from atlasos.tenancy.models import Practice
from clients.models import BankAccount, Client, ClientContact, Contact
from tests.conftest import sign_in

User = get_user_model()


def seed(**overrides):
    options = {
        "practice": "Demo Practice",
        "email": "boss@demo.example.com",
        "password": "demo-password-1",
        "clients": 40,
    }
    options.update(overrides)
    call_command("seed_demo", **options)


def test_seed_creates_a_practice_with_team_and_clients(db):
    seed()
    practice = Practice.objects.get(name="Demo Practice")
    team = User.objects.filter(practice=practice)
    assert team.count() == 5
    assert sorted(team.values_list("role", flat=True)) == sorted(
        [Role.PARTNER, Role.PARTNER, Role.MANAGER, Role.STAFF, Role.STAFF]
    )
    assert not practice.require_mfa
    with practice_context(practice.pk):
        assert Client.objects.count() == 40
        assert len(set(Client.objects.values_list("short_code", flat=True))) == 40
        assert BankAccount.objects.count() >= 40
        assert (
            Contact.objects.count() < ClientContact.objects.count() or Contact.objects.count() == 40
        )
        assert not Client.objects.filter(preparer__isnull=True).exists()
        for account in BankAccount.objects.all():
            account.full_clean()  # every generated bank detail passes the app's validation
        for client in Client.objects.all():
            client.full_clean()


def test_seeding_again_changes_nothing(db):
    seed()
    practice = Practice.objects.get(name="Demo Practice")
    with practice_context(practice.pk):
        before = list(Client.objects.order_by("pk").values())
    seed(clients=99)
    assert Practice.objects.filter(name="Demo Practice").count() == 1
    with practice_context(practice.pk):
        assert list(Client.objects.order_by("pk").values()) == before
    assert User.objects.filter(practice=practice).count() == 5


def test_the_seeded_partner_signs_in_at_once(client, db):
    seed()
    partner = User.objects.get(email="boss@demo.example.com")
    sign_in(client, partner, password="demo-password-1")
    assert "Demo Practice" in client.get("/clients/").content.decode()


def test_two_seeded_practices_do_not_collide(db):
    seed()
    seed(practice="Second Practice", email="boss@second.example.com")
    assert User.objects.count() == 10


def test_seed_refuses_an_email_taken_by_another_practice(db):
    seed()
    with pytest.raises(CommandError, match="already has an account"):
        seed(practice="Another", email="boss@demo.example.com")
    assert not Practice.objects.filter(name="Another").exists()
