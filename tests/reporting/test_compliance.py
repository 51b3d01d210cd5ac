"""VAT and payroll from the control accounts, worked by hand."""

from decimal import Decimal

from reporting.compliance import Account, payroll, vat

D = Decimal


def test_vat_on_sales_and_purchases_from_their_control_accounts():
    figures = vat(
        [
            Account("Sales Tax Control Account", "creditors_within_year", D("-1200"), D("-1000")),
            Account("Purchase Tax Control Account", "debtors", D("400"), D("300")),
            Account("Sales", "turnover", D("-9000"), D("-8000")),
        ]
    )
    assert dict(figures.rows) == {
        "Output VAT (on sales)": D("200"),
        "Input VAT (on purchases)": D("100"),
        "Net movement: VAT owed for the month": D("100"),
        "VAT owed at the month end": D("800"),
    }
    assert figures.source.startswith("Movement on the VAT control accounts")


def test_a_vat_account_paid_down_to_nil_still_moves():
    figures = vat([Account("VAT", "creditors_within_year", D("0"), D("-2500"))])
    assert dict(figures.rows)["Net movement: VAT owed for the month"] == D("-2500")


def test_no_vat_account_no_vat_figures():
    assert vat([Account("Bank", "cash", D("10"), D("5"))]) is None


def test_the_months_payroll_from_the_wage_accounts():
    accounts = [
        Account("Salaries", "staff_costs", D("16000"), D("14000")),
        Account("Employers National Insurance", "staff_costs", D("1600"), D("1400")),
        Account("Pensions Costs", "staff_costs", D("500"), D("400")),
        Account("PAYE Payable", "creditors_within_year", D("-900"), D("-850")),
    ]
    assert dict(payroll(accounts, first_of_year=False).rows) == {
        "Gross pay": D("2000"),
        "Employer's National Insurance": D("200"),
        "Employer's pension contributions": D("100"),
        "PAYE and NI owed to HMRC at the month end": D("900"),
    }
    # In the year's first month the year to date is the month.
    assert dict(payroll(accounts, first_of_year=True).rows)["Gross pay"] == D("16000")
