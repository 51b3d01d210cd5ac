"""The calendar: the month grid of stage targets, the clients × stages rows, a day's list, the
filters in the URL, the side panel and its ticks; access, and a query count that does not grow
with the practice."""

import re
from datetime import UTC, date, datetime

import pytest
from django.test import Client as HttpClient

from atlasos.tenancy.context import practice_context
from cycle.stages import STAGES
from tasks.models import Pack, PackEvent
from tests.factories.accounts import UserFactory
from tests.factories.tasks import PackItemFactory
from tests.factories.templates_engine import TaskTemplateFactory
from tests.helpers import (
    HTMX,
    STAGE_DUES,
    STAGES_DONE_AT,
    make_pack_with_stages_done,
    reload,
    signed_in,
)

# Thursday 12 November 2026 in a practice in England.
TODAY = date(2026, 11, 12)


@pytest.fixture(autouse=True)
def today(clock):
    """The calendar's today is Thursday 12 November 2026."""
    clock.set(datetime(2026, 11, 12, 10, tzinfo=UTC))
    return TODAY


@pytest.fixture
def cast(practice, partner, manager, staff):
    """Four October packs due in November 2026 (today is Thu 12 Nov):
    Acme: nothing done (collect and capture overdue); Baker: collect and capture done;
    Cole: collect done (capture overdue); Dee: delivered."""
    monthly = TaskTemplateFactory(practice=practice, name="Monthly bookkeeping")
    payroll = TaskTemplateFactory(practice=practice, name="Payroll")
    return {
        "acme": make_pack_with_stages_done(
            practice, "Acme Ltd", "ACME01", preparer=staff, reviewer=partner, template=monthly
        ),
        "baker": make_pack_with_stages_done(
            practice,
            "Baker & Sons",
            "BAKE01",
            completed=("collect", "capture"),
            entity_type="partnership",
            preparer=staff,
            reviewer=manager,
            template=monthly,
        ),
        "cole": make_pack_with_stages_done(
            practice,
            "Cole Trading",
            "COLE01",
            completed=("collect",),
            preparer=manager,
            reviewer=partner,
            template=payroll,
        ),
        "dee": make_pack_with_stages_done(
            practice,
            "Dee Sole",
            "DEE01",
            delivered=True,
            entity_type="sole_trader",
            preparer=partner,
            reviewer=manager,
            template=monthly,
        ),
        "monthly": monthly,
        "payroll": payroll,
    }


def day_cell(page: str, day: str) -> str:
    """The HTML of one day of the month grid."""
    start = page.index(f'id="day-{day}"')
    return page[start : page.index("</td>", start)]


def codes_in(page: str) -> set[str]:
    return set(re.findall(r'<span class="code">(\w+)</span>', page))


def get(user, url: str, **kwargs) -> str:
    response = signed_in(user).get(url, **kwargs)
    assert response.status_code == 200
    return response.content.decode()


# --- access -----------------------------------------------------------------------------------


def test_signed_out_visitors_go_to_sign_in(cast):
    http = HttpClient()
    item = PackItemFactory(practice=cast["acme"].practice, pack=cast["acme"])
    for response in [
        http.get("/calendar/"),
        http.get(f"/calendar/packs/{cast['acme'].code}/panel/", headers=HTMX),
        http.post(f"/calendar/pack-items/{item.code}/tick/", {"done": "1"}),
    ]:
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    assert reload(item).done_at is None


def test_another_practices_pack_panel_and_tick_are_404(cast, other_partner):
    item = PackItemFactory(practice=cast["acme"].practice, pack=cast["acme"])
    attacker = signed_in(other_partner)
    panel = f"/calendar/packs/{cast['acme'].code}/panel/"
    assert attacker.get(panel, headers=HTMX).status_code == 404
    assert attacker.get(panel).status_code == 404
    tick = f"/calendar/pack-items/{item.code}/tick/"
    assert attacker.post(tick, {"done": "1"}, headers=HTMX).status_code == 404
    assert attacker.post(tick, {"done": "1"}).status_code == 404
    assert reload(item).done_at is None
    # And the other practice's calendar shows none of these packs.
    page = attacker.get("/calendar/?month=2026-11").content.decode()
    assert "ACME01" not in page and "0 stage targets this month" in page


def test_the_tick_takes_only_post(cast, partner):
    item = PackItemFactory(practice=cast["acme"].practice, pack=cast["acme"])
    response = signed_in(partner).get(f"/calendar/pack-items/{item.code}/tick/")
    assert response.status_code == 405


# --- month grid -------------------------------------------------------------------------------


def test_month_grid_shows_each_stage_target_on_its_day_with_counts(cast, partner):
    page = get(partner, "/calendar/?month=2026-11")
    assert "<h1>November 2026</h1>" in page
    assert "24 stage targets this month, 3 overdue, 9 done" in page
    # Fri 6 Nov: every pack's collect target; Acme's is overdue and listed first.
    collect = day_cell(page, "2026-11-06")
    assert "<strong>4 due</strong>" in collect and "1 overdue" in collect
    assert "3 done" in collect
    assert collect.count('class="cal-entry ') == 4
    assert re.findall(r'<span class="code">(\w+)</span> (\w+)', collect) == [
        ("ACME01", "Collect"),
        ("BAKE01", "Collect"),
        ("COLE01", "Collect"),
        ("DEE01", "Collect"),
    ]
    assert 'cal-entry cal-entry-overdue"><a href="/packs/' + str(cast["acme"].code) in collect
    assert ", overdue</span>" in collect and ", done</span>" in collect  # in words too
    # Wed 11 Nov: capture; Acme and Cole are late, Baker and Dee done.
    capture = day_cell(page, "2026-11-11")
    assert "<strong>4 due</strong>" in capture and "2 overdue" in capture and "2 done" in capture
    overdue_first = re.findall(
        r'cal-entry-(\w+)"><a [^>]*><span [^>]*>.</span><span class="code">(\w+)', capture
    )
    assert overdue_first == [
        ("overdue", "ACME01"),
        ("overdue", "COLE01"),
        ("done", "BAKE01"),
        ("done", "DEE01"),
    ]
    # Fri 13 Nov is not past: three due, Dee's done, none overdue.
    reconcile = day_cell(page, "2026-11-13")
    assert "<strong>4 due</strong>" in reconcile and "overdue" not in reconcile.split("</p>")[1]
    assert reconcile.count("cal-entry-due") == 3 and reconcile.count("cal-entry-done") == 1
    # A day with nothing due shows nothing.
    assert "cal-counts" not in day_cell(page, "2026-11-10")


def test_a_busy_day_lists_four_overdue_first_and_links_to_the_rest(practice, partner):
    for name in ["Able", "Brook", "Crest", "Dale"]:
        make_pack_with_stages_done(practice, f"{name} Ltd", completed=("collect",))
    make_pack_with_stages_done(practice, "Yew Ltd", "YEW01")  # collect overdue
    make_pack_with_stages_done(practice, "Zinc Ltd", "ZINC01")  # collect overdue
    page = get(partner, "/calendar/?month=2026-11&entity_type=limited_company")
    cell = day_cell(page, "2026-11-06")
    assert "<strong>6 due</strong>" in cell and "2 overdue" in cell and "4 done" in cell
    assert re.findall(r'<span class="code">(\w+)</span>', cell) == [
        "YEW01",
        "ZINC01",
        "ABLELT",
        "BROOKL",
    ]
    more = "/calendar/?entity_type=limited_company&amp;day=2026-11-06"
    assert f'href="{more}"' in cell and "+2 more" in cell


def test_today_is_marked_in_words_and_for_screen_readers(cast, partner):
    page = get(partner, "/calendar/")  # this month: November 2026, today the 12th
    assert "<h1>November 2026</h1>" in page
    today = day_cell(page, "2026-11-12")
    assert 'aria-current="date"' in today and '<span class="cal-today">Today</span>' in today
    assert page.count('aria-current="date"') == 1
    december = get(partner, "/calendar/?month=2026-12")
    assert 'aria-current="date"' not in december and "cal-today" not in december


def test_weekends_holidays_and_other_months_are_shaded(cast, partner):
    page = get(partner, "/calendar/?month=2026-12")
    christmas = day_cell(page, "2026-12-25")
    assert 'class="cal-day is-holiday"' in christmas and 'title="Christmas Day"' in christmas
    assert '<p class="cal-holiday">Christmas Day</p>' in christmas
    assert 'class="cal-day is-weekend"' in day_cell(page, "2026-12-05")
    assert "Boxing Day (observed)" in day_cell(page, "2026-12-28")  # the 26th is a Saturday
    assert 'class="cal-day"' in day_cell(page, "2026-12-07")  # an ordinary Monday
    # The grid runs Monday 30 November to Sunday 3 January; New Year's Day is 2027's holiday.
    assert 'class="cal-day is-outside"' in day_cell(page, "2026-11-30")
    assert "New Year" in day_cell(page, "2027-01-01") and "is-outside" in day_cell(
        page, "2027-01-01"
    )


def test_month_navigation_and_layout_links_keep_the_filters(cast, partner):
    page = get(partner, "/calendar/?month=2026-11&assignee=me&status=overdue&page=3")
    for href in [
        "/calendar/?assignee=me&amp;status=overdue&amp;month=2026-10",
        "/calendar/?assignee=me&amp;status=overdue&amp;month=2026-12",
        "/calendar/?assignee=me&amp;status=overdue&amp;month=2026-11&amp;layout=rows",
    ]:
        assert f'href="{href}"' in page
    rows = get(partner, "/calendar/?month=2027-01&layout=rows&assignee=me")
    assert 'href="/calendar/?assignee=me&amp;month=2026-12&amp;layout=rows"' in rows
    assert 'href="/calendar/?assignee=me&amp;month=2026-11&amp;layout=rows"' in rows  # this month
    # The filter form carries the month and layout, so filtering stays on them.
    assert '<input type="hidden" name="month" value="2027-01">' in rows
    assert '<input type="hidden" name="layout" value="rows">' in rows
    # An unreadable month falls back to this month.
    assert "<h1>November 2026</h1>" in get(partner, "/calendar/?month=soon")


# --- filters ----------------------------------------------------------------------------------

EVERYONE = {"ACME01", "BAKE01", "COLE01", "DEE01"}


@pytest.mark.parametrize(
    ("who", "query", "expected"),
    [
        ("staff", "", EVERYONE),
        ("staff", "assignee=me", {"ACME01", "BAKE01"}),
        ("partner", "reviewer=me", {"ACME01", "COLE01"}),
        ("staff", "entity_type=partnership", {"BAKE01"}),
        ("staff", "status=overdue", {"ACME01", "COLE01"}),
        ("staff", "status=complete", {"DEE01"}),
        ("staff", "status=in_progress", {"BAKE01"}),
        ("staff", "stage=reconcile", {"BAKE01"}),
        ("staff", "q=cole", {"COLE01"}),
        ("staff", "q=BAKE01", {"BAKE01"}),
        # Combined: AND.
        ("staff", "assignee=me&status=overdue", {"ACME01"}),
        ("partner", "reviewer=me&status=overdue&entity_type=limited_company", {"ACME01", "COLE01"}),
        ("staff", "assignee=me&entity_type=sole_trader", set()),
        # Unknown values are ignored; the valid filters beside them still apply.
        ("staff", "status=lost&entity_type=spaceship&stage=nowhere", EVERYONE),
        ("staff", "status=lost&assignee=me", {"ACME01", "BAKE01"}),
    ],
)
def test_filters_narrow_the_calendar_and_combine(cast, request, who, query, expected):
    user = request.getfixturevalue(who)
    for layout in ["", "&layout=rows"]:
        page = get(user, f"/calendar/?month=2026-11&{query}{layout}")
        assert codes_in(page) == expected, (query, layout)


def test_template_and_other_member_filters(cast, staff, manager, other_practice):
    payroll = get(staff, f"/calendar/?month=2026-11&template={cast['payroll'].code}")
    assert codes_in(payroll) == {"COLE01"}
    assert "6 stage targets this month, 1 overdue, 1 done" in payroll
    by_manager = get(staff, f"/calendar/?month=2026-11&assignee={manager.code}")
    assert codes_in(by_manager) == {"COLE01"}
    stranger = UserFactory(practice=other_practice)
    assert codes_in(get(staff, f"/calendar/?month=2026-11&assignee={stranger.code}")) == EVERYONE


def test_filtered_summary_counts_only_the_filtered_packs(cast, staff):
    page = get(staff, "/calendar/?month=2026-11&assignee=me&status=overdue")
    assert "6 stage targets this month, 2 overdue, 0 done" in page
    assert "clear the filters" in page and 'href="/calendar/?month=2026-11"' in page
    empty = get(staff, "/calendar/?month=2026-11&assignee=me&entity_type=sole_trader")
    assert "No stage targets in November 2026 match these filters" in empty


# --- a day's list -----------------------------------------------------------------------------


def test_day_list_shows_every_target_of_the_day(cast, partner):
    page = get(partner, "/calendar/?day=2026-11-11")
    assert "<h1>Wednesday 11 November 2026</h1>" in page
    assert "4 due, 2 overdue, 2 done" in page
    rows = re.findall(r"<tr>\s*<td><a [^>]*>([^<]+)</a>", page)
    assert rows == ["Acme Ltd", "Cole Trading", "Baker &amp; Sons", "Dee Sole"]
    assert page.count("Capture transactions") == 4 + 1  # the rows and the stage filter
    assert 'class="badge badge-overdue"' in page and 'class="badge badge-complete"' in page
    assert 'class="badge badge-in_progress"' in page  # Baker: reconcile due Fri, 2 working days
    assert "Tom Reilly" in page and "Priya Shah" in page
    assert 'href="/calendar/?month=2026-11"' in page  # back to the month


def test_day_list_is_paginated_by_50(practice, partner):
    template = TaskTemplateFactory(practice=practice)
    for n in range(51):
        make_pack_with_stages_done(practice, f"Client {n:03d}", f"C{n:03d}", template=template)
    first = get(partner, "/calendar/?day=2026-11-06")
    assert "Page 1 of 2" in first and "Showing 1–50 of 51" in first
    assert "Client 000" in first and "Client 049" in first and "Client 050" not in first
    assert 'href="/calendar/?month=2026-11&amp;day=2026-11-06&amp;page=2"' in first
    second = get(partner, "/calendar/?day=2026-11-06&page=2")
    assert "Showing 51–51 of 51" in second and "Client 050" in second
    assert "Client 000" not in second


def test_an_unreadable_day_shows_the_month(cast, partner):
    page = get(partner, "/calendar/?day=2026-11-31")
    assert "<h1>November 2026</h1>" in page and "calendar-grid" in page


# --- months outside the calendar's range ----------------------------------------------------

OUT_OF_RANGE = ["month=9999-12", "month=0001-01", "day=9999-12-31", "day=0001-01-01"]
RANGE_MESSAGE = "The calendar runs from January 2000 to December 2036"


@pytest.mark.parametrize("layout", ["", "&layout=rows"], ids=["month", "rows"])
@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
@pytest.mark.parametrize("query", OUT_OF_RANGE)
def test_a_month_out_of_range_is_a_400_that_says_which_months_there_are(
    cast, partner, query, layout, headers
):
    response = signed_in(partner).get(f"/calendar/?{query}{layout}", headers=headers)
    assert response.status_code == 400
    page = response.content.decode()
    assert RANGE_MESSAGE in page
    assert 'href="/calendar/"' in page  # a way back to this month


@pytest.mark.parametrize("query", OUT_OF_RANGE)
def test_the_panel_on_a_month_out_of_range_is_a_400(cast, partner, query):
    response = signed_in(partner).get(f"/calendar/packs/{cast['acme'].code}/panel/?{query}")
    assert response.status_code == 400
    assert RANGE_MESSAGE in response.content.decode()


@pytest.mark.parametrize("layout", ["", "&layout=rows"], ids=["month", "rows"])
def test_the_first_and_last_months_open_without_a_link_beyond_them(cast, partner, layout):
    last = get(partner, f"/calendar/?month=2036-12{layout}")
    assert "<h1>December 2036</h1>" in last
    assert "month=2037-01" not in last and 'rel="next"' not in last
    assert "month=2036-11" in last
    first = get(partner, f"/calendar/?month=2000-01{layout}")
    assert "<h1>January 2000</h1>" in first
    assert "month=1999-12" not in first and 'rel="prev"' not in first
    assert get(partner, "/calendar/?day=2036-12-31").count("<h1>Wednesday 31 December 2036</h1>")


# --- rows layout ------------------------------------------------------------------------------


def row_cells(page: str, client_name: str) -> list[str]:
    start = page.index(f">{client_name}</a>")
    row = page[start : page.index("</tr>", start)]
    return [
        state + (" current" if current else "")
        for state, current in re.findall(r'<td class="cal-cell cal-cell-(\w+)( is-current)?', row)
    ]


def test_rows_layout_shows_each_stage_state(cast, partner):
    page = get(partner, "/calendar/?month=2026-11&layout=rows")
    assert "24 stage targets this month, 3 overdue, 9 done" in page
    nr = "not_reached"
    assert row_cells(page, "Acme Ltd") == ["overdue current", "overdue", nr, nr, nr, nr]
    assert row_cells(page, "Baker &amp; Sons") == ["done", "done", "current current", nr, nr, nr]
    assert row_cells(page, "Cole Trading") == ["done", "overdue current", nr, nr, nr, nr]
    assert row_cells(page, "Dee Sole") == ["done"] * 6
    cole = page[page.index(">Cole Trading</a>") :]
    cole = cole[: cole.index("</tr>")]
    assert "✓</span> Done" in cole and "Thu 5 Nov" in cole  # when collect was done
    assert '!</span> Overdue<span class="cal-cell-also-current"> · current</span>' in cole
    assert "○</span> Not reached" in cole and "Due Fri 13 Nov" in cole
    assert 'class="badge badge-overdue"' in cole and "Priya Shah" in cole
    assert "October 2026" in cole and "Payroll" in cole
    # By client name.
    names = ["Acme Ltd", "Baker &amp; Sons", "Cole Trading", "Dee Sole"]
    assert sorted(names, key=page.index) == names


def test_rows_layout_takes_packs_with_a_target_in_the_month(practice, partner):
    make_pack_with_stages_done(practice, "November Ltd")
    make_pack_with_stages_done(
        practice,
        "Straddle Ltd",
        dues={**STAGE_DUES, "collect": date(2026, 10, 30), "capture": date(2026, 10, 31)},
    )
    make_pack_with_stages_done(
        practice,
        "January Ltd",
        period=date(2026, 12, 1),
        dues={stage: date(2027, 1, 8 + n) for n, stage in enumerate(STAGES)},
    )
    page = get(partner, "/calendar/?month=2026-11&layout=rows")
    assert "November Ltd" in page and "Straddle Ltd" in page and "January Ltd" not in page
    straddle = page[page.index(">Straddle Ltd</a>") :]
    assert 'cal-cell-overdue is-current is-other-month"' in straddle  # collect, in October


def test_rows_layout_is_paginated_by_50_in_client_order(practice, partner):
    for n in reversed(range(51)):
        make_pack_with_stages_done(practice, f"Client {n:03d}", f"C{n:03d}")
    first = get(partner, "/calendar/?month=2026-11&layout=rows")
    assert "Page 1 of 2" in first and first.count('<th scope="row"') == 50
    assert first.index("Client 000") < first.index("Client 001") < first.index("Client 049")
    assert 'href="/calendar/?month=2026-11&amp;layout=rows&amp;page=2"' in first
    second = get(partner, "/calendar/?month=2026-11&layout=rows&page=2")
    assert second.count('<th scope="row"') == 1 and "Client 050" in second


def test_search_narrows_the_rows_to_a_client(cast, partner):
    page = get(partner, "/calendar/?month=2026-11&layout=rows&q=baker")
    assert page.count('<th scope="row"') == 1 and "Baker &amp; Sons" in page
    nothing = get(partner, "/calendar/?month=2026-11&layout=rows&q=nobody")
    assert "No packs with a stage due in November 2026 match these filters" in nothing


# --- htmx -------------------------------------------------------------------------------------


def test_htmx_filtering_returns_only_the_results(cast, staff):
    http = signed_in(staff)
    response = http.get(
        "/calendar/?q=&assignee=me&reviewer=&status=overdue&month=2026-11",
        headers={**HTMX, "HX-Trigger": "calendar-filters"},
    )
    page = response.content.decode()
    assert "<html" not in page and page.lstrip().startswith('<div id="calendar-results"')
    assert codes_in(page) == {"ACME01"}
    # The tidy URL is pushed; the form's month field is refreshed out of band.
    assert response["HX-Push-Url"] == "/calendar/?assignee=me&status=overdue&month=2026-11"
    assert '<span id="calendar-state" class="calendar-state" hx-swap-oob="true">' in page
    # The results fetch themselves again, filters and all, when a pack changes.
    assert 'hx-get="/calendar/?assignee=me&amp;status=overdue&amp;month=2026-11"' in page
    assert 'hx-trigger="pack-changed from:body"' in page
    # A month link answers without pushing a URL of its own (the link pushes its href).
    link = http.get("/calendar/?month=2026-12", headers=HTMX)
    assert "HX-Push-Url" not in link and "<html" not in link.content.decode()
    # A history restore (htmx has no copy of the page) needs the whole page.
    restore = http.get(
        "/calendar/?month=2026-11", headers={**HTMX, "HX-History-Restore-Request": "true"}
    )
    assert "<html" in restore.content.decode()


# --- side panel -------------------------------------------------------------------------------


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


# --- queries ----------------------------------------------------------------------------------


@pytest.fixture(params=[3, 40], ids=["3 clients", "40 clients"])
def practice_of_size(request, practice, partner, manager, staff):
    """``n`` clients with an October pack each, in every state, with a few checklist items."""
    template = TaskTemplateFactory(practice=practice)
    packs = []
    for n in range(request.param):
        completed = STAGES[: n % 7]
        pack = make_pack_with_stages_done(
            practice,
            f"Client {n:03d}",
            f"C{n:03d}",
            completed=completed if len(completed) < 6 else (),
            delivered=len(completed) == 6,
            preparer=[staff, manager][n % 2],
            reviewer=partner,
            template=template,
            entity_type=["limited_company", "partnership"][n % 2],
        )
        for stage in STAGES:
            PackItemFactory(practice=practice, pack=pack, stage=stage)
        packs.append(pack)
    return packs


# 1 session, 2 user with practice, 3-4 the filter form's team members and templates, then
# the month grid 1 query (each day's counts and first entries together), the rows 3 (count,
# page, month counts), a day's list 2 (counts, page), the panel 6 (pack, items, review rule,
# latest events, event count, the pack's document request with its progress); a full page
# adds the notification bell's unread count.
QUERIES = {"month": 6, "rows": 8, "day": 7, "panel": 8}


@pytest.mark.parametrize(
    ("name", "url"),
    [
        ("month", "/calendar/?month=2026-11"),
        ("month", "/calendar/?month=2026-11&assignee=me&status=overdue&q=client"),
        ("rows", "/calendar/?month=2026-11&layout=rows"),
        ("rows", "/calendar/?month=2026-11&layout=rows&status=in_progress&entity_type=partnership"),
        ("day", "/calendar/?day=2026-11-06"),
        ("day", "/calendar/?day=2026-11-11&reviewer=me"),
    ],
)
def test_query_count_does_not_grow_with_the_practice(
    practice_of_size, partner, name, url, django_assert_max_num_queries
):
    http = signed_in(partner)
    with django_assert_max_num_queries(QUERIES[name]):
        response = http.get(url)
    assert response.status_code == 200
    with django_assert_max_num_queries(QUERIES[name]):
        response = http.get(url, headers=HTMX)
    assert response.status_code == 200


def test_panel_query_count_does_not_grow(practice_of_size, partner, django_assert_max_num_queries):
    http = signed_in(partner)
    for pack in [practice_of_size[0], practice_of_size[-1]]:
        with django_assert_max_num_queries(QUERIES["panel"]):
            response = http.get(f"/calendar/packs/{pack.code}/panel/", headers=HTMX)
        assert response.status_code == 200


def test_deliver_counts_done_only_once_the_pack_is_complete(practice, partner):
    """Deliver items ticked but the pack not complete: the deliver target is still overdue; a
    delivered pack's stages are all done, even one never ticked."""
    late = {stage: date(2026, 11, 2 + n) for n, stage in enumerate(STAGES)}  # all before today
    waiting = make_pack_with_stages_done(
        practice, "Waiting Ltd", "WAIT01", dues=late, completed=STAGES[:5]
    )
    delivered = make_pack_with_stages_done(
        practice, "Sent Ltd", "SENT01", dues=late, delivered=True
    )
    with practice_context(practice.pk):
        Pack.objects.filter(pk=waiting.pk).update(deliver_done_at=STAGES_DONE_AT)
        Pack.objects.filter(pk=delivered.pk).update(capture_done_at=None)
    page = get(partner, "/calendar/?month=2026-11")
    assert "12 stage targets this month, 1 overdue, 11 done" in page
    deliver_day = day_cell(page, "2026-11-07")
    assert "cal-entry-overdue" in deliver_day and "WAIT01" in deliver_day
    rows = get(partner, "/calendar/?month=2026-11&layout=rows")
    assert row_cells(rows, "Waiting Ltd") == ["done"] * 5 + ["overdue current"]
    assert row_cells(rows, "Sent Ltd") == ["done"] * 6
