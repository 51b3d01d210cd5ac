from django.db import models


class EntityType(models.TextChoices):
    LIMITED_COMPANY = "limited_company", "Limited company"
    SOLE_TRADER = "sole_trader", "Sole trader"
    PARTNERSHIP = "partnership", "Partnership"
    LLP = "llp", "LLP"
    TRUST = "trust", "Trust"
    CHARITY = "charity", "Charity"
    INDIVIDUAL = "individual", "Individual"


class VatFrequency(models.TextChoices):
    NONE = "none", "Not VAT registered"
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"
    ANNUAL = "annual", "Annual"


class PayrollFrequency(models.TextChoices):
    NONE = "none", "No payroll"
    WEEKLY = "weekly", "Weekly"
    MONTHLY = "monthly", "Monthly"


class AccountingSystem(models.TextChoices):
    XERO = "xero", "Xero"
    QUICKBOOKS = "quickbooks", "QuickBooks Online"
    SAGE = "sage", "Sage"
    FREEAGENT = "freeagent", "FreeAgent"
    OTHER = "other", "Other"


class ClientStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    ARCHIVED = "archived", "Archived"


MONTHS = [
    (1, "January"),
    (2, "February"),
    (3, "March"),
    (4, "April"),
    (5, "May"),
    (6, "June"),
    (7, "July"),
    (8, "August"),
    (9, "September"),
    (10, "October"),
    (11, "November"),
    (12, "December"),
]
