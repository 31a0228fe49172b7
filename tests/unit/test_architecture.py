"""The layer order of ARCHITECTURE.md holds in the real imports, and pure modules stay pure.

Read from the source (every import, including those inside functions and under TYPE_CHECKING),
so a change that breaks the layering fails here before anyone has to find the cycle.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "annotator"
FACTORY = "annotator"  # annotator/__init__.py: the app factory imports the areas inside it
IMPURE_ROOTS = ("flask", "sqlalchemy")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _node(module: str) -> str:
    """Return the layer node of a module: its subpackage or top-level module, or the factory."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else FACTORY


def _resolve(module: str) -> str:
    """Return the annotator module an import names (a module, or the package of a name)."""
    while module not in MODULES and "." in module:
        module = module.rsplit(".", 1)[0]
    return module


@cache
def _imports(module: str) -> tuple[list[tuple[str, bool]], list[str]]:
    """Return (annotator modules imported, with whether inside a function; outside imports)."""
    path = MODULES[module]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found: list[tuple[str, bool]] = []
    outside: list[str] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inner = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if isinstance(child, ast.Import):
                for alias in child.names:
                    (found.append((_resolve(alias.name), inner))
                     if alias.name.split(".")[0] == "annotator" else outside.append(alias.name))
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    anchor = package.split(".")
                    anchor = anchor[: len(anchor) - child.level + 1]
                    base = ".".join(anchor + ([base] if base else []))
                if base.split(".")[0] != "annotator":
                    outside.append(base)
                    continue
                for alias in child.names:
                    found.append((_resolve(f"{base}.{alias.name}"), inner))
            visit(child, inner)

    visit(tree, False)
    return found, outside


def _layers() -> list[list[str]]:
    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    block = re.search(r"```layers\n(.*?)```", text, re.S)
    assert block, "ARCHITECTURE.md has no ```layers block"
    return [line.split() for line in block.group(1).splitlines() if line.strip()]


def test_every_node_is_placed_in_architecture_md_once():
    placed = [node for line in _layers() for node in line]
    assert len(placed) == len(set(placed)), "a node appears twice in the layers block"
    missing = sorted({_node(m) for m in MODULES} - set(placed))
    assert not missing, f"place these in ARCHITECTURE.md's layers block: {missing}"


def test_imports_follow_the_layer_order():
    rank = {node: i for i, line in enumerate(_layers()) for node in line}
    wrong = []
    for module in MODULES:
        for target, _ in _imports(module)[0]:
            src, dst = _node(module), _node(target)
            if src != dst and rank[dst] >= rank[src]:
                wrong.append(f"{module} imports {target} ({src} may not import {dst})")
    assert not wrong, "\n".join(sorted(set(wrong)))


def test_no_annotator_import_hides_inside_a_function():
    hidden = [f"{module} imports {target} inside a function"
              for module in MODULES if module != FACTORY
              for target, inner in _imports(module)[0] if inner]
    assert not hidden, "\n".join(sorted(set(hidden)))


def test_modules_import_each_other_without_a_cycle():
    graph = {m: {t for t, _ in _imports(m)[0] if t != m} for m in MODULES}
    state: dict[str, int] = {}
    path: list[str] = []

    def walk(module: str) -> list[str] | None:
        state[module] = 1
        path.append(module)
        for target in sorted(graph[module]):
            if state.get(target) == 1:
                return path[path.index(target):] + [target]
            if target not in state and (cycle := walk(target)):
                return cycle
        state[module] = 2
        path.pop()
        return None

    for module in MODULES:
        if module not in state and (cycle := walk(module)):
            pytest.fail("import cycle: " + " -> ".join(cycle))


@cache
def _pure_in_source(module: str) -> bool:
    """Whether neither the module nor any annotator module it imports names Flask or SQLAlchemy."""
    inside, outside = _imports(module)
    if any(name.split(".")[0].startswith(IMPURE_ROOTS) for name in outside):
        return False
    return all(_pure_in_source(target) for target, _ in inside if target != module)


PURE = sorted(m for m in MODULES if m != FACTORY and _pure_in_source(m))


def test_the_statistics_and_shared_building_blocks_are_pure_in_source():
    must = {"annotator.vocabulary", "annotator.filters", "annotator.segmentation",
            "annotator.sanitize", "annotator.urls", "annotator.config",
            "annotator.articles.parsing", "annotator.exports.label_rows",
            "annotator.exports.writers", "annotator.outlets.tallies",
            "annotator.outlets.comparison", "annotator.verdicts.dates",
            "annotator.verdicts.track", "annotator.verdicts.claimreview",
            "annotator.claims.matching", "annotator.claims.lsh", "annotator.claims.clustering"}
    must |= {m for m in MODULES if m.startswith("annotator.stats")}
    assert must <= set(PURE), sorted(must - set(PURE))


@pytest.mark.parametrize("module", PURE)
def test_a_pure_module_imports_without_flask_or_sqlalchemy(module):
    probe = (f"import sys, importlib; importlib.import_module({module!r}); "
             f"bad = sorted(k for k in sys.modules if k.startswith({IMPURE_ROOTS!r})); "
             "print(' '.join(bad)); sys.exit(1 if bad else 0)")
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, f"{module} loaded {done.stdout.strip()} {done.stderr[-500:]}"


# Each closed set of values, written out, may appear in exactly one place: annotator/vocabulary.py.
VALUE_SETS = {
    "labels": r"""["']fact["'],\s*["']claim["'],\s*["']opinion["'],\s*["']prediction["']""",
    "stances": r"""["']supports["'],\s*["']contradicts["'],\s*["']context["']""",
    "decisions": r"""["']unanimous["'],\s*["']majority["'],\s*["']adjudicated["']""",
    "roles": r"""["']reviewer["'],\s*["']lead["'],\s*["']admin["']\)""",
    "skip reasons": r"""["']not_news["'],\s*["']duplicate["']""",
}


@pytest.mark.parametrize("name", sorted(VALUE_SETS))
def test_each_value_set_is_defined_once(name):
    pattern = re.compile(VALUE_SETS[name])
    places = [str(path.relative_to(ROOT))
              for folder in ("annotator", "templates", "static")
              for path in sorted((ROOT / folder).rglob("*"))
              if path.suffix in {".py", ".html", ".js"}
              and pattern.search(path.read_text(encoding="utf-8"))]
    assert places == ["annotator/vocabulary.py"], places


def test_assignment_statuses_are_named_not_spelled_out():
    """Code compares and sets statuses through vocabulary.Status, never a bare string."""
    status = re.compile(r"""["'](active|submitted|skipped|expired|revoked)["']""")
    places = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "vocabulary.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            if status.search(code) and "status" in code.lower():
                places.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not places, "\n".join(places)
