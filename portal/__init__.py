"""The client portal: document requests, uploads, reminders, delivery (issue 5).

Not installed yet: this package holds no code until its issue lands."""
