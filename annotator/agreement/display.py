"""Report figures as small pieces of safe HTML for the templates.

Plain functions instead of Jinja macros: an overview renders a few thousand figures, and a
function call costs a fraction of a macro call. No Flask; markupsafe escapes every value.
"""

from __future__ import annotations

from collections.abc import Iterable

from markupsafe import Markup, escape

UNDEFINED = "undefined: no variation or nothing to compare"


def num(value: float | None, reason: str | None = None, digits: int = 3) -> Markup:
    """Return a number to ``digits`` places, or "undefined" with the reason as a tooltip."""
    if value is None:
        return Markup('<span class="undefined" title="{}">undefined</span>').format(
            reason or UNDEFINED)
    return Markup(f"{value:.{digits}f}")


def stat(s, digits: int = 3) -> Markup:
    """Return an engine Stat (value or undefined with its reason)."""
    return num(s.value, s.reason, digits)


def pct(value: float | None) -> Markup:
    """Return a share as a percentage with one decimal, or a dash."""
    if value is None:
        return Markup('<span class="undefined">—</span>')
    return Markup(f"{value * 100:.1f}%")


def interval(iv) -> Markup:
    """Return a 95% interval as [low, high], or why there is none."""
    if iv.low is None:
        return Markup('<span class="undefined" title="{}">no interval</span>').format(iv.reason)
    return Markup('<span class="interval" title="95% interval, {}">[{:.3f}, {:.3f}]</span>'
                  ).format(iv.method, iv.low, iv.high)


def warnings(items: Iterable[str]) -> Markup:
    """Return the warnings as a list, or nothing."""
    items = list(items)
    if not items:
        return Markup("")
    lines = "".join(f'<li><span class="warn-icon" aria-hidden="true">⚠</span> {escape(w)}</li>'
                    for w in items)
    return Markup(f'<ul class="warnings">{lines}</ul>')


def label_tag(label: str | None) -> Markup:
    """Return a label as a coloured tag, or a dash."""
    if not label:
        return Markup('<span class="undefined">—</span>')
    return Markup('<span class="label-tag label-{0}">{0}</span>').format(label)
