"""One version of a month's pack is approved at a time: approving version 2 withdraws version
1's approval, the accounts page says which is approved, and the pack's Deliver panel ticks only
the approved version's document."""

import html
import re

from django.urls import reverse

from atlasos.tenancy.context import practice_context
from reporting.models import AccountsRender
from tests.helpers import signed_in as client_of
from tests.reporting.helpers import FILES


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


def test_importing_the_month_again_withdraws_the_approval_and_reopens_the_review(
    signed_in, practice, harbour, prepared, manager, django_capture_on_commit_callbacks
):
    """Approved and signed off, then a late adjustment: the November trial balance again."""
    from reporting import review
    from tasks.models import PackEvent, PackItem
    from tests.reporting.helpers import save, upload

    render(signed_in, harbour, django_capture_on_commit_callbacks)
    (first,) = versions(practice)
    as_manager = client_of(manager)
    as_manager.post(reverse("reporting:approve", args=[first.code]))
    with practice_context(practice.pk):
        review.sign_off(prepared, manager)
        prepared.refresh_from_db()
        assert prepared.review_done_at is not None
    assert ticked(as_manager, prepared, versions(practice)) == [1]

    adjusted = (
        (FILES / "xero_old_2026-11.csv")
        .read_bytes()
        .replace(b"Rent (469),1000.00,,8000.00,", b"Rent (469),1100.00,,8100.00,")
        .replace(b"Business Bank Account,,,26270.00,", b"Business Bank Account,,,26170.00,")
    )
    save(signed_in, harbour, upload(signed_in, harbour, "tb.csv", content=adjusted))
    (first,) = versions(practice)
    assert (first.approved_at, first.approved_by) == (None, None)
    assert ticked(as_manager, prepared, [first]) == []
    with practice_context(practice.pk):
        prepared.refresh_from_db()
        assert prepared.review_done_at is None and prepared.prepare_done_at is None
        rendered = PackItem.objects.get(pack=prepared, auto_key="accounts_rendered")
        assert rendered.done_at is None
        note = PackEvent.objects.filter(pack=prepared, action="note").latest("created_at")
        assert "imported again (version 2)" in note.detail
    page = html.unescape(
        as_manager.get(
            reverse("reporting:accounts", args=[harbour.code]) + "?period=2026-11"
        ).content.decode()
    )
    assert "<strong>Approved</strong>" not in page


def test_a_review_signed_off_on_old_figures_reopens_without_any_render(
    signed_in, practice, harbour, prepared, manager
):
    from reporting import review
    from tests.reporting.helpers import save, upload

    with practice_context(practice.pk):
        review.sign_off(prepared, manager)
    save(signed_in, harbour, upload(signed_in, harbour, "xero_old_2026-11.csv"))
    with practice_context(practice.pk):
        prepared.refresh_from_db()
        assert prepared.review_done_at is None
        assert prepared.prepare_done_at is not None  # nothing was rendered from the old books


def test_importing_again_before_any_approval_leaves_the_pack_alone(
    signed_in, practice, harbour, prepared
):
    """Nothing approved yet: a corrected trial balance is just the month's new version."""
    from tests.reporting.helpers import save, upload

    save(signed_in, harbour, upload(signed_in, harbour, "xero_old_2026-11.csv"))
    with practice_context(practice.pk):
        prepared.refresh_from_db()
        assert prepared.prepare_done_at is not None


def test_no_approval_while_a_review_point_is_open(
    signed_in, practice, harbour, prepared, manager, partner, django_capture_on_commit_callbacks
):
    from reporting import review

    render(signed_in, harbour, django_capture_on_commit_callbacks)
    (first,) = versions(practice)
    with practice_context(practice.pk):
        point = review.raise_point(prepared, manager, "Rent up?", line="premises_costs")
    as_manager = client_of(manager)
    response = as_manager.post(reverse("reporting:approve", args=[first.code]), follow=True)
    assert "1 review point is not cleared" in html.unescape(response.content.decode())
    assert versions(practice)[0].approved_at is None
    with practice_context(practice.pk):
        review.answer(point, partner, "Yes: the new lease.")
        review.clear(point, manager)
    as_manager.post(reverse("reporting:approve", args=[first.code]))
    assert versions(practice)[0].approved_by == manager
    # A point raised after the approval withdraws it until the point is settled.
    with practice_context(practice.pk):
        review.raise_point(prepared, manager, "And the VAT?")
    assert versions(practice)[0].approved_at is None


def test_an_approval_stands_as_given_and_waits_for_what_review_needs(
    signed_in, practice, harbour, prepared, manager, django_capture_on_commit_callbacks
):
    from reporting.models import ReportingSettings

    render(signed_in, harbour, django_capture_on_commit_callbacks)
    (first,) = versions(practice)
    with practice_context(practice.pk):
        ReportingSettings.objects.create(client=harbour, commentary_required=True)
    as_manager = client_of(manager)
    refused = as_manager.post(reverse("reporting:approve", args=[first.code]), follow=True)
    assert "Not yet: Harbour Demo Ltd's packs carry a management commentary" in html.unescape(
        refused.content.decode()
    )
    assert versions(practice)[0].approved_at is None
    with practice_context(practice.pk):
        ReportingSettings.objects.filter(client=harbour).update(commentary_required=False)
    as_manager.post(reverse("reporting:approve", args=[first.code]))
    again = as_manager.post(reverse("reporting:approve", args=[first.code]), follow=True)
    assert "Version 1 is approved already, by" in html.unescape(again.content.decode())
    assert versions(practice)[0].approved_by == manager
