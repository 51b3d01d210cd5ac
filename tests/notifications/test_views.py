"""The bell, the notifications page, marking read, and the settings page."""

import datetime
import re

import pytest

from atlasos import clock as wall_clock
from atlasos.tenancy.context import practice_context
from notifications.models import Notification, NotificationPreference
from tests.factories.notifications import NotificationFactory
from tests.helpers import make_pack_due_from_6_nov, signed_in

pytestmark = pytest.mark.django_db


def notes(practice, user, count, **fields):
    start = wall_clock.now() - datetime.timedelta(hours=count)
    return [
        NotificationFactory(
            practice=practice,
            recipient=user,
            title=f"Client {i:02d} Ltd — Collect documents was due Fri 6 Nov",
            created_at=start + datetime.timedelta(hours=i),
            **fields,
        )
        for i in range(count)
    ]


def fresh(note):
    with practice_context(note.practice_id):
        return Notification.objects.get(pk=note.pk)


def test_the_bell_shows_the_unread_count(practice, staff, manager):
    notes(practice, staff, 3)
    notes(practice, staff, 2, read_at=wall_clock.now())
    notes(practice, manager, 4)
    page = signed_in(staff).get("/my-work/").content.decode()
    assert 'aria-label="Notifications, 3 unread"' in page
    assert '<span class="bell-count" aria-hidden="true">3</span>' in page
    assert 'href="/notifications/"' in page


def test_no_unread_no_badge(practice, staff):
    page = signed_in(staff).get("/my-work/").content.decode()
    assert 'aria-label="Notifications, none unread"' in page and "bell-count" not in page


def test_the_page_lists_mine_newest_first_unread_highlighted(practice, staff, manager):
    mine = notes(practice, staff, 3)
    notes(practice, manager, 1)
    mine[0].read_at = wall_clock.now()
    with practice_context(practice.pk):
        mine[0].save()
    page = signed_in(staff).get("/notifications/").content.decode()
    order = [page.index(f"notification-{n.code}") for n in reversed(mine)]
    assert order == sorted(order)
    assert page.count('class="notification is-unread"') == 2
    assert page.count("Unread: </span>") == 2
    assert "Client 00 Ltd" in page and page.count('class="notification"') == 1
    assert f'action="/notifications/{mine[2].code}/open/"' in page
    unread_only = signed_in(staff).get("/notifications/?show=unread").content.decode()
    assert f"notification-{mine[0].code}" not in unread_only
    assert f"notification-{mine[1].code}" in unread_only


def test_the_page_paginates(practice, staff):
    notes(practice, staff, 30)
    client = signed_in(staff)
    first = client.get("/notifications/").content.decode()
    assert "Showing 1–25 of 30" in first and "Client 29 Ltd" in first
    second = client.get("/notifications/?page=2").content.decode()
    assert "Client 04 Ltd" in second and "Client 29 Ltd" not in second


def test_mark_one_read_without_javascript(practice, staff):
    (note,) = notes(practice, staff, 1)
    response = signed_in(staff).post(f"/notifications/{note.code}/read/", {"next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert fresh(note).read_at is not None


def test_mark_one_read_with_htmx_swaps_the_row_and_the_bell(practice, staff):
    first, second = notes(practice, staff, 2)
    response = signed_in(staff).post(
        f"/notifications/{first.code}/read/", headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="notification-{first.code}" class="notification"' in html
    assert 'hx-swap-oob="true"' in html and 'aria-label="Notifications, 1 unread"' in html


def test_mark_all_read(practice, staff, manager):
    notes(practice, staff, 3)
    (theirs,) = notes(practice, manager, 1)
    client = signed_in(staff)
    response = client.post("/notifications/read-all/")
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Marked 3 notifications read." in page
    assert 'aria-label="Notifications, none unread"' in page and "bell-count" not in page
    assert fresh(theirs).read_at is None
    htmx = client.post("/notifications/read-all/", headers={"HX-Request": "true"})
    assert 'id="notification-list"' in htmx.content.decode()


def test_open_marks_read_and_goes_to_the_pack(practice, staff):
    pack = make_pack_due_from_6_nov(practice, preparer=staff)
    (note,) = notes(practice, staff, 1, pack=pack, url=pack.get_absolute_url())
    response = signed_in(staff).post(f"/notifications/{note.code}/open/")
    assert response.status_code == 302 and response["Location"] == f"/packs/{pack.code}/"
    assert fresh(note).read_at is not None


def test_open_refuses_an_offsite_url(practice, staff):
    (note,) = notes(practice, staff, 1, url="https://evil.example.com/")
    response = signed_in(staff).post(f"/notifications/{note.code}/open/")
    assert response["Location"] == "/notifications/"


def test_a_colleagues_notification_is_a_404(practice, staff, manager):
    (theirs,) = notes(practice, manager, 1)
    client = signed_in(staff)
    for action in ("read", "open"):
        assert client.post(f"/notifications/{theirs.code}/{action}/").status_code == 404
    assert fresh(theirs).read_at is None


def test_signed_out_visitors_go_to_sign_in(client):
    response = client.get("/notifications/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("count", [3, 40])
def test_the_page_runs_a_constant_number_of_queries(
    practice, staff, count, django_assert_num_queries
):
    notes(practice, staff, count)
    client = signed_in(staff)
    # session, user, count for the paginator, the page of rows, the bell's count, the top bar's
    # inbox count (messages waiting in triage)
    with django_assert_num_queries(6):
        assert client.get("/notifications/").status_code == 200


# --- settings ----------------------------------------------------------------------------------


def test_settings_save_my_email_choice_only(practice, staff, manager):
    client = signed_in(staff)
    page = client.get("/settings/notifications/").content.decode()
    assert re.search(r'<input[^>]*value="each"[^>]*checked', page)
    response = client.post("/settings/notifications/", {"email": "digest", "user": manager.pk})
    assert response.status_code == 302
    with practice_context(practice.pk):
        assert dict(NotificationPreference.objects.values_list("user_id", "email")) == {
            staff.pk: "digest"
        }
    page = client.get("/settings/notifications/").content.decode()
    assert "Notification settings saved." in page
    assert re.search(r'<input[^>]*value="digest"[^>]*checked', page)
    assert not re.search(r'<input[^>]*value="each"[^>]*checked', page)


def test_settings_explain_a_wrong_choice(practice, staff):
    response = signed_in(staff).post("/settings/notifications/", {"email": "pigeon"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Choose one of the three options" in page


def test_opening_the_pack_page_marks_its_notifications_read(practice, staff, manager, client):
    """Following an alert email's link straight to the pack clears that pack's alerts from the
    bell, and only the reader's, only that pack's."""
    from atlasos.tenancy.context import practice_context
    from notifications.models import Notification
    from tests.factories.notifications import NotificationFactory
    from tests.factories.tasks import PackFactory
    from tests.helpers import sign_in

    with practice_context(practice.pk):
        pack, other_pack = PackFactory(practice=practice), PackFactory(practice=practice)
        mine = NotificationFactory(practice=practice, recipient=staff, pack=pack)
        elsewhere = NotificationFactory(practice=practice, recipient=staff, pack=other_pack)
        theirs = NotificationFactory(practice=practice, recipient=manager, pack=pack)
    sign_in(client, staff)
    assert client.get(f"/packs/{pack.code}/").status_code == 200
    with practice_context(practice.pk):
        unread = set(Notification.objects.filter(read_at__isnull=True).values_list("pk", flat=True))
    assert unread == {elsewhere.pk, theirs.pk}
    assert mine.pk not in unread
