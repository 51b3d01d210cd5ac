"""The management accounts worked by hand: a company with a 31 March year end, its trial
balances at the ends of October and November 2026 (tests/reporting/files), every figure checked
to the penny."""

import datetime
from decimal import Decimal
from pathlib import Path

from reporting.default_maps import default_line
from reporting.shape import UK_SMALL_COMPANY
from reporting.statements import (
    add_months,
    management_accounts,
    missing_months,
    month_of,
    variance,
    year_start,
)
from reporting.trial_balance import read_trial_balance

FILES = Path(__file__).parent / "files"
OCTOBER, NOVEMBER = datetime.date(2026, 10, 1), datetime.date(2026, 11, 1)
D = Decimal


def books(name):
    result = read_trial_balance((FILES / name).read_bytes(), name)
    balances = {a.key: a.balance for a in result.accounts}
    mapping = {
        a.key: default_line(a.code, a.name, a.account_type, a.section, "xero")
        for a in result.accounts
    }
    return balances, mapping


def accounts(**extra):
    october, mapping = books("xero_old_2026-10.csv")
    november, _ = books("xero_old_2026-11.csv")
    tbs = {OCTOBER: october, NOVEMBER: november, **extra}
    return management_accounts(UK_SMALL_COMPANY, NOVEMBER, 3, tbs, mapping)


def test_the_income_statement_for_the_month_and_the_year_to_date():
    income = accounts().income
    month = {row.key: row.values[0] for row in income.rows}
    year = {row.key: row.values[3] for row in income.rows}
    assert month["turnover"] == D("10000.00")
    assert month["cost_of_sales"] == D("4000.00")
    assert month["gross_profit"] == D("6000.00")
    assert (month["staff_costs"], month["premises_costs"]) == (D("2000.00"), D("1000.00"))
    assert (month["finance_charges"], month["depreciation"]) == (D("50.00"), D("200.00"))
    assert month["overheads"] == D("3250.00")
    assert month["operating_profit"] == D("2750.00")
    assert month["interest_payable"] == D("30.00")
    assert month["profit_before_tax"] == month["profit_after_tax"] == D("2720.00")
    assert year["turnover"] == D("80000.00")
    assert year["gross_profit"] == D("48000.00")
    assert year["overheads"] == D("26000.00")
    assert year["profit_after_tax"] == D("21760.00")


def test_the_balance_sheet_balances_and_carries_the_profit_for_the_year():
    result = accounts()
    sheet = {row.key: row.values[0] for row in result.balance_sheet.rows}
    assert sheet["fixed_assets"] == sheet["tangible_assets"] == D("5400.00")
    assert sheet["current_assets"] == D("37770.00")
    assert sheet["creditors_within_year"] == D("9900.00")
    assert sheet["net_current_assets"] == D("27870.00")
    assert sheet["total_assets_less_current_liabilities"] == D("33270.00")
    assert sheet["creditors_after_year"] == D("9500.00")
    assert sheet["net_assets"] == sheet["capital_and_reserves"] == D("23770.00")
    assert sheet["profit_for_year"] == D("21760.00")
    assert [c.ok for c in result.checks] == [True, True]
    assert result.checks[1].message == (
        "Profit for the month (2,720.00) is the movement in reserves."
    )


def test_prior_month_comparatives_and_variances():
    result = accounts()
    sales = result.income.row("turnover")
    # October's month needs September's trial balance, which is missing: no figure.
    assert sales.values[1] is None and sales.variances[0] == (None, None)
    assert result.balance_sheet.row("cash").values[1] == D("25000.00")
    assert result.balance_sheet.row("cash").variances[0] == (D("1270.00"), D("5.1"))
    assert result.missing == [
        datetime.date(2025, 10, 1),
        datetime.date(2025, 11, 1),
        datetime.date(2026, 9, 1),
    ]


def test_an_unmapped_account_unbalances_the_sheet_and_says_why():
    october, mapping = books("xero_old_2026-10.csv")
    november, _ = books("xero_old_2026-11.csv")
    del mapping["820"]  # VAT
    result = management_accounts(
        UK_SMALL_COMPANY, NOVEMBER, 3, {OCTOBER: october, NOVEMBER: november}, mapping
    )
    check = result.checks[0]
    assert not check.ok
    assert check.message == (
        "The balance sheet does not balance: net assets 27,370.00, capital and reserves "
        "23,770.00, a difference of 3,600.00. Accounts not mapped to a line hold -3,600.00: "
        "map them."
    )
    assert result.unmapped == {"820": D("-3600.00")}


def test_a_posting_straight_to_reserves_is_explained():
    october, mapping = books("xero_old_2026-10.csv")
    november, _ = books("xero_old_2026-11.csv")
    november = dict(november)
    november["960"] -= D("500.00")  # a prior-year adjustment credited to retained earnings
    november["business bank account"] += D("500.00")
    result = management_accounts(
        UK_SMALL_COMPANY, NOVEMBER, 3, {OCTOBER: october, NOVEMBER: november}, mapping
    )
    assert result.checks[0].ok
    assert not result.checks[1].ok
    assert result.checks[1].message.startswith(
        "Reserves moved by 3,220.00 but the profit for the month is 2,720.00: 500.00 was "
        "posted straight to reserves"
    )


def test_key_ratios_for_the_year_to_date():
    kpis = {k.label: k.value for k in accounts().kpis}
    assert kpis["Gross margin"] == D("60.0")
    assert kpis["Net margin"] == D("27.2")
    assert kpis["Debtor days"] == D("35.1")  # 11,500 / 80,000 × 244 days since 1 April
    assert kpis["Creditor days"] == D("41.6")  # 9,900 / 58,000 × 244
    assert kpis["Current ratio"] == D("3.8")
    assert kpis["Cash"] == D("26270.00")


def test_the_first_month_of_the_year_is_its_own_year_to_date():
    april = datetime.date(2026, 4, 1)
    assert year_start(april, 3) == april
    assert year_start(datetime.date(2027, 3, 1), 3) == april
    assert year_start(datetime.date(2026, 11, 1), None) == datetime.date(2026, 1, 1)
    assert missing_months(datetime.date(2026, 5, 1), 3, set()) == [
        datetime.date(2025, 4, 1),
        datetime.date(2025, 5, 1),
        april,
    ]
    assert add_months(datetime.date(2026, 1, 1), -13) == datetime.date(2024, 12, 1)


def test_variance_in_amount_and_percent():
    assert variance(D("110.00"), D("100.00")) == (D("10.00"), D("10.0"))
    assert variance(D("-50.00"), D("-100.00")) == (D("50.00"), D("50.0"))
    assert variance(D("5.00"), D("0.00")) == (D("5.00"), None)
    assert variance(None, D("1.00")) == (None, None)


def test_a_line_the_months_export_leaves_out_moved_by_minus_last_months_figure():
    # October's bank fees (350.00 to date) were refunded in November: November's export,
    # like Xero's and Sage's, leaves the account out at nil.
    assert month_of(
        {"turnover": D("-80.00")}, {"turnover": D("-70.00"), "fees": D("350.00")}, False
    ) == {
        "turnover": D("-10.00"),
        "fees": D("-350.00"),
    }
