"""Where an account goes when the practice has not said: its type first; then its code in the
chart of the system its file came from, finer than the report's section when both are on the
same side of the same statement; the name only suggests."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from atlasos.tenancy.context import practice_context
from reporting.default_maps import default_line, guess_line
from reporting.integration import prepare_stage_parts
from tests.helpers import standard_pack
from tests.reporting.helpers import IN_DECEMBER, save, upload

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "code, name, section, system, line",
    [
        # Xero's old report puts Direct Wages under "Expenses"; its chart says cost of sales.
        ("320", "Direct Wages", "Expenses", "xero", "cost_of_sales"),
        # Sage Accounting's "Current Assets" section holds the bank: its range says cash.
        ("1200", "Current", "Current Assets", "sage", "cash"),
        ("1100", "Trade Debtors", "Current Assets", "sage", "debtors"),
        # Sage Accounting's other balance sheet headings.
        ("2300", "Loans", "Future Liabilities", "sage", "creditors_after_year"),
        ("", "Hire purchase", "Future Liabilities", "", "creditors_after_year"),
        ("", "Ordinary Shares", "Capital and Reserves", "", "share_capital"),
        ("", "Retained Earnings", "Capital & Reserves", "", "reserves_brought_forward"),
        # QuickBooks Online UK's type names.
        ("", "Trade debtors", "Accounts receivable (Debtors)", "", "debtors"),
        ("", "Barclays current", "Cash and cash equivalents", "", "cash"),
        ("", "Trade creditors", "Accounts payable (Creditors)", "", "creditors_within_year"),
        # A client's own chart, where code 700 is income: the report's section wins.
        ("700", "Rent received", "Revenue", "xero", "turnover"),
        # No section: the chart alone.
        ("4010", "Sales - Livestock", "", "sage", "turnover"),
        ("2200", "Sales Tax Control Account", "", "sage", "creditors_within_year"),
        ("7007", "Employers Pensions", "", "sage", "staff_costs"),
        ("7601", "Audit and Accountancy Fees", "", "sage", "professional_fees"),
        ("0051", "Motor Vehicles Depreciation", "", "sage", "tangible_assets"),
    ],
)
def test_chart_and_section(code, name, section, system, line):
    assert default_line(code, name, "", section, system) == line


@pytest.mark.parametrize(
    "name, line",
    [
        ("Legal and professional fees", "professional_fees"),
        ("Consulting fees received", "turnover"),
        ("Office Equipment:Depreciation", "tangible_assets"),
        ("Depreciation", "depreciation"),
        ("Staff pension", "staff_costs"),
        ("Pension control", "creditors_within_year"),
        ("PAYE", "creditors_within_year"),
        ("Flights and Hotels", "motor_travel"),
        ("Light, Power, Heating", "premises_costs"),
        ("Employers National Insurance", "staff_costs"),
    ],
)
def test_name_suggestions(name, line):
    assert guess_line(name) == line


def test_a_sage_file_is_mapped_by_sages_chart_whatever_the_client_record_says(
    signed_in, practice, harbour
):
    """Harbour is on Xero by its record; the bookkeeper imports a Sage 50 trial balance."""
    preview = upload(signed_in, harbour, "sage50_2026-11.csv")
    assert preview.context["unmapped"] == 0
    lines = dict(preview.context["rows"])
    by_code = {account.code: line for account, line in lines.items()}
    assert by_code["1200"] == "Cash at bank and in hand"
    assert by_code["2202"] == "Creditors: due within one year"
    save(signed_in, harbour, preview)
    page = signed_in.get(f"/clients/{harbour.code}/management-accounts/?period=2026-11")
    assert not page.context["accounts"].unmapped
    # Every other path that maps the saved accounts reads the same chart: the budget's…
    budget = signed_in.post(
        reverse("reporting:import_budget", args=[harbour.code]),
        {
            "period": "2026-11",
            "file": SimpleUploadedFile(
                "budget.csv",
                b"Account,Nov-26,Dec-26\n1200 Bank Current Account,500,\n7100 Rent,100,\n",
            ),
        },
    ).context["budget"]
    november = datetime.date(2026, 11, 1)
    assert budget.figures == {(november, "cash"): 500, (november, "premises_costs"): 100}
    # …and the pack's prepare stage, which counts what is unmapped.
    pack = standard_pack(practice, harbour, now=IN_DECEMBER)
    with practice_context(practice.pk):
        parts = prepare_stage_parts(None, pack, page="pack").parts
    assert parts["prepare"][0].context["unmapped"] == 0
