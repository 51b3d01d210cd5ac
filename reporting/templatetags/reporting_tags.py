from django import template

from documents.pdf import money

register = template.Library()


@register.filter
def amount(value) -> str:
    """``1,234.50``, ``-1,234.50``; nothing for no value."""
    return money(value)
