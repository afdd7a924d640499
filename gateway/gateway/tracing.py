"""X-Request-ID and traces at the edge.

Every request gets an id: the caller's `X-Request-ID` when it is a sane token, else a new one. It
is returned on every response, bound to the gateway's log lines, and sent with every RPC as nameko
context data (with the organization and, when OpenTelemetry export is on, the trace context), so
the services' log lines carry it too (portico_kit.tracing).
"""
import contextlib
import re
import uuid

from flask import g, has_request_context, request

from portico_kit import logs, tracing
from portico_kit.errors import ServiceError

HEADER = "X-Request-ID"
# what we accept from outside: no spaces or quotes that could forge a log line, bounded length
ACCEPTED = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:=+/-]{0,127}")


def request_id_from(header_value):
    value = (header_value or "").strip()
    return value if ACCEPTED.fullmatch(value) else uuid.uuid4().hex


def call_context():
    """nameko context data for an RPC made while handling the current request."""
    if not has_request_context() or "request_id" not in g:
        return dict(tracing.carrier())
    actor = g.get("actor") or {}
    org_id = actor.get("org_id") if isinstance(actor, dict) else None
    if org_id:
        logs.bind(service="gateway", request_id=g.request_id, org_id=org_id)
    data = {"request_id": g.request_id, "org_id": org_id}
    data.update(tracing.carrier())
    return {key: value for key, value in data.items() if value}


@contextlib.contextmanager
def rpc_span(service, method):
    """A client span around one RPC (only when tracing is on)."""
    if not tracing.enabled():
        yield
        return
    span = tracing.start_span(f"rpc {service}.{method}", "CLIENT",
                              attributes={"rpc.system": "nameko", "rpc.service": service, "rpc.method": method})
    error = None
    try:
        yield
    except ServiceError as exc:
        error = exc if exc.status >= 500 else None
        raise
    except Exception as exc:
        error = exc
        raise
    finally:
        tracing.finish(*span, error=error)


def register(app):
    @app.before_request
    def take_request_id():
        g.request_id = request_id_from(request.headers.get(HEADER))
        logs.bind(service="gateway", request_id=g.request_id)
        if tracing.enabled():
            g.trace_span = tracing.start_span(f"{request.method} {request.url_rule.rule if request.url_rule else request.path}",
                                              "SERVER", parent_carrier=request.headers,
                                              attributes={"http.method": request.method, "http.target": request.path})

    @app.after_request
    def return_request_id(response):
        response.headers[HEADER] = g.get("request_id") or request_id_from(None)
        span = g.get("trace_span")
        if span is not None:
            span[0].set_attribute("http.status_code", response.status_code)
        return response

    @app.teardown_request
    def forget_request(exc):
        span = g.pop("trace_span", None)
        if span is not None:
            tracing.finish(*span, error=exc)
        logs.clear()
