"""reviews with the services it asks (customers, portal) on the real broker."""
from types import SimpleNamespace

import pytest
from nameko.events import event_handler

from customers.service import CustomersService
from portal.service import PortalService
from reviews.service import ReviewsService
from portico_kit.testing.waiting import wait_until

RECEIVED = []


class Collector:
    """A consumer like notifications, so tests see exactly what reviews published."""
    name = "reviews_test_collector"

    @event_handler("reviews", "review_requested")
    def on_requested(self, event):
        RECEIVED.append(event)

    @event_handler("reviews", "review_submitted")
    def on_submitted(self, event):
        RECEIVED.append(event)



def staff_actor(org_id, timezone="UTC"):
    return {"kind": "staff", "org_id": org_id, "user_id": f"user-{org_id}", "name": "Olive",
            "org_name": f"Org {org_id}", "org_timezone": timezone}


@pytest.fixture
def system(start_service, container_factory, rabbit_config, rpc_client):
    RECEIVED.clear()
    start_service(CustomersService, "customers")
    start_service(PortalService, "portal")
    _, reviews_config = start_service(ReviewsService, "reviews")
    collector = container_factory(Collector, rabbit_config)
    collector.start()
    return SimpleNamespace(customers=rpc_client("customers"), portal=rpc_client("portal"),
                           reviews=rpc_client("reviews"), received=RECEIVED, reviews_config=reviews_config)


def events_of(system, event_type, count=1):
    return wait_until(lambda: [e for e in system.received if e["event_type"] == event_type][count - 1:] and
                      [e for e in system.received if e["event_type"] == event_type])


@pytest.fixture
def org(system):
    """An organization with reviews switched on and a customer with an email."""
    staff = staff_actor("org-1")
    system.portal.update_preferences(staff, {"reviews_enabled": True})
    customer = system.customers.create_customer(staff, {"display_name": "Bob's Bikes", "email": "bob@bikes.test"})
    me = {"kind": "customer", "org_id": "org-1", "customer_id": customer["id"],
          "contact_id": customer["contacts"][0]["id"], "name": "Bob", "email": "bob@bikes.test"}
    return SimpleNamespace(staff=staff, customer=customer, me=me)
