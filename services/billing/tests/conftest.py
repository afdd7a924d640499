"""billing over the real broker, with fake customers/portal/accounts services and an event collector."""
from types import SimpleNamespace

import eventlet
import pytest
from nameko.events import event_handler

from billing.processor import TestProcessor, reset_test_processor
from billing.service import BillingService
from portico_kit.testing.waiting import wait_until
from portico_kit.timeutil import today_in

from . import fakes

EVENT_TYPES = ("invoice_sent", "invoice_voided", "quote_sent", "quote_accepted", "quote_declined", "invoice_viewed",
               "quote_viewed", "statement_sent", "payment_refunded", "autopay_failed", "card_expiring",
               "comment_added", "payment_recorded", "document_forwarded")
RECEIVED = []


def _collect(event_type):
    @event_handler("billing", event_type)
    def handler(self, event):
        RECEIVED.append(event)
    handler.__name__ = f"on_{event_type}"
    return handler


Collector = type("Collector", (), dict(
    {"name": "billing_test_collector"}, **{f"on_{t}": _collect(t) for t in EVENT_TYPES}))



# UTC+14: for fourteen hours of every day its date is the server's tomorrow, so a test that
# compared with the server's date.today() instead of the organization's day fails most of the time
ORG_TIMEZONE = "Pacific/Kiritimati"


def org_today():
    """Today as billing sees it for the test organizations."""
    return today_in(ORG_TIMEZONE)


def staff_actor(org_id="org-1"):
    return {"kind": "staff", "org_id": org_id, "user_id": f"user-{org_id}", "name": "Olive Owner",
            "email": f"olive@{org_id}.test", "org_timezone": ORG_TIMEZONE}


def customer_actor(org_id, customer_id, name="Bob Baker"):
    return {"kind": "customer", "org_id": org_id, "customer_id": customer_id, "contact_id": f"c-{customer_id}",
            "name": name, "email": f"{customer_id}@example.test", "org_timezone": ORG_TIMEZONE}


LINE = {"description": "Design work", "quantity": "10", "rate": "100.00", "tax_rate": "19"}


@pytest.fixture
def make_system(start_service, container_factory, rabbit_config, rpc_client):
    """make_system(db_url=None, **config) -> namespace with billing proxy, actors, received events."""
    def make(db_url=None, **config):
        RECEIVED.clear()
        fakes.reset()
        reset_test_processor()
        for fake in (fakes.FakeCustomers, fakes.FakePortal, fakes.FakeAccounts):
            container_factory(fake, rabbit_config).start()
        container_factory(Collector, rabbit_config).start()
        _, billing_config = start_service(BillingService, "billing", db_url=db_url, **config)
        fakes.add_customer("org-1", "cust-1", "Bob's Bikes", currency="EUR")
        fakes.add_customer("org-1", "cust-2", "Carla's Cafe")
        fakes.add_customer("org-2", "cust-9", "Other Org Customer", currency="GBP")
        return SimpleNamespace(
            billing=rpc_client("billing", timeout=30), rpc_client=rpc_client, rabbit_config=rabbit_config,
            config=billing_config, staff=staff_actor("org-1"), other_staff=staff_actor("org-2"),
            me=customer_actor("org-1", "cust-1"), neighbour=customer_actor("org-1", "cust-2", "Carla"),
            stranger=customer_actor("org-2", "cust-9", "Stan"), received=RECEIVED, state=fakes.STATE,
            ledger=TestProcessor.ledger)
    return make


@pytest.fixture
def system(make_system):
    return make_system()


def events_of(received, event_type, count=1):
    return wait_until(lambda: len([e for e in received if e["event_type"] == event_type]) >= count and
                      [e for e in received if e["event_type"] == event_type])


def new_invoice(system, customer_id="cust-1", lines=None, send=True, **extra):
    invoice = system.billing.create_invoice(system.staff, dict(
        {"customer_id": customer_id, "line_items": lines or [LINE]}, **extra))
    if send:
        invoice = system.billing.send_invoice(system.staff, invoice["id"])
    return invoice


def new_quote(system, customer_id="cust-1", lines=None, send=True, **extra):
    quote = system.billing.create_quote(system.staff, dict(
        {"customer_id": customer_id, "line_items": lines or [LINE]}, **extra))
    if send:
        quote = system.billing.send_quote(system.staff, quote["id"])
    return quote


def fire_together(system, calls):
    """Run the calls at the same moment, each through its own RPC proxy; results or exceptions."""
    proxies = [system.rpc_client("billing", timeout=30) for _ in calls]
    threads = [eventlet.spawn(call, proxy) for proxy, call in zip(proxies, calls)]
    results = []
    for thread in threads:
        try:
            results.append(thread.wait())
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            results.append(exc)
    return results
