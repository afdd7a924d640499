"""Fixtures of the reliability tests: a mail catcher, a throw-away vhost, a private RabbitMQ node."""
import pytest

from portico_kit.testing import rabbit
from portico_kit.testing.smtp import MailCatcher

from .private_rabbit import PrivateRabbit, unavailable_reason


@pytest.fixture
def mail():
    catcher = MailCatcher().start()
    yield catcher
    catcher.stop()


@pytest.fixture
def vhost_uri():
    vhost = rabbit.create_vhost("mail")
    yield rabbit.uri_for(vhost)
    rabbit.delete_vhost(vhost)


@pytest.fixture(scope="module")
def private_rabbit(tmp_path_factory):
    """A RabbitMQ node of this module's own (stopped and removed at the end), free to restart."""
    reason = unavailable_reason()
    if reason:
        pytest.skip(reason)
    node = PrivateRabbit(str(tmp_path_factory.mktemp("rabbit")))
    try:
        node.start()
        yield node
    finally:
        node.cleanup()
