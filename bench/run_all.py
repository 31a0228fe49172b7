"""Run every benchmark in turn and print their figures (`make bench`)."""

from __future__ import annotations

import importlib
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

BENCHES = [
    "bench_segmentation",
    "bench_import",
    "bench_next_article",
    "bench_workspace",
    "bench_potato",
    "bench_agreement",
    "bench_reports",
    "bench_exports",
    "bench_verdicts",
    "bench_load",
    "bench_api",
    "bench_claims",
]


def main() -> int:
    """Run each bench module's main(); report the ones that are missing or fail."""
    failed = []
    for name in BENCHES:
        if not (ROOT / "bench" / f"{name}.py").exists():
            print(f"== {name}: not present")
            continue
        print(f"\n== {name}", flush=True)
        started = time.perf_counter()
        try:
            module = importlib.import_module(name)
            module.main()
        except Exception as exc:  # keep going: one broken bench should not hide the others
            failed.append(name)
            print(f"!! {name} failed: {type(exc).__name__}: {exc}")
        print(f"== {name} took {time.perf_counter() - started:.1f} s", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
