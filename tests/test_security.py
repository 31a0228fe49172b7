"""Closed by default, CSRF, headers, cookies and production settings."""

import re

import pytest

from annotator import create_app
from tests.conftest import make_test_app
from tests.factories import PASSWORD, make_user

PUBLIC = {"static", "auth.login", "main.health", "api_docs.openapi", "api_docs.docs_page"}
ANY_CONVERTER = re.compile(r"<any\(([^)]*)\):\w+>")


def test_every_route_but_the_allow_list_needs_login(app, client):
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC or "GET" not in rule.methods:
            continue
        url = ANY_CONVERTER.sub(lambda m: m.group(1).split(",")[0].strip(" '\""), rule.rule)
        for arg in rule.arguments:
            url = url.replace(f"<int:{arg}>", "1").replace(f"<{arg}>", "x")
        response = client.get(url)
        assert response.status_code in (302, 401), (rule.rule, response.status_code)
        if response.status_code == 302:
            assert response.headers["Location"].startswith("/auth/login")


def test_anonymous_json_gets_401_body(client):
    response = client.get("/", headers={"Accept": "application/json"})
    assert response.status_code == 401
    assert response.get_json()["status"] == 401


def test_health_is_public(client):
    assert client.get("/health").get_json() == {"status": "ok"}


def test_security_headers(client):
    response = client.get("/auth/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"


def test_pages_have_no_inline_script(client, login_as):
    login_as(make_user("admin"))
    for path in ("/", "/auth/password", "/articles/"):
        html = client.get(path).get_data(as_text=True)
        assert "<script>" not in html and " on" + "click=" not in html


def test_session_cookie_is_httponly_and_samesite(client):
    make_user("reviewer", "nina")
    response = client.post("/auth/login", data={"username": "nina", "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie


def test_csrf_is_required_for_login_and_logout(db_url):
    app = make_test_app(db_url, WTF_CSRF_ENABLED=True)
    with app.app_context():
        make_user("reviewer", "oscar")
        client = app.test_client()
        response = client.post("/auth/login", data={"username": "oscar", "password": PASSWORD})
        assert response.status_code == 400
        assert "CSRF" in response.get_data(as_text=True)
        page = client.get("/auth/login").get_data(as_text=True)
        token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
        response = client.post("/auth/login", data={"username": "oscar", "password": PASSWORD,
                                                     "csrf_token": token})
        assert response.status_code == 302
        assert client.post("/auth/logout").status_code == 400


def test_production_refuses_to_start_without_a_real_secret(monkeypatch, tmp_path):
    monkeypatch.setenv("ANNOTATOR_INSTANCE_PATH", str(tmp_path))
    for key in (None, "dev", "short"):
        with pytest.raises(RuntimeError, match="SECRET_KEY"):
            create_app({"ENV_NAME": "production", "SECRET_KEY": key,
                        "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    app = create_app({"ENV_NAME": "production", "SECRET_KEY": "k" * 48,
                      "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_development_keeps_a_generated_secret(monkeypatch, tmp_path):
    monkeypatch.setenv("ANNOTATOR_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = create_app({"ENV_NAME": "development", "SECRET_KEY": None,
                        "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    second = create_app({"ENV_NAME": "development", "SECRET_KEY": None,
                         "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert len(first.config["SECRET_KEY"]) >= 32


def test_database_url_names_the_driver():
    from annotator.config import database_url

    assert database_url("postgres://u@h/db", "/x") == "postgresql+psycopg://u@h/db"
    assert database_url(None, "/inst").endswith("/inst/annotator.sqlite")


def test_a_postgresql_connect_gives_up_after_the_configured_timeout():
    from annotator.config import engine_options

    base = {"pool_pre_ping": True}
    pg = engine_options("postgresql+psycopg://u@h/db", base, 5)
    assert pg == {"pool_pre_ping": True, "connect_args": {"connect_timeout": 5}}
    assert engine_options("postgresql+psycopg://u@h/db?connect_timeout=9", base, 5) == base
    assert engine_options("sqlite:///x.sqlite", base, 5) == base
    assert engine_options("postgresql+psycopg://u@h/db", base, 0) == base
    assert base == {"pool_pre_ping": True}      # the class attribute is not changed


def test_the_app_hands_the_connect_timeout_to_psycopg(db_url):
    from annotator import create_app
    from annotator.extensions import db

    if not db_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only")
    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": db_url,
                      "DATABASE_CONNECT_TIMEOUT": 3})
    with app.app_context():
        with db.engine.connect() as conn:
            params = conn.connection.dbapi_connection.info.get_parameters()
        db.engine.dispose()
    assert params["connect_timeout"] == "3"
