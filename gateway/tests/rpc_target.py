"""A tiny nameko service the RPC client tests call (run as a real process by test_rpc_client.py)."""
import os

import eventlet
from nameko.rpc import rpc

from portico_kit.errors import Invalid


class RpcTarget:
    name = "rpc_target"

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
    def ping(self):
        return {"ok": True}
