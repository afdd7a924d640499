import pytest
from nameko.events import event_handler

from customers.service import CustomersService
from portal.service import PortalService

RECEIVED = []


class Collector:
    """Listens like a real consumer would, so tests see what the portal published."""
    name = "portal_test_collector"

    @event_handler("portal", "portal_invitation_created")
    def on_invitation(self, event):
        RECEIVED.append(event)

    @event_handler("portal", "portal_password_reset_requested")
    def on_reset(self, event):
        RECEIVED.append(event)

    @event_handler("portal", "portal_signed_in")
    def on_signed_in(self, event):
        RECEIVED.append(event)

    @event_handler("portal", "portal_sessions_ended")
    def on_sessions_ended(self, event):
        RECEIVED.append(event)


@pytest.fixture
def received():
    RECEIVED.clear()
    return RECEIVED


@pytest.fixture
def system(start_service, container_factory, rabbit_config, rpc_client, received):
    start_service(CustomersService, "customers")
    _, config = start_service(PortalService, "portal")
    collector = container_factory(Collector, rabbit_config)
    collector.start()
    return {"portal": rpc_client("portal"), "customers": rpc_client("customers"), "config": config}
