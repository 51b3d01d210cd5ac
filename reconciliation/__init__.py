"""Bank reconciliation: statements and ledger transactions in, the matcher, the workspace where
unmatched items are worked to zero, and the reconciliation statement filed as a PDF."""
