"""The six-stage monthly cycle: packs, checklists, recurrence, stage logic and status."""
