"""Following one request across services.

The gateway gives every HTTP request an id (X-Request-ID) and sends it, with the organization and
the trace context, as nameko context data: AMQP headers `nameko.request_id`, `nameko.org_id`,
`nameko.traceparent`. nameko copies a worker's context data onto every RPC it makes, and the outbox
copies the request id and org id onto every event it publishes, so the ids reach every service
the request touches. `RequestContext` (mixed into every service through HealthMixin) binds them
for the worker's log lines and writes one line per RPC call or event handled.

OpenTelemetry export is off unless OTEL_EXPORTER_OTLP_ENDPOINT is set (OTLP over HTTP): then the
gateway's HTTP requests, its RPC calls, each service's handling and its SQL statements become spans
of one trace.
"""
import logging
import time
import weakref

from nameko.events import EventHandler
from nameko.extensions import DependencyProvider
from nameko.rpc import Rpc
from sqlalchemy import event

from . import config, logs
from .errors import ServiceError

log = logging.getLogger("portico.calls")
_provider = None  # the TracerProvider once export is on


# -- OpenTelemetry (optional) --------------------------------------------------------------------

def setup(service_name, exporter=None):
    """Turn export on for this process when OTEL_EXPORTER_OTLP_ENDPOINT is set, or to `exporter`
    (tests: an InMemorySpanExporter). Returns whether tracing is on."""
    global _provider
    if _provider is not None:
        return True
    if exporter is None and not config.env("OTEL_EXPORTER_OTLP_ENDPOINT"):
        return False
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor
    provider = TracerProvider(resource=Resource.create({"service.name": config.env("OTEL_SERVICE_NAME", service_name)}))
    if exporter is None:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))  # reads the OTEL_* variables
    else:
        provider.add_span_processor(SimpleSpanProcessor(exporter))
    _provider = provider
    return True


def enabled():
    return _provider is not None


def shutdown():
    """Flush and turn export off again (tests)."""
    global _provider
    if _provider is not None:
        _provider.shutdown()
    _provider = None


def tracer():
    return _provider.get_tracer("portico")


def start_span(name, kind, parent_carrier=None, attributes=None):
    """(span, token): a span made current in this thread or greenthread; `finish` ends it."""
    from opentelemetry import context, propagate, trace
    parent = propagate.extract(parent_carrier) if parent_carrier else None
    span = tracer().start_span(name, context=parent, kind=getattr(trace.SpanKind, kind), attributes=attributes)
    token = context.attach(trace.set_span_in_context(span))
    return span, token


def finish(span, token, error=None):
    from opentelemetry import context
    from opentelemetry.trace import Status, StatusCode
    if error is not None:
        span.set_status(Status(StatusCode.ERROR, str(error)))
    span.end()
    context.detach(token)


def carrier():
    """The current trace context as {"traceparent": ...} (empty when tracing is off)."""
    if not enabled():
        return {}
    from opentelemetry import propagate
    found = {}
    propagate.inject(found)
    return {key: value for key, value in found.items() if key == "traceparent"}


def instrument_engine(engine):
    """A span per SQL statement, child of whatever span is current (no-op when tracing is off)."""
    if not enabled():
        return

    @event.listens_for(engine, "before_cursor_execute")
    def _start(conn, cursor, statement, parameters, context, executemany):
        if not enabled():
            return
        from opentelemetry import trace
        context._portico_span = tracer().start_span(
            statement.split(None, 1)[0].upper() if statement else "SQL", kind=trace.SpanKind.CLIENT,
            attributes={"db.system": engine.dialect.name, "db.statement": statement[:2000]})

    @event.listens_for(engine, "after_cursor_execute")
    def _end(conn, cursor, statement, parameters, context, executemany):
        span = getattr(context, "_portico_span", None)
        if span is not None:
            span.end()

    @event.listens_for(engine, "handle_error")
    def _failed(exception_context):
        span = getattr(exception_context.execution_context, "_portico_span", None)
        if span is not None:
            from opentelemetry.trace import Status, StatusCode
            span.set_status(Status(StatusCode.ERROR, str(exception_context.original_exception)))
            span.end()


# -- the service side -----------------------------------------------------------------------------

def outcome_of(exc):
    if exc is None:
        return "ok"
    return exc.code if isinstance(exc, ServiceError) else exc.__class__.__name__


class RequestContext(DependencyProvider):
    """Binds the caller's request id and org id for the worker's log lines, logs each call, and
    (with tracing on) makes each RPC or event a span under the caller's."""

    def setup(self):
        self.started = weakref.WeakKeyDictionary()

    def worker_setup(self, worker_ctx):
        data = worker_ctx.data
        org_id = data.get("org_id") or _org_of_arguments(worker_ctx.args)
        logs.bind(service=self.container.service_name, request_id=data.get("request_id"), org_id=org_id)
        kind = _kind(worker_ctx.entrypoint)
        if kind is None:
            return
        span = None
        if enabled():
            span = start_span(f"{self.container.service_name}.{worker_ctx.entrypoint.method_name}",
                              "SERVER" if kind == "rpc" else "CONSUMER", parent_carrier=data,
                              attributes={"rpc.system": "nameko", "rpc.service": self.container.service_name,
                                          "rpc.method": worker_ctx.entrypoint.method_name})
            # calls this worker makes carry its span as their parent
            data.update(carrier())
        self.started[worker_ctx] = (kind, time.monotonic(), span)

    def worker_result(self, worker_ctx, result=None, exc_info=None):
        started = self.started.pop(worker_ctx, None)
        if started is None:
            return
        kind, began, span = started
        exc = exc_info[1] if exc_info else None
        log.info("%s %s.%s %s %.1f ms", kind, self.container.service_name, worker_ctx.entrypoint.method_name,
                 outcome_of(exc), (time.monotonic() - began) * 1000)
        if span is not None:
            failed = exc is not None and not (isinstance(exc, ServiceError) and exc.status < 500)
            finish(*span, error=exc if failed else None)

    def worker_teardown(self, worker_ctx):
        logs.clear()


def _kind(entrypoint):
    if isinstance(entrypoint, Rpc):
        return "rpc"
    if isinstance(entrypoint, EventHandler):
        return "event"
    return None  # timers: heartbeat, outbox relay


def _org_of_arguments(args):
    """The actor (first argument of tenant RPCs) or an event envelope names the organization."""
    first = args[0] if args else None
    return first.get("org_id") if isinstance(first, dict) else None


def event_headers(envelope):
    """AMQP headers for an event: the request id and org id it was made under, as context data."""
    values = {"request_id": envelope.get("request_id"), "org_id": envelope.get("org_id")}
    return {f"nameko.{key}": value for key, value in values.items() if value}
