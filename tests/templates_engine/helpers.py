"""Helpers for the task-template tests: moments in London, a template's items by title, and the
valid form data the view and input tests start from."""

from datetime import datetime
from zoneinfo import ZoneInfo

from atlasos.tenancy.context import practice_context
from cycle.stages import DEFAULT_DUE_DAYS

LONDON = ZoneInfo("Europe/London")

# A template's settings form, filled in as a partner would.
VALID_TEMPLATE = {
    "name": "Monthly — Retail",
    "description": "Shops with daily takings.",
    "recurrence": "monthly",
    **{f"{stage}_day": str(day) for stage, day in DEFAULT_DUE_DAYS.items()},
}

# A new checklist item, its title padded with spaces the form trims.
NEW_ITEM = {
    "stage": "collect",
    "title": "  Payroll   report received ",
    "mandatory": "",
    "guidance": "Only for clients that run payroll.",
    "auto_key": "",
}


def at(year, month, day, hour=9):
    return datetime(year, month, day, hour, tzinfo=LONDON)


def template_items(template) -> dict[str, object]:
    """The template's items by title."""
    with practice_context(template.practice_id):
        return {item.title: item for item in template.items.all()}
