"""What is material is the client's choice; each material variance needs the preparer's
comment, and a commentary where the client's packs carry one, before review starts; the pack
prints them."""

import html
import io
from decimal import Decimal

import pypdf
import pytest
from django.urls import reverse

from atlasos.tenancy.context import practice_context
from reporting.models import AccountsRender, ReportingSettings, VarianceComment
from tests.helpers import signed_in as client_of
from tests.reporting.helpers import save, upload


@pytest.fixture
def two_months(signed_in, harbour):
    save(
        signed_in, harbour, upload(signed_in, harbour, "xero_old_2026-10.csv", "2026-10"), "2026-10"
    )
    return harbour


def accounts_page(http, harbour) -> str:
    url = reverse("reporting:accounts", args=[harbour.code]) + "?period=2026-11"
    return html.unescape(http.get(url).content.decode())


def test_material_variances_follow_the_clients_thresholds(
    signed_in, practice, two_months, prepared
):
    # November's balance sheet on October's (October's month has no September to compare),
    # line by line (a subtotal moves because its lines did; the profit for the year to date
    # grows every month): debtors +1,700 (17.3 %) is material at 1,000 and 10 %; cash +1,270
    # (5.1 %) is not.
    page = accounts_page(signed_in, two_months)
    assert page.count('data-testid="variance"') == 1
    assert "Debtors and prepayments (balance sheet)" in page

    response = signed_in.post(
        reverse("reporting:settings", args=[two_months.code]),
        {"materiality_amount": "300", "materiality_percent": "5", "commentary_required": "on"},
    )
    assert response.status_code == 302
    # At 300 and 5 %: cash (+1,270, 5.1 %), creditors within a year (+550, 5.9 %) and the
    # loan (-500, -5.0 %) too; the equipment (-200, -3.6 %) is not.
    page = accounts_page(signed_in, two_months)
    assert page.count('data-testid="variance"') == 4
    bad = signed_in.post(
        reverse("reporting:settings", args=[two_months.code]),
        {"materiality_amount": "-1", "materiality_percent": "5000"},
    )
    assert bad.status_code == 400
    text = bad.content.decode()
    assert "Enter an amount of zero or more." in text and "between 0 and 1000" in text
    with practice_context(practice.pk):
        assert ReportingSettings.objects.get(client=two_months).materiality_amount == 300
    written = signed_in.post(
        reverse("reporting:settings", args=[two_months.code]),
        {"materiality_amount": "£1,500", "materiality_percent": "7.5 %"},
    )
    assert written.status_code == 302  # as people write them
    with practice_context(practice.pk):
        rules = ReportingSettings.objects.get(client=two_months)
        assert (rules.materiality_amount, rules.materiality_percent) == (1500, Decimal("7.5"))


def test_review_waits_for_the_comments_and_the_pdf_prints_them(
    signed_in, practice, two_months, prepared, manager, django_capture_on_commit_callbacks
):
    as_manager = client_of(manager)
    response = as_manager.post(
        reverse("reporting:raise_point", args=[prepared.code]), {"text": "Fine?"}, follow=True
    )
    text = html.unescape(response.content.decode())
    assert (
        "1 material variance has no comment (Debtors and prepayments (balance sheet) on last "
        "month): the preparer explains each" in text
    )

    url = reverse("reporting:accounts", args=[two_months.code]) + "?period=2026-11"
    for variance in signed_in.get(url).context["variances"]:
        signed_in.post(
            reverse("reporting:variance_comment", args=[two_months.code]),
            {
                "period": "2026-11",
                "line": variance.key,
                "against": variance.against,
                "text": f"{variance.label}: the council's one-off order of 1,000.",
            },
        )
    with practice_context(practice.pk):
        assert VarianceComment.objects.count() == 1
    with practice_context(practice.pk):
        ReportingSettings.objects.create(client=two_months, commentary_required=True)
    review = html.unescape(
        as_manager.get(reverse("reporting:review", args=[prepared.code])).content.decode()
    )
    assert "packs carry a management commentary: write it" in review
    signed_in.post(
        reverse("reporting:commentary", args=[two_months.code]),
        {"period": "2026-11", "text": "A strong month, helped by the council order."},
    )
    response = as_manager.post(
        reverse("reporting:raise_point", args=[prepared.code]), {"text": "Fine?"}, follow=True
    )
    assert "Review point raised" in html.unescape(response.content.decode())

    with django_capture_on_commit_callbacks(execute=True):
        signed_in.post(reverse("reporting:render", args=[two_months.code]), {"period": "2026-11"})
    with practice_context(practice.pk):
        document = AccountsRender.objects.get().document
    download = signed_in.get(reverse("document_download", args=[document.code]))
    pages = pypdf.PdfReader(io.BytesIO(b"".join(download.streaming_content))).pages
    text = "\n".join(page.extract_text() for page in pages)
    assert "Management commentary" in text and "helped by the council order" in text
    assert "Debtors and prepayments (balance sheet): the council's one-off order" in text
