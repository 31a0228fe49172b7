"""The leads' agreement reports: access, pooled figures, filters, sorting, drill-down."""

from __future__ import annotations

import re
from datetime import datetime

import pytest

from annotator.agreement.services import refresh_article_stats
from annotator.extensions import db
from annotator.models.annotations import SourceLink
from annotator.stats.coefficients import krippendorff_alpha
from tests.factories import make_article, make_assignment, make_outlet, make_queue, make_user

AGREE = ["fact", "claim", "opinion", "prediction", "fact"]
SPLIT = {"ann": ["fact", "fact", "claim", "opinion", "fact"],
         "bob": ["fact", "claim", "claim", "opinion", "opinion"],
         "cat": ["claim", "fact", "claim", "fact", "opinion"]}


def submit(queue, article, work: dict, users: dict) -> None:
    for name, labels in work.items():
        make_assignment(queue, article, users[name], status="submitted",
                        labels=dict(enumerate(labels)))
    refresh_article_stats(queue.id, article.id)
    db.session.commit()


@pytest.fixture
def corpus(app):
    """Two outlets; a split article, a unanimous one, and one with a single reviewer."""
    users = {name: make_user(username=name) for name in ("ann", "bob", "cat")}
    lead = make_user("lead", username="lena")
    herald, courier = make_outlet("Herald"), make_outlet("Courier")
    queue = make_queue(name="Main", reviewers=list(users.values()))
    split = make_article(["A.", "B.", "C.", "D."], title="Split decision", outlet=herald,
                         published_at=datetime(2024, 3, 1))
    same = make_article(["A.", "B.", "C.", "D."], title="Plain agreement", outlet=courier,
                        published_at=datetime(2024, 5, 1))
    lonely = make_article(["A.", "B.", "C.", "D."], title="Lonely", outlet=courier,
                          published_at=datetime(2024, 5, 2))
    submit(queue, split, SPLIT, users)
    submit(queue, same, {name: AGREE for name in ("ann", "bob")}, users)
    submit(queue, lonely, {"cat": AGREE}, users)
    return {"users": users, "lead": lead, "queue": queue, "split": split, "same": same,
            "lonely": lonely, "herald": herald, "courier": courier}


def urls(c) -> list[str]:
    return ["/agreement/", f"/agreement/?outlet={c['herald'].id}&sort=title&dir=desc",
            f"/agreement/articles/{c['split'].id}", f"/agreement/articles/{c['split'].id}"
            f"?queue={c['queue'].id}", f"/agreement/reviewers/{c['users']['ann'].id}"]


def test_reviewers_get_403_on_every_report_url(corpus, client, login_as):
    login_as(corpus["users"]["ann"])
    for url in urls(corpus):
        assert client.get(url).status_code == 403, url


def test_anonymous_visitors_are_sent_to_log_in(corpus, client):
    for url in urls(corpus):
        response = client.get(url)
        assert response.status_code == 302 and "/auth/login" in response.location, url


@pytest.mark.parametrize("role", ["lead", "admin"])
def test_leads_and_admins_see_every_report_without_inline_code(corpus, client, login_as, role):
    login_as(make_user(role))
    for url in urls(corpus):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.get_data(as_text=True)
        # No inline script: the only scripts are files (localtime.js on every page).
        assert not re.search(r"<script(?![^>]*\bsrc=)", html) and " style=" not in html, url


def pooled_alpha(*works: dict) -> float:
    data = {}
    for i, work in enumerate(works):
        for unit in range(5):
            data[(i, unit)] = {name: labels[unit] for name, labels in work.items()}
    return krippendorff_alpha(data).value


def test_overview_pools_sentences_not_article_scores(corpus, client, login_as):
    login_as(corpus["lead"])
    html = client.get("/agreement/").get_data(as_text=True)
    expected = pooled_alpha(SPLIT, {"ann": AGREE, "bob": AGREE})
    overall = re.search(r'data-testid="overall-alpha">(.*?)</span>', html, re.S).group(1)
    assert overall.strip() == f"{expected:.3f}"
    assert "95% interval" in html and "Fleiss" in html and "AC1" in html
    for name in ("Herald", "Courier", "ann", "bob", "cat", "Split decision", "Lonely"):
        assert name in html
    assert "fewer than two reviewers (1)" in html  # the lonely article's warning
    assert "Method notes" in html and "cluster bootstrap over ARTICLES" in html
    assert 'class="chart-svg"' in html and "heat-" in html


def test_outlet_and_date_filters_narrow_the_pool(corpus, client, login_as):
    login_as(corpus["lead"])
    html = client.get(f"/agreement/?outlet={corpus['herald'].id}").get_data(as_text=True)
    overall = re.search(r'data-testid="overall-alpha">(.*?)</span>', html, re.S).group(1)
    assert overall.strip() == f"{pooled_alpha(SPLIT):.3f}"
    assert "Plain agreement" not in html and "Split decision" in html
    html = client.get("/agreement/?date_from=2024-04-01&date_to=2024-05-01").get_data(
        as_text=True)
    assert "Plain agreement" in html and "Split decision" not in html and "Lonely" not in html


def test_a_bad_filter_is_reported_and_ignored(corpus, client, login_as):
    login_as(corpus["lead"])
    response = client.get("/agreement/?queue=999&date_from=2024-01-01&date_to=2023-01-01")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Not a valid choice" in html and "end date is before the start date" in html
    assert "Split decision" in html  # the bad queue and end date were dropped


def article_order(html: str) -> list[str]:
    table = html.split('id="articles-heading"')[1].split("</table>")[0]
    return re.findall(r'/agreement/articles/\d+\?queue=\d+">([^<]+)</a>', table)


def test_articles_sort_lowest_agreement_first_and_by_any_column(corpus, client, login_as):
    login_as(corpus["lead"])
    assert article_order(client.get("/agreement/").get_data(as_text=True)) == [
        "Split decision", "Plain agreement", "Lonely"]  # undefined alpha last
    descending = client.get("/agreement/?sort=alpha&dir=desc").get_data(as_text=True)
    assert article_order(descending) == ["Plain agreement", "Split decision", "Lonely"]
    by_title = client.get("/agreement/?sort=title").get_data(as_text=True)
    assert article_order(by_title) == ["Lonely", "Plain agreement", "Split decision"]
    assert 'aria-sort="ascending"' in by_title
    assert article_order(client.get("/agreement/?sort=nonsense&page=9").get_data(
        as_text=True))[0] == "Split decision"


def test_drill_down_shows_the_grid_disagreements_majority_and_sources(corpus, client, login_as):
    ann_work = db.session.scalars(db.select(SourceLink)).all()
    assert not ann_work
    from annotator.models import Assignment

    assignment = db.session.scalar(db.select(Assignment).where(
        Assignment.article_id == corpus["split"].id,
        Assignment.reviewer_id == corpus["users"]["ann"].id))
    unit = corpus["split"].units[1]
    db.session.add(SourceLink(assignment_id=assignment.id, unit_id=unit.id,
                              url="https://example.org/report", domain="example.org",
                              stance="supports", title="The report", note="<em>key</em>"))
    db.session.commit()
    login_as(corpus["lead"])
    html = client.get(f"/agreement/articles/{corpus['split'].id}").get_data(as_text=True)
    for name in ("ann", "bob", "cat"):
        assert f">{name}</a></th>" in html
    rows = re.findall(r'<tr class="(disagreement|agreement)">', html)
    assert rows == ["disagreement", "disagreement", "agreement", "disagreement", "disagreement"]
    assert "https://example.org/report" in html and "The report" in html
    assert "<em>key</em>" in html
    assert "no majority" not in html  # three reviewers, four labels: here every row has one
    assert 'class="cell minority"' in html


def test_drill_down_of_unsubmitted_or_missing_articles(corpus, client, login_as):
    login_as(corpus["lead"])
    fresh = make_article(title="Nobody yet")
    html = client.get(f"/agreement/articles/{fresh.id}").get_data(as_text=True)
    assert "No reviewer has submitted this article yet" in html
    assert client.get("/agreement/articles/999999").status_code == 404
    assert client.get("/agreement/reviewers/999999").status_code == 404


def test_reviewer_page_lists_each_colleague(corpus, client, login_as):
    login_as(corpus["lead"])
    html = client.get(f"/agreement/reviewers/{corpus['users']['ann'].id}").get_data(as_text=True)
    assert "bob" in html and "cat" in html and "Cohen's kappa" in html


def test_overview_with_no_submitted_work(app, client, login_as):
    login_as(make_user("lead"))
    html = client.get("/agreement/").get_data(as_text=True)
    assert "No submitted work matches these filters yet" in html


def test_a_reopened_assignment_leaves_the_report(corpus, client, login_as):
    from annotator.models import Assignment

    for a in db.session.scalars(db.select(Assignment).where(
            Assignment.article_id == corpus["lonely"].id)):
        a.status = "active"
    refresh_article_stats(corpus["queue"].id, corpus["lonely"].id)
    db.session.commit()
    login_as(corpus["lead"])
    assert "Lonely" not in client.get("/agreement/").get_data(as_text=True)


def test_pages_with_many_articles_paginate(app, client, login_as):
    users = {name: make_user(username=name) for name in ("ann", "bob")}
    queue = make_queue(reviewers=list(users.values()))
    outlet = make_outlet()
    for i in range(53):
        article = make_article(["A.", "B.", "C.", "D."], title=f"Article {i:02d}", outlet=outlet)
        submit(queue, article, {"ann": AGREE, "bob": SPLIT["ann"]}, users)
    login_as(make_user("lead"))
    first = client.get("/agreement/?sort=title").get_data(as_text=True)
    assert "Page 1 of 2" in first and len(article_order(first)) == 50
    second = client.get("/agreement/?sort=title&page=2").get_data(as_text=True)
    assert article_order(second) == ["Article 50", "Article 51", "Article 52"]
