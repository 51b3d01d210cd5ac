"""The budget: read from the file a client's accounting system exports (or a hand-made one),
each figure put on its report line, and the month and the year to date against it, worked by
hand for Harbour Demo Ltd (31 March year end; budget 9,500 sales and 2,225 profit a month)."""

import datetime
import shutil
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from atlasos.tenancy.context import practice_context
from reporting.budget_file import BudgetFileError, month_in, read_budget
from reporting.models import BudgetFigure, BudgetImport
from tests.reporting.helpers import FILES, save, upload

D = Decimal
BUDGET = FILES / "budget" / "xero_budget_2026-27.csv"
pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "text, month",
    [
        ("Apr-26", datetime.date(2026, 4, 1)),
        ("Jan 2027", datetime.date(2027, 1, 1)),
        ("September 2026", datetime.date(2026, 9, 1)),
        ("2026-11", datetime.date(2026, 11, 1)),
        ("11/2026", datetime.date(2026, 11, 1)),
        ("30/11/2026", datetime.date(2026, 11, 1)),
        ("31 Dec 26", datetime.date(2026, 12, 1)),
        (datetime.datetime(2026, 5, 31), datetime.date(2026, 5, 1)),
        ("Total", None),
        ("Sales", None),
        ("13/2026", None),
    ],
)
def test_month_headers(text, month):
    assert month_in(text) == month


def test_xero_budget_months_across_with_totals_skipped():
    read = read_budget(BUDGET.read_bytes(), BUDGET.name)
    assert read.layout == "months across"
    assert read.months[0] == datetime.date(2026, 4, 1) and len(read.months) == 12
    names = {row.name for row in read.rows}
    assert names == {
        "Sales",
        "Cost of Goods Sold",
        "Salaries",
        "Rent",
        "Bank Fees",
        "Depreciation",
        "Advertising",
        "Consulting",
    }
    sales = [row for row in read.rows if row.code == "200"]
    assert len(sales) == 12 and {row.amount for row in sales} == {D("9500.00")}
    assert read.rejected == []


def test_one_row_per_month_and_unreadable_amounts():
    data = (
        "Line,Month,Amount\n"
        'Turnover,2026-11,"£12,000.00"\n'
        "Staff costs,2026-11,(250.00)\n"
        "Turnover,2026-12,lots\n"
        "Turnover,someday,100\n"
    ).encode()
    read = read_budget(data, "plan.csv")
    assert read.layout == "one row per month"
    assert [(r.name, r.month, r.amount) for r in read.rows] == [
        ("Turnover", datetime.date(2026, 11, 1), D("12000.00")),
        ("Staff costs", datetime.date(2026, 11, 1), D("-250.00")),
    ]
    reasons = [(r.row, r.reason) for r in read.rejected]
    assert reasons[0][0] == 4 and "'lots' is not an amount" in reasons[0][1]
    assert reasons[1] == (5, "'someday' is not a month.")


@pytest.mark.parametrize(
    "data, says",
    [
        (b"Account,Debit,Credit\nSales,,100\n", "no header row"),
        (b"%PDF-1.7 budget", "PDF"),
        (b"", "empty"),
    ],
)
def test_a_file_that_is_not_a_budget_says_so(data, says):
    with pytest.raises(BudgetFileError) as error:
        read_budget(data, "budget.csv")
    assert says.casefold() in str(error.value).casefold()


def _import_budget(client, harbour, data=None, name="budget.csv"):
    data = data if data is not None else BUDGET.read_bytes()
    url = reverse("reporting:import_budget", args=[harbour.code])
    preview = client.post(url, {"period": "2026-11", "file": SimpleUploadedFile(name, data)})
    assert preview.status_code == 200, preview.content[:500]
    return preview


def _save_budget(client, harbour, preview):
    url = reverse("reporting:import_budget", args=[harbour.code])
    context = preview.context
    return client.post(
        url,
        {
            "step": "save",
            "data": context["data"],
            "filename": context["filename"],
            "period": "2026-11",
        },
    )


@pytest.fixture
def with_trial_balances(signed_in, harbour):
    for name, period in (("xero_old_2026-10.csv", "2026-10"), ("xero_old_2026-11.csv", "2026-11")):
        save(signed_in, harbour, upload(signed_in, harbour, name, period), period)
    return signed_in


def test_the_preview_puts_each_account_on_its_line_and_says_what_it_left_out(
    with_trial_balances, practice, harbour
):
    preview = _import_budget(with_trial_balances, harbour)
    budget = preview.context["budget"]
    november = datetime.date(2026, 11, 1)
    assert budget.figures[(november, "turnover")] == D("9500.00")
    assert budget.figures[(november, "marketing")] == D("150.00")  # Xero's 400, not in a TB
    assert budget.figures[(november, "premises_costs")] == D("1000.00")
    assert [r.text for r in budget.rejected] == ["Consulting"]
    assert "No report line for this account" in budget.rejected[0].reason
    with practice_context(practice.pk):
        assert not BudgetFigure.objects.exists()  # nothing saved by a preview
    body = preview.content.decode()
    assert "Save the budget" in body and "Consulting" in body


def test_the_month_and_the_year_to_date_against_budget(with_trial_balances, practice, harbour):
    response = _save_budget(
        with_trial_balances, harbour, _import_budget(with_trial_balances, harbour)
    )
    assert response.status_code == 302
    with practice_context(practice.pk):
        record = BudgetImport.objects.get()
        assert (record.first_month, record.last_month) == (
            datetime.date(2026, 4, 1),
            datetime.date(2027, 3, 1),
        )
        assert BudgetFigure.objects.count() == 12 * 7 == record.figure_count
    page = with_trial_balances.get(
        reverse("reporting:accounts", args=[harbour.code]), {"period": "2026-11"}
    )
    accounts = page.context["accounts"]
    statement = accounts.budget_income
    assert statement.columns == (
        "Nov 2026",
        "Budget Nov 2026",
        "Year to date",
        "Budget year to date",
    )
    rows = {row.key: row for row in statement.rows}
    assert rows["turnover"].values == (D("10000.00"), D("9500.00"), D("80000.00"), D("76000.00"))
    assert rows["turnover"].variances == ((D("500.00"), D("5.3")), (D("4000.00"), D("5.3")))
    assert rows["overheads"].values[:2] == (D("3250.00"), D("3400.00"))
    assert rows["operating_profit"].values[:2] == (D("2750.00"), D("2300.00"))
    assert rows["interest_payable"].values[:2] == (D("30.00"), D("0.00"))
    profit = rows["profit_after_tax"]
    assert profit.values == (D("2720.00"), D("2300.00"), D("21760.00"), D("18400.00"))
    assert profit.variances == ((D("420.00"), D("18.3")), (D("3360.00"), D("18.3")))
    assert accounts.budget_balance is None  # the budget has no balance sheet lines
    body = page.content.decode()
    assert 'data-testid="budget-income-statement"' in body
    assert "Income statement against budget" in body


def test_a_material_variance_on_budget_needs_a_comment(with_trial_balances, practice, harbour):
    from reporting.models import ReportingSettings

    with practice_context(practice.pk):
        ReportingSettings.objects.create(
            client=harbour, materiality_amount=D("100"), materiality_percent=D("5")
        )
    _save_budget(with_trial_balances, harbour, _import_budget(with_trial_balances, harbour))
    page = with_trial_balances.get(
        reverse("reporting:accounts", args=[harbour.code]), {"period": "2026-11"}
    )
    on_budget = [v for v in page.context["variances"] if v.against == "on budget"]
    # The lines accounts are mapped to, not the subtotals that move with them.
    assert [(v.key, v.current, v.compared, v.amount) for v in on_budget] == [
        ("turnover", D("10000.00"), D("9500.00"), D("500.00")),
        ("cost_of_sales", D("4000.00"), D("3800.00"), D("200.00")),
        ("marketing", D("0.00"), D("150.00"), D("-150.00")),
    ]


def test_a_reforecast_replaces_only_the_months_it_covers(with_trial_balances, practice, harbour):
    _save_budget(with_trial_balances, harbour, _import_budget(with_trial_balances, harbour))
    reforecast = b"Account,Nov-26,Dec-26\nSales (200),11000,11500\n"
    preview = _import_budget(with_trial_balances, harbour, reforecast, "reforecast.csv")
    assert "Nov 2026, Dec 2026" in preview.content.decode()  # says what it replaces
    _save_budget(with_trial_balances, harbour, preview)
    with practice_context(practice.pk):
        november = dict(
            BudgetFigure.objects.filter(period=datetime.date(2026, 11, 1)).values_list(
                "line", "amount"
            )
        )
        october = BudgetFigure.objects.filter(period=datetime.date(2026, 10, 1)).count()
        assert BudgetImport.objects.count() == 2
    assert november == {"turnover": D("11000.00")}
    assert october == 7


def test_a_budget_by_line_name_skips_total_rows_and_refuses_a_total_line(
    with_trial_balances, harbour
):
    data = b"Line,Nov-26,Dec-26\nTurnover,12000,12000\nGross profit,5000,5000\nStock,900,900\n"
    data += b"Current assets,8000,8000\n"  # gross profit: a total row, skipped; this refused
    preview = _import_budget(with_trial_balances, harbour, data)
    budget = preview.context["budget"]
    november = datetime.date(2026, 11, 1)
    assert budget.figures == {
        (november, "turnover"): D("12000"),
        (november, "stock"): D("900"),
        (datetime.date(2026, 12, 1), "turnover"): D("12000"),
        (datetime.date(2026, 12, 1), "stock"): D("900"),
    }
    assert [r.reason for r in budget.rejected] == ["Current assets is a total: budget its lines."]
    _save_budget(with_trial_balances, harbour, preview)
    page = with_trial_balances.get(
        reverse("reporting:accounts", args=[harbour.code]), {"period": "2026-11"}
    )
    accounts = page.context["accounts"]
    income = {row.key: row.values for row in accounts.budget_income.rows}
    assert income["turnover"][1] == D("12000.00")
    assert income["turnover"][3] is None  # April to October have no budget: no year to date
    sheet = {row.key: row.values for row in accounts.budget_balance.rows}
    assert sheet["stock"] == (D("0.00"), D("900.00"))


def test_a_bad_file_changes_nothing(with_trial_balances, practice, harbour):
    url = reverse("reporting:import_budget", args=[harbour.code])
    response = with_trial_balances.post(
        url, {"period": "2026-11", "file": SimpleUploadedFile("notes.csv", b"hello,world\n1,2\n")}
    )
    assert response.status_code == 302
    followed = with_trial_balances.get(response["Location"])
    assert "no header row" in followed.content.decode()
    lost = with_trial_balances.post(url, {"step": "save", "data": "!!", "period": "2026-11"})
    assert lost.status_code == 302
    with practice_context(practice.pk):
        assert not BudgetImport.objects.exists() and not BudgetFigure.objects.exists()


def test_the_pack_prints_the_budget(
    with_trial_balances, practice, harbour, django_capture_on_commit_callbacks
):
    from tests.reporting.test_pack_pdf import pdf_text

    data = budgeted_pack(with_trial_balances, practice, harbour, django_capture_on_commit_callbacks)
    text = "\n".join(pdf_text(data))
    assert "Against budget" in text
    for figure in ("9,500.00", "76,000.00", "18,400.00", "3,360.00", "18.3"):
        assert figure in text


def budgeted_pack(client, practice, harbour, callbacks) -> bytes:
    """The PDF of Harbour's pack rendered with its budget imported, as the staff download it."""
    from documents.models import DocType, Document
    from tests.reporting.test_pack_pdf import render

    _save_budget(client, harbour, _import_budget(client, harbour))
    render(client, harbour, callbacks)
    with practice_context(practice.pk):
        document = Document.objects.get(doc_type=DocType.MANAGEMENT_ACCOUNTS)
    response = client.get(reverse("document_download", args=[document.code]))
    return b"".join(response.streaming_content)


def words_past_the_margin(data: bytes, tmp_path, margin: float = 20) -> list[tuple]:
    """Each word poppler's ``pdftotext -bbox`` places beyond a page's width less ``margin``
    points: (page, word, its right edge)."""
    import re
    import subprocess

    pdf, boxes = tmp_path / "pack.pdf", tmp_path / "pack.html"
    pdf.write_bytes(data)
    subprocess.run(["pdftotext", "-bbox", str(pdf), str(boxes)], check=True)
    found = []
    for number, page in enumerate(boxes.read_text().split("<page ")[1:], start=1):
        width = float(re.search(r'width="([\d.]+)"', page)[1])
        for right, word in re.findall(
            r'<word xMin="[\d.]+" yMin="[\d.]+" xMax="([\d.]+)"[^>]*>([^<]*)<', page
        ):
            if float(right) > width - margin:
                found.append((number, word, float(right)))
    return found


@pytest.mark.skipif(
    not shutil.which("pdftotext"), reason="poppler's pdftotext is not installed (poppler-utils)"
)
def test_every_column_of_the_pack_is_on_the_page(
    with_trial_balances, practice, harbour, django_capture_on_commit_callbacks, tmp_path
):
    """The income statement's variance columns and the budget's eight columns fit inside an A4
    page's width (595 points) with its margin."""
    data = budgeted_pack(with_trial_balances, practice, harbour, django_capture_on_commit_callbacks)
    assert words_past_the_margin(data, tmp_path) == []


def test_a_budget_row_names_its_account_as_the_trial_balance_does():
    data = b",Jan 2027,Feb 2027,TOTAL\n6000 Office Expenses:6010 Stationery,40,45,85\n"
    rows = read_budget(data, "QuickBooks budget.csv").rows
    assert {(r.code, r.name) for r in rows} == {("6010", "Office Expenses:Stationery")}
