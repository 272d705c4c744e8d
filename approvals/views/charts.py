"""Horizontal bar charts drawn on the server as SVG (no script, no chart library), each with a
title and the same numbers as a table for screen readers and for copying.

``bar_chart`` returns what ``templates/approvals/supervision/_bar_chart.html`` draws: one group
of bars per row (one bar per series), scaled to the largest value (or to ``maximum``).
"""

from __future__ import annotations

from dataclasses import dataclass

from approvals.domain.trend_periods import thinned_labels

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


# --- Column charts over time (supervision trends, issue 18) --------------------------------------
#
# One slot per bucket (day, week, month), one column per series in it, scaled to the largest value
# (or ``maximum``). Each column may link to the list behind it. The axis labels are short (the
# table has the full dates), rotated, and thinned so that at most ``AXIS_LABEL_ROOM`` are drawn:
# they never overlap, even when the chart is scaled down to a phone's width.

COLUMN_PLOT_WIDTH = 600
COLUMN_PLOT_HEIGHT = 160
COLUMN_LEFT = 48  # room for the scale's numbers
COLUMN_TOP = 20
AXIS_LABEL_ROOM = 6
AXIS_LABEL_DEPTH = 70  # the rotated labels' height below the plot
VALUE_MIN_SLOT = 36  # a slot narrower than this has no number above its columns (the table has)
# On a phone the text is drawn larger (static/css/supervision.css): a chart whose slots are
# narrower than this shows no numbers above its columns there.
PHONE_VALUE_MIN_SLOT = 70


@dataclass(frozen=True)
class Column:
    series: str
    value: float | None
    x: float
    y: float
    width: float
    height: float
    href: str
    label: str  # what a screen reader and a tooltip say: bucket, series, value
    text_x: float
    show_value: bool


@dataclass(frozen=True)
class Slot:
    label: str  # the axis's short label
    full_label: str  # the table's
    columns: list[Column]
    values: list[str]
    hrefs: list[str]
    tick_x: float
    show_tick: bool


@dataclass(frozen=True)
class ColumnChart:
    chart_id: str
    title: str
    label_heading: str
    series: list[tuple[str, str]]
    slots: list[Slot]
    top_value: str
    width: int
    height: int
    dense: bool  # too many slots for the numbers above the columns at a phone's text size
    plot_left: int = COLUMN_LEFT
    plot_top: int = COLUMN_TOP
    plot_bottom: int = COLUMN_TOP + COLUMN_PLOT_HEIGHT
    plot_right: int = COLUMN_LEFT + COLUMN_PLOT_WIDTH

    @property
    def empty(self) -> bool:
        return not self.slots or all(
            column.value in (None, 0) for slot in self.slots for column in slot.columns
        )


def column_chart(
    *,
    chart_id: str,
    title: str,
    slots: list[tuple[str, str, list, list[str]]],
    series: list[tuple[str, str]],
    label_heading: str,
    maximum: float | None = None,
) -> ColumnChart:
    """``slots``: ``(short label, full label, [value per series], [link per series or ""])``;
    ``series``: ``(css key, name)``. A value of ``None`` draws no column and reads "—"."""
    top = maximum or max((v or 0 for *_labels, values, _h in slots for v in values), default=0) or 1
    count = max(1, len(slots))
    slot_width = COLUMN_PLOT_WIDTH / count
    gap = min(4.0, slot_width * 0.2)
    column_width = (slot_width - gap) / max(1, len(series))
    ticks = thinned_labels(len(slots), AXIS_LABEL_ROOM)
    bottom = COLUMN_TOP + COLUMN_PLOT_HEIGHT
    drawn = []
    for index, (short, full, values, hrefs) in enumerate(slots):
        slot_x = COLUMN_LEFT + index * slot_width + gap / 2
        columns = []
        for position, ((key, name), value) in enumerate(zip(series, values, strict=True)):
            height = round(COLUMN_PLOT_HEIGHT * (value or 0) / top, 1)
            x = round(slot_x + position * column_width, 1)
            columns.append(
                Column(
                    series=key,
                    value=value,
                    x=x,
                    y=round(bottom - height, 1),
                    width=round(max(column_width - 0.5, 0.5), 1),
                    height=height,
                    href=hrefs[position] if value else "",
                    label=f"{full} · {name}: {_number(value)}",
                    text_x=round(x + column_width / 2, 1),
                    show_value=slot_width >= VALUE_MIN_SLOT and value is not None,
                )
            )
        drawn.append(
            Slot(
                label=short,
                full_label=full,
                columns=columns,
                values=[_number(v) for v in values],
                hrefs=[hrefs[i] if values[i] else "" for i in range(len(series))],
                tick_x=round(COLUMN_LEFT + (index + 0.5) * slot_width, 1),
                show_tick=index in ticks,
            )
        )
    return ColumnChart(
        chart_id=chart_id,
        title=str(title),
        label_heading=str(label_heading),
        series=[(key, str(name)) for key, name in series],
        slots=drawn,
        top_value=_number(top),
        dense=slot_width < PHONE_VALUE_MIN_SLOT,
        width=COLUMN_LEFT + COLUMN_PLOT_WIDTH + 20,
        height=bottom + AXIS_LABEL_DEPTH,
    )
