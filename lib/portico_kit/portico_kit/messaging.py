"""Events that are not lost and not handled twice.

- The envelope every event carries: {event_id, event_type, version, occurred_at, org_id, actor, data,
  request_id} (request_id: the request it was made under, also sent as nameko context data).
- Outbox: a service writes its events into its own `outbox_events` table in the same transaction as
  the change (`self.events(...)`). After the worker ends they are published at once; a timer relays
  whatever a crash or a broker outage left behind. Delivery is therefore at least once.
- Inbox side: `first_delivery()` records `event_id` per handler in the handler's transaction, so a
  redelivered event changes nothing.
- Retention, the same in every service: published outbox rows and remembered event ids older than
  EVENT_RETENTION_DAYS (30) are deleted hourly (`OutboxRelayMixin.prune_event_records`).
- Consuming: `@on_event(source, type)` is the one way, in every service. Its durable queues are
  quorum queues (replicated on a RabbitMQ cluster; EVENT_QUEUE_TYPE=classic for classic ones). A
  queue made earlier as a classic queue is used as it is (a warning says so): RabbitMQ cannot change
  a queue's type, only deleting it can.
- Publishing waits for the broker's confirm (nameko's Publisher uses publisher confirms), so an
  outbox row is marked published only once the broker (on a cluster: the quorum) has the event.
"""
import functools
import inspect
import logging
import uuid
import weakref
from datetime import timedelta

import eventlet
from amqp.exceptions import PreconditionFailed
from kombu import Connection, Exchange, Queue
from nameko.amqp.publish import Publisher
from nameko.constants import PERSISTENT
from nameko.events import EventHandler, SERVICE_POOL
from nameko.extensions import ENTRYPOINT_EXTENSIONS_ATTR, DependencyProvider
from nameko.standalone.events import get_event_exchange
from nameko.timer import timer
from sqlalchemy import JSON, DateTime, Integer, String, delete, select
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError
from sqlalchemy.orm import Mapped, mapped_column

from . import config, logs
from .db import Database, is_postgres
from .errors import ServiceTimeout, ServiceUnavailable
from .timeutil import iso, utcnow
from .tracing import event_headers

log = logging.getLogger(__name__)


def make_envelope(event_type, data, actor=None, org_id=None, version=1):
    return {
        "event_id": str(uuid.uuid4()),
        "event_type": event_type,
        "version": version,
        "occurred_at": iso(utcnow()),
        "org_id": org_id or (actor or {}).get("org_id"),
        "actor": actor,
        "data": data,
        "request_id": logs.current().get("request_id"),
    }


class OutboxEventMixin:
    """Mix into a service's declarative Base as `class OutboxEvent(OutboxEventMixin, Base)`."""
    __tablename__ = "outbox_events"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(36), unique=True)
    event_type: Mapped[str] = mapped_column(String(100))
    payload: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[object] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    published_at: Mapped[object] = mapped_column(DateTime(timezone=True), nullable=True, index=True)


class ProcessedEventMixin:
    """Mix in as `class ProcessedEvent(ProcessedEventMixin, Base)`: the consumer's memory of events."""
    __tablename__ = "processed_events"

    event_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    handler: Mapped[str] = mapped_column(String(120), primary_key=True)
    processed_at: Mapped[object] = mapped_column(DateTime(timezone=True), default=utcnow)


def first_delivery(session, model, envelope, handler):
    """Record that `handler` saw this event; False if it already did (the caller then returns).

    Call it first in the handler and commit it together with the handler's own changes.
    """
    event_id = (envelope or {}).get("event_id")
    if not event_id:
        log.warning("%s: event without event_id ignored: %r", handler, envelope)
        return False
    if session.get(model, (event_id, handler)) is not None:
        return False
    session.add(model(event_id=event_id, handler=handler))
    try:
        session.flush()
    except IntegrityError:  # a concurrent redelivery got there first
        session.rollback()
        return False
    return True


REQUEUE_PAUSE = config.env_float("EVENT_REQUEUE_PAUSE_SECONDS", 2.0)
RETENTION = timedelta(days=config.env_float("EVENT_RETENTION_DAYS", 30))
EVENT_QUEUE_TYPE = config.env("EVENT_QUEUE_TYPE", "quorum")


def event_queue_arguments():
    """The x-arguments of every event queue: quorum queues unless EVENT_QUEUE_TYPE=classic."""
    return {"x-queue-type": "quorum"} if EVENT_QUEUE_TYPE == "quorum" else {}


def _declare_or_keep(channel_of, queue):
    """Declare `queue`; one that exists with another type is kept as it is. False then."""
    try:
        queue.bind(channel_of()).declare()
        return True
    except PreconditionFailed:
        log.warning("event queue %s exists with another type than %r; using it as it is (delete it "
                    "while its service is stopped to have it made again)", queue.name, EVENT_QUEUE_TYPE)
        return False
# Failures that pass: another service down or slow, our database unreachable or busy.
TRANSIENT = (ServiceUnavailable, ServiceTimeout, OperationalError, InterfaceError)


def on_event(source_service, event_type):
    """A durable, pooled handler: one replica of the service gets each event; queued while down.

    An event whose handling failed for a passing reason (TRANSIENT) goes back to the queue after a
    pause and is handled again: handlers are idempotent through `first_delivery`, whose mark is
    rolled back with the failed work. Any other error is logged and the event dropped, so one bad
    event can never block its queue.
    """
    def decorate(handler):
        @functools.wraps(handler)
        def handle(self, event):
            try:
                return handler(self, event)
            except TRANSIENT as exc:
                log.warning("%s: %s; the event goes back to the queue", handler.__name__, exc)
                _rollback(self)
                eventlet.sleep(REQUEUE_PAUSE)  # do not spin while the other side is away
                raise
            except Exception:
                log.exception("%s: event dropped", handler.__name__)
                _rollback(self)
                return None
        return _EventHandler.decorator(source_service, event_type, handler_type=SERVICE_POOL,
                                       reliable_delivery=True, requeue_on_error=True)(handle)
    return decorate


class _EventHandler(EventHandler):
    """nameko's, on a queue of EVENT_QUEUE_TYPE, and an ack or requeue the broker cannot take
    (connection lost in a restart) is not fatal to the process: the broker redelivers the event."""

    def setup(self):
        super().setup()
        arguments = event_queue_arguments()
        if arguments:
            self.queue.queue_arguments = arguments
            try:
                with Connection(self.container.config["AMQP_URI"], connect_timeout=5) as connection:
                    if not _declare_or_keep(connection.channel, self.queue):
                        self.queue.queue_arguments = {}  # a classic queue from before: consume it as it is
            except Exception:  # the broker is away at start: the consumer declares once it is back
                log.debug("could not check event queue %s at setup", self.queue.name, exc_info=True)

    def handle_result(self, message, worker_ctx, result, exc_info):
        try:
            return super().handle_result(message, worker_ctx, result, exc_info)
        except Exception as exc:
            log.warning("%s: the event could not be acknowledged (%s: %s); the broker delivers it again",
                        worker_ctx.call_id, exc.__class__.__name__, exc)
            return result, exc_info


def _rollback(service):
    db = getattr(service, "db", None)
    if db is not None:
        try:
            db.rollback()
        except Exception:  # the connection itself is gone; the session is discarded with the worker
            log.debug("rollback failed", exc_info=True)


class OutboxDispatcher(DependencyProvider):
    """`self.events(event_type, data, actor=..., org_id=...)` adds an event to the worker's session.

    Nothing is published unless the worker committed it.
    """

    def __init__(self, model):
        self.model = model

    def setup(self):
        self.database = next(dep for dep in self.container.dependencies if isinstance(dep, Database))
        nameko_config = self.container.config
        self.exchange = get_event_exchange(self.container.service_name, nameko_config)
        self.publisher = Publisher(nameko_config["AMQP_URI"],
                                   serializer=nameko_config.get("serializer", "json"),
                                   declare=[self.exchange], delivery_mode=PERSISTENT,
                                   use_confirms=True)  # published = the broker (the quorum) has it
        self.pending = weakref.WeakKeyDictionary()

    def get_dependency(self, worker_ctx):
        return _Emitter(self, worker_ctx)

    def worker_result(self, worker_ctx, result=None, exc_info=None):
        event_ids = self.pending.pop(worker_ctx, None)
        session = self.database.session_for(worker_ctx)
        if not event_ids or session is None:
            return
        session.rollback()  # drop anything the worker left uncommitted: only committed events go out
        rows = session.scalars(select(self.model).where(self.model.event_id.in_(event_ids),
                                                        self.model.published_at.is_(None))).all()
        self._publish_rows(session, rows)

    def add(self, worker_ctx, event_type, data, actor=None, org_id=None):
        envelope = make_envelope(event_type, data, actor=actor, org_id=org_id)
        self.database.session_for(worker_ctx).add(
            self.model(event_id=envelope["event_id"], event_type=event_type, payload=envelope))
        self.pending.setdefault(worker_ctx, []).append(envelope["event_id"])
        return envelope

    def relay(self, session, older_than=timedelta(seconds=3), limit=200):
        """Publish what the worker path did not (crash, broker down). Returns how many went out."""
        query = (select(self.model)
                 .where(self.model.published_at.is_(None),
                        self.model.created_at <= utcnow() - older_than)
                 .order_by(self.model.seq).limit(limit))
        if is_postgres(session):
            query = query.with_for_update(skip_locked=True)  # replicas share the work
        rows = session.scalars(query).all()
        return self._publish_rows(session, rows)

    def prune(self, session, retention=None):
        """Delete published outbox rows and remembered event ids older than the retention
        (EVENT_RETENTION_DAYS): far past any redelivery. Returns (outbox rows, event ids) deleted."""
        before = utcnow() - (retention or RETENTION)
        published = session.execute(delete(self.model).where(self.model.published_at.is_not(None),
                                                              self.model.published_at < before)).rowcount
        seen = 0
        for mapper in self.model.registry.mappers:  # the service's ProcessedEvent, on the same Base
            if issubclass(mapper.class_, ProcessedEventMixin):
                seen += session.execute(delete(mapper.class_).where(mapper.class_.processed_at < before)).rowcount
        session.commit()
        return published, seen

    def _publish_rows(self, session, rows):
        published = 0
        try:
            for row in rows:
                self.publisher.publish(row.payload, exchange=self.exchange, routing_key=row.event_type,
                                       headers=event_headers(row.payload))
                row.published_at = utcnow()
                published += 1
        except Exception:  # broker unreachable: the relay timer tries again
            log.warning("outbox: publishing failed, %d left for the relay", len(rows) - published,
                        exc_info=True)
        finally:
            session.commit()
        return published


class _Emitter:
    """What the service sees as `self.events`."""

    def __init__(self, provider, worker_ctx):
        self._provider, self._worker_ctx = provider, worker_ctx

    def __call__(self, event_type, data, actor=None, org_id=None):
        return self._provider.add(self._worker_ctx, event_type, data, actor=actor, org_id=org_id)

    def relay(self):
        return self._provider.relay(self._provider.database.session_for(self._worker_ctx))

    def prune(self):
        return self._provider.prune(self._provider.database.session_for(self._worker_ctx))


class OutboxRelayMixin:
    """Mix into a service with `events = OutboxDispatcher(...)`: publishes what was left behind."""

    @timer(interval=config.env_float("OUTBOX_RELAY_INTERVAL", 2.0))
    def relay_outbox(self):
        self.events.relay()

    @timer(interval=config.env_float("EVENT_PRUNE_INTERVAL", 3600.0))
    def prune_event_records(self):
        self.events.prune()


def event_handler_queues(service_cls):
    """The durable queues (with bindings) that the service's pooled event handlers consume."""
    queues = []
    for attr, method in inspect.getmembers(service_cls, inspect.isfunction):
        for entrypoint in getattr(method, ENTRYPOINT_EXTENSIONS_ATTR, ()):
            if isinstance(entrypoint, EventHandler) and entrypoint.handler_type == SERVICE_POOL:
                exchange = Exchange(f"{entrypoint.source_service}.events", type="topic",
                                    durable=True, delivery_mode=PERSISTENT)
                name = (f"evt-{entrypoint.source_service}-{entrypoint.event_type}"
                        f"--{service_cls.name}.{attr}")
                queues.append(Queue(name, exchange=exchange, routing_key=entrypoint.event_type,
                                    durable=True, auto_delete=False, exclusive=False,
                                    queue_arguments=event_queue_arguments()))
    return queues


def declare_event_queues(service_cls, amqp_uri):
    """Declare at deploy time, so events dispatched before the consumer first starts are kept."""
    queues = event_handler_queues(service_cls)
    with Connection(amqp_uri) as connection:
        for queue in queues:  # a failed declare closes its channel: a fresh one each
            _declare_or_keep(connection.channel, queue)
    return [queue.name for queue in queues]
