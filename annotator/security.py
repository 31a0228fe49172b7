"""Closed-by-default access control, role checks and security headers."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlsplit

from flask import Flask, abort, redirect, request, url_for
from flask_login import current_user

# Endpoints anyone may reach; everything else requires a logged-in user.
PUBLIC_ENDPOINTS = {"static", "auth.login", "main.health", "api_docs.openapi",
                    "api_docs.docs_page"}
# Endpoints a user who must change a one-time password may still reach.
PASSWORD_CHANGE_ENDPOINTS = {"static", "auth.change_password", "auth.logout", "main.health"}

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)


def wants_json() -> bool:
    """Return whether the client asked for JSON rather than a page."""
    if request.is_json or request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    accepted = request.accept_mimetypes
    return best == "application/json" and accepted[best] > accepted["text/html"]


def is_safe_next(target: str | None) -> bool:
    """Return whether a `next` URL stays on this site (a path, not another host)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return False
    if "\\" in target or any(ord(ch) < 32 for ch in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def role_required(*roles: str) -> Callable:
    """Restrict a view to users holding one of the roles (admin implies lead)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                abort(401)
            if not current_user.has_role(*roles):
                abort(403, description="This page needs the role: " + " or ".join(roles) + ".")
            return view(*args, **kwargs)

        wrapped.required_roles = roles  # read by the route matrix test
        return wrapped

    return decorator


def require_role_for_blueprint(bp, *roles: str) -> None:
    """Gate every route of a blueprint to the roles, once, in before_request."""

    @bp.before_request
    def _check_role():
        if not current_user.is_authenticated:
            abort(401)
        if not current_user.has_role(*roles):
            abort(403, description="This area needs the role: " + " or ".join(roles) + ".")


def init_security(app: Flask) -> None:
    """Install the login-by-default check and the security headers."""

    @app.before_request
    def _require_login():
        endpoint = request.endpoint
        if endpoint is None or endpoint in PUBLIC_ENDPOINTS:
            return None
        if not current_user.is_authenticated:
            if wants_json() or request.method != "GET":
                abort(401)
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        if current_user.must_change_password and endpoint not in PASSWORD_CHANGE_ENDPOINTS:
            if wants_json():
                abort(403, description="Change your one-time password first.")
            return redirect(url_for("auth.change_password"))
        return None

    @app.after_request
    def _headers(response):
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        if request.endpoint != "static":
            # Labels are private to their reviewer: keep pages out of shared caches.
            response.headers.setdefault("Cache-Control", "no-store")
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers.setdefault(
                "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
            )
        return response
