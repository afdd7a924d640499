"""What every service answers for ops: `ping` over RPC (readiness) and a heartbeat file (liveness).

The heartbeat is per replica, which is what a container healthcheck needs; the ping goes through
the broker and the database, which is what the gateway's /readyz needs.
"""
import os
import time

from .rpc import rpc
from nameko.timer import timer
from sqlalchemy import text

from . import config
from .errors import ServiceUnavailable
from .healthcheck import heartbeat_path
from .tracing import RequestContext


class HealthMixin:
    """Mix into a service that has `db` (Database)."""

    # ops see which request each log line belongs to (portico_kit.tracing)
    request_context = RequestContext()

    @rpc
    def ping(self):
        try:
            self.db.execute(text("SELECT 1"))
        except Exception as exc:
            raise ServiceUnavailable(message=f"{self.name}: database unreachable ({exc.__class__.__name__})")
        return {"service": self.name, "ok": True}

    @timer(interval=config.env_float("HEARTBEAT_INTERVAL", 5.0))
    def heartbeat(self):
        self.db.execute(text("SELECT 1"))
        path = heartbeat_path()
        with open(path, "w") as fh:
            fh.write(str(time.time()))
        os.utime(path)
