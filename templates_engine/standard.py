"""The standard monthly bookkeeping pack every practice starts with (the seed document's six
stages). Plain data: the data migration and new practices both read it."""

STANDARD_NAME = "Monthly Bookkeeping Pack — Standard"
STANDARD_DESCRIPTION = (
    "The monthly cycle for a bookkeeping client: collect the source documents, capture them, "
    "reconcile the bank, prepare the management accounts, review, and deliver the pack."
)

# (stage, title, mandatory, auto_key, guidance)
STANDARD_ITEMS = [
    (
        "collect",
        "Bank statements received",
        True,
        "bank_statements",
        "A statement for every active bank account, covering the whole period.",
    ),
    ("collect", "Sales invoices received", True, "sales_invoices", ""),
    ("collect", "Purchase invoices received", True, "purchase_invoices", ""),
    ("collect", "Receipts received", True, "receipts", ""),
    ("collect", "Petty cash records received", False, "petty_cash", ""),
    (
        "collect",
        "Payroll report received",
        False,
        "payroll_report",
        "Only for clients that run payroll.",
    ),
    ("capture", "Sales and purchase invoices captured", True, "", ""),
    (
        "capture",
        "Bank transactions imported",
        True,
        "",
        "Import the bank feed or statement; enter by hand only what the feed misses.",
    ),
    ("capture", "Petty cash vouchers processed", False, "", ""),
    ("capture", "Journals posted", True, "", "Accruals, prepayments, depreciation, payroll."),
    ("reconcile", "All bank accounts reconciled", True, "bank_reconciled", ""),
    ("reconcile", "Unmatched items investigated and resolved", True, "", ""),
    ("reconcile", "Reconciliation reports saved to the document store", True, "", ""),
    ("prepare", "Trial balance reviewed", True, "", ""),
    ("prepare", "Income statement and balance sheet prepared", True, "accounts_rendered", ""),
    ("prepare", "Variance analysis against prior period and budget", True, "", ""),
    ("prepare", "Management commentary written", False, "", "Where the client asks for it."),
    ("review", "Reconciliation accuracy checked", True, "", ""),
    ("review", "Management accounts presentation reviewed", True, "", ""),
    (
        "review",
        "VAT and payroll figures verified",
        True,
        "",
        "VAT output and input totals, payroll figures.",
    ),
    ("review", "Queries flagged for client follow-up", True, "", ""),
    ("deliver", "Pack delivered to client", True, "pack_delivered", ""),
]
