"""Template tags for packs: the status badge, used everywhere a pack appears."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from cycle.stages import Stage
from cycle.status import Status

register = template.Library()

# Colour is never the only signal (UI.md): every badge carries its icon and its word.
STATUS_ICONS = {
    Status.COMPLETE: "✓",  # check
    Status.ON_TRACK: "→",  # arrow
    Status.IN_PROGRESS: "◷",  # clock
    Status.OVERDUE: "!",  # exclamation
    Status.NOT_STARTED: "○",  # circle
}


@register.simple_tag
def status_badge(status) -> str:
    """``{% status_badge pack.status %}``: the status word with its icon, in its colour."""
    status = Status(status)
    return format_html(
        '<span class="badge badge-{}"><span class="badge-icon" aria-hidden="true">{}</span>{}'
        "</span>",
        status.value,
        STATUS_ICONS[status],
        status.label,
    )


@register.filter
def stage_label(stage: str) -> str:
    """ "reconcile" → "Reconcile bank"; "" (a pack with every stage complete) → "—"."""
    return Stage(stage).label if stage else "—"


@register.simple_tag(takes_context=True)
def pack_parts(context, slot: str) -> str:
    """``{% pack_parts "facts" %}``: what the apps above tasks put in this slot of the page
    (``tasks.extensions``), each template rendered with the page's context and its own."""
    extras = context.get("pack_extras")
    rendered = []
    for part in extras.parts.get(slot, []) if extras else []:
        with context.push(part.context):
            rendered.append(context.template.engine.get_template(part.template).render(context))
    return mark_safe("".join(rendered))  # noqa: S308 (each part is an escaped template)
