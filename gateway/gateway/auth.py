"""Who is asking: staff (bearer token or staff session cookie) and portal contacts.

The JSON API takes `Authorization: Bearer`; pages keep the same token in the signed session
cookie. Every request is checked against the owning service, so a revoked token or a disabled
portal stops working at once.
"""
import re
from functools import wraps
from urllib.parse import urlsplit

import flask_babel
from flask import g, redirect, request, session, url_for

from portico_kit.errors import ServiceError

from .calls import bearer_token, call
from .errors import ApiError
from .idempotency import run_idempotently

STAFF_KEY = "staff_token"
PORTAL_KEY = "portal_tokens"


def staff_api(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        token = bearer_token()
        if not token:
            raise ApiError(401, "unauthorized", "Send Authorization: Bearer <token> (from /api/v1/login).")
        signed_in(call("accounts", "authenticate", token))
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
            signed_in(call("accounts", "authenticate", token))
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
        g.portal = call("portal", "resolve_session", portal_name, token)
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
                g.portal = call("portal", "resolve_session", portal_name, token)
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
