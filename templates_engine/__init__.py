"""Task templates: checklist items per stage, recurrence, per-client customisation."""
