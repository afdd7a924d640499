"""Deleting a customer: never one that has documents, never when billing cannot say."""
import pytest

from portico_kit.errors import Conflict, NotFound, ServiceUnavailable

from .conftest import DOCUMENTS, events_of

STAFF = {"kind": "staff", "org_id": "org-1", "user_id": "u-1", "name": "Olive"}
OTHER_ORG = {"kind": "staff", "org_id": "org-2", "user_id": "u-2", "name": "Mallory"}


def test_a_customer_without_documents_is_deleted_with_its_contacts(system):
    system.start_billing()
    customer = system.customers.create_customer(STAFF, {"display_name": "Acme", "email": "a@acme.test"})
    assert system.customers.delete_customer(STAFF, customer["id"]) == {"deleted": True, "id": customer["id"]}
    with pytest.raises(NotFound):
        system.customers.get_customer(STAFF, customer["id"])
    [event] = events_of(system, "customer_deleted")
    assert event["data"]["customer"] == {"id": customer["id"], "display_name": "Acme", "language": None}


def test_a_customer_with_documents_is_409_and_stays(system):
    system.start_billing()
    customer = system.customers.create_customer(STAFF, {"display_name": "Acme"})
    DOCUMENTS[customer["id"]] = {"invoices": 2, "payments": 1}
    with pytest.raises(Conflict) as err:
        system.customers.delete_customer(STAFF, customer["id"])
    assert err.value.code == "customer_has_documents"
    assert err.value.message.startswith("Acme has 2 invoices and 1 payment, so it cannot be deleted.")
    assert system.customers.get_customer(STAFF, customer["id"])["display_name"] == "Acme"


@pytest.mark.parametrize("billing", ["not running", "failing"])
def test_billing_unable_to_answer_means_nothing_is_deleted(system, billing):
    customer = system.customers.create_customer(STAFF, {"display_name": "Acme"})
    if billing == "failing":
        system.start_billing()
        DOCUMENTS[customer["id"]] = "fail"
    with pytest.raises(ServiceUnavailable) as err:
        system.customers.delete_customer(STAFF, customer["id"])
    assert "was not deleted" in err.value.message
    assert system.customers.get_customer(STAFF, customer["id"])["id"] == customer["id"]


def test_another_organization_cannot_delete_and_billing_is_not_even_asked(system):
    system.start_billing()
    customer = system.customers.create_customer(STAFF, {"display_name": "Acme"})
    DOCUMENTS[customer["id"]] = "fail"  # would be 503 if asked; 404 comes first
    with pytest.raises(NotFound):
        system.customers.delete_customer(OTHER_ORG, customer["id"])
    with pytest.raises(NotFound):
        system.customers.delete_customer(STAFF, "no-such-customer")
