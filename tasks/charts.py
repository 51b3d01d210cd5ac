"""Small server-rendered SVG charts: pure functions from figures to markup.

Every label is escaped (``format_html``); the numbers are written on the bars, the axes are
labelled, and each chart carries a ``<title>`` and a ``<desc>`` listing every figure, so it
reads without colour and without sight. No inline styles (the Content-Security-Policy forbids
them): colours come from classes in ``static/css/board.css``, positions from SVG attributes.
"""

from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class Column:
    """One bar of a column chart: ``value`` on a 0…``max_value`` scale, ``text`` written on
    it (e.g. "62%"), ``label`` under it; ``highlight`` marks the current one."""

    label: str
    value: float
    text: str
    highlight: bool = False
    note: str = ""  # a second line under the label (e.g. "25 of 40")


@dataclass(frozen=True)
class Row:
    """One horizontal bar: ``total`` in all, of which ``part`` is drawn hatched (e.g. overdue)."""

    label: str
    total: int
    part: int = 0


def _fmt(number: float) -> str:
    """SVG coordinates: at most one decimal, no trailing zeros."""
    return f"{number:.1f}".rstrip("0").rstrip(".")


def _frame(chart_id: str, width: int, height: int, title: str, desc: str, body) -> SafeString:
    return format_html(
        '<svg class="chart" id="{id}" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" '
        'aria-labelledby="{id}-title {id}-desc" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>{body}</svg>',
        id=chart_id,
        w=width,
        h=height,
        title=title,
        desc=desc,
        body=body,
    )


def column_chart(
    columns: list[Column],
    *,
    chart_id: str,
    title: str,
    axis_label: str,
    max_value: float = 100,
    unit: str = "%",
) -> SafeString:
    """Vertical bars on a 0…``max_value`` axis with gridlines at 0, half and full."""
    width, height = 520, 230
    left, right, top, bottom = 48, 8, 22, 46
    plot_w, plot_h = width - left - right, height - top - bottom
    base = top + plot_h
    parts = []
    # Axis, gridlines and their labels.
    for fraction in (0, 0.5, 1):
        y = base - fraction * plot_h
        parts.append(
            format_html(
                '<line class="chart-grid" x1="{}" y1="{}" x2="{}" y2="{}"/>'
                '<text class="chart-tick" x="{}" y="{}" text-anchor="end">{}{}</text>',
                left,
                _fmt(y),
                width - right,
                _fmt(y),
                left - 6,
                _fmt(y + 4),
                _fmt(fraction * max_value),
                unit,
            )
        )
    parts.append(
        format_html(
            '<text class="chart-axis-label" x="12" y="{}" text-anchor="middle" '
            'transform="rotate(-90 12 {})">{}</text>',
            _fmt(top + plot_h / 2),
            _fmt(top + plot_h / 2),
            axis_label,
        )
    )
    slot = plot_w / max(len(columns), 1)
    bar_w = slot * 0.62
    for index, column in enumerate(columns):
        x = left + slot * index + (slot - bar_w) / 2
        value = min(max(column.value, 0), max_value)
        bar_h = plot_h * value / max_value if max_value else 0
        y = base - bar_h
        centre = x + bar_w / 2
        # The figure sits above the bar (inside it when the bar reaches the top).
        text_y = y - 5 if y - 5 > top - 6 else y + 14
        parts.append(
            format_html(
                '<g class="chart-column{}"><rect class="chart-bar" x="{}" y="{}" width="{}" '
                'height="{}"/><text class="chart-value" x="{}" y="{}" text-anchor="middle">{}'
                '</text><text class="chart-label" x="{}" y="{}" text-anchor="middle">{}</text>'
                '<text class="chart-note" x="{}" y="{}" text-anchor="middle">{}</text></g>',
                " is-current" if column.highlight else "",
                _fmt(x),
                _fmt(y),
                _fmt(bar_w),
                _fmt(bar_h),
                _fmt(centre),
                _fmt(text_y),
                column.text,
                _fmt(centre),
                base + 16,
                column.label,
                _fmt(centre),
                base + 30,
                column.note,
            )
        )
    parts.append(
        format_html(
            '<line class="chart-axis" x1="{}" y1="{}" x2="{}" y2="{}"/>',
            left,
            base,
            width - right,
            base,
        )
    )
    desc = "; ".join(
        f"{c.label}: {c.text}"
        + (f" ({c.note})" if c.note else "")
        + (" (current)" if c.highlight else "")
        for c in columns
    )
    return _frame(chart_id, width, height, title, desc, mark_safe("".join(parts)))


def bar_rows(
    rows: list[Row],
    *,
    chart_id: str,
    title: str,
    total_word: str = "open",
    part_word: str = "overdue",
) -> SafeString:
    """Horizontal bars, one per row, the ``part`` share hatched and both numbers written."""
    label_w, bar_area, number_w = 170, 250, 150
    row_h, top, legend_h = 30, 6, 28
    width = label_w + bar_area + number_w
    height = top + row_h * len(rows) + legend_h
    largest = max((row.total for row in rows), default=0) or 1
    pattern_id = f"{chart_id}-hatch"
    parts = [
        format_html(
            '<defs><pattern id="{}" patternUnits="userSpaceOnUse" width="6" height="6" '
            'patternTransform="rotate(45)"><rect class="chart-hatch-bg" width="6" height="6"/>'
            '<line class="chart-hatch-line" x1="0" y1="0" x2="0" y2="6" stroke-width="3"/>'
            "</pattern></defs>",
            pattern_id,
        )
    ]
    for index, row in enumerate(rows):
        y = top + index * row_h
        total_w = bar_area * row.total / largest
        part_w = bar_area * min(row.part, row.total) / largest
        text = f"{row.total} {total_word}"
        if row.part:
            text += f", {row.part} {part_word}"
        parts.append(
            format_html(
                '<g class="chart-row"><text class="chart-label" x="{}" y="{}" text-anchor="end">'
                '{}</text><rect class="chart-bar" x="{}" y="{}" width="{}" height="18"/>'
                '<rect class="chart-bar-part" x="{}" y="{}" width="{}" height="18" '
                'fill="url(#{})"/><text class="chart-value" x="{}" y="{}">{}</text></g>',
                label_w - 8,
                y + 14,
                row.label,
                label_w,
                y + 2,
                _fmt(total_w),
                label_w,
                y + 2,
                _fmt(part_w),
                pattern_id,
                _fmt(label_w + total_w + 6),
                y + 14,
                text,
            )
        )
    legend_y = top + row_h * len(rows) + 8
    parts.append(
        format_html(
            '<g class="chart-legend"><rect class="chart-bar" x="{}" y="{}" width="14" '
            'height="12"/><text x="{}" y="{}">{}, on time</text><rect class="chart-bar-part" '
            'x="{}" y="{}" width="14" height="12" fill="url(#{})"/><text x="{}" y="{}">'
            "{} (hatched)</text></g>",
            label_w,
            legend_y,
            label_w + 20,
            legend_y + 10,
            total_word.capitalize(),
            label_w + 110,
            legend_y,
            pattern_id,
            label_w + 130,
            legend_y + 10,
            part_word.capitalize(),
        )
    )
    desc = format_html_join(
        "; ", "{}: {} {}, {} {}", ((r.label, r.total, total_word, r.part, part_word) for r in rows)
    )
    return _frame(chart_id, width, height, title, desc, mark_safe("".join(parts)))
