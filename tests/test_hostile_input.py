"""Hostile input is refused with a reason, never a server error (on SQLite and PostgreSQL).

NUL characters and broken text, ids beyond the database's integers in the URL, a form, a JSON
body or a page number, deep or large JSON, oversized bodies, a split beyond a sentence's end.
tests/test_no_server_errors.py throws the same at every route; these say what a user sees.
"""

from __future__ import annotations

import html
import io

from sqlalchemy import select

from annotator.extensions import db
from annotator.models.annotations import Annotation, SourceLink
from annotator.models.articles import Unit
from tests.factories import PASSWORD, make_article, make_assignment, make_queue, make_user

TOO_BIG = 2**31  # one past PostgreSQL's integer


def _workspace():
    reviewer = make_user("reviewer")
    article = make_article(["First sentence.", "Second sentence."])
    queue = make_queue(reviewers=[reviewer], articles=[article])
    return reviewer, make_assignment(queue, article, reviewer), article


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_a_nul_byte_in_the_username_is_refused_not_a_crash(app, client):
    make_user("reviewer", "nina")
    response = client.post("/auth/login", data={"username": "nina\x00", "password": PASSWORD})
    assert response.status_code == 400
    assert "NUL character" in _text(response) and "form field 'username'" in _text(response)
    assert response.headers["Content-Security-Policy"]


def test_a_nul_byte_in_the_article_search_is_refused(app, client, login_as):
    login_as(make_user("admin"))
    response = client.get("/admin/articles?q=%00")
    assert response.status_code == 400
    assert "NUL character" in _text(response)
    assert client.get("/admin/articles?q=storm").status_code == 200


def test_a_broken_character_in_a_json_save_is_refused(app, client, login_as):
    reviewer, assignment, article = _workspace()
    login_as(reviewer)
    response = client.post(f"/annotations/{assignment.id}/labels",
                           data=f'{{"unit_id": {article.units[1].id}, "label": "fact\\ud800"}}',
                           content_type="application/json")
    assert response.status_code == 400
    assert "lone surrogate" in response.get_json()["reason"]


def test_an_id_beyond_the_integer_range_is_not_found(app, client, login_as):
    login_as(make_user("admin"))
    for url in (f"/queues/{TOO_BIG}", f"/articles/{2**63}", f"/admin/articles/{10**30}",
                f"/outlets/{TOO_BIG}", f"/agreement/reviewers/{TOO_BIG}",
                f"/adjudication/queues/{TOO_BIG}/units/1", f"/queues/{2**31 - 1}"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "not found" in _text(response).lower() or "no such" in _text(response).lower()
    response = client.post(f"/admin/users/{TOO_BIG}/deactivate")
    assert response.status_code == 404


def test_an_id_beyond_the_integer_range_in_a_form_or_json_is_refused(app, client, login_as):
    reviewer, assignment, article = _workspace()
    login_as(reviewer)
    response = client.post(f"/annotations/{assignment.id}/labels",
                           json={"unit_id": TOO_BIG, "label": "fact"})
    assert response.status_code == 400
    assert "unit_id" in response.get_json()["reason"]
    response = client.post(f"/annotations/{assignment.id}/labels", data={"set": f"{2**63}:fact"})
    assert response.status_code == 400
    response = client.post(f"/annotations/{assignment.id}/sources/new",
                           data={"unit_id": str(TOO_BIG), "url": "https://example.org/a",
                                 "stance": "supports"})
    assert response.status_code == 400
    assert "Choose the sentence this source is about." in _text(response)
    assert db.session.scalar(select(SourceLink.id)) is None
    admin = make_user("admin")
    login_as(admin)
    response = client.post("/queues/add-selection", data={"article_ids": [str(TOO_BIG)],
                                                          "queue": str(2**63)},
                           follow_redirects=True)
    assert response.status_code == 200
    assert "Tick at least one article and choose a queue." in _text(response)


def test_a_page_number_beyond_the_integer_range_shows_the_first_page(app, client, login_as):
    login_as(make_user("admin"))
    article = make_article(title="Storm hits the coast")
    for url in (f"/admin/articles?page={2**63}", f"/articles/?page={TOO_BIG}",
                "/admin/articles?page=-5", f"/admin/articles?page={'9' * 5000}"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert article.title in _text(response), url


def test_a_day_beyond_the_calendar_is_refused_in_a_filter(app, client, login_as):
    login_as(make_user("lead"))
    response = client.get("/agreement/?date_to=9999-12-31")
    assert response.status_code == 200
    assert ("9999-12-31 is outside the days this tool handles (1000-01-01 to 9998-12-31)."
            in _text(response))


def test_a_deeply_nested_json_body_is_refused_with_a_reason(app, client, login_as):
    reviewer, assignment, article = _workspace()
    login_as(reviewer)
    for depth in (21, 5_000):
        response = client.post(f"/annotations/{assignment.id}/labels",
                               data="[" * depth + "]" * depth, content_type="application/json")
        assert response.status_code == 400
        assert response.get_json()["reason"] == "The JSON body nests deeper than 20 levels."
    response = client.post(f"/annotations/{assignment.id}/labels",  # 20 KB: over a save's size
                           data="[" * 10_000 + "]" * 10_000, content_type="application/json")
    assert response.status_code == 413
    assert response.get_json()["reason"]
    nested = {"unit_id": article.units[1].id, "label": "fact", "x": [[[[1]]]]}
    assert client.post(f"/annotations/{assignment.id}/labels", json=nested).status_code == 200


def test_a_save_larger_than_a_save_is_refused_with_a_reason(app, client, login_as):
    reviewer, assignment, article = _workspace()
    login_as(reviewer)
    response = client.post(f"/annotations/{assignment.id}/labels",
                           json={"unit_id": article.units[1].id, "label": "fact",
                                 "padding": "x" * 20_000})
    assert response.status_code == 413
    assert response.get_json()["reason"]
    assert db.session.scalar(select(Annotation.id)) is None


def test_json_sent_to_a_form_is_refused_with_a_reason(app, client, login_as):
    login_as(make_user("admin"))
    response = client.post("/queues/new", json={"name": "x" * 10, "overlap": [[1]]})
    assert response.status_code == 415
    assert response.get_json()["reason"] == "This address takes a form, not JSON."


def test_a_form_larger_than_any_form_is_refused_but_an_upload_is_not(app, client, login_as):
    login_as(make_user("admin"))
    response = client.post("/queues/new", data={"name": "Big", "description": "x" * 300_000})
    assert response.status_code == 413
    assert "Request Entity Too Large" in _text(response)
    text = "Storm hits the coast\n\n" + "Officials said people were evacuated. " * 7_000
    response = client.post("/admin/upload", data={"files": [(io.BytesIO(text.encode()),
                                                            "storm.txt")]},
                           content_type="multipart/form-data")
    assert response.status_code == 200  # read whole: the importer reports on the file
    assert "storm.txt" in _text(response) and "Too Large" not in _text(response)


def test_splitting_beyond_the_end_of_a_sentence_is_refused(app, client, login_as):
    login_as(make_user("admin"))
    article = make_article(["He spoke.", "Then he left."])
    before = db.session.scalars(select(Unit.text).where(Unit.article_id == article.id)).all()
    for at in ("9", "1000", str(2**31 - 1)):
        response = client.post(f"/admin/articles/{article.id}/units/1/split", data={"at": at},
                               follow_redirects=True)
        assert response.status_code == 200
        assert "both parts need some text (it has 9 characters)" in _text(response)
    response = client.post(f"/admin/articles/{article.id}/units/1/split",
                           data={"at": str(2**63)}, follow_redirects=True)
    assert "Give the character position to split after." in _text(response)
    db.session.expire_all()
    after = db.session.scalars(select(Unit.text).where(Unit.article_id == article.id)).all()
    assert after == before
