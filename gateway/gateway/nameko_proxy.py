"""The one place the gateway touches nameko's standalone proxy internals.

nameko 2.x offers no public way to change a started ClusterRpcProxy's reply timeout per call, to
set the context data of its calls, or to build a MethodProxy with a message expiration; the
gateway needs all three. Private attributes used: `ClusterRpcProxy._reply_listener` (its
`queue_consumer.timeout`) and `ClusterProxy._worker_ctx`, `ClusterProxy._reply_listener`.
`check()` asserts they exist, and gateway/tests/test_rpc_client.py fails loudly if a nameko
upgrade renames them, instead of every call failing in production.
"""
from nameko.exceptions import RpcTimeout
from nameko.rpc import MethodProxy
from nameko.standalone.rpc import ClusterRpcProxy

__all__ = ["ClusterRpcProxy", "RpcTimeout", "check", "method", "set_reply_timeout"]


def check(standalone, cluster):
    """Raise if this nameko no longer has what the adapter relies on."""
    missing = [name for owner, name in ((standalone, "_reply_listener"), (cluster, "_worker_ctx"),
                                        (cluster, "_reply_listener"))
               if not hasattr(owner, name)]
    if not missing and not hasattr(standalone._reply_listener, "queue_consumer"):
        missing.append("_reply_listener.queue_consumer")
    if missing:
        raise RuntimeError(f"nameko's standalone proxy changed: no {', '.join(missing)} (gateway/nameko_proxy.py)")


def set_reply_timeout(standalone, seconds):
    """How long the next wait for a reply on this proxy may take."""
    standalone._reply_listener.queue_consumer.timeout = seconds


def method(standalone, cluster, service, name, timeout, context, retry_policy):
    """A callable for `service.name` whose request expires after `timeout` and carries `context`
    (request id, org id, trace) as nameko context data."""
    set_reply_timeout(standalone, timeout)
    cluster._worker_ctx.data = context
    return MethodProxy(cluster._worker_ctx, service, name, cluster._reply_listener,
                       expiration=timeout, retry_policy=retry_policy)
