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
    try:
        with rpc_span(service, method):
            return current_app.extensions["portico.rpc"].call(service, method, *args, **kwargs)
    finally:  # also when it failed: a timed-out update or logout may still have happened
        from .auth import after_call  # here: auth imports this module
        after_call(service, method, args)


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
    try:
        data = request.get_json(silent=True)
    except RecursionError:  # "[[[[..." thousands deep: the parser gives up before we can look
        data = None
    if data is None:
        raise ApiError(400, "invalid_json", "The body is not valid JSON.")
    if not isinstance(data, dict):
        raise ApiError(400, "invalid_body", "The body must be a JSON object.")
    problem = _json_problem(data)
    if problem:
        raise ApiError(400, "invalid_json", problem)
    return data


MAX_JSON_DEPTH = 20


def _json_problem(value, depth=0):
    """Why a parsed body cannot go on to a service, or None: nesting no request of ours needs, or
    a lone surrogate (`"\ud800"`: valid JSON, but no UTF-8 text, so it could never be sent on)."""
    if depth > MAX_JSON_DEPTH:
        return f"The body is nested more than {MAX_JSON_DEPTH} levels deep."
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return "The body contains text that is not valid Unicode (a lone surrogate)."
        return None
    items = value.items() if isinstance(value, dict) else value if isinstance(value, list) else ()
    for item in items:
        for part in (item if isinstance(value, dict) else (item,)):
            problem = _json_problem(part, depth + 1)
            if problem:
                return problem
    return None


def page_args():
    return request.args.get("page", 1), request.args.get("per_page", 50)


def bearer_token():
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None
