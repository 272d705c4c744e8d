"""The trend charts' columns: scaled to the largest value, linked only where there is something
behind them, and at most a few axis labels drawn, evenly spaced, whatever the number of bars."""

import itertools

from approvals.views.charts import AXIS_LABEL_ROOM, COLUMN_PLOT_HEIGHT, column_chart


def _chart(values, maximum=None):
    return column_chart(
        chart_id="c",
        title="Late",
        slots=[(f"{n:02d}", f"2026-03-{n:02d}", [v], [f"/cases/{n}"]) for n, v in values],
        series=[("red", "Decided late")],
        label_heading="Day",
        maximum=maximum,
    )


def test_columns_scale_to_the_largest_value_and_link_only_where_there_are_cases():
    chart = _chart([(1, 0), (2, 2), (3, 4)])

    heights = [slot.columns[0].height for slot in chart.slots]
    assert heights == [0, COLUMN_PLOT_HEIGHT / 2, COLUMN_PLOT_HEIGHT]
    assert [slot.columns[0].href for slot in chart.slots] == ["", "/cases/2", "/cases/3"]
    assert chart.slots[2].columns[0].label == "2026-03-03 · Decided late: 4"
    assert chart.slots[1].values == ["2"]
    assert chart.top_value == "4"


def test_a_rate_is_scaled_to_its_maximum_and_nothing_to_measure_draws_nothing():
    chart = _chart([(1, None), (2, 50.0)], maximum=100)

    assert chart.slots[0].values == ["—"]
    assert chart.slots[0].columns[0].href == ""
    assert chart.slots[1].columns[0].height == COLUMN_PLOT_HEIGHT / 2


def test_a_month_of_days_draws_a_few_evenly_spaced_labels_and_no_crowded_numbers():
    chart = _chart([(n, n) for n in range(1, 32)])

    ticks = [slot.tick_x for slot in chart.slots if slot.show_tick]
    assert 2 <= len(ticks) <= AXIS_LABEL_ROOM
    gaps = [b - a for a, b in itertools.pairwise(ticks)]
    assert max(gaps) - min(gaps) < 0.5  # evenly spaced (to the rounding of the coordinates)
    assert chart.dense
    assert not _chart([(1, 1), (2, 2)]).dense


def test_an_empty_period_is_an_empty_chart():
    assert _chart([(1, 0), (2, None)]).empty
    assert not _chart([(1, 1)]).empty
