"""Claim matching: quality on the labelled bench set, and scale at 1,000,000 sentence units.

Run: `python bench/bench_claims.py [--units N] [--copies C] [--quality-only]`.

1. Quality (issue 13): the generated bench set (bench/claims_corpus.py) imported through the
   importer with matching on; pair precision and recall for "same" overall and per
   transformation, not-same pairs wrongly merged per kind (target 0 for numbers and negation),
   paraphrase recall separately. Targets: precision >= 0.95, recall >= 0.90.
2. Scale: N synthetic units (default 1,000,000) written straight into a fresh SQLite database,
   then `flask claims index --rebuild` in a child process (wall time and peak memory; targets
   < 5 min and < 2 GB), `claims similar` at that size (target < 50 ms), and import overhead:
   the same kind of articles imported with matching off and on, side by side in this run
   (target <= 20 %). The machine is shared: figures vary with the other processes' load.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import claims_corpus  # noqa: E402


def _app(path: str, **config):
    from annotator import create_app

    return create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
                       **config})


def _write_jsonl(path: Path, records: list[dict]) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record) + "\n")


def run_quality(copies: int = 3, seed: int = 13, bases: int | None = None,
                workdir: str | None = None) -> dict:
    """Import the bench set with matching on, then score the clusters against the labels."""
    from flask_migrate import upgrade
    from sqlalchemy import select

    from annotator.articles.services import import_paths
    from annotator.claims import queries
    from annotator.extensions import db
    from annotator.models import Article, ClaimMember, ClaimPair, Unit

    records, labels = claims_corpus.build(seed=seed, copies=copies, bases=bases)
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        corpus = Path(tmp) / "claims.jsonl"
        _write_jsonl(corpus, records)
        app = _app(f"{tmp}/quality.sqlite")
        with app.app_context():
            upgrade()
            started = time.perf_counter()
            report = import_paths([str(corpus)])
            seconds = time.perf_counter() - started
            assert not report.failed, report.failed[0].error
            unit_of: dict[tuple[str, str], int] = {}
            for uid, url, text in db.session.execute(
                    select(Unit.id, Article.url, Unit.text).join(Article)):
                unit_of[(url, " ".join(text.split()))] = uid
            ids = [unit_of[(label.url, " ".join(label.text.split()))] for label in labels]
            clusters = queries.cluster_ids_of(ids)
            sizes: dict[int, int] = {}
            for cid in db.session.scalars(select(ClaimMember.cluster_id)):
                sizes[cid] = sizes.get(cid, 0) + 1
            index_of = {uid: i for i, uid in enumerate(ids)}
            related = set()
            for a, b in db.session.execute(select(ClaimPair.unit_a_id, ClaimPair.unit_b_id)):
                if a in index_of and b in index_of:
                    i, j = sorted((index_of[a], index_of[b]))
                    related.add((i, j))
            units = db.session.query(Unit).count()
        result = claims_corpus.evaluate(labels, [clusters.get(u) for u in ids], sizes, related)
    result.update(articles=len(records), units=units, import_seconds=seconds)
    return result


def print_quality(result: dict) -> None:
    print(f"bench set: {result['articles']} articles, {result['units']} units, imported with "
          f"matching in {result['import_seconds']:.1f} s")
    print(f"same pairs: precision {result['precision']:.3f} ({result['true_positives']} of "
          f"{result['predicted_pairs']} merged pairs right; target >= 0.95), recall "
          f"{result['recall']:.3f} ({result['true_positives']} of {result['true_pairs']}; "
          "target >= 0.90)")
    for kind, (recall, pairs) in result["recall_by_kind"].items():
        print(f"  recall {kind:20} {recall:.3f} of {pairs} pairs")
    print("not-same pairs wrongly merged (target 0 for numbers and negation):")
    for kind, count in result["wrongly_merged"].items():
        print(f"  {kind:10} {count} of {result['not_same_pairs'][kind]} pairs")
    para = result["paraphrase"]
    print(f"paraphrases (stretch goal): {para['pairs']} pairs, merged as same "
          f"{para['recall_same']:.3f}, found as same or related "
          f"{para['found_as_related_or_same']:.3f}")


# --- scale --------------------------------------------------------------------------------------

_WORDS = None


def _vocabulary(rng: random.Random, size: int = 20_000) -> list[str]:
    letters = "abcdefghijklmnoprstuvwy"
    words = set()
    while len(words) < size:
        words.add("".join(rng.choice(letters) for _ in range(rng.randrange(4, 10))))
    return sorted(words)


def fill_units(path: str, n_units: int, seed: int = 5, per_article: int = 25) -> None:
    """Write n_units synthetic sentences (words drawn Zipf-like from 20,000) into articles.

    One sentence in twenty repeats an earlier one with a word changed, so the index has real
    clusters to find. Written with sqlite3 directly: the bench measures the index, not this.
    """
    rng = random.Random(seed)
    vocab = _vocabulary(rng)
    weights = list(itertools.accumulate(1 / (rank + 10) for rank in range(len(vocab))))
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("INSERT INTO outlets (id, name, created_at) VALUES (1, 'Bench outlet', ?)",
                 (datetime(2026, 1, 1),))
    start = datetime(2020, 1, 1)
    article_id = 0
    recent: list[str] = []
    written = 0
    while written < n_units:
        articles, units = [], []
        for _ in range(2000):
            if written >= n_units:
                break
            article_id += 1
            sentences = []
            for _ in range(min(per_article, n_units - written)):
                if recent and rng.random() < 0.05:
                    words = rng.choice(recent).split(" ")
                    words[rng.randrange(len(words))] = rng.choices(vocab, cum_weights=weights)[0]
                    sentence = " ".join(words)
                else:
                    sentence = " ".join(rng.choices(vocab, cum_weights=weights,
                                                    k=rng.randrange(10, 22)))
                    recent.append(sentence)
                    if len(recent) > 5000:
                        recent.pop(0)
                sentences.append(sentence[0].upper() + sentence[1:] + ".")
                written += 1
            text, offset = "", 0
            for position, sentence in enumerate(sentences):
                if text:
                    text += " "
                offset = len(text)
                text += sentence
                units.append((article_id, position, "body", offset, len(text), sentence))
            articles.append((article_id, 1, f"Bench article {article_id}", text,
                             f"{article_id:064x}", start + timedelta(minutes=article_id),
                             datetime(2026, 1, 1)))
        conn.executemany("INSERT INTO articles (id, outlet_id, title, text, text_hash, "
                         "published_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)", articles)
        conn.executemany("INSERT INTO units (article_id, position, kind, start_offset, "
                         "end_offset, text) VALUES (?, ?, ?, ?, ?, ?)", units)
        conn.commit()
    conn.close()


def write_news_like(folder: str, path: str, n_articles: int, seed: int,
                    per_article: int = 25, jsonl: bool = False) -> None:
    """Write n_articles text files of sentences made like fill_units' (same vocabulary); one
    sentence in twenty is an indexed unit with a word changed. jsonl: one JSON Lines file
    instead (imported in one transaction, matched at once)."""
    rng = random.Random(seed)
    vocab = _vocabulary(random.Random(5))
    weights = list(itertools.accumulate(1 / (rank + 10) for rank in range(len(vocab))))
    conn = sqlite3.connect(path)
    top = conn.execute("SELECT max(id) FROM units").fetchone()[0]
    Path(folder).mkdir(parents=True)
    records: list[dict] = []
    for i in range(n_articles):
        sentences = []
        for _ in range(per_article):
            if rng.random() < 0.05:
                row = conn.execute("SELECT text FROM units WHERE id = ?",
                                   (rng.randrange(1, top + 1),)).fetchone()
                words = row[0].rstrip(".").split(" ")
                words[rng.randrange(len(words))] = rng.choices(vocab, cum_weights=weights)[0]
            else:
                words = rng.choices(vocab, cum_weights=weights, k=rng.randrange(10, 22))
            sentence = " ".join(words)
            sentences.append(sentence[0].upper() + sentence[1:] + ".")
        paragraphs = [" ".join(sentences[j:j + 5]) for j in range(0, len(sentences), 5)]
        body = "\n\n".join(paragraphs)
        if jsonl:
            records.append({"title": f"News-like article {seed}-{i}", "text": body,
                            "url": f"https://news-like.example/{seed}/{i}",
                            "outlet": "News-like outlet"})
        else:
            Path(folder, f"article-{i:06d}.txt").write_text(
                f"News-like article {seed}-{i}\n\n{body}\n", encoding="utf-8")
    conn.close()
    if jsonl:
        _write_jsonl(Path(folder, "articles.jsonl"), records)


def _tree_rss_mb() -> float:
    """Resident memory of this process and its children (the key workers) now, in MB."""
    pids, total = [os.getpid()], 0
    for task in os.listdir("/proc/self/task"):
        try:
            with open(f"/proc/self/task/{task}/children") as handle:
                pids += [int(p) for p in handle.read().split()]
        except OSError:
            continue
    for pid in pids:
        try:
            with open(f"/proc/{pid}/statm") as handle:
                total += int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except OSError:
            continue
    return total / 1048576


class TreePeak:
    """Sample _tree_rss_mb every 50 ms in a thread: the peak the process and its workers
    reached together (ru_maxrss counts one process)."""

    def __enter__(self):
        import threading

        self.peak, self._stop = 0.0, threading.Event()

        def run():
            while not self._stop.wait(0.05):
                self.peak = max(self.peak, _tree_rss_mb())

        self._thread = threading.Thread(target=run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, _tree_rss_mb())


def rebuild_figures(app) -> dict:
    """Run the full rebuild in app (in a child process of the bench); return its wall and CPU
    seconds, memory (the process, its largest key worker, both sampled together) and counts."""
    with app.app_context():
        from annotator.claims.rebuild import rebuild

        started = time.perf_counter()
        with TreePeak() as tree:
            report = rebuild()
        seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)  # the key workers, ended by now
    return {"seconds": seconds, "cpu_seconds": usage.ru_utime + usage.ru_stime,
            "worker_cpu_seconds": workers.ru_utime + workers.ru_stime,
            "worker_peak_mb": workers.ru_maxrss / 1024, "workers": os.cpu_count(),
            "tree_peak_mb": tree.peak, "peak_mb": usage.ru_maxrss / 1024,
            "units": report.units, "indexed": report.indexed, "candidates": report.candidates,
            "same": report.same, "related": report.related, "clusters": report.clusters,
            "load": os.getloadavg()}


def rebuild_line(r: dict) -> str:
    """The printed line of rebuild_figures' figures, against the targets."""
    return (f"  claims index --rebuild: {r['seconds']:.1f} s wall (target < 300 s), CPU "
            f"{r['cpu_seconds']:.1f} s in the process and {r['worker_cpu_seconds']:.1f} s in "
            f"{r['workers']} key workers; peak memory {r['peak_mb']:.0f} MB in the process, "
            f"{r['worker_peak_mb']:.0f} MB in the largest worker, {r['tree_peak_mb']:.0f} MB "
            f"together (sampled; target < 2048 MB); {r['indexed']:,} indexed, "
            f"{r['candidates']:,} candidate pairs, {r['same']:,} same, {r['related']:,} related, "
            f"{r['clusters']:,} clusters; load average then "
            f"{' '.join(f'{x:.2f}' for x in r['load'])}")


def similar_times(samples: list[str]) -> dict:
    """Time queries.similar (top 10) on each sample with its middle word changed, in the
    current app context, after one warming query; median, p95 and max in ms."""
    from annotator.claims import queries

    queries.similar(samples[0])  # warm the connection and caches
    times = []
    for text in samples:
        words = text.split(" ")
        words[len(words) // 2] = "changed"
        started = time.perf_counter()
        queries.similar(" ".join(words), top=10)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {"median": statistics.median(times), "p95": times[int(len(times) * 0.95) - 1],
            "max": times[-1], "queries": len(times)}


def export_figures(path: str) -> dict:
    """Time the claims JSONL as the exports page streams it (every claim, no filter)."""
    from annotator.exports import downloads
    from annotator.filters import ArticleFilter

    with _app(path).test_request_context():
        started = time.perf_counter()
        lines = size = 0
        for chunk in downloads.claims_export(ArticleFilter()).chunks:
            lines += chunk.count("\n")
            size += len(chunk.encode("utf-8"))
        return {"claims": lines - 1, "mb": size / 1e6,
                "seconds": time.perf_counter() - started}


ROUNDS = 4


def _without_claim_memory():
    """Patch the importer so it neither queues nor matches (the baseline); return undo."""
    from annotator.articles import services as article_services

    saved = article_services.queue_articles
    article_services.queue_articles = lambda _ids: None
    return lambda: setattr(article_services, "queue_articles", saved)


def _import_set(path: str, folder: Path, claim_memory: bool) -> dict:
    """Import a folder through import_paths; return the import's and the matching's seconds."""
    from annotator.articles.services import import_paths

    undo = (lambda: None) if claim_memory else _without_claim_memory()
    try:
        app = _app(path, CLAIMS_MATCH_ON_IMPORT=claim_memory)
        with app.app_context():
            started = time.perf_counter()
            marks = [started]
            report = import_paths([str(folder)],
                                  progress=lambda _file: marks.append(time.perf_counter()))
            total = time.perf_counter() - started
    finally:
        undo()
    matching = report.claims.seconds if report.claims else 0.0
    return {"import": total - matching, "matching": matching, "articles": report.imported,
            "same": report.claims.same if report.claims else 0,
            "file_ms": [(b - a) * 1000 for a, b in zip(marks, marks[1:], strict=False)]}


def _api_sets(path: str, articles: int) -> dict:
    """POST news-like articles one a request to /api/v1/articles (as a pipeline would),
    without claim memory and with it, alternating; time until the response is in the
    caller's hands and, apart, the matching that runs when the server closes it."""
    from annotator.auth import tokens
    from annotator.extensions import db
    from annotator.models import User

    records = {}
    for name, seed in (("without", 61), ("with", 62)):
        folder = Path(path).parent / f"api_{name}"
        write_news_like(str(folder), path, articles, seed=seed, jsonl=True)  # 10 to warm up
        with open(folder / "articles.jsonl", encoding="utf-8") as handle:
            records[name] = [json.loads(line) for line in handle]
    app = _app(path, CLAIMS_MATCH_ON_IMPORT=True)
    out = {name: {"import": 0.0, "matching": 0.0, "articles": 0, "import_ms": [],
                  "matching_ms": []} for name in records}
    with app.app_context():
        user = User(username="bench-admin", role="admin", password_hash="!")
        db.session.add(user)
        db.session.commit()
        headers = {"Authorization": f"Bearer {tokens.create_token(user, 'bench').secret}"}
        client = app.test_client()
        for record in records["with"][-10:]:  # untimed: warm the client and the caches
            client.post("/api/v1/articles", headers=headers, json=record).close()
        for i in range(articles - 10):
            for name in ("without", "with") if i % 2 else ("with", "without"):
                undo = (lambda: None) if name == "with" else _without_claim_memory()
                try:
                    started = time.perf_counter()
                    response = client.post("/api/v1/articles", headers=headers,
                                           json=records[name][i])
                    answered = time.perf_counter()
                    response.close()  # what the WSGI server does once the body is sent
                    closed = time.perf_counter()
                finally:
                    undo()
                assert response.status_code == 201, response.get_data(as_text=True)
                out[name]["import"] += answered - started
                out[name]["matching"] += closed - answered
                out[name]["articles"] += 1
                out[name]["import_ms"].append((answered - started) * 1000)
                out[name]["matching_ms"].append((closed - answered) * 1000)
    return out


def run_scale(n_units: int, articles: int = 200, workdir: str | None = None) -> dict:
    from flask_migrate import upgrade

    out: dict = {"units": n_units}
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        path = f"{tmp}/scale.sqlite"
        with _app(path).app_context():
            upgrade()
        started = time.perf_counter()
        fill_units(path, n_units)
        out["fill_seconds"] = time.perf_counter() - started
        child = subprocess.run(
            [sys.executable, __file__, "--rebuild-child", path], capture_output=True, text=True,
            env={**os.environ, "ANNOTATOR_ENV": "testing"}, check=True)
        out["rebuild"] = json.loads(child.stdout.strip().splitlines()[-1])
        rng = random.Random(11)
        conn = sqlite3.connect(path)
        samples = [row[0] for row in conn.execute(
            "SELECT text FROM units WHERE id IN ({})".format(",".join(
                str(rng.randrange(1, n_units)) for _ in range(200))))]
        conn.close()
        # Import overhead: one set of articles imported without claim memory (no backlog
        # row, no matching) and another of the same size and kind with it as shipped (the
        # backlog row in the import's transaction, matching once it has committed), into this
        # database, side by side in this run. The import is what the caller waits for before
        # its articles are stored; the matching follows (report.claims.seconds: the CLI
        # waits for it too and prints it apart, a request has already been answered). Kinds:
        # - "news-like": articles of sentences drawn like the indexed ones (the same
        #   vocabulary), one in twenty a near copy of an indexed unit: what a new article
        #   of a news corpus meets;
        # - "templates": bench_import's synthetic articles, a few dozen sentence templates
        #   with slots, so every article repeats or varies hundreds of sentences of the
        #   ones before it (hundreds of related pairs per article): the worst case.
        # One text file per article (one transaction per article), or one JSONL file.
        import corpus

        # Each set goes in ROUNDS parts, without and with alternating (the database grows
        # and the machine's load drifts under both alike).
        timings: dict[str, dict] = {}
        per_round = max(1, articles // ROUNDS)
        for offset, kind in enumerate(("news-like", "news-like, one JSONL file", "templates")):
            timings[kind] = {name: {"import": 0.0, "matching": 0.0, "articles": 0,
                                    "import_ms": []} for name in ("without", "with")}
            # A first, untimed import of this kind warms the caches whichever set goes first.
            warm = Path(tmp) / f"import_{offset}_warm"
            if kind == "templates":
                corpus.write_text_files(str(warm), 20, seed=999 + offset)
            else:
                write_news_like(str(warm), path, 20, seed=999 + offset,
                                jsonl=kind.endswith("file"))
            _import_set(path, warm, claim_memory=True)
            for round_ in range(ROUNDS):
                for name in ("without", "with") if round_ % 2 == 0 else ("with", "without"):
                    seed = 1000 + 100 * offset + 10 * round_ + (name == "with")
                    folder = Path(tmp) / f"import_{offset}_{round_}_{name}"
                    if kind == "templates":
                        corpus.write_text_files(str(folder), per_round, seed=seed)
                    else:
                        write_news_like(str(folder), path, per_round, seed=seed,
                                        jsonl=kind.endswith("file"))
                    part = _import_set(path, folder, claim_memory=name == "with")
                    for field in ("import", "matching", "articles"):
                        timings[kind][name][field] += part[field]
                    if kind != "news-like, one JSONL file":  # a file an article: its time
                        timings[kind][name]["import_ms"] += part["file_ms"]
        timings["news-like, API one article a request"] = _api_sets(path, articles)
        out["import"] = timings
        with _app(path).app_context():
            out["similar_ms"] = similar_times(samples)
        out["export"] = export_figures(path)
        started = time.perf_counter()
        cli = subprocess.run([str(Path(sys.executable).parent / "flask"), "claims", "similar",
                              samples[1], "--top", "5"], capture_output=True, text=True,
                             env={**os.environ, "ANNOTATOR_ENV": "testing",
                                  "DATABASE_URL": f"sqlite:///{path}"}, cwd=str(ROOT))
        out["cli_seconds"] = time.perf_counter() - started
        out["cli_ok"] = cli.returncode == 0
        out["db_mb"] = os.path.getsize(path) / 1e6
    out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def print_scale(out: dict) -> None:
    r = out["rebuild"]
    print(f"scale: {out['units']:,} units written in {out['fill_seconds']:.0f} s "
          f"(database {out['db_mb']:.0f} MB after indexing)")
    print(rebuild_line(r))
    s = out["similar_ms"]
    print(f"  claims similar at that size: median {s['median']:.1f} ms, p95 {s['p95']:.1f} ms, "
          f"max {s['max']:.1f} ms over 200 queries (target < 50 ms); the whole CLI process "
          f"`flask claims similar` {out['cli_seconds']:.2f} s (Python and app start-up included, "
          f"ok={out['cli_ok']})")
    e = out["export"]
    print(f"  claims JSONL export (Exports page, no filter): {e['claims']:,} claims, "
          f"{e['mb']:.1f} MB in {e['seconds']:.1f} s")
    for kind, runs in out["import"].items():
        without, with_ = runs["without"], runs["with"]
        per_without = without["import"] / without["articles"] * 1000
        per_with = with_["import"] / with_["articles"] * 1000
        per_match = with_["matching"] / with_["articles"] * 1000
        print(f"  import of {kind} articles at that size, side by side, "
              f"{with_['articles']} articles each: without claim memory {per_without:.2f} ms "
              f"an article, with it {per_with:.2f} ms: import overhead "
              f"{100 * (per_with - per_without) / per_without:+.1f}% (target <= 20%); then "
              f"matched after the import commits: {per_match:.2f} ms an article "
              f"({per_match / per_without:.1f}x the import)")
        if with_["import_ms"]:
            med = {n: statistics.median(runs[n]["import_ms"]) for n in ("without", "with")}
            change = 100 * (med["with"] - med["without"]) / med["without"]
            what = "a request" if "matching_ms" in with_ else "an article (its file)"
            line = (f"    medians {what}: without {med['without']:.2f} ms, with "
                    f"{med['with']:.2f} ms ({change:+.1f}%)")
            if "matching_ms" in with_:
                line += (f"; matching after the response, median "
                         f"{statistics.median(with_['matching_ms']):.2f} ms")
            print(line)
    print(f"  peak memory of the bench process {out['peak_mb']:.0f} MB; load average "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print("  (a shared 2-core machine: other processes' load moves these figures)")


def main(units: int = 1_000_000, copies: int = 3, quality_only: bool = False,
         articles: int = 200) -> dict:
    started = time.perf_counter()
    quality = run_quality(copies=copies)
    print_quality(quality)
    result = {"quality": quality}
    if not quality_only:
        scale = run_scale(units, articles)
        print_scale(scale)
        result["scale"] = scale
    print(f"bench_claims took {time.perf_counter() - started:.0f} s")
    return result


if __name__ == "__main__":
    os.environ.setdefault("ANNOTATOR_ENV", "testing")
    if len(sys.argv) == 3 and sys.argv[1] == "--rebuild-child":
        print(json.dumps(rebuild_figures(_app(sys.argv[2]))))
        raise SystemExit(0)
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--units", type=int, default=1_000_000)
    parser.add_argument("--copies", type=int, default=3)
    parser.add_argument("--quality-only", action="store_true")
    parser.add_argument("--articles", type=int, default=200,
                        help="articles per import set (matching off, on)")
    args = parser.parse_args()
    main(args.units, args.copies, args.quality_only, args.articles)
