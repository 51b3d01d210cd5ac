"""Task templates: checklist items per stage, recurrence, per-client customisation (issue 3).

Not installed yet: this package holds no code until its issue lands."""
