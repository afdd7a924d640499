"""Service-to-service RPC that never hangs.

nameko's RpcProxy waits forever for a stopped service, and a request left in the queue runs later,
after the caller gave up. This proxy bounds the wait and lets the request expire in the queue.
"""
import eventlet
from nameko.exceptions import UnknownService
from nameko.rpc import RpcProxy, ServiceProxy

from . import config
from .errors import ServiceTimeout, ServiceUnavailable


class TimedRpcProxy(RpcProxy):
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
