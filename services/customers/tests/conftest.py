"""customers with stand-ins for the services it asks (billing, portal) and an event collector."""
from types import SimpleNamespace

import pytest
from nameko.events import event_handler
from nameko.rpc import rpc

from customers.service import CustomersService
from portico_kit.testing.waiting import wait_until

RECEIVED = []
DOCUMENTS = {}     # customer_id -> {"invoices": n, ...}: what the fake billing answers
FEATURES = {}      # org_id -> {"profile_edit": bool}: what the fake portal answers


class FakeBilling:
    name = "billing"

    @rpc
    def count_customer_documents(self, actor, customer_id):
        counts = DOCUMENTS.get(customer_id, {})
        if counts == "fail":
            raise RuntimeError("billing database is on fire")
        return dict({"invoices": 0, "quotes": 0, "payments": 0, "projects": 0}, **counts)


class FakePortal:
    name = "portal"

    @rpc
    def get_features(self, actor):
        return dict({"profile_edit": False, "forwarding": False, "projects": False, "reviews": False},
                    **FEATURES.get(actor["org_id"], {}))


class Collector:
    name = "customers_test_collector"

    @event_handler("customers", "customer_updated")
    def on_updated(self, event):
        RECEIVED.append(event)

    @event_handler("customers", "customer_deleted")
    def on_deleted(self, event):
        RECEIVED.append(event)

    @event_handler("customers", "contact_updated")
    def on_contact_updated(self, event):
        RECEIVED.append(event)



@pytest.fixture
def system(start_service, container_factory, rabbit_config, rpc_client):
    """customers, a collector, and the fakes (start them with system.start_billing() ...)."""
    RECEIVED.clear()
    DOCUMENTS.clear()
    FEATURES.clear()
    start_service(CustomersService, "customers")
    collector = container_factory(Collector, rabbit_config)
    collector.start()

    def start(fake):
        container_factory(fake, rabbit_config).start()

    return SimpleNamespace(customers=rpc_client("customers"), received=RECEIVED,
                           start_billing=lambda: start(FakeBilling), start_portal=lambda: start(FakePortal))


def events_of(system, event_type, count=1):
    return wait_until(lambda: len([e for e in system.received if e["event_type"] == event_type]) >= count
                      and [e for e in system.received if e["event_type"] == event_type])
