"""RPC between services that never hangs and never kills the answering service.

- `rpc`: nameko's entrypoint, except that a reply the broker cannot take (connection lost in a
  restart) is logged and dropped: the caller times out or retries. nameko would let the error
  escape the worker, and a container whose worker dies exits the whole process.
- `TimedRpcProxy`: nameko's RpcProxy waits forever for a stopped service, and a request left in the
  queue runs later, after the caller gave up. This proxy bounds the wait and lets the request
  expire in the queue.
"""
import logging

import eventlet
from nameko import rpc as nameko_rpc
from nameko.exceptions import UnknownService
from nameko.messaging import QueueConsumer
from nameko.rpc import RpcProxy, ServiceProxy

from . import config
from .errors import ServiceTimeout, ServiceUnavailable

log = logging.getLogger(__name__)
# quorum: each service's request queue survives the loss of a RabbitMQ cluster node (classic
# queues live on one node); the default stays classic, the type of queues made before
RPC_QUEUE_TYPE = config.env("RPC_QUEUE_TYPE", "classic")


class RpcConsumer(nameko_rpc.RpcConsumer):
    def setup(self):
        super().setup()
        if RPC_QUEUE_TYPE == "quorum":
            self.queue.queue_arguments = {"x-queue-type": "quorum"}


def _settle_quietly(settle):
    """nameko acks and requeues only if the connection looks alive, and ignores amqp's
    ConnectionError, but not the socket's own (ConnectionResetError in a broker restart), which
    then kills the container. Unacknowledged, the broker delivers the message again."""
    def settle_message(queue_consumer, message):
        try:
            settle(queue_consumer, message)
        except OSError as exc:
            log.warning("message not settled, the broker connection is gone (%s)", exc)
    return settle_message


# every QueueConsumer of the process: RPC requests, replies to our own calls, events
QueueConsumer.ack_message = _settle_quietly(QueueConsumer.ack_message)
QueueConsumer.requeue_message = _settle_quietly(QueueConsumer.requeue_message)


class Rpc(nameko_rpc.Rpc):
    rpc_consumer = RpcConsumer()

    def handle_result(self, message, worker_ctx, result, exc_info):
        try:
            return super().handle_result(message, worker_ctx, result, exc_info)
        except Exception as exc:  # the broker is away: the work is done, only the answer is lost
            log.warning("%s: the reply could not be sent and is dropped (%s: %s)",
                        worker_ctx.call_id, exc.__class__.__name__, exc)
            try:  # the request stays done once: the broker only redelivers it if this fails too
                self.rpc_consumer.queue_consumer.ack_message(message)
            except Exception:
                log.debug("ack after a lost reply failed", exc_info=True)
            return result, exc_info


rpc = Rpc.decorator


class ReplyListener(nameko_rpc.ReplyListener):
    """nameko's reply queue, but not durable: on a cluster it lives on the node the service is
    connected to, and losing that node takes it along, instead of leaving a durable queue that no
    one can declare again ("home node ... is down or inaccessible")."""

    def setup(self):
        super().setup()
        self.queue.durable = False


class TimedRpcProxy(RpcProxy):
    rpc_reply_listener = ReplyListener()

    def __init__(self, target_service, timeout=None):
        self.timeout = timeout or config.rpc_timeout()
        super().__init__(target_service, expiration=self.timeout)

    def get_dependency(self, worker_ctx):
        proxy = ServiceProxy(worker_ctx, self.target_service, self.rpc_reply_listener, **self.options)
        return _TimedServiceProxy(proxy, self.target_service, self.timeout)


class _TimedServiceProxy:
    def __init__(self, proxy, service_name, timeout):
        self._proxy, self._service_name, self._timeout = proxy, service_name, timeout

    def __getattr__(self, method_name):
        method = getattr(self._proxy, method_name)

        def call(*args, **kwargs):
            try:
                with eventlet.Timeout(self._timeout):
                    return method(*args, **kwargs)
            except eventlet.Timeout:
                raise ServiceTimeout(message=f"The {self._service_name} service did not answer in time.")
            except UnknownService:
                raise ServiceUnavailable(message=f"The {self._service_name} service is not running.")
        return call
