"""The request id and org id ride along every RPC and event into every service's log lines."""
import json
import logging

import pytest
from nameko.rpc import rpc
from nameko.standalone.rpc import ClusterRpcProxy
from sqlalchemy import create_engine
from sqlalchemy.orm import DeclarativeBase

from portico_kit import logs
from portico_kit.db import Database
from portico_kit.messaging import OutboxDispatcher, OutboxEventMixin, ProcessedEventMixin, first_delivery, on_event
from portico_kit.rpc import TimedRpcProxy
from portico_kit.tracing import RequestContext
from portico_kit.testing.waiting import wait_until as wait_for


class Base(DeclarativeBase):
    pass


class OutboxEvent(OutboxEventMixin, Base):
    """Back's outbox; the listener remembers what it handled in ProcessedEvent."""


class ProcessedEvent(ProcessedEventMixin, Base):
    pass


ENVELOPES = []


class Front:
    name = "trace_front"
    request_context = RequestContext()
    back = TimedRpcProxy("trace_back")

    @rpc
    def relay(self, actor, note_id):
        logging.getLogger("trace_front").info("passing %s on", note_id)
        return self.back.add(actor, note_id)


class Back:
    name = "trace_back"
    request_context = RequestContext()
    db = Database()
    events = OutboxDispatcher(OutboxEvent)

    @rpc
    def add(self, actor, note_id):
        self.events("note_added", {"id": note_id}, actor=actor)
        self.db.commit()
        return note_id


class Listener:
    name = "trace_listener"
    request_context = RequestContext()
    db = Database()

    @on_event("trace_back", "note_added")
    def on_trace_back_note_added(self, event):
        if first_delivery(self.db, ProcessedEvent, event, "on_trace_back_note_added"):
            ENVELOPES.append(event)
            logging.getLogger("trace_listener").info("heard of %s", event["data"]["id"])
            self.db.commit()


class Collect(logging.Handler):
    def __init__(self):
        super().__init__()
        self.addFilter(logs.ContextFilter())
        self.records = []

    def emit(self, record):
        self.records.append(record)

    def lines(self, request_id):
        return [(r.service, r.org_id, r.getMessage()) for r in self.records if r.request_id == request_id]


@pytest.fixture
def collected():
    handler, root = Collect(), logging.getLogger()
    previous_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    ENVELOPES.clear()
    yield handler
    root.removeHandler(handler)
    root.setLevel(previous_level)


def database(tmp_path, name):
    url = f"sqlite:///{tmp_path}/{name}.db"
    engine = create_engine(url)
    Base.metadata.create_all(engine)
    engine.dispose()
    return url


def test_request_id_and_org_reach_every_hop_and_the_event(container_factory, rabbit_config, tmp_path, collected):
    for cls in (Front, Back, Listener):
        container_factory(cls, dict(rabbit_config, DATABASE_URL=database(tmp_path, cls.name))).start()
    actor = {"kind": "staff", "org_id": "org-7", "user_id": "u-1"}
    with ClusterRpcProxy(rabbit_config, context_data={"request_id": "req-abc", "org_id": "org-7"}) as cluster:
        assert cluster.trace_front.relay(actor, "n1") == "n1"
    assert wait_for(lambda: ENVELOPES)
    assert ENVELOPES[0]["request_id"] == "req-abc"
    expected = ("rpc trace_front.relay ok ", "rpc trace_back.add ok ", "event trace_listener.")
    # each call's line is written once its reply is out: wait for all of them
    assert wait_for(lambda: all(any(m.startswith(e) for _, _, m in collected.lines("req-abc")) for e in expected))
    lines = collected.lines("req-abc")
    messages = [message for _, _, message in lines]
    assert ("trace_front", "org-7", "passing n1 on") in lines
    assert any(m.startswith("rpc trace_front.relay ok ") for m in messages), messages
    assert any(m.startswith("rpc trace_back.add ok ") for m in messages), "carried through a service-to-service RPC"
    assert ("trace_listener", "org-7", "heard of n1") in lines, "carried through the event"
    assert all(org == "org-7" for _, org, _ in lines)


def test_without_a_caller_context_the_org_comes_from_the_actor(container_factory, rabbit_config, tmp_path,
                                                                 collected):
    container_factory(Back, dict(rabbit_config, DATABASE_URL=database(tmp_path, "b"))).start()
    with ClusterRpcProxy(rabbit_config) as cluster:
        cluster.trace_back.add({"kind": "staff", "org_id": "org-8"}, "n2")

    def logged():  # written once the reply is out
        return [r for r in collected.records if r.getMessage().startswith("rpc trace_back.add")]
    assert wait_for(logged)
    [record] = logged()
    assert (record.service, record.org_id, record.request_id) == ("trace_back", "org-8", None)


def test_json_log_lines_carry_service_request_org_and_level(monkeypatch):
    monkeypatch.setenv("LOG_FORMAT", "json")
    config = logs.logging_config("billing")
    assert config["handlers"]["console"]["formatter"] == "json"
    record = logging.LogRecord("billing.invoices", logging.WARNING, __file__, 1, "invoice %s late", ("INV-1",), None)
    logs.bind(service="billing", request_id="req-1", org_id="org-1")
    try:
        logs.ContextFilter().filter(record)
    finally:
        logs.clear()
    line = json.loads(logs.JsonFormatter().format(record))
    assert {k: line[k] for k in ("level", "service", "request_id", "org_id", "message", "logger")} == {
        "level": "WARNING", "service": "billing", "request_id": "req-1", "org_id": "org-1",
        "message": "invoice INV-1 late", "logger": "billing.invoices"}
    monkeypatch.setenv("LOG_FORMAT", "text")
    assert logs.logging_config("billing")["handlers"]["console"]["formatter"] == "plain"
