"""System tests: every service and the gateway as real processes, a real SMTP server, the real broker.

The stack is started once per test session and per database backend (SQLite, the default, and
PostgreSQL); each test works in organizations of its own, so tests do not see each other's data.
"""
import os
import uuid

import pytest

from devstack.client import Portico
from devstack.supervisor import SERVICES, Stack, broker_problem, free_port
from portico_kit.testing import databases, rabbit
from portico_kit.testing.smtp import MailCatcher


def pytest_sessionstart(session):
    rabbit.sweep_stale_vhosts()


@pytest.fixture(scope="session")
def mail():
    catcher = MailCatcher().start()
    yield catcher
    catcher.stop()


def _start_stack(tmp_path_factory, mail, backend, extra_env=None, name=None):
    problem = broker_problem(rabbit.broker_uri())
    if problem:
        pytest.fail(problem)
    vhost = rabbit.create_vhost(f"e2e_{name or backend}")
    created, database_urls = [], {}
    if backend == "postgresql":
        reason = databases.postgres_unavailable_reason()
        if reason:
            rabbit.delete_vhost(vhost)
            pytest.skip(reason)
        for service in SERVICES:
            name, url = databases.create_database(service)
            created.append(name)
            database_urls[service] = url
    port = free_port()
    stack = Stack(str(tmp_path_factory.mktemp(f"stack-{name or backend}")), rabbit.uri_for(vhost), port=port,
                  public_url=f"http://127.0.0.1:{port}", database_urls=database_urls,
                  env=dict({"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(mail.port), "MAIL_RETRY_BASE_SECONDS": "0.5",
                            "OUTBOX_RELAY_INTERVAL": "0.5", "GATEWAY_RPC_TIMEOUT": "10",
                            # tests play clients at many addresses through X-Forwarded-For (sign-in limits)
                            "TRUSTED_PROXIES": "127.0.0.1", "OPS_TOKEN": "ops-test-token"}, **(extra_env or {})),
                  gateway_workers=1, gateway_threads=8)
    try:
        stack.migrate()
        stack.start()
        stack.wait_ready(timeout=90)
    except BaseException:
        stack.stop()
        rabbit.delete_vhost(vhost)
        raise
    stack.backend = backend
    return stack, vhost, created


def _stop_stack(stack, vhost, created):
    stack.stop()
    rabbit.delete_vhost(vhost)
    for name in created:
        databases.drop_database(name)


@pytest.fixture(scope="session")
def stack(tmp_path_factory, mail):
    started = _start_stack(tmp_path_factory, mail, "sqlite")
    yield started[0]
    _stop_stack(*started)


@pytest.fixture(scope="session")
def pg_stack(tmp_path_factory, mail):
    started = _start_stack(tmp_path_factory, mail, "postgresql")
    yield started[0]
    _stop_stack(*started)


@pytest.fixture(scope="session")
def localstripe(tmp_path_factory):
    """The Stripe emulator (localstripe) on a free port, from scratch."""
    from portico_kit.testing.localstripe import LocalStripe
    emulator = LocalStripe(log_path=str(tmp_path_factory.mktemp("localstripe") / "localstripe.log")).start()
    yield emulator
    emulator.stop()


@pytest.fixture(scope="session")
def stripe_stack(tmp_path_factory, mail, localstripe):
    """The whole system with PAYMENT_PROVIDER=stripe against localstripe, whose signed webhooks go
    to the gateway's /webhooks/stripe."""
    started = _start_stack(tmp_path_factory, mail, "sqlite", name="stripe",
                           extra_env=dict(localstripe.settings(), PAYMENT_RECONCILE_INTERVAL="2"))
    started[0].stripe = localstripe
    localstripe.register_webhook(f"{started[0].url}/webhooks/stripe")
    yield started[0]
    _stop_stack(*started)


@pytest.fixture(params=["sqlite", "postgresql"])
def any_stack(request):
    """For the flows that must hold on both databases."""
    return request.getfixturevalue("stack" if request.param == "sqlite" else "pg_stack")


@pytest.fixture
def api(stack):
    return Portico(stack.url)


@pytest.fixture
def unique():
    """A short unique suffix for names and emails, so tests never collide."""
    return uuid.uuid4().hex[:8]


@pytest.fixture
def new_org(api, unique):
    """new_org("Acme") -> {"token", "organization", "user", "email"} in a fresh organization."""
    def make(name="Acme Design", email=None):
        email = email or f"owner-{uuid.uuid4().hex[:8]}@{name.split()[0].lower()}.test"
        result = api.signup(f"{name} {unique}", email)
        return dict(result, email=email)
    return make
