"""My work: the signed-in member's open packs, the next stage due first."""

from datetime import date

import pytest

from atlasos import clock as wall_clock
from tests.factories.clients import ClientFactory
from tests.factories.tasks import PackFactory, PackItemFactory
from tests.factories.templates_engine import TaskTemplateFactory
from tests.helpers import signed_in

OCTOBER = date(2026, 10, 1)


def open_pack(practice, name, due, **kwargs):
    client = ClientFactory(practice=practice, name=name)
    return PackFactory(practice=practice, client=client, period=OCTOBER, current_due=due, **kwargs)


def row_order(page: str, names: list[str]) -> list[str]:
    return sorted((name for name in names if name in page), key=page.index)


def test_home_is_my_work(client, staff):
    as_staff = signed_in(staff)
    assert as_staff.get("/")["Location"] == "/my-work/"
    page = as_staff.get("/my-work/").content.decode()
    assert '<a href="/my-work/" aria-current="page">My work</a>' in page


def test_signed_out_visitors_go_to_sign_in(client):
    response = client.get("/my-work/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_my_open_packs_as_preparer_and_reviewer_next_due_first(practice, staff, manager, partner):
    open_pack(practice, "Later Ltd", date(2026, 11, 13), preparer=staff, reviewer=manager)
    open_pack(practice, "Sooner Ltd", date(2026, 11, 6), preparer=staff, reviewer=partner)
    open_pack(practice, "Reviewing Ltd", date(2026, 11, 11), preparer=partner, reviewer=staff)
    open_pack(practice, "Someone Else Ltd", date(2026, 11, 5), preparer=manager)
    open_pack(
        practice,
        "Delivered Ltd",
        date(2026, 11, 5),
        preparer=staff,
        completed_at=wall_clock.now(),
        current_stage="",
    )
    page = signed_in(staff).get("/my-work/").content.decode()
    names = ["Sooner Ltd", "Reviewing Ltd", "Later Ltd", "Someone Else Ltd", "Delivered Ltd"]
    assert row_order(page, names) == ["Sooner Ltd", "Reviewing Ltd", "Later Ltd"]
    assert "October 2026" in page
    assert "Fri 6 Nov" in page and "Wed 11 Nov" in page and "Fri 13 Nov" in page
    assert "Collect documents" in page  # the current stage
    assert page.count(">Preparer</td>") == 2 and page.count(">Reviewer</td>") == 1
    assert 'class="badge badge-' in page and "badge-icon" in page


def test_filter_by_role(practice, staff, partner):
    open_pack(practice, "Preparing Ltd", date(2026, 11, 6), preparer=staff)
    open_pack(practice, "Reviewing Ltd", date(2026, 11, 6), reviewer=staff, preparer=partner)
    as_staff = signed_in(staff)
    preparing = as_staff.get("/my-work/?role=preparer").content.decode()
    assert "Preparing Ltd" in preparing and "Reviewing Ltd" not in preparing
    reviewing = as_staff.get("/my-work/?role=reviewer").content.decode()
    assert "Reviewing Ltd" in reviewing and "Preparing Ltd" not in reviewing


def test_status_and_progress_come_from_the_pack(practice, staff):
    pack = open_pack(practice, "Counted Ltd", date(2026, 11, 6), preparer=staff)
    PackItemFactory(practice=practice, pack=pack, done_at=wall_clock.now(), done_by=staff)
    PackItemFactory(practice=practice, pack=pack)
    PackItemFactory(practice=practice, pack=pack, mandatory=False)
    page = signed_in(staff).get("/my-work/").content.decode()
    assert '<progress value="1" max="2"' in page
    assert "1/2" in page and "(1/3 all)" in page


def test_empty_state_says_what_to_do_next(staff, partner):
    staff_page = signed_in(staff).get("/my-work/").content.decode()
    assert "Nothing on your desk" in staff_page
    assert "Create packs now" not in staff_page
    partner_page = signed_in(partner).get("/my-work/").content.decode()
    assert "Nothing on your desk" in partner_page
    assert 'action="/packs/create-now/"' in partner_page


def test_managers_get_checkboxes_for_bulk_reassign_and_staff_do_not(practice, staff, manager):
    pack = open_pack(practice, "Shared Ltd", date(2026, 11, 6), preparer=staff, reviewer=manager)
    checkbox = f'name="packs" value="{pack.code}"'
    assert checkbox not in signed_in(staff).get("/my-work/").content.decode()
    manager_page = signed_in(manager).get("/my-work/").content.decode()
    assert checkbox in manager_page and 'action="/packs/reassign/"' in manager_page
    assert "Leave unchanged" in manager_page


def test_my_work_is_paginated_by_50(practice, staff):
    template = TaskTemplateFactory(practice=practice)
    for n in range(51):
        open_pack(practice, f"Client {n:03d}", date(2026, 11, 6), preparer=staff, template=template)
    as_staff = signed_in(staff)
    first = as_staff.get("/my-work/").content.decode()
    assert "Page 1 of 2" in first and first.count('href="/packs/') == 50
    second = as_staff.get("/my-work/?page=2").content.decode()
    assert "Showing 51–51 of 51" in second


@pytest.mark.parametrize("n_packs", [3, 120])
def test_my_work_query_count_does_not_grow_with_packs(
    practice, manager, staff, n_packs, django_assert_num_queries
):
    template = TaskTemplateFactory(practice=practice)
    for n in range(n_packs):
        pack = open_pack(
            practice,
            f"Client {n:03d}",
            date(2026, 11, 6),
            preparer=staff,
            reviewer=manager,
            template=template,
        )
        PackItemFactory(practice=practice, pack=pack, done_at=wall_clock.now(), done_by=staff)
    as_manager = signed_in(manager)
    # 1 session, 2 user (with practice), 3 count of my open packs, 4 the page of packs with
    # client, template and the four progress counts (one grouped query), 5 the top bar's inbox
    # count (messages waiting in triage), 6 the bell's unread count, 7-8 bulk reassign form:
    # preparer and reviewer choices.
    with django_assert_num_queries(8):
        response = as_manager.get("/my-work/")
    assert response.status_code == 200
    assert response.content.decode().count('name="packs"') == min(n_packs, 50)
