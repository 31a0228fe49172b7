"""The stylesheets: shared helpers live in app.css, which base.html loads on every page."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CSS = ROOT / "static" / "css"


def _defines(path: Path, selector: str) -> bool:
    css = re.sub(r"/\*.*?\*/", "", path.read_text(encoding="utf-8"), flags=re.S)
    return re.search(rf"(^|[\s,}}]){re.escape(selector)}\s*[{{,]", css) is not None


def test_visually_hidden_is_defined_once_in_the_stylesheet_every_page_loads():
    base = (ROOT / "templates" / "base.html").read_text(encoding="utf-8")
    assert "filename='css/app.css'" in base
    assert [p.name for p in sorted(CSS.glob("*.css")) if _defines(p, ".visually-hidden")] == [
        "app.css"]
