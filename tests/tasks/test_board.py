"""The task board: who may see it, the completion rate by period, team workload, the overdue
list (sorting, pages), the filters, the SVG charts, the start page of partners and managers,
and a query count that does not grow with the practice.

The board is drawn for Wednesday 25 November 2026 (the week runs Monday 23 to Sunday 29):
the current period is October 2026.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from atlasos.tenancy.context import practice_context
from tasks import board
from tasks.models import Pack
from tests.factories.clients import ClientFactory
from tests.factories.tasks import PackItemFactory
from tests.factories.templates_engine import TaskTemplateFactory
from tests.helpers import ALL_DONE_AT, ALL_DUE_ON, make_pack_all_due_on, signed_in

NOW = datetime(2026, 11, 25, 9, tzinfo=ZoneInfo("Europe/London"))
TODAY = NOW.date()
OCTOBER = date(2026, 10, 1)
SEPTEMBER = date(2026, 9, 1)
AUGUST = date(2026, 8, 1)
LATE = date(2026, 11, 20)  # due before today: overdue while not done


@pytest.fixture(autouse=True)
def board_day(clock):
    clock.set(NOW)


def page_of(user, url="/board/") -> str:
    response = signed_in(user).get(url)
    assert response.status_code == 200
    return response.content.decode()


# --- access -------------------------------------------------------------------------------------


def test_signed_out_visitors_go_to_sign_in(client):
    response = client.get("/board/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_staff_may_not_open_the_board(staff):
    assert signed_in(staff).get("/board/").status_code == 403


def test_partners_and_managers_open_the_board(partner, manager):
    for user in (partner, manager):
        page = page_of(user)
        assert '<a href="/board/" aria-current="page">Board</a>' in page
        assert "<h1>Task board</h1>" in page


def test_another_practice_sees_only_its_own_packs(practice, other_practice, partner, other_partner):
    for _ in range(3):
        make_pack_all_due_on(practice, due=LATE)
    make_pack_all_due_on(practice, complete=True)
    make_pack_all_due_on(other_practice, complete=True)
    own = page_of(partner)
    assert "<strong>25%</strong> — 1 of 4 clients delivered for October 2026" in own
    assert "3 open packs by current stage, 3 overdue." in own
    other = page_of(other_partner)
    assert "<strong>100%</strong> — 1 of 1 client delivered for October 2026" in other
    assert "0 open packs by current stage, 0 overdue." in other
    assert "No overdue packs" in other


# --- start page ---------------------------------------------------------------------------------


def test_partners_and_managers_start_on_the_board_staff_on_my_work(partner, manager, staff):
    assert signed_in(partner).get("/")["Location"] == "/board/"
    assert signed_in(manager).get("/")["Location"] == "/board/"
    assert signed_in(staff).get("/")["Location"] == "/my-work/"


# --- completion rate ----------------------------------------------------------------------------


@pytest.fixture
def completion(practice, other_practice):
    """October: C1 delivered; C2 has one pack delivered and one open (not complete); C3 open;
    C4 delivered → 2 of 4 = 50%. September: C1 and C2 delivered → 2 of 2 = 100%.
    August: C1 open → 0 of 1 = 0%. Other months: no packs. Another practice delivered
    everything: not counted."""
    c1, c2, c3, c4 = (ClientFactory(practice=practice, name=f"Client C{n}") for n in range(1, 5))
    second = TaskTemplateFactory(practice=practice, name="VAT return")
    make_pack_all_due_on(practice, c1, complete=True)
    make_pack_all_due_on(practice, c2, complete=True)
    make_pack_all_due_on(practice, c2, template=second)
    make_pack_all_due_on(practice, c3)
    make_pack_all_due_on(practice, c4, complete=True)
    make_pack_all_due_on(practice, c1, SEPTEMBER, complete=True)
    make_pack_all_due_on(practice, c2, SEPTEMBER, complete=True)
    make_pack_all_due_on(practice, c1, AUGUST)
    for _ in range(3):
        make_pack_all_due_on(other_practice, complete=True)


def test_completion_rate_for_the_current_period_and_the_six_before(in_practice, completion):
    rates = board.completion_rates(Pack.objects.all(), board.board_periods(TODAY))
    assert [(r.period, r.clients, r.complete, r.percent) for r in rates] == [
        (date(2026, 4, 1), 0, 0, 0),
        (date(2026, 5, 1), 0, 0, 0),
        (date(2026, 6, 1), 0, 0, 0),
        (date(2026, 7, 1), 0, 0, 0),
        (AUGUST, 1, 0, 0),
        (SEPTEMBER, 2, 2, 100),
        (OCTOBER, 4, 2, 50),
    ]
    assert rates[-1].sentence == "50% — 2 of 4 clients delivered for October 2026"
    assert rates[0].sentence == "No client has a pack for April 2026."


def test_completion_rate_is_one_grouped_query(in_practice, completion, django_assert_num_queries):
    with django_assert_num_queries(1):
        board.completion_rates(Pack.objects.all(), board.board_periods(TODAY))


def test_the_page_shows_the_rate_and_a_chart_with_the_numbers(partner, completion):
    page = page_of(partner)
    assert "<strong>50%</strong> — 2 of 4 clients delivered for October 2026" in page
    chart = page[page.index('<svg class="chart" id="completion-chart"') :]
    chart = chart[: chart.index("</svg>")]
    assert 'role="img"' in chart and 'aria-labelledby="completion-chart-title' in chart
    assert (
        '<title id="completion-chart-title">Clients delivered, April 2026 to October 2026' in chart
    )
    # The numbers are written on the bars, the axis is labelled, no inline style.
    for text in (">50%</text>", ">100%</text>", ">0%</text>", ">Oct 2026</text>", ">2 of 4</text>"):
        assert text in chart
    assert "% delivered" in chart and "style=" not in chart
    assert "Oct 2026: 50% (2 of 4) (current); Sep 2026: 100%" not in chart  # oldest first
    assert "Sep 2026: 100% (2 of 2); Oct 2026: 50% (2 of 4) (current)" in chart


# --- team workload ------------------------------------------------------------------------------


@pytest.fixture
def workload(practice, partner, manager, staff):
    """1. Tom prepares, Priya reviews; overdue.
    2. Tom prepares, Helen reviews; on time; collect and review due Fri 27 Nov (this week):
       two collect items open and one done (Tom: 2), one review item open (Helen: 1); one
       prepare item open due Mon 30 Nov (next week, not counted).
    3. Priya prepares and reviews; overdue (counts once in her overdue).
    4. Tom's delivered pack: not counted. 5. A pack with nobody assigned: counted nowhere.
    Also: Tom's item due this week in a delivered pack is not counted."""
    make_pack_all_due_on(practice, due=LATE, preparer=staff, reviewer=manager)
    week = make_pack_all_due_on(
        practice,
        preparer=staff,
        reviewer=partner,
        collect_due=date(2026, 11, 27),
        review_due=date(2026, 11, 27),
    )
    for done in (None, None, ALL_DONE_AT):
        PackItemFactory(practice=practice, pack=week, stage="collect", done_at=done)
    PackItemFactory(practice=practice, pack=week, stage="review")
    PackItemFactory(practice=practice, pack=week, stage="prepare")
    make_pack_all_due_on(practice, due=LATE, preparer=manager, reviewer=manager)
    delivered = make_pack_all_due_on(
        practice, complete=True, preparer=staff, collect_due=date(2026, 11, 27)
    )
    PackItemFactory(practice=practice, pack=delivered, stage="collect")
    make_pack_all_due_on(practice, due=LATE)


def test_workload_per_team_member(practice, partner, manager, staff, workload):
    with practice_context(practice.pk):
        rows = board.team_workload(Pack.objects.all(), [partner, manager, staff], TODAY)
    got = {r.member.full_name: (r.preparing, r.reviewing, r.overdue, r.due_this_week) for r in rows}
    assert got == {
        "Helen Marsh": (0, 1, 0, 1),
        "Priya Shah": (1, 2, 2, 0),
        "Tom Reilly": (2, 0, 1, 2),
    }


def test_workload_table_on_the_page(partner, staff, workload):
    page = page_of(partner)
    row = page[page.index(f'id="workload-{staff.code}"') :]
    row = row[: row.index("</tr>")]
    cells = [cell.split("<")[0] for cell in row.split('<td class="num">')[1:]]
    assert cells == ["2", "0", "", "2"]  # the overdue cell holds a marked-up "1 overdue"
    assert '<span class="board-late">1 <span class="visually-hidden">overdue</span>' in row
    assert "Mon 23 Nov – Sun 29 Nov" in page


def test_workload_is_three_queries(practice, partner, workload, django_assert_num_queries):
    with practice_context(practice.pk), django_assert_num_queries(3):
        board.team_workload(Pack.objects.all(), [partner], TODAY)


# --- overdue list -------------------------------------------------------------------------------


@pytest.fixture
def overdue(practice, staff, manager):
    """Three overdue packs and one on time:
    Bravo   collect due Fri 13 Nov, not done (Tom)         — 8 working days behind
    Alpha   collect done, reconcile due Wed 18 Nov (Priya) — 5 working days behind
    Charlie collect done, capture due Mon 23 Nov (nobody)  — 2 working days behind
    Delta   on time."""
    make_pack_all_due_on(
        practice,
        ClientFactory(practice=practice, name="Bravo Ltd"),
        due=LATE,
        collect_due=date(2026, 11, 13),
        preparer=staff,
    )
    make_pack_all_due_on(
        practice,
        ClientFactory(practice=practice, name="Alpha Ltd"),
        due=LATE,
        collect_done_at=ALL_DONE_AT,
        capture_done_at=ALL_DONE_AT,
        collect_due=date(2026, 11, 6),
        capture_due=date(2026, 11, 6),
        reconcile_due=date(2026, 11, 18),
        current_stage="reconcile",
        preparer=manager,
    )
    make_pack_all_due_on(
        practice,
        ClientFactory(practice=practice, name="Charlie Ltd"),
        collect_done_at=ALL_DONE_AT,
        collect_due=date(2026, 11, 6),
        capture_due=date(2026, 11, 23),
        current_stage="capture",
    )
    make_pack_all_due_on(practice, ClientFactory(practice=practice, name="Delta Ltd"))


def names_in(page: str) -> list[str]:
    names = ["Alpha Ltd", "Bravo Ltd", "Charlie Ltd", "Delta Ltd"]
    listing = page[page.index('id="overdue-list"') :]
    return sorted((n for n in names if n in listing), key=listing.index)


def test_overdue_list_shows_client_stage_days_behind_and_preparer(partner, overdue):
    page = page_of(partner)
    listing = page[
        page.index('id="overdue-list"') : page.index("</table>", page.index('id="overdue-list"'))
    ]
    assert names_in(page) == ["Bravo Ltd", "Alpha Ltd", "Charlie Ltd"]  # most behind first
    assert 'Overdue packs <span class="muted">(3)</span>' in page
    with practice_context(partner.practice_id):
        bravo = Pack.objects.get(client__name="Bravo Ltd")
    assert f'<a href="/packs/{bravo.code}/">Bravo Ltd</a>' in listing
    assert 'Collect documents <span class="muted small nowrap">due Fri 13 Nov</span>' in listing
    assert 'Reconcile bank <span class="muted small nowrap">due Wed 18 Nov</span>' in listing
    assert "Capture transactions" in listing
    assert (
        "8 working days" in listing and "5 working days" in listing and "2 working days" in listing
    )
    assert "Tom Reilly" in listing and "Priya Shah" in listing


@pytest.mark.parametrize(
    ("sort", "order"),
    [
        ("days", ["Bravo Ltd", "Alpha Ltd", "Charlie Ltd"]),
        ("-days", ["Charlie Ltd", "Alpha Ltd", "Bravo Ltd"]),
        ("client", ["Alpha Ltd", "Bravo Ltd", "Charlie Ltd"]),
        ("-client", ["Charlie Ltd", "Bravo Ltd", "Alpha Ltd"]),
        ("stage", ["Bravo Ltd", "Charlie Ltd", "Alpha Ltd"]),
        ("-stage", ["Alpha Ltd", "Charlie Ltd", "Bravo Ltd"]),
        ("preparer", ["Alpha Ltd", "Bravo Ltd", "Charlie Ltd"]),  # Priya, Tom, nobody last
        ("-preparer", ["Bravo Ltd", "Alpha Ltd", "Charlie Ltd"]),
        ("nonsense", ["Bravo Ltd", "Alpha Ltd", "Charlie Ltd"]),
    ],
)
def test_overdue_list_sorts(partner, overdue, sort, order):
    assert names_in(page_of(partner, f"/board/?sort={sort}")) == order


def test_sort_links_keep_the_filters_and_flip_the_direction(partner, staff, overdue):
    page = page_of(partner, f"/board/?assignee={staff.code}&sort=client")
    assert f'href="?assignee={staff.code}&amp;sort=-client"' in page  # active: reversed
    assert 'aria-sort="ascending"' in page
    assert f'href="?assignee={staff.code}&amp;sort=days"' in page
    assert f'href="?assignee={staff.code}&amp;sort=preparer"' in page


def test_overdue_list_is_paginated_by_50(practice, partner):
    template = TaskTemplateFactory(practice=practice)
    for n in range(55):
        make_pack_all_due_on(
            practice,
            ClientFactory(practice=practice, name=f"Late {n:02d} Ltd"),
            due=LATE,
            template=template,
        )
    first = page_of(partner, "/board/?sort=client")
    assert "Late 00 Ltd" in first and "Late 49 Ltd" in first and "Late 50 Ltd" not in first
    assert "Showing 1–50 of 55" in first
    assert 'href="?sort=client&amp;page=2#overdue"' in first
    second = page_of(partner, "/board/?sort=client&page=2")
    assert "Late 50 Ltd" in second and "Late 54 Ltd" in second and "Late 49 Ltd" not in second


# --- filters, htmx ------------------------------------------------------------------------------


def test_filters_narrow_the_whole_board(partner, staff, manager, overdue, completion):
    page = page_of(partner, f"/board/?assignee={staff.code}")
    assert names_in(page) == ["Bravo Ltd"]
    assert "<strong>0%</strong> — 0 of 1 client delivered for October 2026" in page
    assert "1 open pack by current stage, 1 overdue." in page
    assert "Collect documents is holding 1 pack, 1 overdue." in page
    assert "Figures for the packs matching these filters." in page
    both = page_of(partner, f"/board/?assignee={staff.code}&stage=reconcile")
    assert "No overdue packs match these filters" in both


def test_htmx_filtering_swaps_only_the_results(partner, overdue):
    response = signed_in(partner).get("/board/?status=overdue", headers={"HX-Request": "true"})
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="board-results"')
    assert "<html" not in body and "Bravo Ltd" in body


def test_filter_form_is_in_the_url_and_updates_through_htmx(partner):
    page = page_of(partner)
    assert 'hx-get="/board/" hx-target="#board-results"' in page and 'hx-push-url="true"' in page
    assert 'method="get" action="/board/"' in page
    assert 'href="/board/kanban/"' in page


def test_bottleneck_chart_and_sentence(partner, overdue):
    page = page_of(partner)
    # One overdue pack in each of collect, capture and reconcile: the tie names collect.
    assert "Collect documents is holding 2 packs, 1 overdue." in page
    chart = page[page.index('id="stage-chart"') :]
    chart = chart[: chart.index("</svg>")]
    assert ">2 open, 1 overdue</text>" in chart  # collect: Bravo (overdue), Delta
    assert ">1 open, 1 overdue</text>" in chart  # capture: Charlie; reconcile: Alpha
    assert ">0 open</text>" in chart  # prepare, review, deliver
    assert 'fill="url(#stage-chart-hatch)"' in chart and "Overdue (hatched)" in chart
    assert "style=" not in chart


def test_stage_times_table_is_on_the_page(partner):
    page = page_of(partner)
    assert "October 2026 (this period)" in page and "September 2026 (last period)" in page
    assert 'id="times-collect"' in page and "90th percentile" in page


# --- query count --------------------------------------------------------------------------------


def build(practice, people, n: int):
    template = TaskTemplateFactory(practice=practice)
    for i in range(n):
        client = ClientFactory(practice=practice)
        for period in (SEPTEMBER, OCTOBER):
            pack = make_pack_all_due_on(
                practice,
                client,
                period,
                due=LATE if i % 2 else ALL_DUE_ON,
                complete=period == SEPTEMBER,
                template=template,
                preparer=people[i % len(people)],
                reviewer=people[(i + 1) % len(people)],
            )
            PackItemFactory(practice=practice, pack=pack, stage="collect")


# 1 session, 2 user, 3-4 filter form (team members, templates), 5 completion rate,
# 6 packs per stage, 7 days in each stage, 8-10 workload, 11 overdue count, 12 overdue page,
# 13 the notification bell's unread count (top bar), 14 the top bar's inbox count (messages
# waiting in triage).
BOARD_QUERIES = 14


@pytest.mark.parametrize("n_clients", [2, 60])
def test_board_query_count_does_not_grow(
    practice, partner, manager, staff, n_clients, django_assert_max_num_queries
):
    build(practice, [partner, manager, staff], n_clients)
    as_partner = signed_in(partner)
    with django_assert_max_num_queries(BOARD_QUERIES):
        response = as_partner.get("/board/")
    assert response.status_code == 200
    with django_assert_max_num_queries(BOARD_QUERIES):
        response = as_partner.get(f"/board/?assignee={staff.code}&status=overdue&sort=stage")
    assert response.status_code == 200
