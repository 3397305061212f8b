"""
Server-side SVG bar charts of the operators' dashboard (no JavaScript, no network).

:func:`bar_chart` computes the geometry of one chart with one bar per day;
``templates/admin/dashboard/bar_chart.html`` draws it (so every label goes
through the template's autoescaping). Values stay ``Decimal``; only pixel
positions are floats, and they are formatted here so that the template never
localizes a coordinate.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, Decimal

WIDTH, HEIGHT = 760, 260
LEFT, RIGHT, TOP, BOTTOM = 72, 16, 16, 52
PLOT_WIDTH, PLOT_HEIGHT = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
BAR_SHARE = Decimal("0.7")  # of a day's slot
ZERO_MARK_HEIGHT = 2  # a day without value still shows a mark on the axis
TARGET_INTERVALS = 4
X_LABEL_EVERY = 5  # days, counted back from the last one


@dataclass(frozen=True)
class Bar:
    x: str
    y: str
    width: str
    height: str
    day: date
    value: str  # formatted
    zero: bool


@dataclass(frozen=True)
class Tick:
    position: str  # y for the value axis, x for the day axis
    label: str


@dataclass(frozen=True)
class BarChart:
    id: str
    title: str
    value_label: str
    day_label: str
    description: str
    bars: list[Bar]
    y_ticks: list[Tick]
    x_ticks: list[Tick]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    top: int = TOP
    right_edge: int = LEFT + PLOT_WIDTH
    baseline: int = TOP + PLOT_HEIGHT
    y_label_x: int = LEFT - 6
    x_tick_end: int = TOP + PLOT_HEIGHT + 4
    x_label_y: int = TOP + PLOT_HEIGHT + 18
    x_title_x: int = LEFT + PLOT_WIDTH // 2
    x_title_y: int = HEIGHT - 8
    y_title_x: int = 16
    y_title_y: int = TOP + PLOT_HEIGHT // 2


def _px(value: Decimal | float) -> str:
    return f"{float(value):.2f}"


def nice_ticks(maximum: Decimal, *, min_step: Decimal) -> list[Decimal]:
    """
    Tick values from 0 up to a round top at or above ``maximum`` (at most
    ``TARGET_INTERVALS`` intervals of 1, 2 or 5 times a power of ten, and
    never finer than ``min_step``, the smallest amount the axis can show).
    """
    if maximum <= 0:
        step = max(min_step, Decimal(1))
        return [step * i for i in range(TARGET_INTERVALS + 1)]
    raw = maximum / TARGET_INTERVALS
    magnitude = Decimal(1).scaleb(raw.adjusted())
    step = next(magnitude * m for m in (1, 2, 5, 10) if magnitude * m >= raw)
    step = max(step, min_step)
    intervals = int((maximum / step).to_integral_value(rounding=ROUND_CEILING))
    return [step * i for i in range(max(intervals, 1) + 1)]


def bar_chart(
    *,
    id: str,
    title: str,
    value_label: str,
    day_label: str,
    series: Sequence[tuple[date, Decimal]],
    fmt: Callable[[Decimal], str],
    min_step: Decimal,
) -> BarChart:
    """One bar per ``(day, value)`` of ``series``, in order; ``fmt`` renders values and tick labels."""
    ticks = nice_ticks(max((value for _, value in series), default=Decimal(0)), min_step=min_step)
    top_value = ticks[-1]
    slot = Decimal(PLOT_WIDTH) / max(len(series), 1)
    bar_width = slot * BAR_SHARE

    def y_of(value: Decimal) -> Decimal:
        return TOP + PLOT_HEIGHT - PLOT_HEIGHT * value / top_value

    bars = []
    for index, (day, value) in enumerate(series):
        x = LEFT + slot * index + (slot - bar_width) / 2
        height = Decimal(PLOT_HEIGHT) * value / top_value if value > 0 else Decimal(ZERO_MARK_HEIGHT)
        bars.append(
            Bar(
                x=_px(x),
                y=_px(TOP + PLOT_HEIGHT - height),
                width=_px(bar_width),
                height=_px(height),
                day=day,
                value=fmt(value),
                zero=value <= 0,
            )
        )
    last = len(series) - 1
    x_ticks = [
        Tick(position=_px(LEFT + slot * index + slot / 2), label=day.strftime("%m-%d"))
        for index, (day, _) in enumerate(series)
        if (last - index) % X_LABEL_EVERY == 0
    ]
    y_ticks = [Tick(position=_px(y_of(value)), label=fmt(value)) for value in ticks]
    first_day, last_day = (series[0][0], series[-1][0]) if series else (None, None)
    highest = fmt(max((value for _, value in series), default=Decimal(0)))
    description = f"{title}, one bar per day from {first_day} to {last_day}; highest {highest}."
    return BarChart(
        id=id,
        title=title,
        value_label=value_label,
        day_label=day_label,
        description=description,
        bars=bars,
        y_ticks=y_ticks,
        x_ticks=x_ticks,
    )
