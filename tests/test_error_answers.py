"""Error answers: the page after a database error, security headers on every error, 503 outages.

An error page is drawn after the session is rolled back (it reads the user), and a bare page
answers when even that fails; every error carries the security headers; a database that
cannot be reached answers 503 with Retry-After and a reason, as a page or as JSON.
tests/test_outage.py cuts a real PostgreSQL connection while reviewers save.
"""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import exc

from annotator.annotations import services as workspace
from annotator.database import unavailable
from annotator.extensions import db
from annotator.main import views as main_views
from annotator.models import User
from tests.conftest import make_test_app
from tests.factories import make_article, make_assignment, make_queue, make_user

HEADERS = ("Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options",
           "Referrer-Policy", "Strict-Transport-Security")


def _secure(app) -> None:
    """Answer as production does: exceptions become the 500 page, HSTS is sent."""
    app.config["PROPAGATE_EXCEPTIONS"] = False
    app.config["SESSION_COOKIE_SECURE"] = True


def _broken_home(username: str):
    """A home page whose query fails and leaves the session refusing every further read."""

    def recent_submissions(user):
        db.session.expire_all()  # as after a commit: the page reads the user again
        db.session.add(User(username=username, role="reviewer", password_hash="x"))
        db.session.flush()  # a duplicate username: IntegrityError

    return recent_submissions


def _outage(*args, **kwargs):
    raise exc.OperationalError("UPDATE annotations ...", {},
                               Exception("server closed the connection unexpectedly"),
                               connection_invalidated=True)


def _assert_headers(response, what: str) -> None:
    missing = [h for h in HEADERS if h not in response.headers]
    assert not missing, f"{what}: {response.status_code} without {missing}"


def test_the_error_page_after_a_database_error_has_security_headers(app, client, login_as,
                                                                    monkeypatch):
    _secure(app)
    reviewer = make_user("reviewer", "nina")
    login_as(reviewer)
    monkeypatch.setattr(main_views, "recent_submissions", _broken_home("nina"))
    response = client.get("/", base_url="https://localhost")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "500 · Internal Server Error" in page
    assert "nina" in page  # the full page, the user read again after the rollback
    _assert_headers(response, "500 after a database error")


def test_every_error_answer_carries_the_security_headers(app, client, login_as, monkeypatch):
    _secure(app)
    reviewer = make_user("reviewer", "nina")
    article = make_article()
    assignment = make_assignment(make_queue(reviewers=[reviewer], articles=[article]), article,
                                 reviewer)
    login_as(reviewer)
    https = {"base_url": "https://localhost"}
    answers = {
        "404": client.get("/no/such/page", **https),
        "404 JSON": client.get("/no/such/page", headers={"Accept": "application/json"}, **https),
        "405": client.get("/auth/logout", **https),
        "413": client.post("/auth/password", data={"current_password": "x" * 300_000}, **https),
        "415": client.post("/auth/password", json={"current_password": "x"}, **https),
        "400 NUL": client.get("/?q=%00", **https),
    }
    monkeypatch.setattr(workspace, "save_label", _outage)
    answers["503 JSON"] = client.post(f"/annotations/{assignment.id}/labels",
                                      json={"unit_id": article.units[1].id, "label": "fact"},
                                      **https)
    monkeypatch.setattr(main_views, "recent_submissions", _broken_home("nina"))
    answers["500"] = client.get("/", **https)
    app.config["WTF_CSRF_ENABLED"] = True
    answers["400 CSRF"] = client.post("/auth/password", data={}, **https)
    for what, response in answers.items():
        assert response.status_code == int(what[:3]), what
        _assert_headers(response, what)
        assert response.headers["Cache-Control"] == "no-store", what
    assert "CSRF" in answers["400 CSRF"].get_data(as_text=True)
    assert answers["404 JSON"].get_json()["reason"]


def test_saves_answer_503_while_the_database_is_unreachable(app, client, login_as, monkeypatch):
    reviewer = make_user()
    article = make_article()
    assignment = make_assignment(make_queue(reviewers=[reviewer], articles=[article]), article,
                                 reviewer)
    login_as(reviewer)
    monkeypatch.setattr(workspace, "save_label", _outage)
    unit = article.units[1].id
    response = client.post(f"/annotations/{assignment.id}/labels",
                           json={"unit_id": unit, "label": "fact"})
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    body = response.get_json()
    assert body["status"] == 503 and "database cannot be reached" in body["reason"]
    # The label buttons' plain form post (no script) gets the page saying so.
    response = client.post(f"/annotations/{assignment.id}/labels", data={"set": f"{unit}:fact"})
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert "database cannot be reached" in response.get_data(as_text=True)
    assert response.headers["Content-Security-Policy"]


def test_pages_and_health_answer_503_when_the_database_cannot_be_reached(backend, tmp_path):
    url = (f"sqlite:///{tmp_path}/missing/annotator.sqlite" if backend == "sqlite"
           else "postgresql+psycopg://postgres@127.0.0.1:1/nothing")  # nothing listens there
    app = make_test_app(url)
    with app.app_context():
        client = app.test_client()
        response = client.get("/health")
        assert response.status_code == 503
        assert response.headers["Retry-After"] == "5"
        assert response.get_json() == {"status": "error", "database": "unreachable"}
        with client.session_transaction() as session:
            session["_user_id"] = "1:token:1"  # a logged-in reviewer: the page loads the user
        response = client.get("/")
        assert response.status_code == 503
        assert response.headers["Retry-After"] == "5"
        page = response.get_data(as_text=True)
        assert "503 · Service Unavailable" in page and "database cannot be reached" in page
        assert response.headers["Content-Security-Policy"]
        response = client.post("/annotations/1/labels", json={"unit_id": 1, "label": "fact"})
        assert response.status_code == 503
        assert "database cannot be reached" in response.get_json()["reason"]
        db.engine.dispose()


def _dbapi_error(cls, orig: Exception, invalidated: bool = False) -> exc.DBAPIError:
    return cls("SELECT 1", {}, orig, connection_invalidated=invalidated)


@pytest.mark.parametrize(("error", "outage"), [
    (_dbapi_error(exc.OperationalError, Exception("connection refused")), True),
    (_dbapi_error(exc.OperationalError, sqlite3.OperationalError("database is locked")), True),
    (_dbapi_error(exc.OperationalError, sqlite3.OperationalError("no such table: x")), False),
    (_dbapi_error(exc.ProgrammingError, Exception("closed"), invalidated=True), True),
    (_dbapi_error(exc.IntegrityError, Exception("duplicate key")), False),
    (_dbapi_error(exc.DataError, Exception("integer out of range")), False),
    (exc.TimeoutError("QueuePool limit reached"), True),
    (exc.PendingRollbackError("roll back first"), False),
])
def test_only_an_unreachable_database_answers_503_not_a_bug(error, outage):
    assert unavailable(error) is outage
