"""Adjudication on the hand-built corpus (tests/exports_corpus.py): order, gold, accuracy."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from annotator.adjudication import queries, services
from annotator.adjudication.queries import reviewer_accuracy, settled_counts
from annotator.extensions import db
from annotator.filters import ArticleFilter
from annotator.models import Adjudication, Annotation, AnnotationHistory
from tests.exports_corpus import build
from tests.factories import make_article, make_user


@pytest.fixture
def corpus(app):
    return build()


@pytest.fixture
def lead(client, login_as, corpus):
    return login_as(corpus.lee)


def test_disagreements_unresolved_first_then_lowest_article_alpha_then_lowest_agreement(corpus):
    # Article alphas (nominal, within the queue):
    #   A3: f f f | c c f | o c o -> n=9, diagonal 3+1+1=5, n_f 4 n_c 3 n_o 2,
    #       alpha = 1 - 8*(9-5)/(81-16-9-4) = 1 - 32/52 = 5/13 = 0.385
    #   A1: fff | ffc | cop | ooo -> n=12, diagonal 4+3=7, n_f 5 n_c 2 n_o 4 n_p 1,
    #       alpha = 1 - 11*5/(144-25-4-16-1) = 1 - 55/98 = 43/98 = 0.439
    #   A2: ff | cf | pp -> n=6, diagonal 4, n_f 3 n_c 1 n_p 2, alpha = 1 - 5*2/22 = 6/11
    # Sentence agreement (agreeing pairs / pairs): A3p1 1/3, A3p2 1/3, A1p2 0/3, A1p1 1/3.
    # What needs a decision comes first: A1p2 has no majority; then the majority-settled.
    rows = queries.disagreements(corpus.queue.id, "open")
    u = corpus.unit
    assert [d.unit_id for d in rows] == [u(corpus.a1, 2), u(corpus.a3, 1), u(corpus.a3, 2),
                                         u(corpus.a1, 1)]
    assert rows[0].article_alpha == pytest.approx(43 / 98)
    assert rows[1].article_alpha == pytest.approx(5 / 13)
    assert [d.agreement for d in rows] == pytest.approx([0, 1 / 3, 1 / 3, 1 / 3])
    assert [d.decision.decided_by for d in rows] == [
        "unresolved", "majority", "majority", "majority"]
    assert [d.unit_id for d in queries.disagreements(corpus.queue.id, "majority")] == [
        u(corpus.a3, 1), u(corpus.a3, 2), u(corpus.a1, 1)]
    everything = queries.disagreements(corpus.queue.id, "all")
    assert everything[-1].unit_id == u(corpus.a2, 1)
    assert everything[-1].article_alpha == pytest.approx(6 / 11)
    assert [d.unit_id for d in queries.disagreements(corpus.queue.id, "unresolved")] == [
        u(corpus.a1, 2)]
    assert [d.unit_id for d in queries.disagreements(corpus.queue.id, "adjudicated")] == [
        u(corpus.a2, 1)]


def test_settled_counts(corpus, lead):
    # unanimous A1p0 A1p3 A2p0 A2p2 A3p0; majority A1p1 A3p1 A3p2; adjudicated A2p1;
    # unresolved A1p2: 9 of 10 settled.
    counts = settled_counts(ArticleFilter())
    assert (counts.unanimous, counts.majority, counts.adjudicated, counts.unresolved) == (
        5, 3, 1, 1)
    assert counts.settled_share == pytest.approx(0.9)
    # Other Times (A3): unanimous p0, majority p1 and p2
    other = settled_counts(ArticleFilter(outlet_id=corpus.a3.outlet_id))
    assert (other.unanimous, other.majority, other.total) == (1, 2, 3)
    page = lead.get("/adjudication/").get_data(as_text=True)
    assert "Wave 1" in page and "90 %" in page
    page = lead.get(f"/adjudication/queues/{corpus.queue.id}").get_data(as_text=True)
    assert "9</strong> of 10 sentences settled" in page
    assert page.index("Second body.") < page.index("They said so.") < page.index("First body.")
    majority = lead.get(f"/adjudication/queues/{corpus.queue.id}?show=majority")
    assert "Second body." not in majority.get_data(as_text=True).split("<tbody>")[1]


def test_accuracy_against_gold(corpus, lead):
    # Gold: A1 F F - O | A2 F C(adjudicated) P | A3 F C O
    # ann matches all 9 gold sentences; bob misses A2p1 (F) and A3p2 (C): 7/9;
    # cat (no A2) misses A1p1 (C) and A3p1 (F): 4/6. Adjudicated: only A2p1.
    found = reviewer_accuracy(ArticleFilter())
    ann, bob, cat = (found[u.id] for u in (corpus.ann, corpus.bob, corpus.cat))
    assert (ann.labels, ann.gold, ann.agree) == (10, 9, 9)
    assert (bob.labels, bob.gold, bob.agree, bob.accuracy) == (10, 9, 7, pytest.approx(7 / 9))
    assert (cat.labels, cat.gold, cat.agree) == (7, 6, 4)
    assert (ann.adjudicated_accuracy, bob.adjudicated_accuracy, cat.adjudicated_accuracy) == (
        1.0, 0.0, None)
    page = lead.get(f"/adjudication/queues/{corpus.queue.id}").get_data(as_text=True)
    assert "77.8 %" in page and "66.7 %" in page  # bob 7/9, cat 4/6


def test_a_sentence_side_by_side(corpus, lead):
    page = lead.get(f"/adjudication/queues/{corpus.queue.id}/units/{corpus.unit(corpus.a1, 1)}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    for name in ("ann", "bob", "cat"):
        assert f"<h3>{name}</h3>" in text
    assert "https://gov.example.org/report" in text and "contradicts" in text
    assert "A1 headline" in text and "Second body." in text  # the sentences around it
    assert "(majority)" in text


def test_adjudicating_saves_gold_and_moves_on_without_touching_labels(corpus, lead):
    labels_before = sorted(db.session.execute(select(Annotation.id, Annotation.label)).all())
    history_before = db.session.query(AnnotationHistory).count()
    unit = corpus.unit(corpus.a1, 2)
    response = lead.post(f"/adjudication/queues/{corpus.queue.id}/units/{unit}",
                         data={"label": "opinion", "rationale": "Evaluative\x07 wording."})
    # The list order is A1p2, A3p1, A3p2, A1p1, A2p1: after A1p2 comes A3p1.
    assert response.status_code == 302
    assert response.location.endswith(f"/units/{corpus.unit(corpus.a3, 1)}")
    row = db.session.scalar(select(Adjudication).where(Adjudication.unit_id == unit))
    assert (row.gold_label, row.rationale, row.adjudicator_id) == (
        "opinion", "Evaluative wording.", corpus.lee.id)
    assert sorted(db.session.execute(select(Annotation.id, Annotation.label)).all()) == (
        labels_before)
    assert db.session.query(AnnotationHistory).count() == history_before
    counts = settled_counts(ArticleFilter())
    assert (counts.adjudicated, counts.unresolved) == (2, 0)


def test_changing_a_gold_label_updates_the_one_row(corpus, client, login_as):
    other_lead = make_user("admin", "ada")
    login_as(other_lead)
    unit = corpus.unit(corpus.a2, 1)
    response = client.post(f"/adjudication/queues/{corpus.queue.id}/units/{unit}",
                           data={"label": "fact", "rationale": "On reflection."})
    assert response.status_code == 302
    rows = db.session.scalars(select(Adjudication)).all()
    assert [(r.unit_id, r.gold_label, r.adjudicator_id) for r in rows] == [
        (unit, "fact", other_lead.id)]


def test_the_last_adjudication_returns_to_the_list(corpus, lead):
    u = corpus.unit
    for article, position in ((corpus.a3, 1), (corpus.a3, 2), (corpus.a1, 2)):
        services.adjudicate(corpus.queue.id, u(article, position), corpus.lee, "claim", "")
    response = lead.post(f"/adjudication/queues/{corpus.queue.id}/units/{u(corpus.a1, 1)}",
                         data={"label": "fact"})
    assert response.location.endswith(f"/adjudication/queues/{corpus.queue.id}")
    assert queries.next_open(corpus.queue.id) is None


def test_bad_adjudications_are_refused(corpus, lead):
    url = f"/adjudication/queues/{corpus.queue.id}/units/{corpus.unit(corpus.a1, 2)}"
    assert lead.post(url, data={"rationale": "no label"}).status_code == 400
    assert lead.post(url, data={"label": "rumour"}).status_code == 400
    unlabelled = make_article()
    assert lead.get(f"/adjudication/queues/{corpus.queue.id}/units/{unlabelled.units[0].id}"
                    ).status_code == 404
    assert lead.get("/adjudication/queues/99999").status_code == 404
    assert db.session.query(Adjudication).count() == 1
    with pytest.raises(services.AdjudicationError) as refused:
        services.adjudicate(corpus.queue.id, corpus.unit(corpus.a1, 2), corpus.ann, "fact", "")
    assert refused.value.status == 403


def test_rationale_is_stored_as_plain_text_and_escaped(corpus, lead):
    unit = corpus.unit(corpus.a1, 2)
    lead.post(f"/adjudication/queues/{corpus.queue.id}/units/{unit}",
              data={"label": "claim", "rationale": "<script>alert(1)</script>  <b>x</b>"})
    page = lead.get(f"/adjudication/queues/{corpus.queue.id}/units/{unit}").get_data(
        as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &lt;b&gt;x&lt;/b&gt;" in page
    assert "<script>alert" not in page


def test_reviewers_get_403(corpus, client, login_as):
    login_as(corpus.bob)
    unit_url = f"/adjudication/queues/{corpus.queue.id}/units/{corpus.unit(corpus.a1, 2)}"
    for url in ("/adjudication/", f"/adjudication/queues/{corpus.queue.id}", unit_url):
        assert client.get(url).status_code == 403
    assert client.post(unit_url, data={"label": "fact"}).status_code == 403
    assert db.session.query(Adjudication).count() == 1


def test_the_reports_filter_works_as_it_is(corpus):
    from annotator.filters import ArticleFilter

    other = settled_counts(ArticleFilter(outlet_id=corpus.a3.outlet_id))
    assert (other.unanimous, other.majority, other.total) == (1, 2, 3)
    assert reviewer_accuracy(ArticleFilter(queue_id=corpus.queue.id))[corpus.bob.id].agree == 7


def test_skip_goes_to_the_next_open_sentence(corpus, lead):
    # order A1p2, A3p1, A3p2, A1p1 (A2p1 is adjudicated): from A3p2 skip to A1p1
    u = corpus.unit
    page = lead.get(f"/adjudication/queues/{corpus.queue.id}/units/{u(corpus.a3, 2)}")
    assert f"/units/{u(corpus.a1, 1)}\" aria-keyshortcuts=\"n\">Skip to the next" in page.get_data(
        as_text=True)
