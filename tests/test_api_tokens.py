"""API tokens: only the hash stored, shown once, Bearer acts with the user's role; revoked,
expired and deactivated refuse; CSRF for cookie requests only; blindness and role checks."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from annotator.admin import services as admin_services
from annotator.auth import tokens
from annotator.extensions import db
from annotator.models import ApiToken
from annotator.timeutil import utcnow
from tests.factories import make_article, make_assignment, make_queue, make_user


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def new_token(user, **kwargs) -> str:
    return tokens.create_token(user, "test", **kwargs).secret


def test_only_the_hash_is_stored_and_the_token_acts_as_its_user(app, client):
    lead = make_user("lead")
    secret = new_token(lead)
    row = db.session.scalar(select(ApiToken))
    assert secret not in (row.token_hash, row.prefix) and row.token_hash == tokens.hash_token(
        secret)
    answer = client.get("/api/v1/me", headers=bearer(secret))
    assert answer.status_code == 200
    assert answer.json["username"] == lead.username and answer.json["role"] == "lead"
    assert answer.json["token_id"] == row.id
    assert "Set-Cookie" not in answer.headers
    assert db.session.get(ApiToken, row.id).last_used_at is not None


@pytest.mark.parametrize("how", ["revoked", "expired", "deactivated", "unknown", "no token"])
def test_refused_tokens_answer_401_problem(app, client, how):
    reviewer, admin = make_user(), make_user("admin")
    secret = new_token(reviewer, expires_days=1)
    row = db.session.scalar(select(ApiToken))
    if how == "revoked":
        tokens.revoke_token(row.id, admin)  # admins revoke anyone's
    elif how == "expired":
        row.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    elif how == "deactivated":
        admin_services.set_active(reviewer.id, False, admin)
    elif how == "unknown":
        secret = "ann_" + "x" * 43
    headers = {} if how == "no token" else bearer(secret)
    answer = client.get("/api/v1/me", headers=headers)
    assert answer.status_code == 401
    assert answer.mimetype == "application/problem+json"
    assert answer.json["reason"] and answer.json["status"] == 401
    assert answer.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_token_opens_the_api_only(app, client):
    lead = make_user("lead")
    assert client.get("/agreement/", headers=bearer(new_token(lead))).status_code == 302


def test_another_users_token_cannot_be_revoked_and_nothing_is_revealed(app, client):
    one, two = make_user(), make_user()
    theirs = tokens.create_token(two, "theirs").token.id
    answer = client.delete(f"/api/v1/tokens/{theirs}", headers=bearer(new_token(one)))
    missing = client.delete("/api/v1/tokens/999999", headers=bearer(new_token(one)))
    assert answer.status_code == missing.status_code == 404
    assert answer.json["reason"] == missing.json["reason"]
    assert db.session.get(ApiToken, theirs).revoked_at is None


def test_reviewer_token_on_another_reviewers_assignment_is_403_revealing_nothing(app, client):
    owner, other = make_user(), make_user()
    article = make_article(["Only sentence."])
    queue = make_queue(articles=[article], reviewers=[owner, other])
    assignment = make_assignment(queue, article, owner, labels={0: "fact"})
    secret = new_token(other)
    unit_id = article.units[1].id
    for method, url, body in [
        ("get", f"/api/v1/assignments/{assignment.id}", None),
        ("put", f"/api/v1/assignments/{assignment.id}/labels/{unit_id}", {"label": "claim"}),
        ("delete", f"/api/v1/assignments/{assignment.id}/labels/{unit_id}", None),
        ("post", f"/api/v1/assignments/{assignment.id}/submit", None),
        ("post", f"/api/v1/assignments/{assignment.id}/skip", {"reason": "duplicate"}),
    ]:
        answer = client.open(url, method=method.upper(), json=body, headers=bearer(secret))
        assert answer.status_code == 403, (method, url, answer.json)
        assert answer.mimetype == "application/problem+json"
        text = answer.get_data(as_text=True)
        assert article.title not in text and "Only sentence" not in text and "fact" not in text


def test_lead_token_cannot_save_a_label(app, client):
    reviewer, lead = make_user(), make_user("lead")
    article = make_article()
    queue = make_queue(articles=[article], reviewers=[reviewer])
    assignment = make_assignment(queue, article, reviewer)
    answer = client.put(f"/api/v1/assignments/{assignment.id}/labels/{article.units[0].id}",
                        json={"label": "fact"}, headers=bearer(new_token(lead)))
    assert answer.status_code == 403
    assert answer.mimetype == "application/problem+json"
    # ...but reads it, as on the web
    read = client.get(f"/api/v1/assignments/{assignment.id}", headers=bearer(new_token(lead)))
    assert read.status_code == 200 and read.json["editable"] is False


def test_cookie_requests_to_the_api_need_csrf_token_requests_do_not(app, client, login_as):
    app.config["WTF_CSRF_ENABLED"] = True
    user = make_user()
    login_as(user)
    cookie = client.post("/api/v1/tokens", json={"name": "from the browser"})
    assert cookie.status_code == 400 and "CSRF" in cookie.json["reason"]
    token_client = app.test_client()
    made = token_client.post("/api/v1/tokens", json={"name": "script"},
                             headers=bearer(new_token(user)))
    assert made.status_code == 201 and made.json["token"].startswith("ann_")


def test_cli_creates_a_token_printed_once(app, runner, client):
    user = make_user("lead", "cli-lead")
    result = runner.invoke(args=["api-token", "create", "cli-lead", "--name", "nightly",
                                 "--expires-days", "30"])
    assert result.exit_code == 0, result.output
    secret = result.stdout.strip().splitlines()[-1]
    assert client.get("/api/v1/me", headers=bearer(secret)).json["id"] == user.id
    row = db.session.scalar(select(ApiToken))
    assert row.name == "nightly" and row.expires_at is not None
    assert runner.invoke(args=["api-token", "create", "nobody"]).exit_code != 0


def test_account_page_creates_shows_once_lists_and_revokes(app, client, login_as):
    user = make_user()
    login_as(user)
    page = client.post("/auth/tokens", data={"name": "scraper", "expires_days": "7"})
    assert page.status_code == 200
    row = db.session.scalar(select(ApiToken))
    html = page.get_data(as_text=True)
    assert "scraper" in html and row.prefix in html
    listed = client.get("/auth/tokens").get_data(as_text=True)
    assert "scraper" in listed and "copy it now" not in listed
    assert client.post(f"/auth/tokens/{row.id}/revoke").status_code == 302
    assert tokens.token_state(db.session.get(ApiToken, row.id)) == "revoked"


def test_validation_errors_are_problem_details_with_fields(app, client):
    secret = new_token(make_user("admin"))
    answer = client.post("/api/v1/queues", json={"overlap": 0}, headers=bearer(secret))
    assert answer.status_code == 422
    assert answer.mimetype == "application/problem+json"
    assert "name" in answer.json["reason"] and "errors" in answer.json


def test_lists_are_limit_offset_pages(app, client):
    admin = make_user("admin")
    for _ in range(5):
        make_article()
    secret = new_token(admin)
    first = client.get("/api/v1/articles?limit=2", headers=bearer(secret)).json
    assert first["count"] == 5 and len(first["results"]) == 2 and first["previous"] is None
    second = client.get(first["next"], headers=bearer(secret)).json
    assert second["previous"] and len(second["results"]) == 2
    assert {a["id"] for a in first["results"]}.isdisjoint(a["id"] for a in second["results"])
    assert client.get("/api/v1/articles?limit=1001", headers=bearer(secret)).status_code == 422
