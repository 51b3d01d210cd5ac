"""One version of a month's pack is approved at a time: approving version 2 withdraws version
1's approval, the accounts page says which is approved, and the pack's Deliver panel ticks only
the approved version's document."""

import html
import re

from django.urls import reverse

from atlasos.tenancy.context import practice_context
from reporting.models import AccountsRender
from tests.helpers import signed_in as client_of


def render(http, harbour, capture):
    with capture(execute=True):
        http.post(reverse("reporting:render", args=[harbour.code]), {"period": "2026-11"})


def versions(practice):
    with practice_context(practice.pk):
        return list(
            AccountsRender.objects.select_related("document", "approved_by").order_by("version")
        )


def ticked(http, pack, renders) -> list[int]:
    """The versions whose document the Deliver panel ticks."""
    panel = html.unescape(http.get(pack.get_absolute_url()).content.decode())
    return [r.version for r in renders if f'value="{r.document.code}" checked' in panel]


def approvals_shown(http, harbour) -> list[str]:
    """The accounts page's approval column, version by version (newest first)."""
    page = html.unescape(
        http.get(
            reverse("reporting:accounts", args=[harbour.code]) + "?period=2026-11"
        ).content.decode()
    )
    rows = re.findall(r'<tr data-testid="pack-version">(.*?)</tr>', page, re.S)
    return [
        "approved" if "<strong>Approved</strong>" in row else "can approve"
        for row in rows
        if "Approve for delivery" in row or "<strong>Approved</strong>" in row
    ]


def test_approving_version_2_withdraws_version_1s_approval(
    signed_in, practice, harbour, prepared, manager, django_capture_on_commit_callbacks
):
    render(signed_in, harbour, django_capture_on_commit_callbacks)
    render(signed_in, harbour, django_capture_on_commit_callbacks)
    first, second = versions(practice)
    assert (first.version, first.state, second.version, second.state) == (1, "ready", 2, "ready")
    as_manager = client_of(manager)

    as_manager.post(reverse("reporting:approve", args=[first.code]))
    first, second = versions(practice)
    assert (first.approved_by, second.approved_by) == (manager, None)
    assert ticked(as_manager, prepared, [first, second]) == [1]
    assert approvals_shown(as_manager, harbour) == ["can approve", "approved"]

    response = as_manager.post(reverse("reporting:approve", args=[second.code]), follow=True)
    assert "Version 2 approved for delivery." in html.unescape(response.content.decode())
    first, second = versions(practice)
    assert (first.approved_by, first.approved_at) == (None, None)
    assert second.approved_by == manager and second.approved_at is not None
    assert ticked(as_manager, prepared, [first, second]) == [2]
    assert approvals_shown(as_manager, harbour) == ["approved", "can approve"]

    # And back: approving version 1 again withdraws version 2's.
    as_manager.post(reverse("reporting:approve", args=[first.code]))
    first, second = versions(practice)
    assert (first.approved_by, second.approved_by, second.approved_at) == (manager, None, None)
    assert ticked(as_manager, prepared, [first, second]) == [1]
