"""A client whose packs carry a management commentary, as a partner sets it on the client's
reporting settings page: the accounts page then offers the commentary, and review cannot start
(no point raised, no sign-off) until the preparer has written it."""

import html

from django.urls import reverse

from atlasos.tenancy.context import practice_context
from reporting.models import ManagementCommentary, ReportingSettings, ReviewPoint
from tests.helpers import signed_in as client_of

BLOCKER = (
    "Harbour Demo Ltd's packs carry a management commentary: write it on the management "
    "accounts page before review starts."
)


def text_of(response) -> str:
    return html.unescape(response.content.decode())


def accounts_page(http, harbour) -> str:
    url = reverse("reporting:accounts", args=[harbour.code]) + "?period=2026-11"
    return text_of(http.get(url))


def review_page(http, pack) -> str:
    return text_of(http.get(reverse("reporting:review", args=[pack.code])))


def set_commentary_required(http, harbour, required: bool):
    data = {"materiality_amount": "1000", "materiality_percent": "10"}
    if required:
        data["commentary_required"] = "on"
    response = http.post(reverse("reporting:settings", args=[harbour.code]), data)
    assert response.status_code == 302


def write_commentary(http, harbour, text):
    return http.post(
        reverse("reporting:commentary", args=[harbour.code]), {"period": "2026-11", "text": text}
    )


def test_a_required_commentary_shows_on_the_accounts_page_and_holds_review(
    signed_in, practice, harbour, prepared, manager
):
    as_manager = client_of(manager)
    # By default: no commentary section, nothing holds review (November has no comparatives,
    # so no material variance either).
    assert 'id="commentary"' not in accounts_page(signed_in, harbour)
    assert 'data-testid="blocker"' not in review_page(as_manager, prepared)

    set_commentary_required(signed_in, harbour, True)
    with practice_context(practice.pk):
        assert ReportingSettings.objects.get(client=harbour).commentary_required is True
    page = accounts_page(signed_in, harbour)
    assert 'id="commentary"' in page and "Save the commentary" in page
    review = review_page(as_manager, prepared)
    assert BLOCKER in review
    assert 'disabled aria-disabled="true">Sign off the review' in review

    # The reviewer can neither raise a point nor sign off, and is told why.
    response = as_manager.post(
        reverse("reporting:raise_point", args=[prepared.code]), {"text": "Fine?"}, follow=True
    )
    assert BLOCKER in text_of(response)
    response = as_manager.post(reverse("reporting:sign_off", args=[prepared.code]), follow=True)
    assert BLOCKER in text_of(response)
    with practice_context(practice.pk):
        assert not ReviewPoint.objects.exists()
        prepared.refresh_from_db()
        assert prepared.review_done_at is None

    # Blank words are no commentary.
    write_commentary(signed_in, harbour, "   \n  ")
    with practice_context(practice.pk):
        assert not ManagementCommentary.objects.exists()
    assert BLOCKER in review_page(as_manager, prepared)

    write_commentary(signed_in, harbour, "A strong month, helped by the council's order.")
    review = review_page(as_manager, prepared)
    assert BLOCKER not in review and 'data-testid="blocker"' not in review
    assert "helped by the council's order" in review
    response = as_manager.post(reverse("reporting:sign_off", args=[prepared.code]), follow=True)
    assert "Review signed off: the review stage is complete." in text_of(response)
    with practice_context(practice.pk):
        prepared.refresh_from_db()
        assert prepared.review_done_at is not None


def test_turning_the_requirement_off_again_lifts_it(
    signed_in, practice, harbour, prepared, manager
):
    as_manager = client_of(manager)
    set_commentary_required(signed_in, harbour, True)
    assert BLOCKER in review_page(as_manager, prepared)
    set_commentary_required(signed_in, harbour, False)
    assert BLOCKER not in review_page(as_manager, prepared)
    assert 'id="commentary"' not in accounts_page(signed_in, harbour)
    response = as_manager.post(
        reverse("reporting:raise_point", args=[prepared.code]), {"text": "Fine?"}, follow=True
    )
    assert "Review point raised" in text_of(response)


def test_only_a_reviewer_may_require_a_commentary(signed_in, practice, harbour, prepared, staff):
    as_staff = client_of(staff)
    response = as_staff.post(
        reverse("reporting:settings", args=[harbour.code]),
        {"materiality_amount": "1000", "materiality_percent": "10", "commentary_required": "on"},
        follow=True,
    )
    assert "Only a partner or manager can change the reporting settings." in text_of(response)
    with practice_context(practice.pk):
        assert not ReportingSettings.objects.exists()
    assert 'id="commentary"' not in accounts_page(as_staff, harbour)
