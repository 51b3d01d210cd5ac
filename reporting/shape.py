"""The shape of the management accounts: which report lines there are, in what order, which of
them are subtotals of which, and on which side of the books each one sits. Data, not code: a
practice that wants another shape (a charity's SOFA, a US layout) adds a ``Shape`` beside
``UK_SMALL_COMPANY``; the statements are computed from whichever shape they are given.

Signs. Balances are stored as debit minus credit. Every line has a ``sign``: +1 for lines that
are normally debits (costs, assets), -1 for lines that are normally credits (income, liabilities,
capital), and its figure is ``sign × balance``, so that turnover, a creditor and share capital
all read as positive numbers. A subtotal adds its parts' *balances* and applies its own sign,
so "gross profit" (sign -1) is turnover less cost of sales however the parts are signed.

Pure: no Django, no database.
"""

from __future__ import annotations

from dataclasses import dataclass, field

INCOME = "income"
BALANCE = "balance"


@dataclass(frozen=True)
class ReportLine:
    key: str
    label: str
    statement: str  # INCOME or BALANCE
    sign: int  # +1 debit-natured, -1 credit-natured
    parts: tuple[str, ...] = ()  # for a subtotal: the keys it adds up (their balances)
    computed: bool = False  # filled by the statements, never mapped (profit for the year)

    @property
    def is_subtotal(self) -> bool:
        return bool(self.parts)

    @property
    def mappable(self) -> bool:
        return not self.parts and not self.computed


@dataclass(frozen=True)
class Shape:
    key: str
    name: str
    lines: tuple[ReportLine, ...]
    # The line profit after tax is, and the balance sheet lines it is carried to.
    profit_line: str
    profit_carried_to: str
    net_assets_line: str
    capital_line: str
    by_key: dict[str, ReportLine] = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "by_key", {line.key: line for line in self.lines})
        for line in self.lines:
            unknown = [part for part in line.parts if part not in self.by_key]
            if unknown:
                raise ValueError(f"{line.key} adds up unknown lines {unknown}")

    def statement(self, which: str) -> list[ReportLine]:
        return [line for line in self.lines if line.statement == which]

    def mappable(self) -> list[ReportLine]:
        return [line for line in self.lines if line.mappable]

    def leaves(self, key: str) -> set[str]:
        """The mappable (or computed) lines a line adds up, however deep."""
        line = self.by_key[key]
        if not line.parts:
            return {key}
        found: set[str] = set()
        for part in line.parts:
            found |= self.leaves(part)
        return found

    def choices(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """The mappable lines grouped by statement, for a select."""
        return [
            (title, [(line.key, line.label) for line in self.statement(which) if line.mappable])
            for title, which in (("Income statement", INCOME), ("Balance sheet", BALANCE))
        ]


def _line(key, label, statement, sign, parts=(), computed=False) -> ReportLine:
    return ReportLine(key, label, statement, sign, tuple(parts), computed)


OVERHEADS = (
    "staff_costs",
    "premises_costs",
    "motor_travel",
    "marketing",
    "professional_fees",
    "administrative_expenses",
    "finance_charges",
    "depreciation",
)

UK_SMALL_COMPANY = Shape(
    key="uk_small_company",
    name="UK small company",
    lines=(
        # --- income statement ---
        _line("turnover", "Turnover", INCOME, -1),
        _line("cost_of_sales", "Cost of sales", INCOME, +1),
        _line("gross_profit", "Gross profit", INCOME, -1, ("turnover", "cost_of_sales")),
        _line("staff_costs", "Staff costs", INCOME, +1),
        _line("premises_costs", "Premises costs", INCOME, +1),
        _line("motor_travel", "Motor and travel", INCOME, +1),
        _line("marketing", "Advertising and marketing", INCOME, +1),
        _line("professional_fees", "Legal and professional fees", INCOME, +1),
        _line("administrative_expenses", "Administrative expenses", INCOME, +1),
        _line("finance_charges", "Bank and finance charges", INCOME, +1),
        _line("depreciation", "Depreciation and amortisation", INCOME, +1),
        _line("overheads", "Total overheads", INCOME, +1, OVERHEADS),
        _line("other_operating_income", "Other operating income", INCOME, -1),
        _line(
            "operating_profit",
            "Operating profit",
            INCOME,
            -1,
            ("gross_profit", "overheads", "other_operating_income"),
        ),
        _line("interest_receivable", "Interest receivable", INCOME, -1),
        _line("interest_payable", "Interest payable", INCOME, +1),
        _line(
            "profit_before_tax",
            "Profit before tax",
            INCOME,
            -1,
            ("operating_profit", "interest_receivable", "interest_payable"),
        ),
        _line("taxation", "Taxation", INCOME, +1),
        _line(
            "profit_after_tax", "Profit after tax", INCOME, -1, ("profit_before_tax", "taxation")
        ),
        # --- balance sheet ---
        _line("intangible_assets", "Intangible assets", BALANCE, +1),
        _line("tangible_assets", "Tangible assets", BALANCE, +1),
        _line("investments", "Investments", BALANCE, +1),
        _line(
            "fixed_assets",
            "Fixed assets",
            BALANCE,
            +1,
            ("intangible_assets", "tangible_assets", "investments"),
        ),
        _line("stock", "Stock and work in progress", BALANCE, +1),
        _line("debtors", "Debtors and prepayments", BALANCE, +1),
        _line("cash", "Cash at bank and in hand", BALANCE, +1),
        _line("current_assets", "Current assets", BALANCE, +1, ("stock", "debtors", "cash")),
        _line("creditors_within_year", "Creditors: due within one year", BALANCE, -1),
        _line(
            "net_current_assets",
            "Net current assets",
            BALANCE,
            +1,
            ("current_assets", "creditors_within_year"),
        ),
        _line(
            "total_assets_less_current_liabilities",
            "Total assets less current liabilities",
            BALANCE,
            +1,
            ("fixed_assets", "net_current_assets"),
        ),
        _line("creditors_after_year", "Creditors: due after more than one year", BALANCE, -1),
        _line("provisions", "Provisions for liabilities", BALANCE, -1),
        _line(
            "net_assets",
            "Net assets",
            BALANCE,
            +1,
            ("total_assets_less_current_liabilities", "creditors_after_year", "provisions"),
        ),
        _line("share_capital", "Called up share capital", BALANCE, -1),
        _line("reserves_brought_forward", "Profit and loss reserve brought forward", BALANCE, -1),
        _line("profit_for_year", "Profit for the year to date", BALANCE, -1, computed=True),
        _line("distributions", "Dividends and drawings", BALANCE, -1),
        _line(
            "capital_and_reserves",
            "Capital and reserves",
            BALANCE,
            -1,
            ("share_capital", "reserves_brought_forward", "profit_for_year", "distributions"),
        ),
    ),
    profit_line="profit_after_tax",
    profit_carried_to="profit_for_year",
    net_assets_line="net_assets",
    capital_line="capital_and_reserves",
)

SHAPES = {UK_SMALL_COMPANY.key: UK_SMALL_COMPANY}
