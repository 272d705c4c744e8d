"""Horizontal bar charts drawn on the server as SVG (no script, no chart library), each with a
title and the same numbers as a table for screen readers and for copying.

``bar_chart`` returns what ``templates/approvals/supervision/_bar_chart.html`` draws: one group
of bars per row (one bar per series), scaled to the largest value (or to ``maximum``).
"""

from __future__ import annotations

from dataclasses import dataclass

LABEL_WIDTH = 200
PLOT_WIDTH = 300
BAR_HEIGHT = 16
BAR_GAP = 2
GROUP_GAP = 10
VALUE_MARGIN = 6


@dataclass(frozen=True)
class Bar:
    series: str
    value: float
    x: int
    y: int
    width: float
    height: int
    text_x: float
    text_y: int


@dataclass(frozen=True)
class Group:
    label: str
    label_y: int
    bars: list[Bar]
    values: list


@dataclass(frozen=True)
class Chart:
    chart_id: str
    title: str
    label_heading: str  # what the rows are: "Department", "Service"
    series: list[tuple[str, str]]
    groups: list[Group]
    width: int
    height: int

    @property
    def empty(self) -> bool:
        return not self.groups


def _number(value) -> str:
    if value is None:
        return "—"
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def bar_chart(
    *,
    chart_id: str,
    title: str,
    rows: list[tuple[str, list]],
    series: list[tuple[str, str]],
    label_heading: str,
    maximum: float | None = None,
) -> Chart:
    """``rows``: ``(label, [value per series])``; ``series``: ``(css key, name)``;
    ``label_heading`` names what the rows are (the table's first column). A value of ``None``
    (nothing to measure) draws no bar and reads "—", as in the table."""
    top = maximum or max((v or 0 for _label, values in rows for v in values), default=0) or 1
    groups, y = [], 0
    for label, values in rows:
        bars = []
        for index, ((key, _name), value) in enumerate(zip(series, values, strict=True)):
            bar_y = y + index * (BAR_HEIGHT + BAR_GAP)
            width = round(PLOT_WIDTH * (value or 0) / top, 1)
            bars.append(
                Bar(
                    series=key,
                    value=value,
                    x=LABEL_WIDTH,
                    y=bar_y,
                    width=width,
                    height=BAR_HEIGHT,
                    text_x=LABEL_WIDTH + width + VALUE_MARGIN,
                    text_y=bar_y + BAR_HEIGHT - 3,
                )
            )
        group_height = len(series) * (BAR_HEIGHT + BAR_GAP)
        groups.append(
            Group(
                label=label,
                label_y=y + group_height // 2 + 4,
                bars=bars,
                values=[_number(v) for v in values],
            )
        )
        y += group_height + GROUP_GAP
    return Chart(
        chart_id=chart_id,
        title=str(title),
        label_heading=str(label_heading),
        series=[(key, str(name)) for key, name in series],
        groups=groups,
        width=LABEL_WIDTH + PLOT_WIDTH + 60,
        height=max(y, 20),
    )
