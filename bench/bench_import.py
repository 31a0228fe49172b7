"""Import 10,000 synthetic articles of about 4 KB into a fresh SQLite database.

Target (issue 2): under 60 s. Run: `python bench/bench_import.py [N]`.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import corpus  # noqa: E402


def main(n: int = 10_000) -> dict:
    """Write n text files, import them through the CLI's service, print the figures."""
    from flask_migrate import upgrade
    from sqlalchemy import func, select

    from annotator import create_app
    from annotator.extensions import db
    from annotator.models import Article, Unit

    with tempfile.TemporaryDirectory() as tmp:
        files = Path(tmp) / "corpus"
        files.mkdir()
        started = time.perf_counter()
        corpus.write_text_files(str(files), n, seed=7)
        generated = time.perf_counter() - started
        size = sum(p.stat().st_size for p in files.iterdir())
        app = create_app({"ENV_NAME": "testing",
                          "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite"})
        with app.app_context():
            upgrade()
            from annotator.articles.services import import_paths

            started = time.perf_counter()
            report = import_paths([str(files)])
            elapsed = time.perf_counter() - started
            articles = db.session.scalar(select(func.count()).select_from(Article))
            units = db.session.scalar(select(func.count()).select_from(Unit))
        failed = len(report.failed)
    print(f"generated {n} files, {size / 1e6:.1f} MB ({size / n / 1000:.1f} KB each) "
          f"in {generated:.1f} s")
    matching = report.claims.seconds if report.claims else 0.0
    print(f"import: {articles} articles, {units} units, {failed} failed files "
          f"in {elapsed:.1f} s ({articles / elapsed:.0f} articles/s, "
          f"{size / 1e6 / elapsed:.2f} MB/s); target < 60 s for 10,000; of which claim "
          f"matching once the files were stored {matching:.1f} s (the import alone "
          f"{elapsed - matching:.1f} s, {articles / max(elapsed - matching, 1e-9):.0f} "
          "articles/s)")
    return {"articles": articles, "units": units, "seconds": elapsed}


if __name__ == "__main__":
    os.environ.setdefault("ANNOTATOR_ENV", "testing")
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
