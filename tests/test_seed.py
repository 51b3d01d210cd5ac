"""The demo seed (``manage.py seed_demo``, run by ``make run``): a practice mid-flight in its
monthly cycle on whatever day it is seeded.

The date-sensitive tests run at every moment of ``tests.clock.MONTH_DAYS`` (the clock is set
before seeding): the 1st, the day before the first due date, mid-month, the last working day
(the 31st), New Year's Day, the first working day of a year and a quarter end.
"""

import datetime
from collections import Counter
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Count, F

from atlasos import clock as wall_clock
from atlasos.accounts.models import Role
from atlasos.tenancy.context import practice_context
from atlasos.tenancy.models import Practice
from clients.models import BankAccount, Client, ClientContact, Contact
from tests.clock import MONTH_DAYS
from tests.helpers import sign_in

User = get_user_model()

PORTAL = {"portal_email": "sarah@whitfield.example.com", "portal_password": "portal-pass-2026"}
CLIENTS = 40
# Alerts raised longer ago than this have been read; newer ones wait in the bell.
READ_AFTER = datetime.timedelta(days=21)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """The documents the seed's clients upload go to a throwaway MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"


def seed(**overrides):
    options = {
        "practice": "Demo Practice",
        "email": "boss@demo.example.com",
        "password": "demo-password-1",
        "clients": CLIENTS,
        "history": 1,
    }
    options.update(overrides)
    call_command("seed_demo", **options)
    return Practice.objects.get(name=options["practice"])


# --- the team and the clients ---------------------------------------------------------------


def test_seed_creates_a_practice_with_team_and_clients(db):
    practice = seed()
    team = User.objects.filter(practice=practice)
    assert team.count() == 5
    assert sorted(team.values_list("role", flat=True)) == sorted(
        [Role.PARTNER, Role.PARTNER, Role.MANAGER, Role.STAFF, Role.STAFF]
    )
    assert not practice.require_mfa
    with practice_context(practice.pk):
        assert Client.objects.count() == CLIENTS
        assert len(set(Client.objects.values_list("short_code", flat=True))) == CLIENTS
        assert BankAccount.objects.count() >= CLIENTS
        # Every client has a contact, and one director is the contact of several companies.
        assert not Client.objects.filter(contacts__isnull=True).exists()
        links = ClientContact.objects.values("contact").annotate(clients=Count("client"))
        assert links.filter(clients__gte=2).exists()
        assert Contact.objects.count() < CLIENTS
        assert not Client.objects.filter(preparer__isnull=True).exists()
        # Review is never by the preparer.
        assert not Client.objects.filter(reviewer=F("preparer")).exists()
        for account in BankAccount.objects.all():
            account.full_clean()  # every generated bank detail passes the app's validation
        for client in Client.objects.all():
            client.full_clean()


def test_seeding_again_changes_nothing(db):
    practice = seed()
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


def test_seed_refuses_a_portal_email_taken_by_someone_else(db):
    seed()
    with pytest.raises(CommandError, match="already has an account"):
        seed(
            practice="Other",
            email="other@demo.example.com",
            portal_email="boss@demo.example.com",
            portal_password="portal-pass-2026",
        )


def _fingerprint(practice) -> list:
    from tasks.models import Pack

    with practice_context(practice.pk):
        return list(
            Pack.objects.order_by("client__short_code", "period", "items__position").values_list(
                "client__short_code",
                "period",
                "current_stage",
                "started_at",
                "completed_at",
                "items__title",
                "items__done_at",
            )
        )


def test_the_same_name_on_the_same_day_seeds_the_same_practice(db):
    from atlasos.tenancy.context import unscoped

    first = _fingerprint(seed())
    with unscoped("test: seed the same practice again"):
        Practice.objects.filter(name="Demo Practice").delete()
    assert _fingerprint(seed()) == first


# --- mid-flight on any day ------------------------------------------------------------------


def _stage_consistency(pack, items) -> None:
    """The pack's stored progress is what its checklist says, ticked by the right people."""
    from cycle.stages import STAGES, Stage

    for stage in STAGES:
        mandatory = [i for i in items if i.stage == stage and i.mandatory]
        done_at = getattr(pack, f"{stage}_done_at")
        if done_at is None:
            assert any(i.done_at is None for i in mandatory), (pack, stage)
        else:
            # The last mandatory tick completed the stage.
            assert max(i.done_at for i in mandatory) == done_at, (pack, stage)
    assert pack.current_stage == next(
        (s for s in STAGES if getattr(pack, f"{s}_done_at") is None), ""
    )
    ticks = [i.done_at for i in items if i.done_at]
    assert pack.started_at == min(ticks, default=None), pack
    assert (pack.completed_at is not None) == (pack.deliver_done_at is not None)
    for item in items:
        if item.done_at is None:
            continue
        assert pack.created_at < item.done_at < wall_clock.now(), (pack, item)
        if item.done_by_id is None:
            assert item.done_automatically, (pack, item)
        elif item.stage == Stage.REVIEW:
            assert item.done_by_id == pack.reviewer_id != pack.preparer_id, (pack, item)
        else:
            assert item.done_by_id == pack.preparer_id, (pack, item)


@pytest.mark.parametrize("moment", MONTH_DAYS)
def test_the_demo_has_work_in_every_stage_and_late_packs_on_any_day(db, clock, moment):
    from cycle.periods import Recurrence
    from cycle.stages import STAGES, Stage
    from cycle.workdays import WorkCalendar, pack_release_date
    from tasks.board import board_periods, completion_rates
    from tasks.models import Pack, PackEvent
    from tasks.status_sql import overdue_q

    clock.set(moment)
    practice = seed(history=6, **PORTAL)
    tz = ZoneInfo(practice.timezone)
    today = wall_clock.practice_today(practice)
    calendar = WorkCalendar(practice.country)
    periods = board_periods(today, calendar, practice.pack_release_offset)
    with practice_context(practice.pk):
        # The board's current period and the six before it, a pack per client for each, made
        # when the recurrence would have made them (its first run on the release day).
        assert Pack.objects.count() == CLIENTS * len(periods)
        assert set(Pack.objects.values_list("period", flat=True)) == set(periods)
        for period in periods:
            release = pack_release_date(
                period, Recurrence.MONTHLY, calendar, practice.pack_release_offset
            )
            created = set(Pack.objects.filter(period=period).values_list("created_at", flat=True))
            assert len(created) == 1 and created.pop().astimezone(tz).date() == release
        created_events = PackEvent.objects.filter(action=PackEvent.Action.CREATED)
        assert created_events.count() == Pack.objects.count()
        assert not created_events.exclude(created_at=F("pack__created_at")).exists()

        # Packs in every stage, review and ready to deliver (review done, deliver open) among
        # them, and several of them overdue.
        open_packs = Pack.objects.filter(completed_at__isnull=True)
        assert set(open_packs.values_list("current_stage", flat=True)) == set(STAGES)
        ready = open_packs.filter(current_stage=Stage.DELIVER, review_done_at__isnull=False)
        assert ready.exists()
        assert open_packs.filter(overdue_q(today)).count() >= 5

        # The month history is not all 100 %: the month before the current one has stragglers
        # and a few older packs are still open; most of the older ones were delivered.
        rates = completion_rates(Pack.objects.all(), periods)
        assert 60 <= rates[-2].percent < 100
        older = Pack.objects.filter(period__lt=periods[-2])
        assert 0 < older.filter(completed_at__isnull=True).count() <= 0.05 * older.count()
        delivered = list(older.filter(completed_at__isnull=False))
        assert any(p.completed_at.astimezone(tz).date() > p.deliver_due for p in delivered)

        # A client has sent nothing for two months: both its newest packs wait in collect.
        silent = open_packs.filter(period__in=periods[-2:], current_stage=Stage.COLLECT)
        by_client = Counter(silent.values_list("client", flat=True))
        assert 2 in by_client.values()

        # Every pack's progress agrees with its checklist.
        for pack in Pack.objects.prefetch_related("items"):
            _stage_consistency(pack, list(pack.items.all()))


@pytest.mark.parametrize("moment", MONTH_DAYS)
def test_the_bell_has_the_overdue_alerts_of_the_day_and_nobody_is_emailed(
    db, clock, moment, mailoutbox
):
    from cycle.status import overdue_stages
    from notifications.models import Notification, OverdueAlert
    from tasks.alerts import raise_overdue_alerts
    from tasks.models import Pack

    clock.set(moment)
    practice = seed(history=2, **PORTAL)
    now = wall_clock.now()
    today = wall_clock.practice_today(practice)
    tz = ZoneInfo(practice.timezone)
    with practice_context(practice.pk):
        # Every stage now overdue has its alert, raised the day after it fell due.
        alerts = {(a.pack_id, a.stage): a for a in OverdueAlert.objects.all()}
        late = [
            (pack, stage)
            for pack in Pack.objects.filter(completed_at__isnull=True)
            for stage in overdue_stages(pack.progress(), today)
        ]
        assert len(late) >= 5
        assert {(pack.pk, stage) for pack, stage in late} == set(alerts)
        for pack, stage in late:
            alert = alerts[(pack.pk, stage)]
            assert alert.due == getattr(pack, f"{stage}_due")
            assert pack.created_at <= alert.created_at <= now
            raised = alert.created_at.astimezone(tz).date()
            assert raised == min(alert.due + datetime.timedelta(days=1), today)
        # The preparer and the reviewer are told; the recent alerts are unread, the older
        # ones read; none is emailed.
        notifications = Notification.objects.filter(alert__isnull=False)
        assert notifications.count() >= len({pack.pk for pack, _ in late}) * 2
        assert notifications.filter(read_at__isnull=True).exists()
        assert not notifications.filter(read_at__isnull=True, created_at__lt=now - READ_AFTER)
        assert not notifications.filter(read_at__isnull=False, created_at__gte=now - READ_AFTER)
        assert not Notification.objects.exclude(email_state="none").exists()
        # The alert job run after the seed finds nothing new to raise.
        assert raise_overdue_alerts(practice, now, sweep=False).alerts == 0
    assert mailoutbox == []


@pytest.mark.parametrize("moment", MONTH_DAYS)
def test_the_portal_requests_agree_with_their_packs_on_any_day(db, clock, moment, mailoutbox):
    from cycle.stages import Stage
    from documents.models import Document, Source
    from portal.models import Delivery, DocumentRequest, PortalEmail, Reminder, RequestStatus
    from tasks.models import Pack, PackItem

    clock.set(moment)
    practice = seed(history=1, **PORTAL)
    now = wall_clock.now()
    with practice_context(practice.pk):
        requests = list(DocumentRequest.objects.select_related("pack").prefetch_related("items"))
        # Requests in every state a contact or the practice leaves them in.
        assert {r.status for r in requests} >= {"draft", "sent", "complete", "cancelled"}
        for document_request in requests:
            pack = document_request.pack
            # Made with its pack, sent later and emailed then, reminded after that.
            assert document_request.created_at == pack.created_at
            sent = document_request.sent_at
            if sent is not None:
                assert pack.created_at < sent < now
            emails = PortalEmail.objects.filter(request=document_request)
            assert (sent is not None) == emails.exists()
            for email in emails:
                assert pack.created_at < email.created_at <= email.sent_at < now
            for reminder in Reminder.objects.filter(request=document_request):
                assert sent < reminder.created_at < now
            if document_request.escalated_at:
                assert sent < document_request.escalated_at < now
            # A delivered period has no open request.
            if pack.completed_at is not None:
                assert not document_request.is_open
            if document_request.status == RequestStatus.CANCELLED:
                continue
            # A collect item says received only when the documents it covers are in.
            asked = list(document_request.items.all())
            for pack_item in PackItem.objects.filter(pack=pack, stage=Stage.COLLECT):
                matching = [item for item in asked if item.covers == pack_item.auto_key]
                assert matching, pack_item
                if pack_item.done_at is not None:
                    assert all(item.state != "missing" for item in matching), pack_item
            if pack.collect_done_at is not None:
                assert not [i for i in asked if i.required and i.state == "missing"]

        # The reminder job ran: reminders, and a request escalated after the last one.
        assert Reminder.objects.exists()
        assert DocumentRequest.objects.filter(escalated_at__isnull=False).exists()
        assert set(PortalEmail.objects.values_list("state", flat=True)) == {"sent"}

        # What the clients uploaded came between their request and now.
        uploads = Document.objects.filter(source=Source.PORTAL)
        assert uploads.count() >= 2
        assert not uploads.filter(created_at__gte=now).exists()

        # Deliveries after review: one acknowledged, one waiting for the client.
        deliveries = list(Delivery.objects.select_related("pack"))
        for published in deliveries:
            assert published.pack.review_done_at < published.published_at < now
            assert published.pack.completed_at == published.published_at
            if published.acknowledged_at:
                assert published.published_at < published.acknowledged_at < now
        assert any(d.acknowledged_at for d in deliveries)
        assert any(d.acknowledged_at is None for d in deliveries)
        # Requests of delivered packs are complete; the recurrence made one per pack.
        assert not Pack.objects.filter(
            completed_at__isnull=False, document_requests__status__in=["draft", "sent"]
        ).exists()
    assert mailoutbox == []


# --- what a user meets ----------------------------------------------------------------------


@pytest.mark.parametrize("moment", [MONTH_DAYS[1], MONTH_DAYS[2]])
def test_the_demo_board_shows_late_work_a_history_and_an_unread_bell(client, db, clock, moment):
    clock.set(moment)
    seed(history=6, **PORTAL)
    partner = User.objects.get(email="boss@demo.example.com")
    sign_in(client, partner, password="demo-password-1")
    response = client.get("/board/")
    assert response.status_code == 200
    page = response.content.decode()
    assert response.context["overdue_total"] > 0
    assert "No open pack is overdue" not in page
    assert any(rate.clients and rate.percent < 100 for rate in response.context["rates"][:-1])
    assert response.context["page"].object_list  # the overdue list
    assert response.context["bell"].unread > 0
    assert "has-unread" in page


def test_the_portal_contact_signs_in_and_sees_requests_to_answer(client, db, mailoutbox):
    from portal.models import PortalAccount

    practice = seed(**PORTAL)
    with practice_context(practice.pk):
        account = PortalAccount.objects.select_related("user").get()
        assert account.user.email == PORTAL["portal_email"]
        assert not account.user.role
        assert account.grants.count() == 3
    # The printed portal login works and lands on the portal, which lists open requests.
    assert client.login(email=PORTAL["portal_email"], password=PORTAL["portal_password"])
    response = client.get("/", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == "/portal/"
    assert "Documents for" in response.content.decode()
    assert mailoutbox == []
