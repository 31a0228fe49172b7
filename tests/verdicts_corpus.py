"""A hand-built corpus of verdicts and predictions for the track-record tests.

Two reviewers label every sentence alike (unanimous gold); leads lee and max record and
publish through the services. C claim, P prediction; dates are the articles' publication:

Daily Example (daily.example)
  D1 2024-01-05  c1 C  published "false"          p1 P "next month" -> due 2024-02-29, came true
                 c2 C  published "mostly false"
  D2 2024-01-20  c3 C  published "true"           p2 P "by 2024"    -> due 2024-12-31, pending
  D3 2024-02-10  c4 C  published "mixed"          p3 P "within two weeks" -> due 2024-02-24,
                 c5 C  published "false"                                    did not come true
                 c6 C  draft "unverifiable"       (a draft: counted nowhere)
Other Times (othertimes.example)
  O1 2024-03-01  c7 C  published "true"

Worked by hand (z = 1.959964, z^2 = 3.841459; Wilson: centre (p + z^2/2n) / (1 + z^2/n),
half-width z sqrt(p(1-p)/n + z^2/4n^2) / (1 + z^2/n)):

Daily Example, verdicts: n = 5 published (c6 is a draft); false or mostly false: c1, c2, c5 = 3
  share 3/5 = 0.6; 1 + z^2/5 = 1.768292; centre (0.6 + 0.384146) / 1.768292 = 0.556547;
  half 1.959964 * sqrt(0.048 + 0.038415) / 1.768292 = 0.325831 -> [0.2307, 0.8824]
  mix: true 1, mostly true 0, mixed 1, mostly false 1, false 2, unverifiable 0
  span 2024-01-05 .. 2024-02-10 = 36 days
  months: 2024-01 n 3 (c1 F, c2 MF, c3 T) false 2 -> 2/3; 2024-02 n 2 (c4, c5 F) false 1 -> 1/2
Daily Example, predictions (today 2024-06-01): resolved p1 came true, p3 did not -> decided 2,
  came true 1 -> 0.5; 1 + z^2/2 = 2.920730; centre (0.5 + 0.960365) / 2.920730 = 0.5;
  half 1.959964 * sqrt(0.125 + 0.240091) / 2.920730 = 0.405470 -> [0.0945, 0.9055]
  pending 1 (p2, due 2024-12-31: not due on 2024-06-01; due on 2025-01-01)
  span of resolved ones: D1 .. D3 = 36 days
Other Times: n = 1, false 0 -> share 0; 1 + z^2 = 4.841459; centre 1.920729 / 4.841459
  = 0.396720 = half -> [0, 0.7935]; span 0 days; no predictions.

Comparison (stored statistics; every article is its own queue, both reviewers submitted):
  Daily Example: reviewers' labels 2 x (D1 C C P, D2 C P, D3 C C C P) = 18: claim 12 (2/3),
    prediction 6 (1/3); perfect agreement on two labels -> alpha 1.000. Sentences of its
    labelled articles (headline included): D1 4 + D2 3 + D3 5 = 12. Sources: c1 ann and bob
    "supports" (one sentence), c5 bob "contradicts" -> supported 1/12, contradicted 1/12.
  Other Times: 2 labels, both claim; 2 sentences, no source -> 0/2.

Minimum-sample rule: the default (15 items over 21 days) puts every figure below it; with
TRACK_MIN_ITEMS = 5 Daily Example's verdicts are firm (5 items, 36 days) and its predictions
(2 decided) and Other Times (1 item, 0 days) stay below.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from annotator.agreement.services import refresh_article_stats
from annotator.extensions import db
from annotator.models import Outlet, SourceLink, Verdict
from annotator.verdicts import services
from annotator.vocabulary import DEFAULT_RATINGS
from tests.factories import make_article, make_assignment, make_outlet, make_queue, make_user

RATING = {name: position for position, (name, _, _) in enumerate(DEFAULT_RATINGS, start=1)}


@dataclass
class TrackCorpus:
    daily: Outlet
    other: Outlet
    units: dict[str, int]
    verdicts: dict[str, int]
    predictions: dict[str, int]
    lee: object
    max: object


def _article(outlet, published, sentences, queue_reviewers, url):
    article = make_article([text for text, _ in sentences], outlet=outlet,
                           published_at=published, url=url)
    queue = make_queue(reviewers=queue_reviewers, articles=[article])
    labels = {i: label for i, (_, label) in enumerate(sentences, start=1)}
    done = [make_assignment(queue, article, reviewer, status="submitted", labels=labels)
            for reviewer in queue_reviewers]
    article.assignments = done  # for the sources below (not a mapped attribute)
    return article


def _link(assignment, unit_id: int, url: str, domain: str, stance: str) -> None:
    db.session.add(SourceLink(assignment_id=assignment.id, unit_id=unit_id, url=url,
                              domain=domain, stance=stance))


def build_track_corpus() -> TrackCorpus:
    lee, max_ = make_user("lead", "lee"), make_user("lead", "max")
    reviewers = [make_user("reviewer", "ann"), make_user("reviewer", "bob")]
    daily = make_outlet("Daily Example", "daily.example")
    other = make_outlet("Other Times", "othertimes.example")
    d1 = _article(daily, datetime(2024, 1, 5, 8), [
        ("The minister said crime doubled last year.", "claim"),
        ("Officials claim the bridge cost 2 billion.", "claim"),
        ("The bank will cut rates next month.", "prediction")], reviewers,
        "https://daily.example/d1")
    d2 = _article(daily, datetime(2024, 1, 20, 8), [
        ("The mayor said 300 homes were built.", "claim"),
        ("Prices will fall by 2024.", "prediction")], reviewers, "https://daily.example/d2")
    d3 = _article(daily, datetime(2024, 2, 10, 8), [
        ("A report says wages rose 4 percent.", "claim"),
        ("The senator said the law banned cars.", "claim"),
        ("A spokesman said the plant is safe.", "claim"),
        ("The strike will end within two weeks.", "prediction")], reviewers,
        "https://daily.example/d3")
    o1 = _article(other, datetime(2024, 3, 1, 8), [
        ("The council said the budget balanced.", "claim")], reviewers,
        "https://othertimes.example/o1")
    _link(d1.assignments[0], d1.units[1].id, "https://stats.example.gov/a", "example.gov",
          "supports")
    _link(d1.assignments[1], d1.units[1].id, "https://stats.example.gov/b", "example.gov",
          "supports")
    _link(d3.assignments[1], d3.units[2].id, "https://law.example.org/c", "example.org",
          "contradicts")
    db.session.commit()
    for article in (d1, d2, d3, o1):
        refresh_article_stats(article.assignments[0].queue_id, article.id)
    db.session.commit()
    units = {"c1": d1.units[1].id, "c2": d1.units[2].id, "p1": d1.units[3].id,
             "c3": d2.units[1].id, "p2": d2.units[2].id,
             "c4": d3.units[1].id, "c5": d3.units[2].id, "c6": d3.units[3].id,
             "p3": d3.units[4].id, "c7": o1.units[1].id}
    ratings = {"c1": "false", "c2": "mostly false", "c3": "true", "c4": "mixed", "c5": "false",
               "c6": "unverifiable", "c7": "true"}
    verdicts = {}
    for key, rating in ratings.items():
        verdicts[key] = services.save_verdict(units[key], lee, services.VerdictInput(
            RATING[rating], f"Checked {key}."))
        if key != "c6":
            services.publish_verdict(verdicts[key], max_, None)
    predictions = {key: services.schedule_prediction(units[key], lee, None)
                   for key in ("p1", "p2", "p3")}
    services.resolve_prediction(predictions["p1"], max_, services.ResolveInput(
        "came_true", "Cut on 1 February."), today=date(2024, 3, 1))
    services.resolve_prediction(predictions["p3"], max_, services.ResolveInput(
        "did_not", "Went on for a month."), today=date(2024, 3, 1))
    db.session.expire_all()
    assert db.session.query(Verdict).count() == 7
    return TrackCorpus(daily, other, units, verdicts, predictions, lee, max_)
