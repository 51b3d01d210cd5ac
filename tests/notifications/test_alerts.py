"""The overdue alert job: exactly once per pack and stage, one notification per person, one
email each — when run twice, concurrently, or again after a crash."""

import datetime
import smtplib

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.test import Client as HttpClient
from django.urls import reverse

from atlasos import clock as wall_clock
from atlasos.accounts.models import User
from atlasos.tenancy.context import practice_context, unscoped
from notifications import services
from notifications.models import (
    Digest,
    EmailChoice,
    Notification,
    NotificationPreference,
    OverdueAlert,
)
from tasks.alerts import raise_overdue_alerts
from tests.clock import current_date
from tests.factories.accounts import UserFactory
from tests.helpers import MON_9, TUE_10, make_pack_due_from_6_nov, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def pack(practice, staff, manager):
    return make_pack_due_from_6_nov(practice, preparer=staff, reviewer=manager)


def run(practice, now):
    with practice_context(practice.pk):
        return raise_overdue_alerts(practice, now)


def notifications(practice):
    with practice_context(practice.pk):
        return list(Notification.objects.select_related("recipient").order_by("recipient__email"))


def test_run_twice_alerts_each_stage_once_and_emails_each_person_once(
    practice, pack, staff, manager
):
    first = run(practice, MON_9)
    second = run(practice, MON_9 + datetime.timedelta(minutes=15))

    assert (first.alerts, first.notifications, first.emails) == (1, 2, 2)
    assert (second.alerts, second.notifications, second.emails) == (0, 0, 0)
    with practice_context(practice.pk):
        assert list(OverdueAlert.objects.values_list("pack_id", "stage", "due")) == [
            (pack.pk, "collect", datetime.date(2026, 11, 6))
        ]
    rows = notifications(practice)
    assert sorted(n.recipient_id for n in rows) == sorted([staff.pk, manager.pk])
    assert {n.email_state for n in rows} == {"sent"}
    assert sorted(m.to[0] for m in mail.outbox) == sorted([staff.email, manager.email])


def test_a_later_stage_going_overdue_is_a_new_alert(practice, pack, staff, manager):
    run(practice, MON_9)
    later = run(practice, TUE_10)
    assert (later.alerts, later.notifications, later.emails) == (1, 2, 2)
    with practice_context(practice.pk):
        assert sorted(OverdueAlert.objects.values_list("stage", flat=True)) == [
            "capture",
            "collect",
        ]
    assert len(mail.outbox) == 4
    assert "Capture transactions was due Mon 9 Nov" in mail.outbox[-1].subject


def test_several_stages_behind_at_once_give_one_notification_naming_them_all(practice, pack, staff):
    result = run(practice, TUE_10)
    assert (result.alerts, result.notifications) == (2, 2)
    note = notifications(practice)[0]
    assert note.title == "Acme Ltd — Capture transactions was due Mon 9 Nov"
    assert "Also behind: Collect documents (due Fri 6 Nov)." in note.body


def test_completed_stages_and_complete_packs_are_never_alerted(practice, staff, manager):
    make_pack_due_from_6_nov(practice, "Collected Ltd", preparer=staff, collect_done_at=MON_9)
    make_pack_due_from_6_nov(
        practice,
        "Delivered Ltd",
        preparer=staff,
        reviewer=manager,
        completed_at=MON_9 - datetime.timedelta(days=60),
        current_stage="",
    )
    result = run(practice, MON_9)
    assert (result.alerts, result.notifications, result.emails) == (0, 0, 0)
    assert mail.outbox == []


def test_recipients_are_deduplicated_and_inactive_members_skipped(practice, partner, manager):
    make_pack_due_from_6_nov(practice, "Solo Ltd", preparer=partner, reviewer=partner)
    gone = UserFactory(practice=practice, role="staff", is_active=False)
    make_pack_due_from_6_nov(practice, "Leaver Ltd", preparer=gone, reviewer=manager)
    make_pack_due_from_6_nov(practice, "Nobody Ltd")
    result = run(practice, MON_9)
    assert result.alerts == 3
    assert sorted(n.recipient_id for n in notifications(practice)) == sorted(
        [partner.pk, manager.pk]
    )
    assert len(mail.outbox) == 2


def test_another_practice_is_not_mixed_in(practice, pack, staff, other_practice, other_partner):
    theirs = make_pack_due_from_6_nov(other_practice, "Their Client Ltd", preparer=other_partner)
    run(practice, MON_9)
    with unscoped("test: every alert"):
        assert list(OverdueAlert.unscoped_objects.values_list("pack_id", flat=True)) == [pack.pk]
    run(other_practice, MON_9)
    with unscoped("test: every alert"):
        alerts = dict(OverdueAlert.unscoped_objects.values_list("pack_id", "practice_id"))
        recipients = dict(
            Notification.unscoped_objects.filter(pack=theirs).values_list(
                "recipient_id", "practice_id"
            )
        )
    assert alerts == {pack.pk: practice.pk, theirs.pk: other_practice.pk}
    assert recipients == {other_partner.pk: other_practice.pk}


def test_the_unique_constraint_refuses_a_second_alert(practice, pack):
    with practice_context(practice.pk):
        OverdueAlert.objects.create(pack=pack, stage="collect", due=pack.collect_due)
        with pytest.raises(IntegrityError), transaction.atomic():
            OverdueAlert.objects.create(pack=pack, stage="collect", due=pack.collect_due)


def test_a_run_that_lost_the_race_for_a_stage_notifies_nobody(practice, pack):
    """A concurrent run inserted the alert first (its row is there, its notifications are its
    own business): this run's insert conflicts and it creates nothing."""
    with practice_context(practice.pk):
        from tasks import alerts as alert_module

        (candidate,) = alert_module.packs_to_alert(datetime.date(2026, 11, 9))
        OverdueAlert.objects.create(pack=pack, stage="collect", due=pack.collect_due)
        made, notes = alert_module._raise_for_pack(candidate, datetime.date(2026, 11, 9), MON_9, {})
    assert (made, notes) == ([], [])
    assert notifications(practice) == []


def test_email_content_and_message_id_derived_from_the_notification(
    practice, pack, staff, settings
):
    settings.SITE_URL = "https://atlas.example.com"
    settings.NOTIFICATION_MESSAGE_ID_DOMAIN = "atlas.example.com"
    run(practice, MON_9)
    note = next(n for n in notifications(practice) if n.recipient_id == staff.pk)
    (message,) = [m for m in mail.outbox if m.to == [staff.email]]
    assert message.subject == "Overdue: Acme Ltd — Collect documents was due Fri 6 Nov"
    assert message.extra_headers["Message-ID"] == f"<notification-{note.code}@atlas.example.com>"
    assert message.message()["Message-ID"] == f"<notification-{note.code}@atlas.example.com>"
    link = f"https://atlas.example.com/packs/{pack.code}/"
    assert link in message.body and "October 2026 pack (Monthly bookkeeping)" in message.body
    ((html, mime),) = message.alternatives
    assert mime == "text/html" and f'href="{link}"' in html and "Collect documents" in html
    assert note.email_sent_at is not None and note.email_claimed_at == MON_9


def pending_row(practice, user, state="pending", claimed_at=None):
    with practice_context(practice.pk):
        return Notification.objects.create(
            recipient=user,
            title="Acme Ltd — Collect documents was due Fri 6 Nov",
            url="/my-work/",
            email_state=state,
            email_claimed_at=claimed_at,
        )


def test_a_crash_after_claiming_is_finished_by_the_rerun_with_the_same_message_id(
    practice, staff, manager, partner
):
    now = wall_clock.now()
    abandoned = pending_row(practice, staff, "sending", now - datetime.timedelta(minutes=11))
    in_flight = pending_row(practice, manager, "sending", now - datetime.timedelta(minutes=1))
    sent = pending_row(practice, partner, "sent", now - datetime.timedelta(hours=1))

    with practice_context(practice.pk):
        assert services.send_due_emails(now) == 1
        assert services.send_due_emails(now + datetime.timedelta(minutes=1)) == 0
        states = dict(Notification.objects.values_list("pk", "email_state"))

    (message,) = mail.outbox
    assert message.to == [staff.email]
    assert message.extra_headers["Message-ID"] == abandoned.message_id
    assert states == {abandoned.pk: "sent", in_flight.pk: "sending", sent.pk: "sent"}


def test_only_one_worker_wins_the_claim(practice, staff):
    note = pending_row(practice, staff)
    now = wall_clock.now()
    with practice_context(practice.pk):
        assert services.claim_notification(note.pk, now) is True
        assert services.claim_notification(note.pk, now) is False
        assert services.send_notification_email(note.pk, now) is False
    assert mail.outbox == []


def test_a_failed_send_keeps_the_claim_and_is_retried_once_stale(practice, staff, monkeypatch):
    note = pending_row(practice, staff)
    now = wall_clock.now()

    def refuse(self, fail_silently=False):
        raise ConnectionRefusedError("SMTP server down")

    with practice_context(practice.pk):
        with monkeypatch.context() as patch:
            patch.setattr("django.core.mail.EmailMessage.send", refuse)
            assert services.send_due_emails(now) == 0
        assert Notification.objects.get(pk=note.pk).email_state == "sending"
        assert services.send_due_emails(now + datetime.timedelta(minutes=5)) == 0
        assert services.send_due_emails(now + datetime.timedelta(minutes=11)) == 1
    (message,) = mail.outbox
    assert message.extra_headers["Message-ID"] == note.message_id


def test_emails_are_enqueued_when_the_transaction_commits(
    practice, pack, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr("tasks.alerts.send_due_emails", lambda now: 0)  # the queue path alone
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        run(practice, MON_9)
        assert mail.outbox == []  # nothing leaves before the commit
    assert len(callbacks) == 1
    assert len(mail.outbox) == 2
    # The queue redelivering the message sends nothing twice.
    callbacks[0]()
    assert len(mail.outbox) == 2


def test_no_email_members_get_the_notification_only(practice, pack, staff, manager):
    with practice_context(practice.pk):
        services.save_email_choice(staff, EmailChoice.NONE)
    run(practice, MON_9)
    states = {n.recipient_id: n.email_state for n in notifications(practice)}
    assert states == {staff.pk: "none", manager.pk: "sent"}
    assert [m.to for m in mail.outbox] == [[manager.email]]


# --- the daily digest --------------------------------------------------------------------------


def at(hour, minute=0, day=9):
    return datetime.datetime(2026, 11, day, hour, minute, tzinfo=datetime.UTC)


def test_digest_members_get_one_digest_a_day_and_a_rerun_sends_nothing(
    practice, pack, staff, manager, settings
):
    settings.NOTIFICATION_MESSAGE_ID_DOMAIN = "atlas.example.com"
    with practice_context(practice.pk):
        services.save_email_choice(staff, EmailChoice.DIGEST)
    second = make_pack_due_from_6_nov(practice, "Bravo Ltd", preparer=staff, reviewer=manager)
    run(practice, at(6))
    assert [m.to for m in mail.outbox] == [[manager.email], [manager.email]]
    mail.outbox.clear()

    with practice_context(practice.pk):
        assert services.send_daily_digests(practice, at(6, 30)) == 0  # before 07:00
        assert services.send_daily_digests(practice, at(7, 5)) == 1
        assert services.send_daily_digests(practice, at(8, 5)) == 0
        assert services.send_daily_digests(practice, at(9, 5)) == 0
        from notifications.models import Digest

        (digest,) = Digest.objects.all()
        states = set(
            Notification.objects.filter(recipient=staff).values_list("digest_id", flat=True)
        )

    (message,) = mail.outbox
    assert message.to == [staff.email]
    assert message.subject == "AtlasOS daily digest for Mon 9 Nov: 2 overdue alerts"
    assert message.extra_headers["Message-ID"] == f"<digest-{digest.code}@atlas.example.com>"
    assert "Acme Ltd — Collect documents was due Fri 6 Nov" in message.body
    assert f"/packs/{second.code}/" in message.alternatives[0][0]
    assert (digest.day, digest.state) == (datetime.date(2026, 11, 9), "sent")
    assert states == {digest.pk}

    # Something arriving after today's digest went out waits for tomorrow's.
    with practice_context(practice.pk):
        Notification.objects.create(
            recipient=staff, title="Late Ltd", url="/", email_state="digest", created_at=at(10)
        )
        assert services.send_daily_digests(practice, at(11)) == 0
    assert len(mail.outbox) == 1

    # The next day's alerts (capture, due Mon 9 Nov, on both packs) go in the next digest.
    run(practice, at(6, day=10))
    mail.outbox.clear()
    with practice_context(practice.pk):
        assert services.send_daily_digests(practice, at(7, 1, day=10)) == 1
    assert [m.to for m in mail.outbox] == [[staff.email]]
    assert "3 overdue alerts" in mail.outbox[0].subject and "Late Ltd" in mail.outbox[0].body


def test_a_digest_left_in_sending_by_a_crash_is_sent_once_with_the_same_message_id(
    practice, pack, staff
):
    from notifications.models import Digest

    with practice_context(practice.pk):
        services.save_email_choice(staff, EmailChoice.DIGEST)
    run(practice, at(6))
    with practice_context(practice.pk):
        services._open_digests(practice, datetime.date(2026, 11, 9), at(7))
        (digest,) = Digest.objects.all()
        # The worker claimed it at 07:00 and died before sending.
        Digest.objects.filter(pk=digest.pk).update(state="sending", claimed_at=at(7))
        assert services.send_daily_digests(practice, at(7, 5)) == 0  # still its worker's
        assert services.send_daily_digests(practice, at(8)) == 1
        assert services.send_daily_digests(practice, at(9)) == 0
    digest_mail = [m for m in mail.outbox if m.to == [staff.email]]
    assert len(digest_mail) == 1
    assert digest_mail[0].extra_headers["Message-ID"] == digest.message_id


def test_the_beat_tasks_cover_every_practice(practice, other_practice, staff, other_partner):
    from notifications.tasks import send_daily_digests
    from tasks.tasks import raise_overdue_alerts as beat

    long_ago = current_date() - datetime.timedelta(days=40)
    make_pack_due_from_6_nov(
        practice, "Ours Ltd", period=long_ago.replace(day=1), preparer=staff, collect_due=long_ago
    )
    make_pack_due_from_6_nov(
        other_practice,
        "Theirs Ltd",
        period=long_ago.replace(day=1),
        preparer=other_partner,
        collect_due=long_ago,
    )
    assert beat.delay().get() >= 2
    assert beat.delay().get() == 0
    assert sorted(m.to[0] for m in mail.outbox) == sorted([staff.email, other_partner.email])
    assert send_daily_digests.delay().get() == 0  # nobody chose the digest


def test_preference_defaults_to_an_email_each(practice, staff):
    with practice_context(practice.pk):
        assert services.email_choice(staff) == "each"
        services.save_email_choice(staff, "digest")
        services.save_email_choice(staff, "none")
        assert NotificationPreference.objects.get(user=staff).email == "none"


# --- an email that cannot be sent is failed with its reason, never shown as sent ----------------


def test_an_old_title_with_a_line_break_is_sent_with_a_one_line_subject(practice, staff):
    note = pending_row(practice, staff)
    with practice_context(practice.pk):
        Notification.objects.filter(pk=note.pk).update(
            title="Harbourview\r\nBakery Ltd — Collect documents was due Fri 6 Nov"
        )
        assert services.send_due_emails() == 1
        assert Notification.objects.get(pk=note.pk).email_state == "sent"
    (message,) = mail.outbox
    assert (
        message.subject == "Overdue: Harbourview Bakery Ltd — Collect documents was due Fri 6 Nov"
    )


def test_an_invalid_address_fails_the_email_with_its_reason_on_the_notifications_page(
    practice, pack, staff, manager
):
    User.objects.filter(pk=staff.pk).update(email="tom.reilly@")  # typed before it was checked
    result = run(practice, MON_9)

    assert [m.to for m in mail.outbox] == [[manager.email]]
    assert result.emails == 1
    states = {n.recipient_id: (n.email_state, n.email_failure) for n in notifications(practice)}
    reason = "“tom.reilly@” is not a valid email address."
    assert states == {staff.pk: ("failed", reason), manager.pk: ("sent", "")}
    with practice_context(practice.pk):
        assert services.send_due_emails(MON_9 + datetime.timedelta(hours=3)) == 0
    assert len(mail.outbox) == 1

    # Their bell still shows the alert, and says the email did not go.
    User.objects.filter(pk=staff.pk).update(email="tom@harbour.example")
    staff.refresh_from_db()
    page = sign_in(HttpClient(), staff).get(reverse("notification_list")).content.decode()
    assert "Collect documents was due Fri 6 Nov" in page
    assert f"Email not sent: {reason}" in page


def test_a_mail_server_refusing_the_recipient_for_good_fails_it_at_once(
    practice, staff, monkeypatch
):
    note = pending_row(practice, staff)

    def refused(self, fail_silently=False):
        raise smtplib.SMTPRecipientsRefused({staff.email: (550, b"5.1.1 No such user")})

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refused)
    with practice_context(practice.pk):
        assert services.send_due_emails() == 0
        failed = Notification.objects.get(pk=note.pk)
        assert services.send_due_emails(wall_clock.now() + datetime.timedelta(hours=1)) == 0
    assert failed.email_state == "failed"
    assert failed.email_failure == (
        f"The mail server refused the recipient ({staff.email}: 550 5.1.1 No such user)."
    )
    assert failed.email_attempts == 1


def test_a_transient_failure_is_retried_at_most_five_times(practice, staff, monkeypatch):
    note = pending_row(practice, staff)
    now = wall_clock.now()

    def try_later(self, fail_silently=False):
        raise smtplib.SMTPDataError(451, b"4.3.0 Try again later")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", try_later)
    with practice_context(practice.pk):
        for attempt in range(1, 6):
            assert services.send_due_emails(now) == 0
            row = Notification.objects.get(pk=note.pk)
            assert row.email_attempts == attempt
            now += datetime.timedelta(minutes=11)
        assert row.email_state == "failed"
        assert row.email_failure == (
            "Gave up after 5 attempts. "
            "The mail server refused the email (451 4.3.0 Try again later)."
        )
        assert services.send_due_emails(now + datetime.timedelta(hours=1)) == 0
    assert mail.outbox == []


def test_a_digest_to_an_invalid_address_fails_and_is_never_retried(practice, pack, staff):
    with practice_context(practice.pk):
        services.save_email_choice(staff, EmailChoice.DIGEST)
    run(practice, at(6))
    mail.outbox.clear()
    User.objects.filter(pk=staff.pk).update(email="tom reilly")
    with practice_context(practice.pk):
        assert services.send_daily_digests(practice, at(7, 5)) == 0
        assert services.send_daily_digests(practice, at(9, 5)) == 0
        (digest,) = Digest.objects.all()
    assert (digest.state, digest.failure, digest.attempts) == (
        "failed",
        "“tom reilly” is not a valid email address.",
        1,
    )
    assert mail.outbox == []
