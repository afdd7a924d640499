"""Calling the services from Flask threads.

A standalone nameko proxy is single-threaded, and creating one per request costs a connection and
a reply queue. So each gateway thread starts one proxy and reuses it; one that broke (broker
restart, timeout) is thrown away and rebuilt on the next call. Every call has a timeout, and the
request message expires with it, so a stopped service never runs a request its caller gave up on.
A stopped service's queue outlives it (durable) with no consumer: the client asks the broker how
many consume it (a passive declare, remembered for a second) and answers 503 at once instead of
making every caller wait for the timeout.
"""
import logging
import socket
import threading
import time

from amqp.exceptions import AMQPError, NotFound
from kombu import Connection
from kombu.exceptions import OperationalError
from nameko.exceptions import RemoteError, RpcTimeout, UnknownService

from portico_kit.errors import ServiceError, ServiceTimeout, ServiceUnavailable

from . import metrics, nameko_proxy
from .tracing import call_context

log = logging.getLogger(__name__)
# Fail fast when the broker is away instead of kombu's default of retrying for ~15 s.
PUBLISH_RETRY = {"max_retries": 1, "interval_start": 0.1, "interval_step": 0.2, "interval_max": 0.5}


class InternalError(ServiceError):
    status, code, message = 500, "internal_error", "Something went wrong on our side; it has been logged."


class ConsumerCheck:
    """How many processes consume a service's RPC queue, asked at most once per `ttl` seconds."""

    def __init__(self, amqp_uri, ttl=1.0):
        self.amqp_uri, self.ttl = amqp_uri, ttl
        self._lock = threading.Lock()
        self._seen = {}  # service -> (monotonic time asked, consumers or None)
        self._connection = None

    def consumers(self, service):
        """0 when nobody consumes (or the queue does not exist), None when the broker could not say."""
        seen = self._seen.get(service)
        if seen and time.monotonic() - seen[0] < self.ttl:
            return seen[1]
        with self._lock:  # one question per service at a time, the others take its answer
            seen = self._seen.get(service)
            if seen and time.monotonic() - seen[0] < self.ttl:
                return seen[1]
            count = self._ask(service)
            self._seen[service] = (time.monotonic(), count)
            return count

    def _ask(self, service, attempts=2):
        for _ in range(attempts):  # a connection the broker closed meanwhile is replaced once
            try:
                if self._connection is None:
                    self._connection = Connection(self.amqp_uri, connect_timeout=2)
                    self._connection.connect()
                channel = self._connection.channel()
                try:
                    return channel.queue_declare(f"rpc-{service}", passive=True).consumer_count
                except NotFound:  # never started: the broker closed the channel already
                    return 0
                finally:
                    try:
                        channel.close()
                    except Exception:
                        pass
            except Exception as exc:
                log.debug("consumer check of %s failed: %r", service, exc)
                self.close()
        return None

    def close(self):
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                connection.release()
            except Exception:
                pass


class RpcClient:
    def __init__(self, amqp_uri, timeout=10.0, consumer_check_seconds=1.0):
        self.config = {"AMQP_URI": amqp_uri, "serializer": "json"}
        self.timeout = timeout
        self._local = threading.local()
        self.consumer_check = ConsumerCheck(amqp_uri, consumer_check_seconds) if consumer_check_seconds else None

    # -- the per-thread proxy ----------------------------------------------------------------

    def _proxy(self):
        pair = getattr(self._local, "pair", None)
        if pair is None:
            standalone = nameko_proxy.ClusterRpcProxy(self.config, timeout=self.timeout)
            try:
                cluster = standalone.start()
            except (OSError, AMQPError, OperationalError) as exc:
                raise ServiceUnavailable(message=f"The message broker is not reachable ({exc.__class__.__name__}).")
            nameko_proxy.check(standalone, cluster)
            pair = self._local.pair = (standalone, cluster)
        return pair

    def _discard(self):
        pair = getattr(self._local, "pair", None)
        self._local.pair = None
        if pair is not None:
            try:
                pair[0].stop()
            except Exception:  # it is broken already; we only want it gone
                pass

    def _method(self, service, method, timeout):
        standalone, cluster = self._proxy()
        return nameko_proxy.method(standalone, cluster, service, method, timeout, call_context(), PUBLISH_RETRY)

    # -- calls ---------------------------------------------------------------------------------

    def call(self, service, method, *args, timeout=None, **kwargs):
        timeout = timeout or self.timeout
        started, outcome = time.monotonic(), "ok"
        try:
            if self.consumer_check is not None and self.consumer_check.consumers(service) == 0:
                raise ServiceUnavailable(message=f"The {service} service is not running.")
            return self._method(service, method, timeout)(*args, **kwargs)
        except ServiceError as exc:
            outcome = "error" if exc.status >= 500 else "ok"
            raise
        except Exception as exc:
            outcome = "error"
            raise self._translate(exc, service, method)
        finally:
            metrics.observe_rpc(service, method, time.monotonic() - started, outcome)

    def ping_all(self, services, timeout):
        """{service: "ok" | reason}, all pinged at once, within `timeout` seconds overall."""
        status, replies, deadline = {}, {}, time.monotonic() + timeout
        try:
            for service in services:
                try:
                    replies[service] = self._method(service, "ping", timeout).call_async()
                except UnknownService:
                    status[service] = "not running"
        except Exception as exc:
            self._discard()
            reason = f"broker unreachable ({exc.__class__.__name__})"
            return {service: status.get(service, reason) for service in services}
        broken = False
        for service, reply in replies.items():
            # past the deadline, still collect replies that already arrived while waiting for others
            remaining = max(deadline - time.monotonic(), 0.01)
            nameko_proxy.set_reply_timeout(self._local.pair[0], remaining)
            try:
                reply.result()
                status[service] = "ok"
            except ServiceError as exc:
                status[service] = exc.message
            except RpcTimeout:
                status[service], broken = "no answer within the timeout", True
            except Exception as exc:
                status[service], broken = f"error ({exc.__class__.__name__})", True
        if broken:
            self._discard()
        return {service: status[service] for service in services}

    def _translate(self, exc, service, method):
        if isinstance(exc, UnknownService):
            return ServiceUnavailable(message=f"The {service} service is not running.")
        if isinstance(exc, RpcTimeout):
            self._discard()
            return ServiceTimeout(message=f"The {service} service did not answer in time.")
        if isinstance(exc, RemoteError):
            log.error("%s.%s failed remotely: %s", service, method, exc)
            return InternalError()
        if isinstance(exc, (OSError, socket.error, AMQPError, OperationalError, RuntimeError)):
            self._discard()
            log.warning("%s.%s: connection to the broker lost (%r); proxy rebuilt next time",
                        service, method, exc)
            return ServiceUnavailable(message="The message broker connection was lost; try again.")
        log.exception("%s.%s: unexpected error", service, method)
        self._discard()
        return InternalError()
