"""The Flask app factory: `gunicorn "gateway.app:create_app()"` (see gunicorn.conf.py)."""
import logging
import time

from flask import Flask, g, redirect, request
from flask_wtf.csrf import CSRFProtect

from . import errors, metrics
from .api import accounts, customers, notifications, openapi, ops, portal as portal_api, settings as settings_api
from .rpc import RpcClient
from .settings import Settings
from .web import filters, portal as portal_pages, staff

API_BLUEPRINTS = (accounts.bp, settings_api.bp, customers.bp, notifications.bp, portal_api.bp, openapi.bp, ops.bp)
PAGE_BLUEPRINTS = (staff.bp, portal_pages.bp)


def create_app(settings=None, rpc_client=None):
    settings = settings or Settings()
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=settings.secret_key,
        SESSION_COOKIE_NAME="portico_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        MAX_CONTENT_LENGTH=1024 * 1024,
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session
        WTF_CSRF_SSL_STRICT=False,
    )
    app.json.sort_keys = False
    app.extensions["portico.settings"] = settings
    app.extensions["portico.rpc"] = rpc_client or RpcClient(settings.amqp_uri, settings.rpc_timeout)

    csrf = CSRFProtect(app)
    for blueprint in API_BLUEPRINTS:
        csrf.exempt(blueprint)  # bearer tokens, never cookies: nothing for CSRF to ride on
        app.register_blueprint(blueprint)
    for blueprint in PAGE_BLUEPRINTS:
        app.register_blueprint(blueprint)
    filters.register(app)
    errors.register(app)

    @app.get("/")
    def root():
        return redirect("/app/")

    @app.before_request
    def start_timer():
        g.started = time.monotonic()

    @app.after_request
    def finish(response):
        route = request.url_rule.rule if request.url_rule else "unmatched"
        if "started" in g:
            metrics.observe_request(request.method, route, response.status_code, time.monotonic() - g.started)
        headers = response.headers
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")  # invitation links never leave the site
        headers.setdefault("Content-Security-Policy",
                           "default-src 'self'; img-src 'self' data:; style-src 'self'; form-action 'self'; "
                           "frame-ancestors 'none'")
        if not request.path.startswith("/static/"):
            headers.setdefault("Cache-Control", "no-store")
        return response

    logging.getLogger("gateway").setLevel(logging.INFO)
    return app
