"""Geometry for the reports' server-rendered SVG charts: plain numbers in, shapes out.

Templates draw the shapes with attributes and CSS classes only (the CSP forbids inline
styles and scripts). Pure: no Flask.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

LEFT = 190  # room for outlet names
RIGHT = 20
TOP = 28
ROW = 18
WIDTH = 720
MAX_ROWS = 60
# Krippendorff (2004): alpha >= .800 reliable, >= .667 for tentative conclusions only.
THRESHOLDS = (0.667, 0.8)


@dataclass
class Tick:
    x: float
    label: str


@dataclass
class AlphaRow:
    name: str
    y: float
    point: float | None
    low: float | None
    high: float | None
    text: str


@dataclass
class Segment:
    x: float
    width: float
    label: str
    share: float


@dataclass
class MixRow:
    name: str
    y: float
    segments: list[Segment]


@dataclass
class Chart:
    """An SVG canvas with rows, ticks and reference lines; ``hidden`` rows did not fit."""

    width: int
    height: int
    plot_left: int
    plot_right: int
    rows: list = field(default_factory=list)
    ticks: list[Tick] = field(default_factory=list)
    references: list[Tick] = field(default_factory=list)
    hidden: int = 0


def _scale(lo: float, hi: float):
    span = (WIDTH - LEFT - RIGHT) / (hi - lo)
    return lambda v: round(LEFT + (v - lo) * span, 1)


def alpha_chart(rows: Sequence[tuple[str, float | None, float | None, float | None]]) -> Chart:
    """Lay out alpha per group with its interval: rows are (name, alpha, low, high)."""
    shown = list(rows[:MAX_ROWS])
    values = [v for _, a, lo, hi in shown for v in (a, lo, hi) if v is not None]
    lo = max(-1.0, min([0.0, *values]))
    lo = -1.0 if lo < -0.5 else (-0.5 if lo < 0 else 0.0)
    x = _scale(lo, 1.0)
    chart = Chart(WIDTH, TOP + ROW * len(shown) + 10, LEFT, WIDTH - RIGHT,
                  hidden=max(0, len(rows) - MAX_ROWS))
    steps = int(round((1.0 - lo) / 0.1))
    chart.ticks = [Tick(x(lo + i * 0.1), f"{lo + i * 0.1:.1f}")
                   for i in range(0, steps + 1, 2 if steps <= 10 else 5)]
    chart.references = [Tick(x(t), f"{t:.3f}") for t in THRESHOLDS]
    for i, (name, alpha, low, high) in enumerate(shown):
        chart.rows.append(AlphaRow(
            name=name[:28],
            y=TOP + i * ROW + ROW / 2,
            point=None if alpha is None else x(alpha),
            low=None if low is None else x(low),
            high=None if high is None else x(high),
            text="undefined" if alpha is None else f"{alpha:.3f}",
        ))  # fmt: skip
    return chart


def mix_chart(rows: Sequence[tuple[str, Sequence[float]]], labels: Sequence[str]) -> Chart:
    """Lay out each group's label shares as one stacked bar: rows are (name, shares)."""
    shown = list(rows[:MAX_ROWS])
    x = _scale(0.0, 1.0)
    chart = Chart(WIDTH, TOP + ROW * len(shown) + 10, LEFT, WIDTH - RIGHT,
                  hidden=max(0, len(rows) - MAX_ROWS))
    chart.ticks = [Tick(x(t / 4), f"{t * 25}%") for t in range(5)]
    for i, (name, shares) in enumerate(shown):
        start, segments = 0.0, []
        for label, share in zip(labels, shares, strict=True):
            if share > 0:
                segments.append(Segment(x(start), round(x(start + share) - x(start), 1),
                                        label, share))
            start += share
        chart.rows.append(MixRow(name[:28], TOP + i * ROW + 3, segments))
    return chart


def heat_bucket(share: float) -> int:
    """Return a 0..5 colour bucket for a share of a row (0 = none, 5 = most)."""
    if share <= 0:
        return 0
    return min(5, 1 + int(share * 5))


@dataclass
class TrendPoint:
    x: float
    y: float | None  # None: no items that month
    bar_y: float
    bar_height: float
    label: str
    n: int
    text: str


@dataclass
class TrendChart:
    """A monthly trend: a bar per month (items) and a point per month (share), on one canvas."""

    width: int
    height: int
    plot_left: int
    plot_right: int
    plot_top: int
    plot_bottom: int
    bar_width: float
    points: list[TrendPoint] = field(default_factory=list)
    line: str = ""  # SVG polyline points through the months that have a share
    ticks: list[Tick] = field(default_factory=list)  # y ticks (share)
    hidden: int = 0  # earlier months not drawn


TREND_WIDTH = 720
TREND_HEIGHT = 220
TREND_MONTHS = 36


def trend_chart(months: Sequence[tuple[str, int, float | None]]) -> TrendChart:
    """Lay out a monthly share with its sample: months are (YYYY-MM, n, share or None).

    The last TREND_MONTHS months are drawn; bars show n (scaled to the busiest month), the
    line the share on a 0-100% axis.
    """
    shown = list(months[-TREND_MONTHS:])
    left, right, top, bottom = 48, TREND_WIDTH - 16, 16, TREND_HEIGHT - 36
    chart = TrendChart(TREND_WIDTH, TREND_HEIGHT, left, right, top, bottom, 0.0,
                       hidden=max(0, len(months) - TREND_MONTHS))
    chart.ticks = [Tick(round(bottom - (bottom - top) * t / 4, 1), f"{t * 25}%")
                   for t in range(5)]
    if not shown:
        return chart
    step = (right - left) / len(shown)
    chart.bar_width = round(min(step * 0.6, 36.0), 1)
    busiest = max(n for _, n, _ in shown) or 1
    line = []
    for i, (label, n, share) in enumerate(shown):
        x = round(left + step * (i + 0.5), 1)
        height = round((bottom - top) * 0.5 * n / busiest, 1)
        y = None if share is None else round(bottom - (bottom - top) * share, 1)
        text = f"{label}: {n} checked" + ("" if share is None else f", {share * 100:.0f}% false")
        chart.points.append(TrendPoint(x, y, round(bottom - height, 1), height, label, n, text))
        if y is not None:
            line.append(f"{x},{y}")
    chart.line = " ".join(line)
    return chart
