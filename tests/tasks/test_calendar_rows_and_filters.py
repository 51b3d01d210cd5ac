"""The calendar's filters in the URL, alone and combined, on both layouts; the clients ×
stages rows layout; and htmx filtering that returns only the results."""

import re
from datetime import date

import pytest

from cycle.stages import STAGES
from tests.factories.accounts import UserFactory
from tests.helpers import (
    HTMX,
    STAGE_DUES,
    make_pack_with_stages_done,
    signed_in,
)
from tests.tasks.helpers import get, row_cells

pytestmark = pytest.mark.usefixtures("calendar_day")


def codes_in(page: str) -> set[str]:
    return set(re.findall(r'<span class="code">(\w+)</span>', page))


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


# --- rows layout ------------------------------------------------------------------------------


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
