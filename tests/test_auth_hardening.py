"""Accounts under pressure: the failed-login throttle, logging out, simultaneous logins."""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from annotator.auth import services
from annotator.errors import AccountError
from annotator.extensions import db
from annotator.models.auth import User, UserSession
from tests.conftest import empty_tables, make_test_app
from tests.factories import PASSWORD, make_user

# What production's scrypt costs, near enough: the hash is the slow step between the read and
# the write of a login, where SQLite used to answer "database is locked".
SLOW_HASH = "pbkdf2:sha256:100000"
CROWD = 10


def login(client, username, password, **kwargs):
    return client.post("/auth/login", data={"username": username, "password": password},
                       **kwargs)


def _all_at_once(work, items):
    """Run work(item) in one thread per item, released together; return the results."""
    barrier = threading.Barrier(len(items))

    def run(item):
        barrier.wait()
        return work(item)

    db.session.commit()  # threads see what the test made
    with ThreadPoolExecutor(len(items)) as pool:
        return list(pool.map(run, items))


def _fail(client, username, times=1, **kwargs):
    for _ in range(times):
        assert login(client, username, "not the password", **kwargs).status_code == 401


# --- the failed-login throttle ------------------------------------------------------------------


def test_five_typos_by_one_user_do_not_lock_out_the_others(app, client):
    make_user(username="alice")
    make_user(username="bob")
    # Every request comes from one address, as behind the proxy the README recommends.
    _fail(client, "alice", app.config["LOGIN_MAX_FAILURES"])
    assert login(client, "alice", PASSWORD).status_code == 429
    assert login(app.test_client(), "bob", PASSWORD).status_code == 302


def test_a_locked_unknown_username_looks_like_a_locked_real_one(app, client):
    make_user(username="carol")
    pages = []
    for name in ("carol", "nobody"):
        _fail(client, name, app.config["LOGIN_MAX_FAILURES"])
        response = login(client, name, PASSWORD)
        pages.append((response.status_code, response.get_data(as_text=True).replace(name, "?")))
    assert pages[0][0] == 429 and "Too many failed logins" in pages[0][1]
    assert pages[0] == pages[1]


def test_many_failures_from_one_address_lock_that_address(app, client):
    make_user(username="dave")
    limit = app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"]
    for i in range(limit - 1):  # a different name each time: no account reaches its own bar
        _fail(client, f"guess{i}")
    assert login(app.test_client(), "dave", PASSWORD).status_code == 302
    _fail(client, "guess-last")
    assert login(app.test_client(), "dave", PASSWORD).status_code == 429
    elsewhere = {"REMOTE_ADDR": "192.0.2.8"}
    assert login(app.test_client(), "dave", PASSWORD, environ_base=elsewhere).status_code == 302


def test_the_client_address_comes_from_x_forwarded_for_only_behind_a_trusted_proxy(app, client,
                                                                                     db_url):
    make_user(username="erin")
    app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 3
    # No trusted proxy (the default): a made-up header does not hide where the guesses come from.
    for i in range(3):
        _fail(client, f"guess{i}", headers={"X-Forwarded-For": f"198.51.100.{i}"})
    assert login(app.test_client(), "erin", PASSWORD,
                 headers={"X-Forwarded-For": "203.0.113.9"}).status_code == 429

    # Behind one trusted proxy, each client is known by the address the proxy appends.
    proxied = make_test_app(db_url, TRUSTED_PROXIES=1, LOGIN_MAX_FAILURES_PER_ADDRESS=3)

    def via_proxy(client_address: str) -> dict:
        return {"headers": {"X-Forwarded-For": client_address},
                "environ_base": {"REMOTE_ADDR": "10.0.0.2"}}

    with proxied.app_context():
        try:
            _fail(proxied.test_client(), "guess-a", **via_proxy("198.51.100.7"))
            _fail(proxied.test_client(), "guess-b", **via_proxy("198.51.100.7"))
            # What the client itself put in front of the proxy's entry counts for nothing.
            _fail(proxied.test_client(), "guess-c", **via_proxy("192.0.2.1, 198.51.100.7"))
            locked = login(proxied.test_client(), "erin", PASSWORD, **via_proxy("198.51.100.7"))
            other = login(proxied.test_client(), "erin", PASSWORD, **via_proxy("203.0.113.9"))
        finally:
            db.session.remove()
            db.engine.dispose()
    assert (locked.status_code, other.status_code) == (429, 302)


# --- logging out ---------------------------------------------------------------------------------


def _session_cookie(app, client) -> str:
    return client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value


def _logged_in(client) -> bool:
    response = client.get("/")
    assert response.status_code in (200, 302)
    return response.status_code == 200


def _device(app, username):
    """A browser that logged in through the form."""
    browser = app.test_client()
    assert login(browser, username, PASSWORD).status_code == 302
    return browser


def test_a_cookie_copied_before_logout_no_longer_works(app):
    make_user(username="fay")
    browser = _device(app, "fay")
    copy = app.test_client()
    copy.set_cookie(app.config["SESSION_COOKIE_NAME"], _session_cookie(app, browser))
    assert _logged_in(copy)
    assert browser.post("/auth/logout").headers["Location"] == "/auth/login"
    assert not _logged_in(copy)
    assert not _logged_in(browser)


def test_logging_out_on_one_device_keeps_the_other_logged_in(app):
    make_user(username="gus")
    laptop, phone = _device(app, "gus"), _device(app, "gus")
    laptop.post("/auth/logout")
    assert not _logged_in(laptop)
    assert _logged_in(phone)
    assert _logged_in(_device(app, "gus"))  # and the laptop can log in again


def test_log_out_everywhere_ends_every_session(app):
    make_user(username="hal")
    laptop, phone = _device(app, "hal"), _device(app, "hal")
    page = laptop.get("/auth/password").get_data(as_text=True)
    assert "Log out everywhere" in page and 'action="/auth/logout-everywhere"' in page
    response = laptop.post("/auth/logout-everywhere", follow_redirects=True)
    assert "You are logged out everywhere" in response.get_data(as_text=True)
    assert not _logged_in(laptop)
    assert not _logged_in(phone)
    assert _logged_in(_device(app, "hal"))


def test_log_out_everywhere_needs_the_pages_csrf_token(db_url):
    guarded = make_test_app(db_url, WTF_CSRF_ENABLED=True)
    with guarded.app_context():
        try:
            empty_tables()
            user = make_user(username="ida")
            browser = guarded.test_client()
            with browser.session_transaction() as session:
                session["_user_id"] = user.get_id()
            refused = browser.post("/auth/logout-everywhere")  # a form posted from elsewhere
            still_in = _logged_in(browser)
            page = browser.get("/auth/password").get_data(as_text=True)
            token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
            done = browser.post("/auth/logout-everywhere", data={"csrf_token": token})
            out = not _logged_in(browser)
        finally:
            db.session.remove()
            db.engine.dispose()
    assert (refused.status_code, still_in) == (400, True)
    assert (done.status_code, out) == (302, True)


def test_a_session_in_use_is_marked_seen_every_few_minutes_not_on_every_request(app,
                                                                                 monkeypatch):
    make_user(username="jo")
    browser = app.test_client()
    login(browser, "jo", PASSWORD, headers={"User-Agent": "Phone/1.0 " + "x" * 300})
    stored = db.session.scalars(select(UserSession).where(UserSession.user_agent.is_not(None))
                                ).one()  # the factory's own login has no user agent
    started, seen_id = stored.last_seen_at, stored.id
    assert stored.user_agent == ("Phone/1.0 " + "x" * 300)[:200]
    for _ in range(3):
        assert _logged_in(browser)
    db.session.expire_all()
    assert db.session.get(UserSession, seen_id).last_seen_at == started
    later = started + services.SEEN_EVERY + timedelta(seconds=1)
    monkeypatch.setattr(services, "utcnow", lambda: later)
    assert _logged_in(browser)
    db.session.expire_all()
    assert db.session.get(UserSession, seen_id).last_seen_at == later


# --- simultaneous writes ----------------------------------------------------------------------


def test_ten_people_logging_in_at_once_on_sqlite_all_get_in(app):
    """SQLite is where this failed; PostgreSQL is held to the same answer."""
    slow = generate_password_hash(PASSWORD, method=SLOW_HASH)
    names = [f"crowd{i}" for i in range(CROWD)]
    for name in names:
        make_user(username=name).password_hash = slow

    def log_in(name):
        client = app.test_client()  # each request pushes its own app context and session
        return login(client, name, PASSWORD).status_code, client.get("/").status_code

    assert _all_at_once(log_in, names) == [(302, 200)] * CROWD


def test_ten_accounts_created_at_once_on_sqlite_all_exist(app):
    app.config["PASSWORD_HASH_METHOD"] = SLOW_HASH
    names = [f"new{i}" for i in range(CROWD)]

    def create(name):
        with app.app_context():  # like `flask create-user` run in parallel
            user, one_time = services.create_user(name, "reviewer")
            return user.username, bool(one_time)

    assert _all_at_once(create, names) == [(name, True) for name in names]
    assert db.session.scalar(select(func.count()).select_from(User)) == CROWD


def test_one_username_created_twice_at_once_gives_one_account_and_a_clear_refusal(app):
    app.config["PASSWORD_HASH_METHOD"] = SLOW_HASH

    def create(_):
        with app.app_context():
            try:
                services.create_user("twin", "reviewer", "a long enough password")
            except AccountError as exc:
                return str(exc)
            return "created"

    results = _all_at_once(create, range(4))
    assert sorted(results) == ["A user named 'twin' already exists."] * 3 + ["created"]
    assert db.session.scalar(select(func.count()).select_from(User)) == 1
