"""Charts drawn on the server as SVG, for the management accounts page and the pack PDF (which
WeasyPrint draws from the same markup): months along the bottom, amounts up the side on a
rounded scale, one polyline per series (a gap where a month has no figures), and a legend.

Pure: labels and ``Decimal`` values in, an SVG string out, every text escaped.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from html import escape

WIDTH, HEIGHT = 640, 230
LEFT, RIGHT, TOP, BOTTOM = 64, 12, 28, 36


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[Decimal | None, ...]
    colour: str


def _nice_step(span: float, ticks: int = 4) -> float:
    raw = span / ticks if span else 1.0
    magnitude = 10 ** len(str(int(raw))) / 10 if raw >= 1 else 1.0
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def _label(value: float) -> str:
    """2,500 → "2.5k", 10,000 → "10k", -1,500 → "-1.5k", 1,200,000 → "1.2m"."""
    for size, unit in ((1_000_000, "m"), (1_000, "k")):
        if abs(value) >= size:
            return f"{value / size:,.1f}".removesuffix(".0") + unit
    return f"{value:,.0f}"


def line_chart(title: str, labels: list[str], series: list[Series]) -> str:
    numbers = [float(v) for s in series for v in s.values if v is not None]
    low, high = min([0.0, *numbers]), max([0.0, *numbers])
    step = _nice_step(high - low)
    bottom = step * (low // step) if low < 0 else 0.0
    top = step * -(-high // step) if high > 0 else 0.0  # all below nought: the axis ends at 0
    if top == bottom:
        top = bottom + step
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    count = max(len(labels), 1)

    def x(i: int) -> float:
        return LEFT + (plot_w * (i + 0.5) / count)

    def y(value: float) -> float:
        return TOP + plot_h * (top - value) / (top - bottom)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-label="{escape(title)}" '
        'class="chart" font-family="sans-serif" font-size="11">',
        f"<title>{escape(title)}</title>",
        f'<text x="{LEFT}" y="16" font-size="13" font-weight="600">{escape(title)}</text>',
    ]
    tick = bottom
    while tick <= top + step / 1000:
        ty = y(tick)
        colour = "#8a939e" if tick == 0 else "#dfe3e8"
        parts.append(
            f'<line x1="{LEFT}" y1="{ty:.1f}" x2="{WIDTH - RIGHT}" y2="{ty:.1f}" '
            f'stroke="{colour}" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{LEFT - 6}" y="{ty + 4:.1f}" text-anchor="end" fill="#5b6672">'
            f"{escape(_label(tick))}</text>"
        )
        tick += step
    for i, label in enumerate(labels):
        parts.append(
            f'<text x="{x(i):.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle" '
            f'fill="#5b6672">{escape(label)}</text>'
        )
    for s in series:
        runs: list[list[str]] = [[]]
        for i, value in enumerate(s.values):
            if value is None:
                runs.append([])
                continue
            runs[-1].append(f"{x(i):.1f},{y(float(value)):.1f}")
        for run in runs:
            if len(run) > 1:
                parts.append(
                    f'<polyline points="{" ".join(run)}" fill="none" stroke="{escape(s.colour)}" '
                    'stroke-width="2.2" stroke-linejoin="round"/>'
                )
            for point in run:
                px, py = point.split(",")
                parts.append(f'<circle cx="{px}" cy="{py}" r="2.6" fill="{escape(s.colour)}"/>')
    legend_x = WIDTH - RIGHT
    for s in reversed(series):
        width = 18 + 6.5 * len(s.name)
        legend_x -= width
        parts.append(
            f'<rect x="{legend_x:.1f}" y="8" width="10" height="10" fill="{escape(s.colour)}"/>'
            f'<text x="{legend_x + 14:.1f}" y="17">{escape(s.name)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def trend_charts(accounts, primary: str = "#1f4e79", accent: str = "#c8102e") -> list[str]:
    """The management accounts' two charts: turnover and profit month by month, and cash at
    each month end (``accounts.trend``: a year of months)."""
    trend = accounts.trend
    labels = [f"{t.month:%b}" for t in trend]
    return [
        line_chart(
            "Turnover and profit, month by month",
            labels,
            [
                Series("Turnover", tuple(t.turnover for t in trend), primary),
                Series("Profit after tax", tuple(t.profit for t in trend), accent),
            ],
        ),
        line_chart(
            "Cash at each month end",
            labels,
            [Series("Cash", tuple(t.cash for t in trend), primary)],
        ),
    ]
