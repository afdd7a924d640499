"""Event throughput, three ways, in one run:

- raw: a nameko handler that only counts (broker + nameko: the baseline);
- idempotent: the Portico consumer pattern (first_delivery + a row + a commit, SQLite);
- email: portal_invitation_created events turned into delivered emails by the real notifications
  service (organization from the real accounts service, render, record, SMTP to a local catcher).

Each is reported as events/s and as a ratio to the raw baseline.
"""
import os
import subprocess
import sys
import tempfile
import time

from nameko.standalone.events import event_dispatcher
from nameko.standalone.rpc import ClusterRpcProxy
from sqlalchemy import create_engine

from portico_kit.messaging import declare_event_queues, make_envelope
from portico_kit.migrate import upgrade

from .event_services import Base, BenchIdempotent, BenchRaw

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _spawn(target, env, log_path=None):
    """A service process; its warnings go to `log_path` (kept for a failed run) or nowhere."""
    log = open(log_path, "ab") if log_path else subprocess.DEVNULL
    return subprocess.Popen([sys.executable, "-m", "portico_kit.runner", target], cwd=ROOT,
                            env=dict(os.environ, LOG_LEVEL="WARNING", **env), stdout=log, stderr=log)


def _wait_for_count(amqp_uri, service, expected, timeout=300):
    with ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=10) as proxy:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if getattr(proxy, service).count() >= expected:
                    return time.monotonic()
            except Exception:  # not up yet
                pass
            time.sleep(0.02)
    raise RuntimeError(f"{service} did not handle {expected} events in {timeout}s")


def _measure_counter(amqp_uri, service_cls, n, env):
    declare_event_queues(service_cls, amqp_uri)
    process = _spawn(f"bench.event_services:{service_cls.__name__}", dict(env, AMQP_URI=amqp_uri))
    try:
        _wait_for_count(amqp_uri, service_cls.name, 0, timeout=60)
        dispatch = event_dispatcher({"AMQP_URI": amqp_uri})
        started = time.monotonic()
        for i in range(n):
            dispatch("bench_source", "ticked", make_envelope("ticked", {"i": i}, org_id="bench"))
        finished = _wait_for_count(amqp_uri, service_cls.name, n)
        return n / (finished - started)
    finally:
        process.terminate()
        process.wait(timeout=30)


def _invitation(i):
    return {
        "invitation": {"id": f"inv-{i}", "expires_at": "2030-01-01T00:00:00Z"},
        "contact": {"id": f"c-{i}", "email": f"bench-{i}@bench.test", "name": f"Contact {i}"},
        "customer": {"id": f"cu-{i}", "display_name": "Bench Customer"},
        "organization": {"id": "bench-org", "name": "Bench Co"},
        "portal": {"name": "bench", "url": "http://localhost:8000/portal/bench"},
        "invite_url": f"http://localhost:8000/portal/bench/invite/token{i}",
    }


def _organization(amqp_uri, timeout=60):
    """A real organization in the accounts service (notifications reads its name for every email)."""
    deadline = time.monotonic() + timeout
    with ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=10) as proxy:
        while True:
            try:
                return proxy.accounts.signup({"organization_name": "Bench Co", "name": "Bench Owner",
                                              "email": "owner@bench.test", "password": "bench bench bench"})
            except Exception:  # not up yet
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)


def _measure_email(amqp_uri, mail, n, data_dir):
    from notifications.service import NotificationsService
    url, accounts_url = f"sqlite:///{data_dir}/notifications.db", f"sqlite:///{data_dir}/accounts.db"
    upgrade("notifications", url)
    upgrade("accounts", accounts_url)
    declare_event_queues(NotificationsService, amqp_uri)
    accounts = _spawn("accounts.service", {"AMQP_URI": amqp_uri, "ACCOUNTS_DATABASE_URL": accounts_url,
                                           "HEARTBEAT_FILE": os.path.join(data_dir, "accounts-hb")},
                      log_path=os.path.join(data_dir, "accounts.log"))
    process = _spawn("notifications.service", {"AMQP_URI": amqp_uri, "NOTIFICATIONS_DATABASE_URL": url,
                                               "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(mail.port),
                                               "HEARTBEAT_FILE": os.path.join(data_dir, "hb")},
                     log_path=os.path.join(data_dir, "notifications.log"))
    try:
        org_id = _organization(amqp_uri)["organization"]["id"]
        time.sleep(2)  # the queue is declared: events wait for the service; give it time to start
        dispatch = event_dispatcher({"AMQP_URI": amqp_uri})
        started = time.monotonic()
        for i in range(n):
            dispatch("portal", "portal_invitation_created",
                     make_envelope("portal_invitation_created", _invitation(i), org_id=org_id))
        deadline = started + max(60, n)  # a second an email at worst: far slower means broken
        while len(mail.messages) < n and time.monotonic() < deadline:
            time.sleep(0.02)
        if len(mail.messages) < n:
            raise RuntimeError(f"only {len(mail.messages)} of {n} emails arrived; see {data_dir}/notifications.log")
        return n / (time.monotonic() - started)
    finally:
        for running in (process, accounts):
            running.terminate()
            running.wait(timeout=30)


def run(amqp_uri, mail, n_events=2000, n_emails=300):
    data_dir = tempfile.mkdtemp(prefix="portico-bench-events-")
    url = f"sqlite:///{data_dir}/bench.db"
    engine = create_engine(url)
    Base.metadata.create_all(engine)
    engine.dispose()
    raw = _measure_counter(amqp_uri, BenchRaw, n_events, {})
    idempotent = _measure_counter(amqp_uri, BenchIdempotent, n_events, {"DATABASE_URL": url})
    email = _measure_email(amqp_uri, mail, n_emails, data_dir)
    return {"raw_events_per_s": raw, "idempotent_events_per_s": idempotent, "emails_per_s": email,
            "idempotent_to_raw": idempotent / raw, "email_to_raw": email / raw,
            "n_events": n_events, "n_emails": n_emails}
