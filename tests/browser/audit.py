"""What every main page must pass in Chromium, at a phone's width and a laptop's.

- it fits: no horizontal scrolling (`document.documentElement.scrollWidth <= innerWidth`);
- axe-core (the copy shipped inside the axe-playwright-python package, a dev dependency) finds
  no violations. The script is evaluated through the DevTools protocol, which the page's
  Content-Security-Policy does not govern, so the page under test keeps its real CSP.
"""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 900}
SIZES = {"phone": PHONE, "laptop": LAPTOP}

_AXE = Axe()


def overflow(page) -> int:
    """How many CSS pixels the page is wider than the window (0 when it fits)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def assert_fits(page) -> None:
    extra = overflow(page)
    if extra > 0:
        widest = page.evaluate(
            """() => [...document.querySelectorAll('body *')]
                 .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
                 .slice(0, 5)
                 .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
                      + (e.className && typeof e.className === 'string'
                         ? '.' + e.className.trim().split(/\\s+/).join('.') : '')
                      + ' right=' + Math.round(e.getBoundingClientRect().right))""")
        raise AssertionError(
            f"{page.url} is {extra}px wider than its {page.viewport_size['width']}px window; "
            f"sticking out: {widest}")


def axe_violations(page) -> list[str]:
    """One line per axe-core rule violated: rule, impact, how many nodes, the first targets."""
    response = _AXE.run(page).response
    return [
        f"{v['id']} ({v['impact']}): {v['help']} - {len(v['nodes'])} node(s), e.g. "
        + "; ".join(", ".join(n["target"]) for n in v["nodes"][:3])
        for v in response["violations"]
    ]


def assert_accessible(page) -> None:
    found = axe_violations(page)
    assert not found, f"axe-core on {page.url}:\n" + "\n".join(found)
