"""The six-stage monthly cycle: packs, checklists, recurrence, calendar, task board.

Not installed yet: this package holds no code until its issue (3) lands."""
