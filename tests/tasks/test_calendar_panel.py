"""The calendar's side panel: a pack and its current checklist, ticking items in it (with
htmx and without JavaScript), and a refused tick."""

import pytest

from atlasos.tenancy.context import practice_context
from tasks.models import PackEvent
from tests.factories.tasks import PackItemFactory
from tests.helpers import (
    HTMX,
    reload,
    signed_in,
)
from tests.tasks.helpers import get

pytestmark = pytest.mark.usefixtures("calendar_day")


@pytest.fixture
def acme_items(cast):
    pack = cast["acme"]
    practice = pack.practice
    return {
        "bank": PackItemFactory(practice=practice, pack=pack, title="Bank statements received"),
        "invoices": PackItemFactory(practice=practice, pack=pack, title="Sales invoices received"),
        "review": PackItemFactory(
            practice=practice, pack=pack, stage="review", title="Review the accounts"
        ),
    }


def test_side_panel_shows_the_pack_and_its_current_checklist(cast, acme_items, partner):
    pack = cast["acme"]
    http = signed_in(partner)
    headers = {**HTMX, "HX-Current-URL": "http://testserver/calendar/?month=2026-11&assignee=me"}
    page = http.get(f"/calendar/packs/{pack.code}/panel/", headers=headers).content.decode()
    assert "<html" not in page
    assert "Acme Ltd" in page and "ACME01" in page and "October 2026" in page
    assert 'class="badge badge-overdue"' in page and "working days behind" in page
    assert "Tom Reilly" in page and "Helen Marsh" in page  # preparer, reviewer
    for label in ["Collect documents", "Capture transactions", "Deliver to client"]:
        assert label in page
    assert page.count('<li class="panel-stage') == 6
    assert "Checklist: Collect documents" in page
    assert "Bank statements received" in page and "Sales invoices received" in page
    assert "Review the accounts" not in page  # only the current stage's checklist
    assert f'action="/calendar/pack-items/{acme_items["bank"].code}/tick/"' in page
    assert f'hx-post="/calendar/pack-items/{acme_items["bank"].code}/tick/"' in page
    assert 'name="next" value="/calendar/?month=2026-11&amp;assignee=me"' in page
    assert f'href="/packs/{pack.code}/"' in page  # the full pack page


def test_without_javascript_the_panel_opens_on_the_calendar_page(cast, acme_items, partner):
    pack = cast["acme"]
    url = f"/calendar/packs/{pack.code}/panel/?month=2026-11&assignee=me"
    page = get(partner, url)
    assert "<h1>November 2026</h1>" in page and "<html" in page
    panel = page[page.index('<aside id="calendar-panel"') :]
    assert "Acme Ltd" in panel and "Checklist: Collect documents" in panel
    back = "/calendar/?month=2026-11&amp;assignee=me"
    assert f'name="next" value="{back}"' in panel and f'href="{back}" data-panel-close' in panel


def test_side_panel_next_is_only_a_calendar_page(cast, acme_items, partner):
    headers = {**HTMX, "HX-Current-URL": "http://testserver/clients/"}
    page = get(partner, f"/calendar/packs/{cast['acme'].code}/panel/", headers=headers)
    assert 'name="next" value="/calendar/"' in page


def test_ticking_in_the_panel_ticks_and_tells_the_calendar(cast, acme_items, staff):
    item = acme_items["bank"]
    http = signed_in(staff)
    response = http.post(
        f"/calendar/pack-items/{item.code}/tick/",
        {"done": "1", "next": "/calendar/?month=2026-11"},
        headers=HTMX,
    )
    assert response.status_code == 200 and response["HX-Trigger"] == "pack-changed"
    page = response.content.decode()
    assert "<html" not in page and "Checklist: Collect documents" in page
    assert f'id="panel-tick-{item.code}" class="pack-tick" aria-pressed="true"' in page
    assert "Ticked by Tom Reilly" in page
    item = reload(item)
    assert item.done_at is not None and item.done_by == staff
    with practice_context(item.practice_id):
        assert PackEvent.objects.filter(item=item, action="ticked", actor=staff).count() == 1
    # The calendar, asked again, shows the pack started.
    day = get(staff, "/calendar/?day=2026-11-06")
    assert "Acme Ltd" in day
    # Unticking works the same way.
    http.post(f"/calendar/pack-items/{item.code}/tick/", {"done": "0"}, headers=HTMX)
    assert reload(item).done_at is None


def test_a_refused_tick_says_why_and_changes_nothing(cast, acme_items, staff):
    item = acme_items["review"]
    response = signed_in(staff).post(
        f"/calendar/pack-items/{item.code}/tick/", {"done": "1"}, headers=HTMX
    )
    page = response.content.decode()
    assert response.status_code == 200 and "HX-Trigger" not in response
    assert 'role="alert">Nothing changed: Only a partner or manager can tick review items.' in page
    assert reload(item).done_at is None
    with practice_context(item.practice_id):
        assert not PackEvent.objects.filter(item=item).exists()
    garbled = signed_in(staff).post(
        f"/calendar/pack-items/{acme_items['bank'].code}/tick/", {"done": "yes"}, headers=HTMX
    )
    assert "did not say whether the item is done" in garbled.content.decode()
    assert reload(acme_items["bank"]).done_at is None


def test_without_javascript_a_tick_comes_back_to_the_calendar(cast, acme_items, staff):
    http = signed_in(staff)
    item = acme_items["bank"]
    url = f"/calendar/pack-items/{item.code}/tick/"
    back = "/calendar/?month=2026-11&assignee=me"
    response = http.post(url, {"done": "1", "next": back})
    assert response.status_code == 302 and response["Location"] == back
    assert reload(item).done_at is not None
    page = http.get(back).content.decode()
    assert "Ticked “Bank statements received”." in page
    # Somewhere else is not a place to go back to.
    for elsewhere in ["https://evil.example/calendar/", "/clients/", "//evil.example/"]:
        response = http.post(url, {"done": "0", "next": elsewhere})
        assert response["Location"] == "/calendar/"
    refused = http.post(f"/calendar/pack-items/{acme_items['review'].code}/tick/", {"done": "1"})
    assert refused["Location"] == "/calendar/"
    assert "Only a partner or manager" in http.get("/calendar/").content.decode()
