"""The calendar's month grid and a day's list of stage targets: access, today and holidays,
months outside the calendar's range, and a query count that does not grow with the
practice."""

import re
from datetime import date

import pytest
from django.test import Client as HttpClient

from atlasos.tenancy.context import practice_context
from cycle.stages import STAGES
from tasks.models import Pack
from tests.factories.tasks import PackItemFactory
from tests.factories.templates_engine import TaskTemplateFactory
from tests.helpers import (
    HTMX,
    STAGES_DONE_AT,
    make_pack_with_stages_done,
    reload,
    signed_in,
)
from tests.tasks.helpers import get, row_cells

pytestmark = pytest.mark.usefixtures("calendar_day")


def day_cell(page: str, day: str) -> str:
    """The HTML of one day of the month grid."""
    start = page.index(f'id="day-{day}"')
    return page[start : page.index("</td>", start)]


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
# adds the notification bell's unread count and the top bar's inbox count (messages waiting in
# triage), so month, rows and day are each one higher than their fragments need.
QUERIES = {"month": 7, "rows": 9, "day": 8, "panel": 8}


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
