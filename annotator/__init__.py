"""annotator: sentence-level annotation of news with inter-annotator agreement."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from annotator.config import CONFIGS, database_url, resolve_secret_key
from annotator.extensions import csrf, db, login_manager, migrate

__version__ = "0.1.0"

PROJECT_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app: config, extensions, blueprints, error handlers and CLI."""
    app = Flask(
        __name__,
        instance_path=os.environ.get("ANNOTATOR_INSTANCE_PATH")
        or os.path.join(PROJECT_ROOT, "instance"),
        template_folder=os.path.join(PROJECT_ROOT, "templates"),
        static_folder=os.path.join(PROJECT_ROOT, "static"),
    )
    env_name = (config or {}).get("ENV_NAME") or os.environ.get("ANNOTATOR_ENV", "production")
    if env_name not in CONFIGS:
        raise RuntimeError(f"ANNOTATOR_ENV must be one of {', '.join(CONFIGS)}, not {env_name!r}")
    app.config.from_object(CONFIGS[env_name])
    if config:
        app.config.update(config)
    os.makedirs(app.instance_path, exist_ok=True)
    resolve_secret_key(app.config, app.instance_path)
    app.config.setdefault(
        "SQLALCHEMY_DATABASE_URI",
        database_url(app.config.get("DATABASE_URL"), app.instance_path),
    )
    app.config["VERSION"] = __version__

    _init_extensions(app)
    _register_blueprints(app)
    _register_cli(app)

    from annotator.errors import init_errors
    from annotator.security import init_security

    init_security(app)
    init_errors(app)

    from annotator.navigation import nav_items

    @app.context_processor
    def _globals() -> dict[str, Any]:
        return {"app_version": __version__, "nav_items": nav_items}

    return app


def _init_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(PROJECT_ROOT, "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "basic"

    from annotator import models  # noqa: F401  (every model registered with the metadata)
    from annotator.auth.services import load_user

    login_manager.user_loader(load_user)


def _register_blueprints(app: Flask) -> None:
    from annotator import (
        adjudication,
        admin,
        agreement,
        annotations,
        articles,
        auth,
        exports,
        main,
        outlets,
        queues,
    )

    for package in (main, auth, articles, annotations, queues, admin, agreement, adjudication,
                    outlets, exports):
        app.register_blueprint(package.bp)


def _register_cli(app: Flask) -> None:
    from annotator.articles.cli import COMMANDS as ARTICLE_COMMANDS
    from annotator.auth.cli import COMMANDS as AUTH_COMMANDS
    from annotator.queues.cli import queue_cli

    for command in AUTH_COMMANDS + ARTICLE_COMMANDS:
        app.cli.add_command(command)
    app.cli.add_command(queue_cli)
    try:
        from annotator.agreement.cli import agreement_cli
    except ImportError:  # the agreement engine is built in its own issue
        agreement_cli = None
    if agreement_cli is not None:
        app.cli.add_command(agreement_cli)

    from annotator.exports.cli import export_cli

    app.cli.add_command(export_cli)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    """Turn on foreign keys and WAL for SQLite, and let SQLAlchemy own transactions."""
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    # pysqlite's own transaction handling begins late and never for SELECT;
    # SQLAlchemy emits BEGIN itself (see _sqlite_begin), as its docs recommend.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin(conn) -> None:
    """Begin SQLite transactions, IMMEDIATE when a service asked to write up front."""
    if conn.dialect.name != "sqlite":
        return
    mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
    conn.exec_driver_sql(f"BEGIN {mode}")
