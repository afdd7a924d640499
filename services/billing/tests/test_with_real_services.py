"""billing with the real customers and portal services (the fakes elsewhere answer as these do)."""
import pytest

from portico_kit.errors import Forbidden, Invalid

from billing.service import BillingService
from customers.service import CustomersService
from portal.service import PortalService

from .conftest import LINE, RECEIVED, Collector, events_of, staff_actor
from .fakes import FakeAccounts


@pytest.fixture
def real(start_service, container_factory, rabbit_config, rpc_client):
    RECEIVED.clear()
    start_service(CustomersService, "customers")
    start_service(PortalService, "portal")
    container_factory(FakeAccounts, rabbit_config).start()
    container_factory(Collector, rabbit_config).start()
    start_service(BillingService, "billing")
    return rpc_client("customers"), rpc_client("portal"), rpc_client("billing", timeout=30)


def test_documents_forwarding_and_projects_against_the_real_services(real):
    customers, portal, billing = real
    staff = staff_actor("org-r")
    customer = customers.create_customer(staff, {"display_name": "Real Customer", "email": "real@cust.test",
                                                 "currency": "EUR"})
    portal.enable_portal(staff, customer["id"])  # a customer acts in the portal, and its share links live, once enabled
    me = {"kind": "customer", "org_id": "org-r", "customer_id": customer["id"],
          "contact_id": customer["contacts"][0]["id"], "name": "Rea", "email": "real@cust.test"}
    with pytest.raises(Invalid) as err:
        billing.create_invoice(staff_actor("org-other"), {"customer_id": customer["id"], "line_items": [LINE]})
    assert err.value.code == "unknown_customer"
    invoice = billing.create_invoice(staff, {"customer_id": customer["id"], "line_items": [LINE]})
    assert invoice["customer_name"] == "Real Customer" and invoice["currency"] == "EUR"
    billing.send_invoice(staff, invoice["id"])

    prefs = portal.update_preferences(staff, {"allow_forwarding": False, "show_projects": False})
    with pytest.raises(Forbidden) as err:
        billing.forward_document(me, "invoice", invoice["id"], {"email": "pat@partner.test", "name": "Pat Partner"})
    assert err.value.code == "forwarding_disabled"
    billing.create_project(staff, {"customer_id": customer["id"], "name": "P", "billing_method": "hourly",
                                   "hourly_rate": "50.00"})
    with pytest.raises(Forbidden) as err:
        billing.list_projects(me)
    assert err.value.code == "projects_hidden"

    portal.update_preferences(staff, {"allow_forwarding": True, "show_projects": True})
    assert billing.list_projects(me)["total"] == 1
    result = billing.forward_document(me, "invoice", invoice["id"], {"email": "pat@partner.test",
                                                                     "name": "Pat Partner"})
    contact = next(c for c in customers.get_customer(staff, customer["id"])["contacts"]
                   if c["email"] == "pat@partner.test")
    assert result["recipient"]["contact_id"] == contact["id"]
    assert (contact["first_name"], contact["last_name"]) == ("Pat", "Partner")
    [event] = events_of(RECEIVED, "document_forwarded")
    assert event["data"]["view_url"].startswith(prefs["portal_url"] + "/shared/")
    token = event["data"]["view_url"].rsplit("/", 1)[1]
    assert billing.get_shared_document(prefs["portal_name"], token)["id"] == invoice["id"]
    again = billing.forward_document(me, "invoice", invoice["id"], {"email": "pat@partner.test", "name": "Pat"})
    assert again["recipient"]["contact_id"] == contact["id"]  # added once

