"""QuickBooks Online's account types put each account on its report line by themselves (an
account the practice has not mapped by hand is mapped as its type says), refined by the
account's name only where a type spans several lines (an "Expenses" account may be wages or
rent). The types as QuickBooks Online writes them in its exports and as its API names them."""

import pytest

from reporting.default_maps import default_line, line_for_type
from reporting.shape import UK_SMALL_COMPANY
from reporting.trial_balance import read_trial_balance

MAPPABLE = {line.key for line in UK_SMALL_COMPANY.mappable()}

# (account type, account name, the report line): names chosen so that the type, not the name,
# decides where the name alone would say something else or nothing.
QUICKBOOKS_TYPES = [
    ("Income", "Sales", "turnover"),
    ("Income", "Design work", "turnover"),
    ("Cost of Goods Sold", "Direct wages", "cost_of_sales"),  # not staff costs
    ("Cost of Goods Sold", "Hardware", "cost_of_sales"),
    ("Expenses", "Office supplies", "administrative_expenses"),
    ("Expenses", "Rent or lease of buildings", "premises_costs"),
    ("Expenses", "Wages and salaries", "staff_costs"),
    ("Expense", "Cost of sales adjustments", "cost_of_sales"),
    ("Other Income", "Grant received", "other_operating_income"),
    ("Other Income", "Miscellaneous", "other_operating_income"),  # never turnover
    ("Other Income", "Interest income", "interest_receivable"),
    ("Other Expense", "Interest paid", "interest_payable"),
    ("Other Expense", "Depreciation", "depreciation"),
    ("Other Expense", "Corporation tax", "taxation"),
    ("Bank", "Barclays 4321", "cash"),  # no bank word in the name
    ("Bank", "Business Current Account", "cash"),
    ("Accounts receivable (A/R)", "Debtors", "debtors"),
    ("Accounts Receivable (A/R)", "Customer balances", "debtors"),
    ("Other Current Asset", "Prepayments", "debtors"),
    ("Other Current Asset", "Inventory Asset", "stock"),
    ("Fixed Asset", "Computer equipment:Cost", "tangible_assets"),
    ("Fixed Asset", "Computer equipment:Accumulated depreciation", "tangible_assets"),
    ("Fixed Asset", "Van", "tangible_assets"),
    ("Fixed Asset", "Goodwill", "intangible_assets"),
    ("Accounts payable (A/P)", "Creditors", "creditors_within_year"),
    ("Accounts Payable (A/P)", "Supplier balances", "creditors_within_year"),
    ("Credit Card", "Amex Gold", "creditors_within_year"),
    ("Other Current Liability", "VAT Control", "creditors_within_year"),
    ("Other Current Liability", "Bank loan - current portion", "creditors_within_year"),
    ("Long Term Liability", "Bank loan", "creditors_after_year"),
    ("Long Term Liability", "Directors' loan", "creditors_after_year"),
    ("Long Term Liability", "Deferred tax", "provisions"),
    ("Equity", "Share capital", "share_capital"),
    ("Equity", "Retained Earnings", "reserves_brought_forward"),
    ("Equity", "Opening Balance Equity", "reserves_brought_forward"),
    ("Equity", "Dividends paid", "distributions"),
    ("Equity", "Owner's drawings", "distributions"),
]


@pytest.mark.parametrize(("account_type", "name", "line"), QUICKBOOKS_TYPES)
def test_each_quickbooks_type_goes_to_its_line(account_type, name, line):
    assert line in MAPPABLE  # a line the statements have, not a subtotal
    assert line_for_type(account_type, name) == line
    # What counts as mapped: the type decides even with no chart of accounts to fall back on.
    assert default_line("", name, account_type=account_type, system="quickbooks") == line


@pytest.mark.parametrize(
    ("api_type", "export_type"),
    [
        ("AccountsReceivable", "Accounts receivable (A/R)"),
        ("AccountsPayable", "Accounts payable (A/P)"),
        ("CostOfGoodsSold", "Cost of Goods Sold"),
        ("OtherCurrentAsset", "Other Current Asset"),
        ("OtherCurrentLiability", "Other Current Liability"),
        ("LongTermLiability", "Long Term Liability"),
        ("FixedAsset", "Fixed Asset"),
        ("CreditCard", "Credit Card"),
        ("OtherIncome", "Other Income"),
        ("OtherExpense", "Other Expense"),
        ("Other Current Assets", "Other Current Asset"),  # the chart of accounts' plurals
        ("Long Term Liabilities", "Long Term Liability"),
        ("  long   TERM liability ", "Long Term Liability"),
    ],
)
def test_the_apis_names_and_the_plurals_read_as_the_export_does(api_type, export_type):
    assert line_for_type(export_type, "Sundry") is not None
    for name in ("Sundry", "Bank loan", "Deferred tax", "Interest income", "Stock"):
        assert line_for_type(api_type, name) == line_for_type(export_type, name), name


def test_a_type_quickbooks_does_not_have_leaves_the_account_unmapped():
    assert line_for_type("Suspense-ish", "Sundry") is None
    assert default_line("", "Sundry", account_type="Suspense-ish", system="quickbooks") is None


def test_a_quickbooks_file_with_a_type_column_is_mapped_by_its_types():
    """A QuickBooks trial balance exported with its Type column: every account lands on the
    line its type gives, the name alone would have put two of them elsewhere."""
    data = (
        b"Account,Type,Debit,Credit\n"
        b"Barclays 4321,Bank,26270.00,\n"
        b"Customer balances,Accounts receivable (A/R),11500.00,\n"
        b"Van,Fixed Asset,5400.00,\n"
        b"Supplier balances,Accounts payable (A/P),,6300.00\n"
        b"Amex Gold,Credit Card,,3600.00\n"
        b"Bank loan,Long Term Liability,,9500.00\n"
        b"Share capital,Equity,,100.00\n"
        b"Retained Earnings,Equity,,1910.00\n"
        b"Design work,Income,,80000.00\n"
        b"Direct wages,Cost of Goods Sold,32000.00,\n"
        b"Wages and salaries,Expenses,16000.00,\n"
        b"Rent or lease of buildings,Expenses,8000.00,\n"
        b"Interest paid,Other Expense,2240.00,\n"
    )
    result = read_trial_balance(data, "quickbooks.csv")
    assert result.problems() == [] and result.rejected == []
    lines = {
        a.name: default_line(a.code, a.name, a.account_type, a.section, "quickbooks")
        for a in result.accounts
    }
    assert lines == {
        "Barclays 4321": "cash",
        "Customer balances": "debtors",
        "Van": "tangible_assets",
        "Supplier balances": "creditors_within_year",
        "Amex Gold": "creditors_within_year",
        "Bank loan": "creditors_after_year",
        "Share capital": "share_capital",
        "Retained Earnings": "reserves_brought_forward",
        "Design work": "turnover",
        "Direct wages": "cost_of_sales",
        "Wages and salaries": "staff_costs",
        "Rent or lease of buildings": "premises_costs",
        "Interest paid": "interest_payable",
    }
