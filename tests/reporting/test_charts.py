"""The SVG charts: a rounded scale that reads right, negative months below the nought line, gaps
where a month has no figures, every text escaped."""

import re
from decimal import Decimal

from reporting.charts import Series, line_chart

D = Decimal


def ticks(svg: str) -> list[str]:
    return re.findall(r'text-anchor="end" fill="#5b6672">([^<]*)<', svg)


def test_the_scale_reads_right():
    svg = line_chart("Sales", ["Jan", "Feb"], [Series("Sales", (D("0"), D("10000")), "#123456")])
    assert ticks(svg) == ["0", "2.5k", "5k", "7.5k", "10k"]


def test_losses_go_below_nought_and_the_axis_stops_there():
    svg = line_chart("Profit", ["Jan", "Feb"], [Series("Profit", (D("-1500"), D("-400")), "#123")])
    assert ticks(svg) == ["-1.5k", "-1k", "-500", "0"]


def test_a_month_without_figures_is_a_gap_and_names_are_escaped():
    svg = line_chart(
        "Cash <&>", ["Jan", "Feb", "Mar"], [Series("A&B", (D("5"), None, D("7")), "#123")]
    )
    assert "<polyline" not in svg  # no two neighbouring months to join
    assert svg.count("<circle") == 2
    assert "Cash &lt;&amp;&gt;" in svg and "A&amp;B" in svg
    assert line_chart("Nothing", ["Jan"], [Series("None", (None,), "#123")]).startswith("<svg")
