"""Bank statement import, matching and reconciliation reports (a later issue).

Not installed yet: this package holds no code until its issue lands."""
