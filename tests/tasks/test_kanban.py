"""The kanban: open packs in six columns by current stage, cards coloured by status (with the
status word), each column's total counted in SQL, the 25 most urgent cards and "show more"
pages, the shared filters, and a query count that does not grow.

Drawn for Wednesday 25 November 2026."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from cycle.stages import STAGES
from tests.factories.clients import ClientFactory
from tests.factories.tasks import PackFactory
from tests.factories.templates_engine import TaskTemplateFactory
from tests.helpers import signed_in

NOW = datetime(2026, 11, 25, 9, tzinfo=ZoneInfo("Europe/London"))
OCTOBER = date(2026, 10, 1)
STARTED = datetime(2026, 11, 3, 10, tzinfo=ZoneInfo("Europe/London"))


@pytest.fixture(autouse=True)
def kanban_day(clock):
    clock.set(NOW)


def card(practice, name, stage="collect", due=date(2026, 11, 30), **fields):
    """An open October pack in ``stage`` (earlier stages done), its outstanding stages due
    on ``due``."""
    index = STAGES.index(stage)
    values = {f"{s}_due": date(2026, 11, 2) for s in STAGES[:index]}
    values.update({f"{s}_done_at": STARTED for s in STAGES[:index]})
    values.update({f"{s}_due": due for s in STAGES[index:]})
    values.update(current_stage=stage, current_due=due, **fields)
    client = ClientFactory(
        practice=practice, name=name, short_code=name.replace(" ", "")[:10].upper()
    )
    return PackFactory(practice=practice, client=client, period=OCTOBER, **values)


def kanban(user, url="/board/kanban/") -> str:
    response = signed_in(user).get(url)
    assert response.status_code == 200
    return response.content.decode()


def column(page: str, stage: str) -> str:
    start = page.index(f'id="column-{stage}"')
    return page[start : page.index("</section>", start)]


def test_signed_out_visitors_go_to_sign_in(client):
    response = client.get("/board/kanban/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_every_member_of_staff_sees_the_kanban(staff, manager):
    page = kanban(staff)
    assert "<h1>Kanban</h1>" in page
    assert 'href="/board/"' not in page.split("</header>", 1)[1]  # no board link for staff
    assert 'href="/board/"' in kanban(manager)


def test_another_practice_sees_only_its_own_packs(practice, other_practice, staff, other_partner):
    card(practice, "Ours Ltd")
    card(other_practice, "Theirs Ltd")
    assert "Ours Ltd" in kanban(staff) and "Theirs Ltd" not in kanban(staff)
    theirs = kanban(other_partner)
    assert "Theirs Ltd" in theirs and "Ours Ltd" not in theirs


def test_six_columns_with_counts_and_cards_coloured_by_status(practice, staff):
    card(practice, "Late Ltd", "capture", due=date(2026, 11, 20), preparer=staff)
    card(practice, "Soon Ltd", "capture", due=date(2026, 11, 26), started_at=STARTED)
    card(practice, "Later Ltd", "capture", due=date(2026, 12, 4), started_at=STARTED)
    card(practice, "Fresh Ltd", "collect", due=date(2026, 11, 30))
    card(practice, "Review Ltd", "review", due=date(2026, 12, 4))
    PackFactory(practice=practice, period=OCTOBER, current_stage="", completed_at=STARTED)
    page = kanban(staff)
    headings = [f'id="column-{stage}-heading"' for stage in STAGES]
    assert sorted(headings, key=page.index) == headings
    assert "Partner review" in page and "Deliver to client" in page
    capture = column(page, "capture")
    assert 'data-count="3">3</span> open, <span class="board-late">1 overdue</span>' in capture
    # The most urgent first: the earliest outstanding due date.
    assert capture.index("Late Ltd") < capture.index("Soon Ltd") < capture.index("Later Ltd")
    late = capture[capture.index("Late Ltd") - 200 :]
    assert 'class="kanban-card status-overdue"' in late[:300]
    assert '<span class="badge badge-overdue">' in capture and "Overdue</span>" in capture
    assert "badge-in_progress" in capture and "badge-on_track" in capture
    assert "Tom Reilly" in capture and "Due Fri 20 Nov" in capture and "October 2026" in capture
    assert "LATELTD" in capture  # the client's code
    collect = column(page, "collect")
    assert "Fresh Ltd" in collect and "badge-not_started" in collect
    assert 'data-count="1">1</span> open' in column(page, "review")
    assert 'data-count="0">0</span> open' in column(page, "deliver")
    assert "No packs here." in column(page, "deliver")
    assert "5 open packs." in page  # the delivered pack is not on the board


def test_filters_narrow_the_columns(practice, staff, manager):
    card(practice, "Mine Ltd", "capture", due=date(2026, 11, 20), preparer=staff)
    card(practice, "Mine Too Ltd", "collect", preparer=staff)
    card(practice, "Hers Ltd", "capture", preparer=manager)
    page = kanban(staff, "/board/kanban/?assignee=me")
    assert "Mine Ltd" in page and "Mine Too Ltd" in page and "Hers Ltd" not in page
    assert "2 open packs match these filters." in page
    both = kanban(staff, "/board/kanban/?assignee=me&status=overdue")
    assert "Mine Ltd" in both and "Mine Too Ltd" not in both
    assert 'data-count="1">1</span> open' in column(both, "capture")
    assert 'data-count="0">0</span> open' in column(both, "collect")
    # The links to the board and the calendar keep the filters.
    assert 'href="/board/?assignee=me&amp;status=overdue"' in kanban(
        manager, "/board/kanban/?assignee=me&status=overdue"
    )


def test_htmx_filtering_swaps_only_the_columns(practice, staff):
    card(practice, "Swap Ltd")
    response = signed_in(staff).get("/board/kanban/?q=swap", headers={"HX-Request": "true"})
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="kanban-results"') and "Swap Ltd" in body
    assert "<html" not in body
    page = kanban(staff)
    assert 'hx-get="/board/kanban/" hx-target="#kanban-results"' in page


@pytest.fixture
def crowded(practice):
    """30 packs in collect, due 1…30 December in order (Client 01 the most urgent)."""
    template = TaskTemplateFactory(practice=practice)
    for n in range(1, 31):
        card(practice, f"Crowd {n:02d} Ltd", "collect", due=date(2026, 12, n), template=template)


def test_a_column_shows_25_cards_and_show_more_reaches_the_rest(staff, crowded):
    page = kanban(staff)
    collect = column(page, "collect")
    assert 'data-count="30">30</span> open' in collect
    assert collect.count('class="kanban-card status-') == 25
    assert "Crowd 01 Ltd" in collect and "Crowd 25 Ltd" in collect and "Crowd 26 Ltd" not in collect
    assert "1–25 of 30" in collect
    assert 'href="?more=collect&amp;page=2#column-collect">Show more</a>' in collect
    more = column(kanban(staff, "/board/kanban/?more=collect&page=2"), "collect")
    assert more.count('class="kanban-card status-') == 5
    assert "Crowd 26 Ltd" in more and "Crowd 30 Ltd" in more and "Crowd 25 Ltd" not in more
    assert "26–30 of 30" in more and 'start="26"' in more
    assert 'href="?more=collect#column-collect">‹ Previous</a>' not in more  # page 1 is page=1
    assert 'href="?more=collect&amp;page=1#column-collect">‹ Previous</a>' in more
    assert "Show more" not in more
    # A page past the end shows the last page; nonsense shows the first.
    assert "Crowd 30 Ltd" in column(kanban(staff, "/board/kanban/?more=collect&page=9"), "collect")
    assert "Crowd 01 Ltd" in column(kanban(staff, "/board/kanban/?more=collect&page=x"), "collect")
    assert "Crowd 01 Ltd" in column(kanban(staff, "/board/kanban/?more=nowhere&page=2"), "collect")


def test_show_more_keeps_the_filters(staff, crowded):
    collect = column(kanban(staff, "/board/kanban/?q=crowd"), "collect")
    assert 'href="?q=crowd&amp;more=collect&amp;page=2#column-collect">Show more</a>' in collect


# 1 session, 2 user, 3-4 filter form (team members, templates), 5 counts per stage, 6 the
# 25 most urgent cards of every column (one ranked query), 7 a "show more" page, 8 the
# notification bell's unread count (top bar).
KANBAN_QUERIES = 8


@pytest.mark.parametrize("n_packs", [3, 80])
def test_kanban_query_count_does_not_grow(
    practice, staff, manager, n_packs, django_assert_max_num_queries
):
    template = TaskTemplateFactory(practice=practice)
    for n in range(n_packs):
        card(
            practice,
            f"Client {n:03d} Ltd",
            STAGES[n % 6],
            due=date(2026, 11, 20 + n % 10),
            template=template,
            preparer=staff if n % 2 else manager,
        )
    as_staff = signed_in(staff)
    for url in ("/board/kanban/", "/board/kanban/?more=collect&page=2&status=overdue"):
        with django_assert_max_num_queries(KANBAN_QUERIES):
            response = as_staff.get(url)
        assert response.status_code == 200


def test_the_top_bar_board_link_opens_what_each_role_may_see(client, partner, staff):
    from tests.helpers import sign_in

    sign_in(client, staff)
    page = client.get("/my-work/").content.decode()
    assert 'href="/board/kanban/"' in page
    assert 'href="/board/"' not in page
    client.logout()
    sign_in(client, partner)
    page = client.get("/my-work/").content.decode()
    assert 'href="/board/" ' in page
