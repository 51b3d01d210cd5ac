from django import template

from cycle.periods import period_label
from documents.store import restore_deadline
from documents.uploads import human_size as _human_size

register = template.Library()


@register.filter
def human_size(size) -> str:
    """1234567 → "1.2 MB"."""
    return _human_size(int(size or 0))


@register.filter
def month_label(period) -> str:
    """A period's first day → "October 2026"; none → "—"."""
    return period_label(period, "monthly") if period else "—"


@register.filter
def restorable_until(document):
    return restore_deadline(document)
