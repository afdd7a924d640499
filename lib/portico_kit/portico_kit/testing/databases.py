"""Real databases for tests: a SQLite file, or a fresh PostgreSQL database dropped afterwards."""
import os
import uuid
from contextlib import contextmanager

import psycopg2


def admin_url():
    return os.environ.get("TEST_POSTGRES_URL") or "postgresql://postgres@127.0.0.1:5432/postgres"


def postgres_unavailable_reason():
    try:
        psycopg2.connect(admin_url(), connect_timeout=3).close()
        return None
    except Exception as exc:
        return f"PostgreSQL at {admin_url()} is not reachable ({exc.__class__.__name__})"


def _admin():
    conn = psycopg2.connect(admin_url(), connect_timeout=5)
    conn.autocommit = True
    return conn


def create_database(label="db"):
    name = f"portico_test_{label}_{uuid.uuid4().hex[:10]}"
    conn = _admin()
    try:
        conn.cursor().execute(f'CREATE DATABASE "{name}"')
    finally:
        conn.close()
    base = admin_url().rsplit("/", 1)[0]
    return name, f"{base}/{name}"


def drop_database(name):
    conn = _admin()
    try:
        cur = conn.cursor()
        cur.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,))
        cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
    finally:
        conn.close()


@contextmanager
def temporary_database(backend, tmp_path, label="db"):
    """Yield a database URL for `backend` ('sqlite' or 'postgresql')."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path}/{label}-{uuid.uuid4().hex[:6]}.db"
        return
    name, url = create_database(label)
    try:
        yield url
    finally:
        drop_database(name)
