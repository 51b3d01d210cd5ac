"""The iCalendar feed: a secret, revocable address with the member's due dates."""

import datetime

import pytest
from icalendar import Calendar

from atlasos import clock as wall_clock
from atlasos.tenancy.context import practice_context
from notifications import services
from notifications.models import CalendarFeed
from tests.clock import current_date
from tests.factories.accounts import UserFactory
from tests.helpers import make_pack_due_from_6_nov, signed_in

pytestmark = pytest.mark.django_db


def new_feed(practice, user) -> str:
    with practice_context(practice.pk):
        return services.create_feed(user)


def events(response) -> dict:
    calendar = Calendar.from_ical(response.content)
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def test_the_feed_has_one_all_day_event_per_stage_i_answer_for(practice, staff, manager):
    mine = make_pack_due_from_6_nov(
        practice, "Acme Ltd", short_code="ACME01", preparer=staff, reviewer=manager
    )
    reviewing = make_pack_due_from_6_nov(
        practice, "Bravo Ltd", short_code="BRAVO", preparer=manager, reviewer=staff
    )
    make_pack_due_from_6_nov(practice, "Other Ltd", preparer=manager, reviewer=manager)
    token = new_feed(practice, staff)

    response = signed_in(manager).get(f"/feeds/{token}.ics")  # whoever asks: the token decides
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "private" in response["Cache-Control"]
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["X-WR-CALNAME"]) == "AtlasOS — Tom Reilly"
    found = events(response)
    expected = {
        f"{mine.code}-{s}@atlasos"
        for s in ("collect", "capture", "reconcile", "prepare", "deliver")
    }
    expected.add(f"{reviewing.code}-review@atlasos")
    assert set(found) == expected

    collect = found[f"{mine.code}-collect@atlasos"]
    assert collect.decoded("DTSTART") == datetime.date(2026, 11, 6)
    assert collect.decoded("DTEND") == datetime.date(2026, 11, 7)
    assert str(collect["SUMMARY"]) == "ACME01 · Collect documents due (October 2026)"
    assert str(collect["URL"]).endswith(f"/packs/{mine.code}/")
    assert "DTSTAMP" in collect and "Pack status:" in str(collect["DESCRIPTION"])
    review = found[f"{reviewing.code}-review@atlasos"]
    assert review.decoded("DTSTART") == datetime.date(2026, 11, 17)
    assert str(review["SUMMARY"]) == "BRAVO · Partner review due (October 2026)"


def test_open_packs_and_the_last_three_months_only(practice, staff):
    today = current_date()
    this_month = today.replace(day=1)
    old_period = (this_month - datetime.timedelta(days=200)).replace(day=1)
    recent_period = (this_month - datetime.timedelta(days=40)).replace(day=1)
    done = wall_clock.now() - datetime.timedelta(days=1)
    old_done = make_pack_due_from_6_nov(
        practice, "Old Done Ltd", period=old_period, preparer=staff, completed_at=done
    )
    old_open = make_pack_due_from_6_nov(practice, "Old Open Ltd", period=old_period, preparer=staff)
    recent_done = make_pack_due_from_6_nov(
        practice, "Recent Ltd", period=recent_period, preparer=staff, completed_at=done
    )
    token = new_feed(practice, staff)
    packs = {
        uid.split("-collect")[0]
        for uid in events(signed_in(staff).get(f"/feeds/{token}.ics"))
        if "-collect@" in uid
    }
    assert packs == {str(old_open.code), str(recent_done.code)}
    assert str(old_done.code) not in packs


def test_unknown_revoked_and_inactive_give_404(client, practice, staff):
    make_pack_due_from_6_nov(practice, preparer=staff)
    assert client.get("/feeds/not-a-real-token.ics").status_code == 404
    token = new_feed(practice, staff)
    assert client.get(f"/feeds/{token}.ics").status_code == 200
    with practice_context(practice.pk):
        services.revoke_feeds(staff)
    assert client.get(f"/feeds/{token}.ics").status_code == 404

    leaver = UserFactory(practice=practice, role="staff")
    leaver_token = new_feed(practice, leaver)
    leaver.is_active = False
    leaver.save()
    assert client.get(f"/feeds/{leaver_token}.ics").status_code == 404


def test_create_show_once_regenerate_and_revoke_from_the_settings_page(practice, staff):
    make_pack_due_from_6_nov(practice, preparer=staff)
    member = signed_in(staff)
    response = member.post("/settings/notifications/calendar-feed/")
    assert response.status_code == 302
    page = member.get(response["Location"]).content.decode()
    assert "Calendar address made." in page
    first_url = page.split('class="feed-url" value="')[1].split('"')[0]
    assert first_url.startswith("http://testserver/feeds/") and first_url.endswith(".ics")
    assert "shown only this once" in page
    again = member.get("/settings/notifications/").content.decode()
    assert "feed-url" not in again and "Active" in again  # shown once

    first_path = first_url.removeprefix("http://testserver")
    assert member.get(first_path).status_code == 200
    member.post("/settings/notifications/calendar-feed/")  # regenerate
    page = member.get("/settings/notifications/").content.decode()
    second_path = (
        page.split('class="feed-url" value="')[1].split('"')[0].removeprefix("http://testserver")
    )
    assert second_path != first_path
    assert member.get(first_path).status_code == 404
    assert member.get(second_path).status_code == 200

    response = member.post("/settings/notifications/calendar-feed/revoke/")
    assert "Calendar feed turned off" in member.get(response["Location"]).content.decode()
    assert member.get(second_path).status_code == 404
    with practice_context(practice.pk):
        assert CalendarFeed.objects.filter(revoked_at__isnull=True).count() == 0
        assert CalendarFeed.objects.count() == 2  # only hashes, never the token
        assert all(len(f.token_hash) == 64 for f in CalendarFeed.objects.all())


@pytest.mark.parametrize("count", [2, 30])
def test_the_feed_runs_a_constant_number_of_queries(
    client, practice, staff, manager, count, django_assert_num_queries
):
    for index in range(count):
        make_pack_due_from_6_nov(practice, f"Client {index} Ltd", preparer=staff, reviewer=manager)
    token = new_feed(practice, staff)
    # the feed with its member and practice, then the packs with their clients
    with django_assert_num_queries(2):
        response = client.get(f"/feeds/{token}.ics")
    assert len(events(response)) == 5 * count
