"""The VAT return and the payroll summary imported beside the trial balance: previewed, their
period confirmed, refused when their figures do not hold together, and shown to the reviewer
(and in the pack) beside the prior periods; without them, the control accounts' movements of
the month and the two before it."""

import datetime
import html
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from atlasos.tenancy.context import practice_context
from reporting.models import PayrollSummary, VatReturn
from tests.reporting.helpers import FILES, save, upload

D = Decimal
pytestmark = pytest.mark.django_db
XERO_VAT = FILES / "vat" / "xero_vat_return_2026-q4.csv"
BRIGHTPAY = FILES / "payroll" / "brightpay_2026-11.csv"


@pytest.fixture
def imported(signed_in, harbour):
    for name, period in (("xero_old_2026-10.csv", "2026-10"), ("xero_old_2026-11.csv", "2026-11")):
        save(signed_in, harbour, upload(signed_in, harbour, name, period), period)
    return signed_in


def _read(client, harbour, kind, data, name):
    return client.post(
        reverse(f"reporting:import_{kind}", args=[harbour.code]),
        {"period": "2026-11", "file": SimpleUploadedFile(name, data)},
    )


def _save(client, harbour, kind, preview, **fields):
    return client.post(
        reverse(f"reporting:import_{kind}", args=[harbour.code]),
        {
            "step": "save",
            "data": preview.context["data"],
            "filename": preview.context["filename"],
            "period": "2026-11",
            **fields,
        },
    )


def _page(client, harbour, name="reporting:accounts", code=None):
    response = client.get(reverse(name, args=[code or harbour.code]), {"period": "2026-11"})
    return response, html.unescape(response.content.decode())


def test_a_vat_return_is_previewed_saved_and_shown_beside_the_earlier_one(
    imported, practice, harbour
):
    preview = _read(imported, harbour, "vat", XERO_VAT.read_bytes(), XERO_VAT.name)
    assert preview.status_code == 200
    form = preview.context["form"]
    assert (form.initial["start"], form.initial["end"]) == ("2026-10", "2026-12")  # the file's
    assert dict(preview.context["boxes"])["Box 5 · Net VAT to pay (or reclaim)"] == D("2760.00")
    with practice_context(practice.pk):
        assert not VatReturn.objects.exists()  # a preview saves nothing
    # The bookkeeper puts it on the quarter to November (the file's own period ends later).
    assert "The file says its VAT period is 1 October 2026 to 31 December 2026." in (
        html.unescape(preview.content.decode())
    )
    done = _save(imported, harbour, "vat", preview, start="2026-09", end="2026-11")
    assert done.status_code == 302
    told = html.unescape(imported.get(done["Location"]).content.decode())
    assert (
        "VAT return for September 2026 to November 2026 saved (the file says 1 October 2026 "
        "to 31 December 2026)." in told
    )
    earlier = b"Box,Amount\n1,3900\n2,0\n3,3900\n4,1500\n5,2400\n6,19500\n7,7500\n"
    preview = _read(imported, harbour, "vat", earlier, "q2.csv")
    assert preview.context["form"].initial == {"start": "2026-09", "end": "2026-11"}
    _save(imported, harbour, "vat", preview, start="2026-06", end="2026-08")
    with practice_context(practice.pk):
        saved = VatReturn.objects.get(period_start=datetime.date(2026, 9, 1))
        assert saved.period_end == datetime.date(2026, 11, 30)
        assert (saved.box1, saved.box4, saved.box5, saved.box6) == (
            D("4600.00"),
            D("1840.00"),
            D("2760.00"),
            D("25000.00"),
        )
        assert VatReturn.objects.count() == 2
    response, page = _page(imported, harbour)
    vat = response.context["compliance"][0]
    assert vat.title == "VAT" and vat.source.startswith("The VAT returns imported")
    assert vat.columns == ["Sep 2026 – Nov 2026", "Jun 2026 – Aug 2026"]
    rows = dict(vat.rows)
    assert rows["Box 1 · VAT due on sales and other outputs"] == [D("4600.00"), D("3900.00")]
    assert rows["Box 5 · Net VAT to pay (or reclaim)"] == [D("2760.00"), D("2400.00")]
    assert "Sep 2026 – Nov 2026" in page and "2,760.00" in page


def test_the_same_period_again_replaces_it(imported, practice, harbour):
    for data in (
        b"Box,Amount\n1,100\n3,100\n4,40\n5,60\n",
        b"Box,Amount\n1,200\n3,200\n4,40\n5,160\n",
    ):
        preview = _read(imported, harbour, "vat", data, "vat.csv")
        response = _save(imported, harbour, "vat", preview, start="2026-09", end="2026-11")
    followed = imported.get(response["Location"])
    assert "replacing the return held for Sep 2026 – Nov 2026" in html.unescape(
        followed.content.decode()
    )
    with practice_context(practice.pk):
        assert list(VatReturn.objects.values_list("box5", flat=True)) == [D("160.00")]


def test_a_return_overlapping_another_is_refused_unless_replacing_is_asked_for(
    imported, practice, harbour
):
    data = b"Box,Amount\n1,100\n3,100\n4,40\n5,60\n"
    preview = _read(imported, harbour, "vat", data, "vat.csv")
    _save(imported, harbour, "vat", preview, start="2026-09", end="2026-11")
    # Said before saving, when the file's own period overlaps the return held.
    titled = b"VAT Return\nFor the period 1 October 2026 to 31 December 2026\n\n" + data
    preview = _read(imported, harbour, "vat", titled, "vat.csv")
    said = html.unescape(preview.content.decode())
    assert "These months overlap the return held for Sep 2026 – Nov 2026" in said
    assert "Replace the return held for overlapping months" in said
    refused = _save(imported, harbour, "vat", preview, start="2026-10", end="2026-12")
    assert refused.status_code == 200
    assert "overlap the return held for Sep 2026 – Nov 2026" in html.unescape(
        refused.content.decode()
    )
    with practice_context(practice.pk):
        assert VatReturn.objects.get().period_start == datetime.date(2026, 9, 1)  # kept
    response = _save(
        imported, harbour, "vat", preview, start="2026-10", end="2026-12", replace="on"
    )
    followed = html.unescape(imported.get(response["Location"]).content.decode())
    assert "replacing the return held for Sep 2026 – Nov 2026" in followed
    with practice_context(practice.pk):
        assert list(VatReturn.objects.values_list("period_start", "period_end")) == [
            (datetime.date(2026, 10, 1), datetime.date(2026, 12, 31))
        ]


def test_the_payroll_preview_says_what_it_replaces_and_the_files_pay_date(
    imported, practice, harbour
):
    preview = _read(imported, harbour, "payroll", BRIGHTPAY.read_bytes(), BRIGHTPAY.name)
    assert 'data-testid="replaces"' not in preview.content.decode()
    _save(imported, harbour, "payroll", preview, period="2026-11")
    again = _read(imported, harbour, "payroll", BRIGHTPAY.read_bytes(), BRIGHTPAY.name)
    page = html.unescape(again.content.decode())
    assert "A payroll summary for November 2026 is held already" in page
    assert "The file says its pay date is 30 November 2026." in page
    response = _save(imported, harbour, "payroll", again, period="2026-10")
    told = html.unescape(imported.get(response["Location"]).content.decode())
    assert (
        "Payroll summary for October 2026 saved (the file says its pay date is 30 November "
        "2026)." in told
    )


def test_a_return_whose_boxes_do_not_add_up_cannot_be_saved(imported, practice, harbour):
    data = b"Box,Amount\n1,4600\n2,0\n3,4600\n4,1840\n5,2700\n"
    preview = _read(imported, harbour, "vat", data, "vat.csv")
    body = html.unescape(preview.content.decode())
    assert "Box 5 (net VAT) is 2,700.00, but the difference between box 3" in body
    assert "Save the VAT return" not in body
    forced = _save(imported, harbour, "vat", preview, start="2026-09", end="2026-11")
    assert forced.status_code == 200 and "It cannot be saved" in forced.content.decode()
    backwards = _read(imported, harbour, "vat", b"Box,Amount\n1,10\n3,10\n4,0\n5,10\n", "v.csv")
    refused = _save(imported, harbour, "vat", backwards, start="2026-11", end="2026-09")
    assert "The VAT period ends before it starts" in html.unescape(refused.content.decode())
    with practice_context(practice.pk):
        assert not VatReturn.objects.exists()


def test_not_a_vat_return_says_so(imported, harbour):
    response = _read(imported, harbour, "vat", b"Name,Colour\nAlice,blue\nBob,green\n", "x.csv")
    assert response.status_code == 302
    page = html.unescape(imported.get(response["Location"]).content.decode())
    assert "does not look like a VAT return" in page


def test_the_payroll_summary_beside_the_months_before(imported, practice, harbour):
    preview = _read(imported, harbour, "payroll", BRIGHTPAY.read_bytes(), BRIGHTPAY.name)
    assert preview.context["form"].initial == {"period": "2026-11"}  # the file's pay date
    figures = dict(preview.context["figures"])
    assert figures["Gross pay"] == D("6450.00")
    _save(imported, harbour, "payroll", preview, period="2026-11")
    with practice_context(practice.pk):
        saved = PayrollSummary.objects.get()
        assert (saved.period, saved.gross_pay, saved.employees) == (
            datetime.date(2026, 11, 1),
            D("6450.00"),
            3,
        )
    response, page = _page(imported, harbour)
    payroll = next(t for t in response.context["compliance"] if t.title == "Payroll")
    assert payroll.columns == ["Nov 2026", "Oct 2026", "Sep 2026"]
    assert dict(payroll.rows)["Gross pay"] == [D("6450.00"), None, None]
    assert dict(payroll.rows)["Student loan deductions"] == [D("56.00"), None, None]
    assert "November 2026: 3 employees paid, from the payroll summary (BrightPay)." in page


def test_a_payroll_file_whose_total_disagrees_cannot_be_saved(imported, practice, harbour):
    data = (
        b"Employee,Gross Pay,Tax,Net Pay\nAlice,1000.00,100.00,900.00\n"
        b"Bob,500.00,0.00,500.00\nTotal,1600.00,100.00,1400.00\n"
    )
    preview = _read(imported, harbour, "payroll", data, "pay.csv")
    body = html.unescape(preview.content.decode())
    assert "says gross pay 1,600.00, but the employee rows add up to 1,500.00" in body
    _save(imported, harbour, "payroll", preview, period="2026-11")
    with practice_context(practice.pk):
        assert not PayrollSummary.objects.exists()


def test_without_imports_the_control_accounts_of_three_months(imported, harbour):
    response, _ = _page(imported, harbour)
    vat = response.context["compliance"][0]
    assert vat.source.startswith("Movement on the VAT control accounts")
    assert vat.columns == ["Nov 2026", "Oct 2026", "Sep 2026"]
    rows = dict(vat.rows)
    assert rows["VAT owed at the month end"][0] == D("3600.00")
    # September has no trial balance, October none before it: no figures, not zeros.
    assert rows["VAT owed at the month end"][2] is None
    assert rows["Net movement: VAT owed for the month"][1] is None


def test_the_pack_prints_the_return_and_the_payroll(
    imported, practice, harbour, django_capture_on_commit_callbacks
):
    from documents.models import DocType, Document
    from tests.reporting.test_pack_pdf import pdf_text, render

    preview = _read(imported, harbour, "vat", XERO_VAT.read_bytes(), XERO_VAT.name)
    _save(imported, harbour, "vat", preview, start="2026-09", end="2026-11")
    preview = _read(imported, harbour, "payroll", BRIGHTPAY.read_bytes(), BRIGHTPAY.name)
    _save(imported, harbour, "payroll", preview, period="2026-11")
    render(imported, harbour, django_capture_on_commit_callbacks)
    with practice_context(practice.pk):
        document = Document.objects.get(doc_type=DocType.MANAGEMENT_ACCOUNTS)
    data = b"".join(
        imported.get(reverse("document_download", args=[document.code])).streaming_content
    )
    text = "\n".join(pdf_text(data))
    assert "Box 5 · Net VAT to pay (or reclaim)" in text and "2,760.00" in text
    assert "Sep 2026 – Nov 2026" in text
    assert "Gross pay" in text and "6,450.00" in text
    # The client's pack does not name the practice's working files.
    assert XERO_VAT.name not in text and BRIGHTPAY.name not in text
