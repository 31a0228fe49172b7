"""Numbers, percentages and intervals as the pages and the HTML report show them, once.

Plain functions registered as Jinja filters (:func:`register_filters`, called by create_app):
an overview renders a few thousand figures, and a filter call costs a fraction of a macro
call. Where two pages show one kind of figure differently, the variants have their own names
or parameters, so each page keeps its look. Pure: no Flask; markupsafe escapes every value.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, Protocol

from markupsafe import Markup, escape

# The tooltip of an undefined figure that carries no reason of its own.
UNDEFINED = "undefined: no variation or nothing to compare"
DASH = "—"


class _Stat(Protocol):
    value: float | None
    reason: str | None


class _Interval(Protocol):
    low: float | None
    high: float | None
    reason: str | None
    method: str


def num(value: float | None, reason: str | None = None, digits: int = 3,
        fallback: str = UNDEFINED) -> Markup:
    """Return a number to ``digits`` places, or "undefined" with the reason as a tooltip.

    ``fallback`` is the tooltip when there is no reason: the pages explain, the HTML report
    says "undefined".
    """
    if value is None:
        return Markup('<span class="undefined" title="{}">undefined</span>').format(
            reason or fallback)
    return Markup(f"{value:.{digits}f}")


def stat(s: _Stat | None, digits: int = 3, fallback: str = UNDEFINED) -> Markup:
    """Return a statistic (value, or undefined with its reason), or a dash when there is none."""
    if s is None:
        return Markup(DASH)
    return num(s.value, s.reason, digits, fallback)


def pct(value: float | None) -> Markup:
    """Return a share as a percentage with one decimal ("42.5%"), or a muted dash."""
    if value is None:
        return Markup('<span class="undefined">—</span>')
    return Markup(f"{value * 100:.1f}%")


def spaced_pct(value: float | None, digits: int = 0) -> str:
    """Return a share as a percentage with a space before the sign ("42 %"), or a dash."""
    if value is None:
        return DASH
    return f"{100 * value:.{digits}f} %"


def num_or_dash(value: float | None, digits: int = 3) -> str:
    """Return a number to ``digits`` places, or a dash."""
    return DASH if value is None else f"{value:.{digits}f}"


def signed(value: float, digits: int = 3) -> str:
    """Return a change with its sign ("+0.012", "-0.300")."""
    return f"{value:+.{digits}f}"


def interval(iv: _Interval | None, method: bool = True) -> Markup:
    """Return a 95% interval as [low, high], or why there is none.

    ``method`` names the interval's method in a tooltip (the pages); the HTML report shows
    the bounds alone.
    """
    if iv is None or iv.low is None:
        return Markup('<span class="undefined" title="{}">no interval</span>').format(
            iv.reason if iv is not None else "")
    if not method:
        return Markup(f"[{iv.low:.3f}, {iv.high:.3f}]")
    return Markup('<span class="interval" title="95% interval, {}">[{:.3f}, {:.3f}]</span>'
                  ).format(iv.method, iv.low, iv.high)


def group_alpha(figures: Any) -> Markup:
    """Return a group's stored alpha (GroupFigures or None), muted "undefined" when it has none."""
    if figures is None or figures.alpha.value is None:
        reason = figures.alpha.reason if figures is not None else "no stored statistics"
        return Markup('<span class="muted" title="{}">undefined</span>').format(reason)
    return Markup(f"{figures.alpha.value:.3f}")


def group_interval(figures: Any) -> Markup:
    """Return a group's stored 95% interval (GroupFigures or None) as bounds, or a muted dash."""
    if figures is None or figures.interval.low is None:
        return Markup('<span class="muted">—</span>')
    return Markup(f"[{figures.interval.low:.3f}, {figures.interval.high:.3f}]")


def day(moment: datetime | None) -> str:
    """Return the date of a moment (YYYY-MM-DD), or a dash."""
    return moment.date().isoformat() if moment else DASH


def warnings(items: Iterable[str]) -> Markup:
    """Return the warnings as a list, or nothing."""
    items = list(items)
    if not items:
        return Markup("")
    lines = "".join(f'<li><span class="warn-icon" aria-hidden="true">⚠</span> {escape(w)}</li>'
                    for w in items)
    return Markup(f'<ul class="warnings">{lines}</ul>')


def label_tag(label: str | None) -> Markup:
    """Return a label as a coloured tag, or a muted dash."""
    if not label:
        return Markup('<span class="undefined">—</span>')
    return Markup('<span class="label-tag label-{0}">{0}</span>').format(label)


FILTERS = {f.__name__: f for f in (num, stat, pct, spaced_pct, num_or_dash, signed, interval,
                                   group_alpha, group_interval, day, warnings, label_tag)}


def register_filters(env: Any) -> None:
    """Make every formatter a filter of a Jinja environment (the app's ``jinja_env``)."""
    env.filters.update(FILTERS)
