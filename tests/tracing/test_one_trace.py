"""OpenTelemetry: one trace from the gateway's HTTP request through its RPC into the service and its SQL."""
import eventlet
import pytest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from accounts.service import AccountsService
from gateway.app import create_app
from gateway.rpc import RpcClient
from gateway.settings import Settings
from portico_kit import tracing


@pytest.fixture
def exporter():
    spans = InMemorySpanExporter()
    tracing.setup("portico-test", exporter=spans)
    yield spans
    tracing.shutdown()


def test_signup_is_one_trace_across_gateway_and_accounts(exporter, start_service, rabbit_config):
    start_service(AccountsService, "accounts")
    app = create_app(Settings(secret_key="test", public_url="http://portico.test"),
                     rpc_client=RpcClient(rabbit_config["AMQP_URI"], timeout=10))
    response = app.test_client().post("/api/v1/signup", json={
        "organization_name": "Traced Ltd", "name": "Tia", "email": "tia@traced.test", "password": "long enough"})
    assert response.status_code == 201

    # the service ends its span after it has replied
    for _ in range(200):
        spans = {span.name: span for span in exporter.get_finished_spans()}
        if "accounts.signup" in spans:
            break
        eventlet.sleep(0.05)
    http, client, server = spans["POST /api/v1/signup"], spans["rpc accounts.signup"], spans["accounts.signup"]
    sql = [s for s in exporter.get_finished_spans() if s.attributes.get("db.system") == "sqlite"
           and s.parent is not None and s.parent.span_id == server.context.span_id]
    assert (http.kind, client.kind, server.kind) == (SpanKind.SERVER, SpanKind.CLIENT, SpanKind.SERVER)
    assert {http.context.trace_id, client.context.trace_id, server.context.trace_id} == {http.context.trace_id}
    assert client.parent.span_id == http.context.span_id
    assert server.parent.span_id == client.context.span_id, "the service continues the gateway's trace"
    assert any(s.name == "INSERT" for s in sql), [s.name for s in sql]
    assert all(s.context.trace_id == http.context.trace_id for s in sql)
    assert http.attributes["http.status_code"] == 201


def test_a_caller_trace_is_continued(exporter, rabbit_config):
    app = create_app(Settings(secret_key="test", public_url="http://portico.test"),
                     rpc_client=RpcClient(rabbit_config["AMQP_URI"], timeout=10))
    parent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    assert app.test_client().get("/healthz", headers={"traceparent": parent}).status_code == 200
    [span] = [s for s in exporter.get_finished_spans() if s.name == "GET /healthz"]
    assert format(span.context.trace_id, "032x") == "0af7651916cd43dd8448eb211c80319c"
