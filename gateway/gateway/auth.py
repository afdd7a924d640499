"""Who is asking: staff (bearer token or staff session cookie) and portal contacts.

The JSON API takes `Authorization: Bearer`; pages keep the same token in the signed session
cookie. Who a token is comes from the owning service (`accounts.authenticate`,
`portal.resolve_session`), remembered per process for a few seconds (session_cache.py); the
services' revocation events evict it at once, so a revoked token or a disabled portal stops
working at once (revocations.py).
"""
import re
from functools import wraps
from urllib.parse import urlsplit

import flask_babel
from flask import current_app, g, redirect, request, session, url_for

from portico_kit.errors import ServiceError

from .calls import bearer_token, call
from .errors import ApiError
from .idempotency import run_idempotently

STAFF_KEY = "staff_token"
PORTAL_KEY = "portal_tokens"


def _cache():
    return current_app.extensions["portico.session_cache"]


def authenticate(token):
    """The staff actor of a bearer/session token (401 when revoked or expired)."""
    return _cache().resolve("staff", token, load=lambda: call("accounts", "authenticate", token))


def resolve_session(portal_name, token):
    """{actor, contact, portal} of a portal session token (401 when ended)."""
    return _cache().resolve("portal", token, portal_name,
                            load=lambda: call("portal", "resolve_session", portal_name, token))


# Calls after which the caller's cached actor is out of date here (the services' events tell the
# other gateway processes): what tags of the caller to evict; logouts forget the token itself.
CHANGES_ACTOR = {
    ("accounts", "update_profile"): "user",
    ("accounts", "update_organization"): "org",
    ("accounts", "update_branding"): "org",
    ("portal", "update_preferences"): "org",
    ("customers", "update_profile"): "contact",
    ("portal", "remember_contact_language"): "contact",
}
LOGOUTS = {("accounts", "logout"): "staff", ("portal", "logout"): "portal"}
# Staff revocations made through this process: evicted here at once (the reply comes back before
# the service's event is published); (tag, index of the argument that names it)
REVOKES = {("portal", "disable_portal"): ("customer", 1), ("portal", "disable_contact"): ("contact", 2)}


def after_call(service, method, args):
    """calls.call's hook: keep this process's cache true to what this request just changed."""
    if (service, method) not in CHANGES_ACTOR and (service, method) not in LOGOUTS:
        revoked = REVOKES.get((service, method))
        if revoked and len(args) > revoked[1]:
            _cache().evict((revoked[0], str(args[revoked[1]])))
        return
    kind = LOGOUTS.get((service, method))
    if kind and args:
        _cache().forget(kind, args[0])
        return
    tag = CHANGES_ACTOR.get((service, method))
    actor = g.get("actor") if tag else None
    if actor:
        value = actor.get({"user": "user_id", "org": "org_id", "contact": "contact_id"}[tag])
        if value:
            _cache().evict((tag, str(value)))


def staff_api(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        token = bearer_token()
        if not token:
            raise ApiError(401, "unauthorized", "Send Authorization: Bearer <token> (from /api/v1/login).")
        signed_in(authenticate(token))
        return run_idempotently(view, args, kwargs)
    wrapper.takes_idempotency_key = True  # its POSTs: the spec documents the header (api/openapi.py)
    return wrapper


def staff_page(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        token = session.get(STAFF_KEY)
        if not token:
            return redirect(url_for("staff.login", next=request.full_path))
        try:
            signed_in(authenticate(token))
        except ServiceError as exc:
            if exc.status != 401:
                raise
            session.pop(STAFF_KEY, None)
            return redirect(url_for("staff.login", next=request.full_path))
        return view(*args, **kwargs)
    return wrapper


def portal_api(view):
    @wraps(view)
    def wrapper(portal_name, *args, **kwargs):
        token = bearer_token()
        if not token:
            raise ApiError(401, "unauthorized", "Send Authorization: Bearer <token> (from .../api/v1/login).")
        g.portal = resolve_session(portal_name, token)
        signed_in(g.portal["actor"])
        return run_idempotently(view, (portal_name, *args), kwargs)
    wrapper.takes_idempotency_key = True
    return wrapper


def portal_page(view):
    @wraps(view)
    def wrapper(portal_name, *args, **kwargs):
        token = session.get(PORTAL_KEY, {}).get(portal_name)
        if token:
            try:
                g.portal = resolve_session(portal_name, token)
                signed_in(g.portal["actor"])
                return view(portal_name, *args, **kwargs)
            except ServiceError as exc:
                if exc.status != 401:
                    raise
                forget_portal_token(portal_name)
        return redirect(url_for("portal_pages.login", portal_name=portal_name, next=request.full_path))
    return wrapper


def signed_in(actor):
    """The request's actor; from now on the page speaks their language (see i18n.py)."""
    g.actor = actor
    g.pop("reader", None)
    flask_babel.refresh()


def remember_portal_token(portal_name, token):
    tokens = dict(session.get(PORTAL_KEY, {}))
    tokens[portal_name] = token
    session[PORTAL_KEY] = tokens


def forget_portal_token(portal_name):
    tokens = dict(session.get(PORTAL_KEY, {}))
    token = tokens.pop(portal_name, None)
    session[PORTAL_KEY] = tokens
    return token


def safe_next(target, default):
    """Only a path on this site: never redirect a sign-in to someone else's site.

    Normalized the way browsers read a Location: they drop ASCII tab, LF and CR anywhere and take
    `\\` for `/`, so `/\t/evil.example` is `//evil.example`, a link to another host. What is
    left must parse (urllib) as a bare path: no scheme, no host, not starting with `//`.
    """
    if not target:
        return default
    cleaned = re.sub(r"[\t\n\r]", "", target).replace("\\", "/")
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in cleaned):
        return default
    try:
        parts = urlsplit(cleaned)
    except ValueError:
        return default
    if parts.scheme or parts.netloc or not cleaned.startswith("/") or cleaned.startswith("//"):
        return default
    return cleaned.rstrip("?")
