"""Outbox, relay, idempotent consumers and deploy-time queues, against the real broker."""
import eventlet
import pytest
from nameko.events import event_handler
from nameko.rpc import rpc
from sqlalchemy import String, create_engine, func, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from portico_kit.db import Database
from portico_kit.errors import ServiceUnavailable
from portico_kit import messaging
from portico_kit.messaging import (OutboxDispatcher, OutboxEventMixin, OutboxRelayMixin, ProcessedEventMixin,
                                   declare_event_queues, first_delivery, on_event)
from portico_kit.testing.waiting import wait_until as wait_for


class Base(DeclarativeBase):
    pass


class Note(Base):
    __tablename__ = "notes"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)


class OutboxEvent(OutboxEventMixin, Base):
    pass


class ProcessedEvent(ProcessedEventMixin, Base):
    pass


class Producer(OutboxRelayMixin):
    name = "kit_producer"
    db = Database()
    events = OutboxDispatcher(OutboxEvent)

    @rpc
    def add(self, note_id, commit=True):
        self.db.add(Note(id=note_id))
        self.events("note_added", {"id": note_id}, org_id="org-1")
        if commit:
            self.db.commit()
        return note_id


SEEN = []


class Consumer:
    name = "kit_consumer"
    db = Database()

    @on_event("kit_producer", "note_added")
    def on_kit_producer_note_added(self, event):
        if first_delivery(self.db, ProcessedEvent, event, "on_kit_producer_note_added"):
            SEEN.append(event["data"]["id"])
            self.db.commit()


def make_db(tmp_path, name):
    url = f"sqlite:///{tmp_path}/{name}.db"
    engine = create_engine(url)
    Base.metadata.create_all(engine)
    engine.dispose()
    return url


@pytest.fixture
def seen():
    SEEN.clear()
    return SEEN


def start(container_factory, rabbit_config, cls, url):
    container = container_factory(cls, dict(rabbit_config, DATABASE_URL=url))
    container.start()
    return container


def test_committed_events_are_published_with_their_envelope(container_factory, rabbit_config, rpc_client,
                                                            tmp_path, seen):
    start(container_factory, rabbit_config, Producer, make_db(tmp_path, "p"))
    start(container_factory, rabbit_config, Consumer, make_db(tmp_path, "c"))
    producer = rpc_client("kit_producer")
    producer.add("n1")
    assert wait_for(lambda: seen == ["n1"])


def test_uncommitted_events_are_never_published(container_factory, rabbit_config, rpc_client, tmp_path, seen):
    url = make_db(tmp_path, "p")
    start(container_factory, rabbit_config, Producer, url)
    start(container_factory, rabbit_config, Consumer, make_db(tmp_path, "c"))
    producer = rpc_client("kit_producer")
    producer.add("rolled-back", False)
    producer.add("n2")
    assert wait_for(lambda: "n2" in seen)
    eventlet.sleep(0.5)
    assert seen == ["n2"]
    engine = create_engine(url)
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(OutboxEvent.__table__)) == 1
    engine.dispose()


def test_the_relay_publishes_what_the_worker_could_not(container_factory, rabbit_config, rpc_client, tmp_path,
                                                       seen, monkeypatch):
    producer_container = start(container_factory, rabbit_config, Producer, make_db(tmp_path, "p"))
    start(container_factory, rabbit_config, Consumer, make_db(tmp_path, "c"))
    dispatcher = next(d for d in producer_container.dependencies if isinstance(d, OutboxDispatcher))
    original = dispatcher.publisher.publish
    failing = {"on": True}

    def flaky(*args, **kwargs):
        if failing["on"]:
            raise ConnectionError("broker away")
        return original(*args, **kwargs)
    monkeypatch.setattr(dispatcher.publisher, "publish", flaky)
    rpc_client("kit_producer").add("late")
    eventlet.sleep(0.5)
    assert seen == []
    failing["on"] = False
    assert wait_for(lambda: seen == ["late"], timeout=15)  # the relay timer (OUTBOX_RELAY_INTERVAL)


def test_a_redelivered_event_is_handled_once(container_factory, rabbit_config, dispatch_event, tmp_path, seen):
    start(container_factory, rabbit_config, Consumer, make_db(tmp_path, "c"))
    envelope = dispatch_event("kit_producer", "note_added", {"id": "dup"})
    dispatch_event("kit_producer", "note_added", None, envelope=envelope)
    assert wait_for(lambda: seen == ["dup"])
    eventlet.sleep(0.5)
    assert seen == ["dup"]


def test_queues_declared_at_deploy_keep_events_sent_before_the_consumer_starts(
        container_factory, rabbit_config, dispatch_event, tmp_path, seen):
    names = declare_event_queues(Consumer, rabbit_config["AMQP_URI"])
    assert names == ["evt-kit_producer-note_added--kit_consumer.on_kit_producer_note_added"]
    dispatch_event("kit_producer", "note_added", {"id": "early"})
    start(container_factory, rabbit_config, Consumer, make_db(tmp_path, "c"))
    assert wait_for(lambda: seen == ["early"])


ATTEMPTS = []


class FlakyConsumer:
    """Fails like a service that is briefly down, then like a bug: the first is retried, the second not."""
    name = "kit_flaky_consumer"
    db = Database()

    @on_event("kit_producer", "note_added")
    def on_kit_producer_note_added(self, event):
        note = event["data"]["id"]
        ATTEMPTS.append(note)
        if first_delivery(self.db, ProcessedEvent, event, "on_kit_producer_note_added"):
            if note == "busy" and ATTEMPTS.count(note) < 3:
                raise ServiceUnavailable(message="customers is not running")  # the mark is rolled back
            if note == "broken":
                raise KeyError("a bug")
            SEEN.append(note)
            self.db.commit()


def test_a_passing_failure_sends_the_event_back_and_a_bug_drops_it(container_factory, rabbit_config,
                                                                     dispatch_event, tmp_path, seen, monkeypatch):
    monkeypatch.setattr(messaging, "REQUEUE_PAUSE", 0.05)
    ATTEMPTS.clear()
    start(container_factory, rabbit_config, FlakyConsumer, make_db(tmp_path, "flaky"))
    dispatch_event("kit_producer", "note_added", {"id": "broken"})
    dispatch_event("kit_producer", "note_added", {"id": "busy"})
    assert wait_for(lambda: seen == ["busy"], timeout=15)
    assert ATTEMPTS.count("busy") == 3  # twice refused while "customers" was away, then handled once
    eventlet.sleep(0.5)
    assert ATTEMPTS.count("broken") == 1 and seen == ["busy"]  # a bug is logged, never retried in a loop


def test_published_outbox_rows_and_remembered_event_ids_are_kept_for_the_retention_only(tmp_path):
    """The same in every service: OutboxDispatcher.prune, run hourly by OutboxRelayMixin."""
    from datetime import timedelta

    from sqlalchemy.orm import Session

    from portico_kit.timeutil import utcnow

    engine = create_engine(f"sqlite:///{tmp_path}/prune.db")
    Base.metadata.create_all(engine)
    old, recent = utcnow() - timedelta(days=31), utcnow() - timedelta(days=1)
    with Session(engine) as session:
        session.add_all([
            OutboxEvent(event_id="old-published", event_type="t", payload={}, published_at=old),
            OutboxEvent(event_id="recent-published", event_type="t", payload={}, published_at=recent),
            OutboxEvent(event_id="old-unpublished", event_type="t", payload={}, created_at=old),  # still owed
            ProcessedEvent(event_id="old-seen", handler="h", processed_at=old),
            ProcessedEvent(event_id="recent-seen", handler="h", processed_at=recent)])
        session.commit()
        assert messaging.RETENTION == timedelta(days=30)
        assert OutboxDispatcher(OutboxEvent).prune(session) == (1, 1)
        assert sorted(session.scalars(select(OutboxEvent.event_id))) == ["old-unpublished", "recent-published"]
        assert list(session.scalars(select(ProcessedEvent.event_id))) == ["recent-seen"]
        assert OutboxDispatcher(OutboxEvent).prune(session, retention=timedelta(hours=1)) == (1, 1)
    engine.dispose()



QUEUE = "evt-kit_producer-note_added--kit_consumer.on_kit_producer_note_added"


def queue_is_quorum(amqp_uri, name):
    """RabbitMQ refuses to declare an existing queue with another type: that tells the type."""
    from amqp.exceptions import PreconditionFailed
    from kombu import Connection
    with Connection(amqp_uri) as conn:
        try:
            conn.channel().queue_declare(name, durable=True, auto_delete=False,
                                         arguments={"x-queue-type": "classic"})
            return False
        except PreconditionFailed:
            return True


def test_event_queues_are_quorum_queues_at_deploy_and_when_the_consumer_makes_them(
        container_factory, rabbit_config, dispatch_event, tmp_path, seen):
    assert messaging.EVENT_QUEUE_TYPE == "quorum"
    declare_event_queues(Consumer, rabbit_config["AMQP_URI"])
    assert queue_is_quorum(rabbit_config["AMQP_URI"], QUEUE)
    start(container_factory, rabbit_config, Consumer, make_db(tmp_path, "c"))  # declares it the same way
    dispatch_event("kit_producer", "note_added", {"id": "q1"})
    assert wait_for(lambda: seen == ["q1"])


def test_a_classic_event_queue_from_before_is_kept_and_consumed(container_factory, rabbit_config, dispatch_event,
                                                                tmp_path, seen, monkeypatch):
    monkeypatch.setattr(messaging, "EVENT_QUEUE_TYPE", "classic")
    declare_event_queues(Consumer, rabbit_config["AMQP_URI"])
    monkeypatch.setattr(messaging, "EVENT_QUEUE_TYPE", "quorum")
    assert declare_event_queues(Consumer, rabbit_config["AMQP_URI"]) == [QUEUE]  # a warning, not a failure
    assert not queue_is_quorum(rabbit_config["AMQP_URI"], QUEUE)
    start(container_factory, rabbit_config, Consumer, make_db(tmp_path, "c"))
    dispatch_event("kit_producer", "note_added", {"id": "classic"})
    assert wait_for(lambda: seen == ["classic"])


def test_outbox_publishes_wait_for_the_brokers_confirm(container_factory, rabbit_config, tmp_path):
    container = start(container_factory, rabbit_config, Producer, make_db(tmp_path, "p"))
    [dispatcher] = [d for d in container.dependencies if isinstance(d, OutboxDispatcher)]
    assert dispatcher.publisher.use_confirms is True
