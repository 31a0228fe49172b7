"""Benchmark per-article nominal alpha: our batch function against krippendorff.alpha per article.

Generates, in memory and seeded, articles x sentences x reviewers over the four labels with
realistic agreement (reviewers right about 80% of the time, some sentences skipped), then
computes every article's alpha both ways in the same run. Prints times, the speed ratio and the
largest absolute difference; it does not assert times.

    .venv/bin/python bench/bench_agreement.py [--articles 20000] [--seed 1]
"""

from __future__ import annotations

import argparse
import time
import warnings

import krippendorff
import numpy as np

from annotator.stats.batch import batch_nominal_alpha

LABELS = ("fact", "claim", "opinion", "prediction")
PREVALENCE = (0.45, 0.25, 0.20, 0.10)
SKIP_RATE = 0.08  # share of (sentence, reviewer) cells left unlabelled
# Some articles are plain reports every reviewer labels "fact" throughout: alpha is 0/0 there,
# which both implementations must call undefined.
ONE_LABEL_SHARE = 0.005


def generate(
    n_articles: int, n_sentences: int, n_reviewers: int, seed: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Return article, sentence, reviewer and label index arrays, one row per label given."""
    rng = np.random.default_rng(seed)
    shape = (n_articles, n_sentences, n_reviewers)
    truth = rng.choice(len(LABELS), size=(n_articles, n_sentences), p=PREVALENCE)
    # Skill differs per reviewer and article (hard articles, tired reviewers): mean 0.8.
    accuracy = rng.beta(8, 2, size=(n_articles, 1, n_reviewers))
    plain = rng.random(n_articles) < ONE_LABEL_SHARE
    truth[plain] = 0
    accuracy[plain] = 1.0
    right = rng.random(shape) < accuracy
    wrong = (truth[..., None] + rng.integers(1, len(LABELS), size=shape)) % len(LABELS)
    label = np.where(right, truth[..., None], wrong)
    coded = rng.random(shape) >= SKIP_RATE
    article, sentence, reviewer = np.nonzero(coded)
    return article, sentence, reviewer, label[coded]


def reference_alphas(
    article: np.ndarray, sentence: np.ndarray, reviewer: np.ndarray, label: np.ndarray,
    n_articles: int, n_sentences: int, n_reviewers: int,
) -> tuple[np.ndarray, float]:  # fmt: skip
    """Call krippendorff.alpha once per article; return alphas (NaN if undefined) and seconds."""
    dense = np.full((n_articles, n_reviewers, n_sentences), np.nan)
    dense[article, reviewer, sentence] = label  # built outside the timing: the package's best case
    out = np.full(n_articles, np.nan)
    start = time.perf_counter()
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")  # 0/0 for one-label articles is expected
        for a in range(n_articles):
            try:
                out[a] = krippendorff.alpha(
                    reliability_data=dense[a], level_of_measurement="nominal"
                )
            except ValueError:
                pass  # one value in the domain or no pairable unit: undefined, as ours
    return out, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--sentences", type=int, default=10)
    parser.add_argument("--reviewers", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=5, help="best of N runs for ours")
    args = parser.parse_args()

    arrays = generate(args.articles, args.sentences, args.reviewers, args.seed)
    article, sentence, _, label = arrays
    print(
        f"data: {args.articles} articles x {args.sentences} sentences x {args.reviewers} reviewers,"
        f" {len(LABELS)} labels, {len(label)} labels given (seed {args.seed})"
    )

    ours_times = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        ours = batch_nominal_alpha(article, sentence, label, args.articles, len(LABELS))
        ours_times.append(time.perf_counter() - start)
    ours_time = min(ours_times)

    theirs, theirs_time = reference_alphas(*arrays, args.articles, args.sentences, args.reviewers)

    nan_ours, nan_theirs = np.isnan(ours), np.isnan(theirs)
    both = ~nan_ours & ~nan_theirs
    max_diff = float(np.max(np.abs(ours[both] - theirs[both]))) if both.any() else 0.0
    print(f"ours (batch_nominal_alpha, best of {args.repeat}): {ours_time * 1000:9.1f} ms")
    print(f"krippendorff.alpha, once per article:     {theirs_time * 1000:9.1f} ms")
    print(f"ratio: ours is {theirs_time / ours_time:.0f}x faster (target: at least 10x)")
    defined = int(both.sum())
    print(f"max |difference| over {defined} defined articles: {max_diff:.3e} (limit 1e-9)")
    print(
        f"undefined articles: ours {int(nan_ours.sum())}, krippendorff {int(nan_theirs.sum())},"
        f" mismatched {int((nan_ours != nan_theirs).sum())}"
    )
    print(f"mean alpha over defined articles: {float(np.mean(ours[both])):.3f}")


if __name__ == "__main__":
    main()
