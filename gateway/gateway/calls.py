"""Request helpers shared by the blueprints: RPC access, JSON bodies, query parameters."""
import contextlib
import contextvars

from flask import current_app, request

from .errors import ApiError
from .tracing import rpc_span


_timeout_cap = contextvars.ContextVar("rpc_timeout_cap", default=None)


def call(service, method, *args, **kwargs):
    cap = _timeout_cap.get()
    if cap is not None:
        kwargs["timeout"] = min(kwargs.get("timeout") or cap, cap)
    with rpc_span(service, method):
        return current_app.extensions["portico.rpc"].call(service, method, *args, **kwargs)


@contextlib.contextmanager
def timeout_cap(seconds):
    """Calls made inside wait at most `seconds` each: a part of a page that may be left out."""
    token = _timeout_cap.set(seconds)
    try:
        yield
    finally:
        _timeout_cap.reset(token)


def settings():
    return current_app.extensions["portico.settings"]


def json_body(allow_empty=False):
    """The request's JSON object, or a 400 in the API's error format."""
    if allow_empty and not request.get_data(cache=True):
        return {}
    if not request.is_json:
        raise ApiError(400, "invalid_json", "Send a JSON body with Content-Type: application/json.")
    data = request.get_json(silent=True)
    if data is None:
        raise ApiError(400, "invalid_json", "The body is not valid JSON.")
    if not isinstance(data, dict):
        raise ApiError(400, "invalid_body", "The body must be a JSON object.")
    return data


def page_args():
    return request.args.get("page", 1), request.args.get("per_page", 50)


def bearer_token():
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None
