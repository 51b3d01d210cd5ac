"""The six-stage monthly cycle: packs, checklists, recurrence, calendar, task board (issue 3 onwards).

Not installed yet: this package holds no code until its issue lands."""
