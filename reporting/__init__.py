"""Trial balance import and management accounts (a later issue).

Not installed yet: this package holds no code until its issue lands."""
