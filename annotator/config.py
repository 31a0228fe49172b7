"""Configuration read from the environment, with safe defaults."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

VERSION = "0.1.0"

PLACEHOLDER_SECRETS = {"", "dev", "change-me", "changeme", "secret", "please-change-me"}
MIN_SECRET_LENGTH = 32


def database_url(raw: str | None, instance_path: str) -> str:
    """Return a SQLAlchemy URL for DATABASE_URL, defaulting to SQLite under instance/."""
    if not raw:
        return "sqlite:///" + os.path.join(instance_path, "annotator.sqlite")
    # Heroku-style and libpq URLs name no driver; we ship psycopg 3.
    for prefix in ("postgres://", "postgresql://"):
        if raw.startswith(prefix):
            return "postgresql+psycopg://" + raw[len(prefix):]
    return raw


def engine_options(url: str, options: dict, connect_timeout: int) -> dict:
    """SQLAlchemy engine options for this URL.

    A PostgreSQL connect gives up after `connect_timeout` seconds (libpq waits forever by
    default, so a network that drops packets instead of refusing them would hang a worker);
    a `connect_timeout` already in the URL wins.
    """
    options = dict(options)
    if url.startswith("postgresql") and "connect_timeout=" not in url and connect_timeout:
        options["connect_args"] = {"connect_timeout": connect_timeout,
                                   **options.get("connect_args", {})}
    return options


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _count(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit():
        raise RuntimeError(f"{name} must be a whole number, not {value!r}")
    return int(value)


class Config:
    """Settings for production; development and testing relax a few of them."""

    ENV_NAME = "production"
    SECRET_KEY = os.environ.get("SECRET_KEY")
    DATABASE_URL = os.environ.get("DATABASE_URL")
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    # Seconds a PostgreSQL connect may take before the request gets a 503 (0: libpq's default,
    # no limit).
    DATABASE_CONNECT_TIMEOUT = _count("DATABASE_CONNECT_TIMEOUT", 5)
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Strict"
    SESSION_COOKIE_SECURE = _flag("SESSION_COOKIE_SECURE", True)
    SESSION_COOKIE_NAME = "annotator_session"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Strict"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    PERMANENT_SESSION_LIFETIME = 12 * 3600
    WTF_CSRF_TIME_LIMIT = 12 * 3600
    # Request bodies (annotator.inputs): the upload size is the app-wide ceiling; every other
    # view reads at most a form's worth, and the workspace's JSON saves less still.
    # Uploads of article files; the importer also checks each file itself.
    MAX_CONTENT_LENGTH = 64 * 1024 * 1024
    MAX_FORM_BYTES = 256 * 1024
    MAX_JSON_BYTES = 16 * 1024
    # Seconds a client is asked to wait (Retry-After) while the database cannot be reached.
    DATABASE_RETRY_AFTER = 5
    IMPORT_MAX_FILE_BYTES = 10 * 1024 * 1024
    # One article: its stored text, and its units (headline, sentences, captions); the
    # importer refuses a bigger one with file:line: reason.
    ARTICLE_MAX_CHARS = _count("ARTICLE_MAX_CHARS", 300_000)
    ARTICLE_MAX_UNITS = _count("ARTICLE_MAX_UNITS", 3_000)
    # Claim memory: the import queues its new articles (in its transaction) and, with this on,
    # the importing process matches them once the import has committed: the CLI before it
    # returns, a request after its response is sent, for at most CLAIMS_MATCH_SECONDS (the
    # rest stays queued). Off leaves the backlog to `flask claims index`.
    CLAIMS_MATCH_ON_IMPORT = _flag("CLAIMS_MATCH_ON_IMPORT", True)
    CLAIMS_MATCH_SECONDS = _count("CLAIMS_MATCH_SECONDS", 20)
    # Processes computing keys during `flask claims index --rebuild` (0: one per CPU).
    CLAIMS_REBUILD_WORKERS = _count("CLAIMS_REBUILD_WORKERS", 0)
    # Failed logins lock an account after a few in the window, and a client address only
    # after many more: colleagues behind one NAT or proxy share an address.
    LOGIN_MAX_FAILURES = 5
    LOGIN_MAX_FAILURES_PER_ADDRESS = _count("LOGIN_MAX_FAILURES_PER_ADDRESS", 50)
    LOGIN_WINDOW_SECONDS = 15 * 60
    LOGIN_LOCK_SECONDS = 15 * 60
    PASSWORD_HASH_METHOD = "scrypt"
    PREFERRED_URL_SCHEME = "https"
    # Proxies in front of the app whose X-Forwarded-For and -Proto headers are believed
    # (the factory applies werkzeug's ProxyFix); 0 believes none, as a client can send any.
    TRUSTED_PROXIES = _count("TRUSTED_PROXIES", 0)
    # Outlet track records (annotator.verdicts): a figure is shown as firm only from this
    # many checked items spread over at least this many days of the outlet's publication
    # dates (Ad Fontes asks for 15 articles over three weeks); below it, greyed out.
    TRACK_MIN_ITEMS = _count("TRACK_MIN_ITEMS", 15)
    TRACK_MIN_DAYS = _count("TRACK_MIN_DAYS", 21)
    # ClaimReview export: the desk that publishes the verdicts, and each verdict's public
    # URL ({id} is the verdict's id, {unit_id} the sentence's).
    CLAIMREVIEW_DESK_NAME = os.environ.get("CLAIMREVIEW_DESK_NAME", "Fact-checking desk")
    CLAIMREVIEW_DESK_URL = os.environ.get("CLAIMREVIEW_DESK_URL", "https://factcheck.example.org/")
    CLAIMREVIEW_URL_PATTERN = os.environ.get(
        "CLAIMREVIEW_URL_PATTERN", "https://factcheck.example.org/verdicts/{id}")


class DevelopmentConfig(Config):
    """Local use through `make run`: plain HTTP on loopback."""

    ENV_NAME = "development"
    SESSION_COOKIE_SECURE = _flag("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    PREFERRED_URL_SCHEME = "http"


class TestConfig(Config):
    """The test suite: fast hashing, no CSRF unless a test turns it on."""

    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "test-secret-key-" + "x" * 32
    WTF_CSRF_ENABLED = False
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
    PREFERRED_URL_SCHEME = "http"


CONFIGS = {"production": Config, "development": DevelopmentConfig, "testing": TestConfig}


def resolve_secret_key(app_config: dict, instance_path: str) -> None:
    """Refuse to run in production without a real SECRET_KEY; make one for development."""
    key = app_config.get("SECRET_KEY") or ""
    if app_config["ENV_NAME"] == "production":
        if key.strip().lower() in PLACEHOLDER_SECRETS or len(key) < MIN_SECRET_LENGTH:
            raise RuntimeError(
                "SECRET_KEY must be set to a random value of at least "
                f"{MIN_SECRET_LENGTH} characters in production "
                "(e.g. python -c 'import secrets; print(secrets.token_urlsafe(48))'), "
                "or set ANNOTATOR_ENV=development for local use."
            )
        return
    if key:
        return
    # Development: a key kept under instance/ so sessions survive restarts and
    # every local process shares it.
    path = Path(instance_path) / "secret_key"
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    app_config["SECRET_KEY"] = path.read_text().strip()
