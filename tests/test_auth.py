"""Login, logout, passwords, the shared throttle and account commands."""

import re

import pytest
from sqlalchemy import select

from annotator.extensions import db
from annotator.models.auth import LoginThrottle, User
from tests.factories import PASSWORD, make_user


def login(client, username, password, next_=""):
    return client.post("/auth/login", data={"username": username, "password": password,
                                             "next": next_})


def test_login_page_is_public_and_labelled(client):
    response = client.get("/auth/login")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<label for="username">Username</label>' in html
    assert '<label for="password">Password</label>' in html


def test_login_and_logout(client, app):
    make_user("reviewer", "alice")
    response = login(client, "alice", PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "Welcome, alice" in client.get("/").get_data(as_text=True)
    assert client.get("/auth/logout").status_code == 405  # GET cannot log anyone out
    response = client.post("/auth/logout")
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_username_is_case_insensitive(client):
    make_user("reviewer", "alice")
    assert login(client, "  Alice ", PASSWORD).status_code == 302


@pytest.mark.parametrize("username,password", [("alice", "wrong password"), ("nobody", PASSWORD)])
def test_wrong_credentials_are_refused_with_one_message(client, username, password):
    make_user("reviewer", "alice")
    response = login(client, username, password)
    assert response.status_code == 401
    assert "Wrong username or password." in response.get_data(as_text=True)


def test_deactivated_user_cannot_log_in(client):
    make_user("reviewer", "bob", active=False)
    response = login(client, "bob", PASSWORD)
    assert response.status_code == 401
    assert "deactivated" in response.get_data(as_text=True)


def test_deactivated_user_loses_existing_session(client, login_as):
    user = make_user("reviewer", "carol")
    login_as(user)
    assert client.get("/").status_code == 200
    user.active = False
    db.session.commit()
    assert client.get("/").status_code == 302


@pytest.mark.parametrize("target,expected", [
    ("/articles/", "/articles/"),
    ("https://evil.example/", "/"),
    ("//evil.example/x", "/"),
    ("/\\evil.example", "/"),
    ("javascript:alert(1)", "/"),
])
def test_next_redirects_only_within_the_site(client, target, expected):
    make_user("lead", "lena")
    response = login(client, "lena", PASSWORD, next_=target)
    assert response.headers["Location"] == expected


def test_throttle_locks_after_repeated_failures_and_is_stored_in_the_database(client, app):
    make_user("reviewer", "dave")
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        assert login(client, "dave", "nope nope nope").status_code == 401
    response = login(client, "dave", PASSWORD)  # even the right password waits
    assert response.status_code == 429
    assert "Too many failed logins" in response.get_data(as_text=True)
    row = db.session.get(LoginThrottle, "user:dave")
    assert row is not None and row.locked_until is not None


def test_throttle_is_shared_between_processes(app, db_url):
    """A second app (another gunicorn worker) sees the lock the first one set."""
    from tests.conftest import make_test_app

    make_user("reviewer", "erin")
    first = app.test_client()
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        login(first, "erin", "bad password!!")
    other = make_test_app(db_url)
    with other.app_context():
        response = login(other.test_client(), "erin", PASSWORD)
        db.session.remove()
    assert response.status_code == 429


def test_one_time_password_must_be_changed(client):
    make_user("reviewer", "frank", must_change_password=True)
    response = login(client, "frank", PASSWORD)
    assert response.headers["Location"] == "/auth/password"
    assert client.get("/").headers["Location"] == "/auth/password"
    response = client.post("/auth/password", data={
        "current_password": PASSWORD, "new_password": "a much better one", "confirm":
        "a much better one"})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    user = db.session.scalar(select(User).where(User.username == "frank"))
    assert user.must_change_password is False


def test_change_password_errors_are_shown(client, login_as):
    login_as(make_user("reviewer", "gina"))
    response = client.post("/auth/password", data={
        "current_password": "wrong", "new_password": "short", "confirm": "other"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "The current password is wrong." not in html  # form errors come first
    assert "This password is 5 characters long; use at least 10." in html  # not the help
    assert "The two entries differ" in html


def test_password_change_ends_other_sessions(app, login_as, client):
    user = make_user("reviewer", "hank")
    other = app.test_client()
    with other.session_transaction() as session:
        session["_user_id"] = user.get_id()
    login_as(user)
    client.post("/auth/password", data={"current_password": PASSWORD,
                                        "new_password": "brand new secret", "confirm":
                                        "brand new secret"})
    assert client.get("/").status_code == 200
    assert other.get("/").status_code == 302


def test_passwords_are_hashed(app):
    from annotator.auth.services import create_user

    app.config["PASSWORD_HASH_METHOD"] = "scrypt"
    user, one_time = create_user("ivan", "lead")
    assert one_time and user.password_hash.startswith("scrypt:")
    assert one_time not in user.password_hash


def test_create_user_command_generates_a_password_once(runner):
    result = runner.invoke(args=["create-user", "judy", "--role", "lead"], input="")
    assert result.exit_code == 0, result.output
    match = re.search(r"One-time password .*: (\S+)", result.output)
    assert match
    user = db.session.scalar(select(User).where(User.username == "judy"))
    assert user.role == "lead" and user.must_change_password


def test_create_user_command_reads_password_from_stdin(runner, client):
    result = runner.invoke(args=["create-user", "kim", "--role", "reviewer", "--password-stdin"],
                           input="a long enough password\n")
    assert result.exit_code == 0, result.output
    assert "One-time" not in result.output
    assert login(client, "kim", "a long enough password").status_code == 302


def test_create_user_command_refuses_duplicates_and_bad_roles(runner):
    make_user("reviewer", "leo")
    result = runner.invoke(args=["create-user", "leo"], input="")
    assert result.exit_code != 0 and "already exists" in result.output
    result = runner.invoke(args=["create-user", "mia", "--role", "boss"], input="")
    assert result.exit_code != 0 and "boss" in result.output


def test_ensure_admin_creates_once(runner):
    first = runner.invoke(args=["ensure-admin"])
    assert first.exit_code == 0 and "one-time password" in first.output
    second = runner.invoke(args=["ensure-admin"])
    assert second.exit_code == 0 and "exists" in second.output
    assert db.session.query(User).filter_by(role="admin").count() == 1
