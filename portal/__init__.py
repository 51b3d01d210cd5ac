"""The client portal: document requests, uploads, reminders, delivery (issue 5)."""
