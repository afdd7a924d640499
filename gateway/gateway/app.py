"""The Flask app factory: `gunicorn "gateway.app:create_app()"` (see gunicorn.conf.py)."""
import importlib
import logging
import pkgutil
import time

from flask import Flask, g, redirect, request, url_for
from flask_wtf.csrf import CSRFProtect

from portico_kit import tracing as kit_tracing

from . import api, errors, i18n, metrics, revocations, tracing, web
from .rpc import RpcClient
from .session_cache import SessionCache
from .settings import Settings
from .web import filters, navigation


def blueprints(package):
    """Every `bp` of the package's modules: an area adds a module, not a line here."""
    found = []
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        if hasattr(module, "bp"):
            found.append(module.bp)
    return found


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
    app.extensions["portico.rpc"] = rpc_client or RpcClient(
        settings.amqp_uri, settings.rpc_timeout, consumer_check_seconds=settings.consumer_check_seconds)

    cache = SessionCache(settings.session_cache_seconds, settings.session_cache_size)
    app.extensions["portico.session_cache"] = cache
    if rpc_client is None and settings.session_cache_seconds > 0:
        revocations.start(app, settings, cache)  # the cache answers only while it consumes

    kit_tracing.setup("gateway")  # OpenTelemetry export, only when OTEL_EXPORTER_OTLP_ENDPOINT is set
    tracing.register(app)  # first: every later hook and log line knows the request id
    csrf = CSRFProtect(app)
    for blueprint in blueprints(api):
        csrf.exempt(blueprint)  # bearer tokens, never cookies: nothing for CSRF to ride on
        app.register_blueprint(blueprint)
    for blueprint in blueprints(web):
        app.register_blueprint(blueprint)
    i18n.register(app)
    filters.register(app)
    navigation.register(app)
    errors.register(app)

    @app.get("/")
    def root():
        return redirect("/app/")

    @app.get("/favicon.ico")
    def favicon():  # what browsers ask for on their own (pages link the SVG): no 404 in every log
        return redirect(url_for("static", filename="favicon.svg"), code=301)

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
