"""The gateway's own event consumer: revocations evict the session cache (session_cache.py) at once.

One daemon thread per gateway process (gunicorn worker), with its own kombu connection and an
exclusive, auto-delete queue (gone with the process) bound to the services' event exchanges
(`<service>.events`, topic, routing key = event type). The cache answers only while this thread
is consuming: until its queue is bound, and from the moment its connection fails until it is
consuming again, the cache is empty and off, so no revocation can be missed.
"""
import logging
import os
import socket
import threading
import uuid

from kombu import Connection, Exchange, Queue, binding

log = logging.getLogger(__name__)


def _id(data, key):
    value = (data.get(key) or {}) if isinstance(data, dict) else {}
    return str(value.get("id")) if isinstance(value, dict) and value.get("id") else None


def _customer(envelope):
    return [("customer", _id(envelope["data"], "customer"))]


def _contact(envelope):
    return [("contact", _id(envelope["data"], "contact"))]


def _sessions_ended(envelope):
    """portal_sessions_ended: one contact's sessions, or (no contact) the whole customer's."""
    contact = _id(envelope["data"], "contact")
    return [("contact", contact)] if contact else _customer(envelope)


def _user(envelope):
    return [("user", _id(envelope["data"], "user"))]


def _organization(envelope):
    return [("org", _id(envelope["data"], "organization") or envelope.get("org_id"))]


# (source service, event type) -> the cache tags it evicts. Ending sessions (security), and what
# the resolved actor shows (name, language, time zone), so the next page shows the change.
EVICTS = {
    ("portal", "portal_disabled"): _customer,
    ("portal", "portal_sessions_ended"): _sessions_ended,  # logout, contact disabled/removed, reset
    ("customers", "customer_deleted"): _customer,
    ("customers", "customer_updated"): _customer,
    ("customers", "contact_deleted"): _contact,
    ("customers", "contact_updated"): _contact,
    ("accounts", "staff_sessions_ended"): _user,  # logout, password reset
    ("accounts", "user_updated"): _user,  # own name or language
    ("accounts", "organization_updated"): _organization,
}


def exchange(service):
    # the same declaration as nameko's (get_event_exchange) and portico_kit.messaging's
    return Exchange(f"{service}.events", type="topic", durable=True, delivery_mode=2)


def tags_of(source, event_type, envelope):
    rule = EVICTS.get((source, event_type))
    if rule is None or not isinstance(envelope, dict):
        return []
    try:
        return [tag for tag in rule(envelope) if tag[1]]
    except (KeyError, TypeError, AttributeError):
        return []


class RevocationListener(threading.Thread):
    def __init__(self, amqp_uri, cache, heartbeat=10, retry_seconds=1.0):
        super().__init__(name="revocation-listener", daemon=True)
        self.amqp_uri, self.cache, self.heartbeat, self.retry_seconds = amqp_uri, cache, heartbeat, retry_seconds
        self.queue_name = f"gateway-revocations-{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self._stopping = threading.Event()
        self.consuming = threading.Event()  # tests wait on it
        self.evicted = 0

    def queue(self):
        return Queue(self.queue_name, exclusive=True, auto_delete=True, durable=False,
                     bindings=[binding(exchange(source), routing_key=event_type)
                               for source, event_type in EVICTS])

    def stop(self):
        self._stopping.set()

    def run(self):
        while not self._stopping.is_set():
            try:
                self._consume()
            except Exception:  # connection refused or lost: off until consuming again
                if self.consuming.is_set() or self.cache.live:
                    log.warning("revocation listener: connection lost; session cache off", exc_info=True)
            self.consuming.clear()
            self.cache.set_live(False)
            self._stopping.wait(self.retry_seconds)

    def _consume(self):
        with Connection(self.amqp_uri, heartbeat=self.heartbeat, connect_timeout=5) as connection:
            connection.ensure_connection(max_retries=1)
            queue = self.queue()
            with connection.Consumer([queue], callbacks=[self._on_message], accept=["json"]):
                # bound and consuming: from now on no revocation is missed, so the cache may answer
                self.cache.set_live(True)
                self.consuming.set()
                log.info("revocation listener consuming %s", self.queue_name)
                while not self._stopping.is_set():
                    try:
                        connection.drain_events(timeout=1)
                    except socket.timeout:
                        connection.heartbeat_check()

    def _on_message(self, body, message):
        source = (message.delivery_info or {}).get("exchange", "").removesuffix(".events")
        event_type = (message.delivery_info or {}).get("routing_key", "")
        tags = tags_of(source, event_type, body)
        if tags:
            self.evicted += self.cache.evict(*tags)
        message.ack()


def start(app, settings, cache):
    listener = RevocationListener(settings.amqp_uri, cache)
    listener.start()
    app.extensions["portico.revocations"] = listener
    return listener
