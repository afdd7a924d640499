"""pytest plugin for service tests: per-test vhost (`rabbit_config`), databases, SMTP catcher.

Load with `-p portico_kit.testing.plugin`. It replaces nameko's `rabbit_config` fixture, which
needs the management API and creates vhosts named after nameko.
"""
import pytest

from . import databases, rabbit
from .smtp import MailCatcher


def pytest_sessionstart(session):
    rabbit.sweep_stale_vhosts()


@pytest.fixture
def rabbit_config():
    vhost = rabbit.create_vhost("svc")
    try:
        yield {"AMQP_URI": rabbit.uri_for(vhost), "serializer": "json", "max_workers": 10,
               "vhost": vhost}
    finally:
        rabbit.delete_vhost(vhost)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    if request.param == "postgresql":
        reason = databases.postgres_unavailable_reason()
        if reason:
            pytest.skip(reason)
    with databases.temporary_database(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def sqlite_url(tmp_path):
    return f"sqlite:///{tmp_path}/service.db"


@pytest.fixture
def smtp_catcher():
    catcher = MailCatcher().start()
    yield catcher
    catcher.stop()


@pytest.fixture
def start_service(container_factory, rabbit_config, tmp_path):
    """start_service(ServiceClass, package, db_url=None) -> (container, config): migrated and running."""
    from ..migrate import upgrade

    def start(service_cls, package, db_url=None, **extra_config):
        url = db_url or f"sqlite:///{tmp_path}/{package}.db"
        upgrade(package, url)
        config = dict(rabbit_config, DATABASE_URL=url, **extra_config)
        container = container_factory(service_cls, config)
        container.start()
        return container, config
    return start


@pytest.fixture
def rpc_client(rabbit_config):
    """rpc_client('accounts') -> a started standalone proxy to that service (5 s timeout)."""
    from nameko.standalone.rpc import ServiceRpcProxy
    proxies = []

    def make(service_name, timeout=5):
        proxy = ServiceRpcProxy(service_name, rabbit_config, timeout=timeout)
        proxies.append(proxy)
        return proxy.start()
    yield make
    for proxy in proxies:
        proxy.stop()


@pytest.fixture
def dispatch_event(rabbit_config):
    """dispatch_event('portal', 'portal_invitation_created', data, org_id=...) -> the envelope sent."""
    from nameko.standalone.events import event_dispatcher

    from ..messaging import make_envelope
    dispatch = event_dispatcher(rabbit_config)

    def send(source, event_type, data, org_id="org-1", actor=None, envelope=None):
        envelope = envelope or make_envelope(event_type, data, actor=actor, org_id=org_id)
        dispatch(source, event_type, envelope)
        return envelope
    return send
