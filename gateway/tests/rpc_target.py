"""A tiny nameko service the RPC client tests call (run as a real process by test_rpc_client.py)."""
import os

import eventlet
from nameko.contextdata import ContextDataProvider
from nameko.rpc import rpc

from portico_kit.errors import Invalid


class RequestId(ContextDataProvider):
    context_key = "request_id"


class RpcTarget:
    name = "rpc_target"
    request_id = RequestId()

    @rpc
    def echo(self, value):
        return value

    @rpc
    def refuse(self):
        raise Invalid(code="nope", message="Refused.", fields={"x": "Bad."})

    @rpc
    def crash(self):
        raise KeyError("secret internals")

    @rpc
    def slow(self, seconds):
        eventlet.sleep(seconds)
        return "done"

    @rpc
    def record(self, marker):
        with open(os.environ["RPC_TARGET_LOG"], "a") as fh:
            fh.write(marker + "\n")
        return marker

    @rpc
    def context_request_id(self):
        return self.request_id

    @rpc
    def ping(self):
        return {"ok": True}
