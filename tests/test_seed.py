import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from atlasos import clock
from atlasos import clock as wall_clock
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
        "history": 1,
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


def test_seed_gives_every_client_a_year_of_packs_and_a_living_current_period(db):
    from tasks.models import Pack, PackEvent, PackItem
    from tasks.periods import Recurrence, last_completed_period

    seed(history=12)
    practice = Practice.objects.get(name="Demo Practice")
    with practice_context(practice.pk):
        current = last_completed_period(
            clock.local_date(practice.timezone, wall_clock.now()), Recurrence.MONTHLY
        )
        assert Pack.objects.count() == 40 * 13
        assert Pack.objects.filter(period=current).count() == 40
        history = Pack.objects.exclude(period=current)
        assert history.filter(completed_at__isnull=False).count() >= 0.8 * history.count()
        late = [p for p in history if p.completed_at and p.completed_at.date() > p.deliver_due]
        assert late, "a few past packs were delivered late"
        assert not PackItem.objects.filter(done_at__gt=wall_clock.now()).exists()
        done_without_time = Pack.objects.filter(completed_at__isnull=False, deliver_done_at=None)
        assert not done_without_time.exists()
        assert PackEvent.objects.filter(action="stage_completed").exists()
        for pack in Pack.objects.filter(period=current)[:10]:
            # stored progress agrees with the checklist
            open_mandatory = pack.items.filter(mandatory=True, done_at=None)
            for stage in pack.completed_stages:
                assert not open_mandatory.filter(stage=stage).exists(), (pack, stage)


def test_seed_raises_todays_overdue_alerts_without_emailing_anyone(db, mailoutbox):
    from atlasos.notifications.models import Notification, OverdueAlert
    from tasks.alerts import raise_overdue_alerts

    seed()
    practice = Practice.objects.get(name="Demo Practice")
    assert mailoutbox == []
    with practice_context(practice.pk):
        alerts = OverdueAlert.objects.count()
        # One notification per person per pack, naming every stage behind.
        assert alerts > 0 and Notification.objects.count() > 0
        assert not Notification.objects.exclude(email_state="none").exists()
        # The beat job finds nothing new to raise after the seed.
        assert raise_overdue_alerts(practice).alerts == 0
    assert mailoutbox == []


PORTAL = {"portal_email": "sarah@whitfield.example.com", "portal_password": "portal-pass-2026"}


def test_seed_gives_the_portal_contact_requests_in_every_state_and_emails_nobody(
    client, db, mailoutbox
):
    from portal.models import (
        Delivery,
        DocumentRequest,
        PortalAccount,
        PortalEmail,
        Reminder,
        RequestStatus,
        Source,
    )

    seed(history=2, **PORTAL)
    practice = Practice.objects.get(name="Demo Practice")
    with practice_context(practice.pk):
        account = PortalAccount.objects.select_related("user").get()
        assert account.user.email == PORTAL["portal_email"] and not account.user.role
        assert account.grants.count() == 3
        statuses = set(DocumentRequest.objects.values_list("status", flat=True))
        assert statuses == set(RequestStatus.values)
        assert Reminder.objects.exists()
        assert set(PortalEmail.objects.values_list("state", flat=True)) == {"sent"}
        from portal.models import Document

        assert Document.objects.filter(source=Source.PORTAL).count() >= 2
        delivered = Delivery.objects.get()
        assert delivered.acknowledged_at is not None
    assert mailoutbox == []

    # The printed portal login works and lands on the portal.
    assert client.login(email=PORTAL["portal_email"], password=PORTAL["portal_password"])
    response = client.get("/", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == "/portal/"


def test_seed_refuses_a_portal_email_taken_by_someone_else(db):
    seed()
    with pytest.raises(CommandError, match="already has an account"):
        seed(
            practice="Other",
            email="other@demo.example.com",
            portal_email="boss@demo.example.com",
            portal_password="portal-pass-2026",
        )
