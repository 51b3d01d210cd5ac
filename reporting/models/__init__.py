"""Reporting's rows, by what they are for."""

from reporting.models.commentary import ManagementCommentary, ReportingSettings, VarianceComment
from reporting.models.figures import BudgetFigure, BudgetImport, PayrollSummary, VatReturn
from reporting.models.pack import AccountsRender, Branding, ReviewPoint, validate_colour
from reporting.models.trial_balances import (
    LINE_CHOICES,
    LINE_LABELS,
    MONEY,
    AccountMapping,
    Layout,
    TrialBalance,
    TrialBalanceColumns,
    TrialBalanceLine,
)

__all__ = [
    "LINE_CHOICES",
    "LINE_LABELS",
    "MONEY",
    "AccountMapping",
    "AccountsRender",
    "Branding",
    "BudgetFigure",
    "BudgetImport",
    "Layout",
    "ManagementCommentary",
    "PayrollSummary",
    "ReportingSettings",
    "ReviewPoint",
    "TrialBalance",
    "TrialBalanceColumns",
    "TrialBalanceLine",
    "VarianceComment",
    "VatReturn",
    "validate_colour",
]
