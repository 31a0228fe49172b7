"""annotator: sentence-level annotation of news with inter-annotator agreement.

Importing this package loads nothing but the version: Flask, the extensions and every area
are imported inside :func:`create_app`, so a pure module (``annotator.stats``,
``annotator.segmentation``, ...) can be imported without them.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from annotator.config import VERSION as __version__

if TYPE_CHECKING:
    from flask import Flask

PROJECT_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app: config, extensions, blueprints, error handlers and CLI."""
    from flask import Flask

    from annotator.config import CONFIGS, database_url, engine_options, resolve_secret_key
    from annotator.inputs import init_inputs

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
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(
        app.config["SQLALCHEMY_DATABASE_URI"], app.config["SQLALCHEMY_ENGINE_OPTIONS"],
        app.config["DATABASE_CONNECT_TIMEOUT"])
    app.config["VERSION"] = __version__

    # First: its request check must run before CSRF reads the form, and its <int:...>
    # converter must be in place before the blueprints add their rules.
    init_inputs(app)
    _init_extensions(app)
    _register_blueprints(app)
    _register_cli(app)
    _init_web(app)
    _trust_proxies(app)
    return app


def _init_extensions(app: Flask) -> None:
    # annotator.models registers every table with db.metadata, which migrations compare with.
    from annotator import database, models  # noqa: F401
    from annotator.auth.tokens import session_user, token_user
    from annotator.extensions import csrf, db, login_manager, migrate

    database.install_sqlite_hooks()
    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(PROJECT_ROOT, "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "basic"
    login_manager.user_loader(session_user)
    login_manager.request_loader(token_user)  # Authorization: Bearer, for /api/ only


def _register_blueprints(app: Flask) -> None:
    from annotator.adjudication.views import bp as adjudication
    from annotator.admin.views import bp as admin
    from annotator.agreement.views import bp as agreement
    from annotator.annotations.views import bp as annotations
    from annotator.api.views import init_api
    from annotator.articles.views import bp as articles
    from annotator.auth.views import bp as auth
    from annotator.claims.views import bp as claims
    from annotator.exports.views import bp as exports
    from annotator.main.views import bp as main
    from annotator.outlets.views import bp as outlets
    from annotator.queues.views import bp as queues
    from annotator.verdicts.views import bp as verdicts

    for blueprint in (main, auth, articles, annotations, queues, admin, agreement, adjudication,
                      verdicts, outlets, exports, claims):
        app.register_blueprint(blueprint)
    init_api(app)  # the /api blueprints, registered through flask-smorest for the spec


def _register_cli(app: Flask) -> None:
    from annotator.agreement.cli import agreement_cli
    from annotator.articles.cli import COMMANDS as ARTICLE_COMMANDS
    from annotator.auth.cli import COMMANDS as AUTH_COMMANDS
    from annotator.claims.cli import claims_cli
    from annotator.demo.cli import COMMANDS as DEMO_COMMANDS
    from annotator.exports.cli import export_cli
    from annotator.queues.cli import queue_cli

    for command in AUTH_COMMANDS + ARTICLE_COMMANDS + DEMO_COMMANDS:
        app.cli.add_command(command)
    for group in (queue_cli, agreement_cli, export_cli, claims_cli):
        app.cli.add_command(group)


def _init_web(app: Flask) -> None:
    from annotator.errors import init_errors
    from annotator.formatting import register_filters
    from annotator.navigation import nav_items
    from annotator.security import init_security
    from annotator.vocabulary import DECISIONS

    init_security(app)
    init_errors(app)
    register_filters(app.jinja_env)

    @app.context_processor
    def _globals() -> dict[str, Any]:
        return {"app_version": __version__, "nav_items": nav_items, "decisions": DECISIONS}


def _trust_proxies(app: Flask) -> None:
    """Take the client's address and scheme from the headers TRUSTED_PROXIES proxies set."""
    from werkzeug.middleware.proxy_fix import ProxyFix

    proxies = app.config["TRUSTED_PROXIES"]
    if proxies > 0:
        # What a TLS proxy sets: the client's address (the login throttle counts per address)
        # and the scheme. The Host is the one the proxy passes on, as without a proxy.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
