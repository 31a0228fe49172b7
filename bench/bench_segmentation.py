"""Compare annotator.segmentation with pySBD: accuracy on our test sets, throughput, linearity.

Run: `python bench/bench_segmentation.py`. Prints figures only; it asserts nothing about time.
pySBD is run as `pysbd.Segmenter(language="en", clean=False, char_span=False)`; its long-text
runs stop once the next size is projected (quadratically) past a time budget.
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "unit"))

from golden_rules_en import GOLDEN_RULES_EN  # noqa: E402
from news_cases import NEWS_CASES  # noqa: E402

from annotator.segmentation import split_sentences  # noqa: E402

SAMPLE = ROOT / "annotator" / "samples" / "azerbaijan-offensive-2023-09-19.txt"
ARTICLE_BYTES = 4096
ARTICLES = 40
LONG_SIZES_KB = (16, 64, 256, 1024)
PYSBD_BUDGET_S = 25.0  # total seconds pySBD may spend on the long texts
Segment = Callable[[str], list[str]]


def ours(text: str) -> list[str]:
    """Sentences of `text` by annotator.segmentation."""
    return [text[start:end] for start, end in split_sentences(text)]


def pysbd_segmenter() -> Segment:
    """A pySBD segmenter configured like ours: no cleaning, plain strings."""
    import pysbd

    segmenter = pysbd.Segmenter(language="en", clean=False, char_span=False)
    return segmenter.segment


def score(segment: Segment, cases: list[tuple[str, list[str]]]) -> int:
    """Number of cases whose stripped sentences equal the expected ones."""
    return sum(
        [s.strip() for s in segment(text) if s.strip()] == expected for text, expected in cases
    )


def build_articles(count: int, size: int, seed: int = 2023) -> list[str]:
    """`count` articles of about `size` bytes: a headline, then sample and news paragraphs."""
    rng = random.Random(seed)
    sample_lines = [line for line in SAMPLE.read_text(encoding="utf-8").splitlines() if line]
    paragraphs = sample_lines + [text for text, _ in NEWS_CASES]
    articles = []
    for _ in range(count):
        parts = [rng.choice(sample_lines[:1] + [text for text, _ in NEWS_CASES[:20]])]
        while sum(len(p.encode()) + 2 for p in parts) < size:
            parts.append(rng.choice(paragraphs))
        articles.append("\n\n".join(parts))
    return articles


def throughput(segment: Segment, texts: list[str], min_seconds: float = 0.5) -> float:
    """MB/s of `segment` over `texts`, repeating the whole set for at least `min_seconds`."""
    size = sum(len(t.encode()) for t in texts)
    rounds, elapsed = 0, 0.0
    started = time.perf_counter()
    while elapsed < min_seconds or rounds == 0:
        for text in texts:
            segment(text)
        rounds += 1
        elapsed = time.perf_counter() - started
    return size * rounds / elapsed / 1e6


def timed(segment: Segment, text: str) -> float:
    """Seconds for one call of `segment` on `text` (best of 3 when fast)."""
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        segment(text)
        best = min(best, time.perf_counter() - started)
        if best > 1.0:
            break
    return best


def main() -> dict:
    """Print accuracy and speed of both segmenters; return the figures."""
    pysbd = pysbd_segmenter()
    total_golden, total_news = len(GOLDEN_RULES_EN), len(NEWS_CASES)
    golden = (score(ours, GOLDEN_RULES_EN), score(pysbd, GOLDEN_RULES_EN))
    news = (score(ours, NEWS_CASES), score(pysbd, NEWS_CASES))
    print(f"Golden Rules (en): ours {golden[0]}/{total_golden}, pySBD {golden[1]}/{total_golden}")
    print(f"News cases:        ours {news[0]}/{total_news}, pySBD {news[1]}/{total_news}")

    articles = build_articles(ARTICLES, ARTICLE_BYTES)
    mean_kb = sum(len(a.encode()) for a in articles) / len(articles) / 1024
    ours_mbs = throughput(ours, articles, min_seconds=1.0)
    pysbd_mbs = throughput(pysbd, articles[:10], min_seconds=1.0)
    print(
        f"{len(articles)} articles of {mean_kb:.1f} KB: ours {ours_mbs:.2f} MB/s, "
        f"pySBD {pysbd_mbs:.3f} MB/s, ratio {ours_mbs / pysbd_mbs:.0f}x"
    )

    print("Long texts (one call each):")
    pool = build_articles(LONG_SIZES_KB[-1] * 1024 // ARTICLE_BYTES + 1, ARTICLE_BYTES, seed=7)
    long_text = "\n\n".join(pool)
    spent, last, last_len, figures = 0.0, 0.0, 1, []
    for kb in LONG_SIZES_KB:
        text = long_text[: kb * 1024]
        mb = len(text.encode()) / 1e6
        ours_s = timed(ours, text)
        line = f"  {kb:>5} KB: ours {ours_s * 1000:8.1f} ms ({mb / ours_s:6.2f} MB/s)"
        projected = last * (kb * 1024 / last_len) ** 2 if last else 0.0
        if spent + projected > PYSBD_BUDGET_S:
            line += f", pySBD skipped (projected up to {projected:.0f} s)"
            pysbd_s = None
        else:
            started = time.perf_counter()
            pysbd(text)
            pysbd_s = time.perf_counter() - started
            spent += pysbd_s
            last, last_len = pysbd_s, kb * 1024
            line += f", pySBD {pysbd_s:7.2f} s ({mb / pysbd_s:6.3f} MB/s), {pysbd_s / ours_s:5.0f}x"
        print(line, flush=True)
        figures.append((kb, ours_s, pysbd_s))
    return {
        "golden": golden,
        "news": news,
        "mb_per_s": (ours_mbs, pysbd_mbs),
        "long": figures,
    }


if __name__ == "__main__":
    main()
