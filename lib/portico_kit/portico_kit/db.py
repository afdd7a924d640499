"""Engines and the per-worker session dependency.

SQLite (the default) is used with one pooled connection per process: eventlet greenlets never wait
on SQLite's C-level busy lock (which would freeze the whole hub); they queue for the connection
instead. PostgreSQL goes through psycopg2 made green by psycogreen, so a slow query never stalls
other workers or the AMQP heartbeats.
"""
import os
import weakref

from nameko.extensions import DependencyProvider
from sqlalchemy import create_engine, event
from sqlalchemy.orm import sessionmaker

from . import config, tracing

_green_patched = False


def normalize_url(url):
    """Accept `postgres://` and `postgresql://` and pick our driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg2://" + url[len(prefix):]
    return url


def _make_psycopg_green():
    global _green_patched
    if _green_patched:
        return
    try:
        from eventlet import patcher
    except ImportError:  # pragma: no cover - eventlet is always installed with nameko
        return
    if patcher.is_monkey_patched("socket"):
        from psycogreen.eventlet import patch_psycopg
        patch_psycopg()
        _green_patched = True


def make_engine(url, pool_size=10):
    url = normalize_url(url)
    if url.startswith("sqlite"):
        path = url.split("///", 1)[1] if "///" in url else ""
        if path and path != ":memory:":
            os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        engine = create_engine(url, pool_size=1, max_overflow=0, pool_timeout=60,
                               connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        return engine
    _make_psycopg_green()
    return create_engine(url, pool_size=pool_size, max_overflow=2, pool_pre_ping=True,
                         pool_recycle=1800)


def is_postgres(session_or_engine):
    bind = getattr(session_or_engine, "bind", None) or session_or_engine
    return bind.dialect.name == "postgresql"


class Database(DependencyProvider):
    """Injects a SQLAlchemy session per worker; closed when the worker ends."""

    def setup(self):
        # nameko config may name the database (tests); otherwise the environment decides
        self.url = (self.container.config.get("DATABASE_URL")
                    or config.database_url(self.container.service_name))
        self.engine = make_engine(self.url, pool_size=self.container.max_workers)
        tracing.instrument_engine(self.engine)  # SQL spans, when OpenTelemetry export is on
        self.Session = sessionmaker(self.engine, expire_on_commit=False)
        self.sessions = weakref.WeakKeyDictionary()

    def stop(self):
        self.engine.dispose()

    def get_dependency(self, worker_ctx):
        session = self.Session()
        self.sessions[worker_ctx] = session
        return session

    def session_for(self, worker_ctx):
        return self.sessions.get(worker_ctx)

    def worker_teardown(self, worker_ctx):
        session = self.sessions.pop(worker_ctx, None)
        if session is not None:
            session.close()
