"""The client's Packs tab: every pack of the client, newest period first."""

from datetime import date

from django.utils import timezone

from atlasos import clock as wall_clock
from tests.factories.clients import ClientFactory
from tests.factories.tasks import PackFactory, PackItemFactory
from tests.factories.templates_engine import TaskTemplateFactory
from tests.helpers import signed_in


def test_the_clients_packs_newest_period_first(practice, staff, manager):
    client = ClientFactory(practice=practice, name="Harbourview Bakery Ltd")
    template = TaskTemplateFactory(practice=practice, name="Monthly with board pack")
    september = PackFactory(
        practice=practice,
        client=client,
        template=template,
        period=date(2026, 9, 1),
        completed_at=wall_clock.now(),
        deliver_done_at=wall_clock.now(),
        current_stage="",
        current_due=None,
        preparer=staff,
        reviewer=manager,
    )
    october = PackFactory(
        practice=practice, client=client, template=template, period=date(2026, 10, 1)
    )
    PackItemFactory(practice=practice, pack=october, done_at=wall_clock.now())
    PackItemFactory(practice=practice, pack=october)
    PackFactory(practice=practice, period=date(2026, 8, 1))  # another client's
    response = signed_in(staff).get(f"/clients/{client.code}/packs/")
    assert response.status_code == 200
    page = response.content.decode()
    assert '<a href="/clients/' in page and 'aria-current="page">Packs</a>' in page
    assert page.index("October 2026") < page.index("September 2026")
    assert "August 2026" not in page
    assert "Monthly with board pack" in page
    assert f'href="/packs/{october.code}/"' in page and f'href="/packs/{september.code}/"' in page
    assert ">Complete</span>" in page  # September's badge
    local = timezone.localtime(september.completed_at)
    assert f"{local:%a} {local.day} {local:%b}" in page  # completion date
    assert "Collect documents" in page  # October's current stage
    assert '<progress value="1" max="2"' in page
    assert "Tom Reilly" in page and "Priya Shah" in page


def test_another_practice_gets_404(practice, other_partner):
    client = ClientFactory(practice=practice)
    assert signed_in(other_partner).get(f"/clients/{client.code}/packs/").status_code == 404


def test_managers_can_tick_packs_for_bulk_reassign_staff_cannot(practice, staff, manager):
    pack = PackFactory(practice=practice)
    url = f"/clients/{pack.client.code}/packs/"
    checkbox = f'name="packs" value="{pack.code}"'
    assert checkbox not in signed_in(staff).get(url).content.decode()
    manager_page = signed_in(manager).get(url).content.decode()
    assert checkbox in manager_page
    assert f'name="next" value="{url}"' in manager_page


def test_empty_state_points_to_the_templates_tab(practice, staff):
    client = ClientFactory(practice=practice)
    page = signed_in(staff).get(f"/clients/{client.code}/packs/").content.decode()
    assert "No packs for" in page and f"/clients/{client.code}/templates/" in page


def test_packs_tab_is_paginated(practice, staff):
    client = ClientFactory(practice=practice)
    template = TaskTemplateFactory(practice=practice)
    for n in range(51):
        PackFactory(
            practice=practice,
            client=client,
            template=template,
            period=date(2022 + n // 12, n % 12 + 1, 1),
        )
    as_staff = signed_in(staff)
    first = as_staff.get(f"/clients/{client.code}/packs/").content.decode()
    assert "Page 1 of 2" in first and "March 2026" in first and "January 2022" not in first
    second = as_staff.get(f"/clients/{client.code}/packs/?page=2").content.decode()
    assert "January 2022" in second
