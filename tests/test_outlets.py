"""Outlet reliability and source domains on the hand-built corpus (tests/exports_corpus.py)."""

from __future__ import annotations

from datetime import date

import pytest

from annotator.agreement.services import recompute_all
from annotator.filters import ArticleFilter
from annotator.models import Outlet
from annotator.outlets import queries
from tests.exports_corpus import build


@pytest.fixture
def corpus(app):
    built = build()
    recompute_all()  # the stored per-article statistics the agreement figures come from
    return built


@pytest.fixture
def lead(client, login_as, corpus):
    return login_as(corpus.lee)


def outlet(name: str) -> Outlet:
    return Outlet.query.filter_by(name=name).one()


def test_daily_example_profile(corpus, lead):
    daily = outlet("Daily Example")
    page = queries.outlet_page(daily, ArticleFilter())
    f = page.figures
    # A1 (2024-01-10) and A2 (2024-01-20): 2 articles, 10 days, 4 + 3 = 7 sentences
    assert (f.articles, f.span_days, f.sentences) == (2, 10, 7)
    # gold-or-majority: fact A1p0 A1p1 A2p0; claim A2p1 (adjudicated); opinion A1p3;
    # prediction A2p2; unresolved A1p2
    assert f.mix == {"fact": 3, "claim": 1, "opinion": 1, "prediction": 1, "unresolved": 1}
    # facts and claims: A1p0, A1p1, A2p0, A2p1 = 4
    # supported: A1p0 (example.com), A1p1 (example.org), A2p1 (reuters.com) = 3 of 4
    # contradicted: A1p1 = 1 of 4; only the outlet's own domain: A1p0 = 1 of 4
    assert (f.factual, f.supported_share, f.contradicted_share, f.self_only_share) == (
        4, 0.75, 0.25, 0.25)
    assert f.warnings == ["too few articles (2, fewer than 20)",
                          "too short a span (10 days, under 30)"]
    # Pooled nominal alpha over A1 and A2 (18 pairable values): coincidence diagonal
    # o_ff 6 + o_oo 3 + o_pp 2 = 11, so 7 disagreeing; n_f 8, n_c 3, n_o 4, n_p 3:
    # expected 18^2 - (64+9+16+9) = 226; alpha = 1 - 17*7/226 = 107/226 = 0.473
    assert page.agreement.alpha.value == pytest.approx(107 / 226)
    assert page.agreement.interval.low is not None  # two articles to resample
    text = lead.get(f"/outlets/{daily.id}").get_data(as_text=True)
    assert "0.473" in text and "75 %" in text and "too short a span" in text
    assert "example.com <span class=\"muted\">(the outlet)</span>" in text


def test_other_times_profile(corpus, lead):
    other = outlet("Other Times")
    page = queries.outlet_page(other, ArticleFilter())
    f = page.figures
    # A3 only: fact p0, claim p1, opinion p2; facts and claims p0, p1;
    # p1 is supported by othertimes.org alone (itself); nothing contradicts
    assert (f.articles, f.span_days, f.sentences) == (1, 0, 3)
    assert f.mix == {"fact": 1, "claim": 1, "opinion": 1, "prediction": 0, "unresolved": 0}
    assert (f.supported_share, f.contradicted_share, f.self_only_share) == (0.5, 0.0, 0.5)
    # A3 alone: alpha = 5/13 (see test_adjudication); one article cannot be resampled
    assert page.agreement.alpha.value == pytest.approx(5 / 13)
    assert page.agreement.interval.low is None


def test_outlet_list_and_its_filter(corpus, lead):
    rows = {r.outlet.name: r for r in queries.outlet_list(ArticleFilter())}
    assert set(rows) == {"Daily Example", "Other Times"}
    assert rows["Daily Example"].articles == 2
    assert rows["Daily Example"].agreement.alpha.value == pytest.approx(107 / 226)
    later = {r.outlet.name: r for r in queries.outlet_list(
        ArticleFilter(date_from=date(2024, 1, 15)))}
    assert later["Daily Example"].articles == 1  # A2 only
    text = lead.get("/outlets/").get_data(as_text=True)
    assert "Daily Example" in text and "0.385" in text  # Other Times: 5/13


def test_source_domain_table(corpus, lead):
    table = {d.domain: d for d in queries.domain_tally(ArticleFilter()).ranked()}
    assert list(table) == ["example.com", "example.org", "reuters.com", "example.net",
                           "othertimes.org"]  # 2, 2, 2 citations, then 1, 1; ties by name
    com, org, reuters = table["example.com"], table["example.org"], table["reuters.com"]
    # example.com: ann and bob both "supports" on A1p0: one pair, agreeing
    assert (com.citations, com.stances["supports"], com.pairs, com.stance_agreement) == (
        2, 2, 1, 1.0)
    # example.org: cat supports, ann contradicts on A1p1: one pair, not agreeing
    assert (org.stances["supports"], org.stances["contradicts"], org.stance_agreement) == (
        1, 1, 0.0)
    assert reuters.stance_agreement == 1.0 and reuters.shared_sentences == 1
    assert table["example.net"].stances["context"] == 1
    assert table["othertimes.org"].stance_agreement is None  # one reviewer, no pair
    daily = queries.domain_tally(ArticleFilter(outlet_id=outlet("Daily Example").id))
    assert "othertimes.org" not in daily.domains
    text = lead.get("/outlets/domains").get_data(as_text=True)
    assert "5 domains" in text and "reuters.com" in text


def test_reviewers_get_403(corpus, client, login_as):
    login_as(corpus.cat)
    for url in ("/outlets/", f"/outlets/{outlet('Other Times').id}", "/outlets/domains"):
        assert client.get(url).status_code == 403


def test_outlet_page_lists_its_articles_lowest_alpha_first(corpus, lead):
    articles, total = queries.outlet_articles(ArticleFilter(outlet_id=outlet("Daily Example").id))
    # A1 alone: alpha 43/98 = 0.439; A2 alone: 6/11 = 0.545 (see test_adjudication)
    assert total == 2 and [a.title for a in articles] == ["A1 headline", "A2 headline"]
    assert articles[0].alpha == pytest.approx(43 / 98)
    text = lead.get(f"/outlets/{outlet('Daily Example').id}").get_data(as_text=True)
    assert f"/agreement/articles/{corpus.a1.id}?queue={corpus.queue.id}" in text
