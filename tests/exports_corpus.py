"""A small hand-built corpus for the export, adjudication and outlet tests.

Every figure those tests assert is worked out by hand from this layout (F fact, C claim,
O opinion, P prediction; position 0 is the headline):

Queue "Wave 1" (overlap 3), every assignment submitted:
  A1  Daily Example  2024-01-10   ann  bob  cat
      p0                          F    F    F     unanimous F
      p1                          F    F    C     majority F
      p2                          C    O    P     unresolved
      p3                          O    O    O     unanimous O
  A2  Daily Example  2024-01-20   ann  bob  (cat: active, labels p0 "opinion", not submitted)
      p0                          F    F          unanimous F
      p1                          C    F          adjudicated C by lee ("Attributed to the mayor.")
      p2                          P    P          unanimous P
  A3  Other Times    2024-02-05   ann  bob  cat
      p0                          F    F    F     unanimous F
      p1                          C    C    F     majority C
      p2                          O    C    O     majority O

Sources (url -> registered domain, stance):
  A1 p0  ann https://example.com/x -> example.com supports; bob https://www.example.com/y ->
         example.com supports                                (the outlet itself only)
  A1 p1  cat https://gov.example.org/report supports; ann https://gov.example.org/other
         contradicts                                         (example.org, stances differ)
  A1 p3  cat https://blog.example.net/p context
  A2 p1  ann https://reuters.com/w supports; bob https://reuters.com/z supports
  A3 p1  ann https://othertimes.org/self supports           (the outlet itself only)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from annotator.extensions import db
from annotator.models import Adjudication, Article, Queue, SourceLink, User
from annotator.urls import registered_domain
from tests.factories import make_article, make_assignment, make_outlet, make_queue, make_user

F, C, O, P = "fact", "claim", "opinion", "prediction"  # noqa: E741  (the table above)


@dataclass
class Corpus:
    ann: User
    bob: User
    cat: User
    lee: User
    queue: Queue
    a1: Article
    a2: Article
    a3: Article

    def unit(self, article: Article, position: int) -> int:
        """Return the unit id at a position of an article."""
        return article.units[position].id


def _source(assignment, unit_id: int, url: str, stance: str) -> None:
    db.session.add(SourceLink(assignment_id=assignment.id, unit_id=unit_id, url=url,
                              domain=registered_domain(url), stance=stance))


def build() -> Corpus:
    """Create the corpus above and return its handles."""
    ann, bob, cat = (make_user("reviewer", name) for name in ("ann", "bob", "cat"))
    lee = make_user("lead", "lee")
    daily = make_outlet("Daily Example", "example.com")
    other = make_outlet("Other Times", "othertimes.org")
    a1 = make_article(["First body.", "Second body.", "Third body."], title="A1 headline",
                      outlet=daily, url="https://example.com/a1",
                      published_at=datetime(2024, 1, 10, 8))
    a2 = make_article(["Mayor claims.", "It will rain."], title="A2 headline", outlet=daily,
                      url="https://example.com/a2", published_at=datetime(2024, 1, 20, 8))
    a3 = make_article(["They said so.", "A bad idea."], title="A3 headline", outlet=other,
                      url="https://othertimes.org/a3", published_at=datetime(2024, 2, 5, 8))
    queue = make_queue("Wave 1", overlap=3, reviewers=[ann, bob, cat], articles=[a1, a2, a3])
    done = "submitted"
    x = {}
    x["a1", ann] = make_assignment(queue, a1, ann, done, {0: F, 1: F, 2: C, 3: O})
    x["a1", bob] = make_assignment(queue, a1, bob, done, {0: F, 1: F, 2: O, 3: O})
    x["a1", cat] = make_assignment(queue, a1, cat, done, {0: F, 1: C, 2: P, 3: O})
    x["a2", ann] = make_assignment(queue, a2, ann, done, {0: F, 1: C, 2: P})
    x["a2", bob] = make_assignment(queue, a2, bob, done, {0: F, 1: F, 2: P})
    make_assignment(queue, a2, cat, "active", {0: O})  # work in progress: never exported
    x["a3", ann] = make_assignment(queue, a3, ann, done, {0: F, 1: C, 2: O})
    x["a3", bob] = make_assignment(queue, a3, bob, done, {0: F, 1: C, 2: C})
    x["a3", cat] = make_assignment(queue, a3, cat, done, {0: F, 1: F, 2: O})
    u = {(name, p): art.units[p].id for name, art in (("a1", a1), ("a2", a2), ("a3", a3))
         for p in range(len(art.units))}
    _source(x["a1", ann], u["a1", 0], "https://example.com/x", "supports")
    _source(x["a1", bob], u["a1", 0], "https://www.example.com/y", "supports")
    _source(x["a1", cat], u["a1", 1], "https://gov.example.org/report", "supports")
    _source(x["a1", ann], u["a1", 1], "https://gov.example.org/other", "contradicts")
    _source(x["a1", cat], u["a1", 3], "https://blog.example.net/p", "context")
    _source(x["a2", ann], u["a2", 1], "https://reuters.com/w", "supports")
    _source(x["a2", bob], u["a2", 1], "https://reuters.com/z", "supports")
    _source(x["a3", ann], u["a3", 1], "https://othertimes.org/self", "supports")
    db.session.add(Adjudication(queue_id=queue.id, unit_id=u["a2", 1], gold_label=C,
                                rationale="Attributed to the mayor.", adjudicator_id=lee.id,
                                updated_at=datetime(2024, 3, 1, 12)))
    db.session.commit()
    return Corpus(ann, bob, cat, lee, queue, a1, a2, a3)
