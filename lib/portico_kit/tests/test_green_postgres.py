"""A slow PostgreSQL query must not hold up another call in the same service (psycogreen)."""
import time

import eventlet
import pytest
from nameko.rpc import rpc
from sqlalchemy import text

from portico_kit.db import Database


class Slow:
    name = "kit_slow"
    db = Database()

    @rpc
    def slow_query(self):
        self.db.execute(text("SELECT pg_sleep(1.5)"))
        return "slow"

    @rpc
    def fast(self):
        return "fast"


def test_a_slow_query_does_not_stall_other_workers(container_factory, rabbit_config, rpc_client, db_url):
    if not db_url.startswith("postgresql"):
        pytest.skip("SQLite has one connection per process by design")
    container = container_factory(Slow, dict(rabbit_config, DATABASE_URL=db_url))
    container.start()
    slow_client, fast_client = rpc_client("kit_slow"), rpc_client("kit_slow")
    pending = eventlet.spawn(slow_client.slow_query)
    eventlet.sleep(0.2)
    started = time.monotonic()
    assert fast_client.fast() == "fast"
    assert time.monotonic() - started < 0.5
    assert pending.wait() == "slow"
