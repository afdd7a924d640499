"""Shared by the portal's access tests."""
from portico_kit.testing.waiting import events_of as wait_for

STAFF = {"kind": "staff", "org_id": "org-1", "user_id": "u1", "name": "Olive", "org_name": "Acme"}
OTHER = {"kind": "staff", "org_id": "org-2", "user_id": "u2", "name": "Eve", "org_name": "Evil"}


def last_token(received, event_type, count=1):
    event = wait_for(received, event_type, count)[-1]
    url = event["data"].get("invite_url") or event["data"]["reset_url"]
    return url.rsplit("/", 1)[1]


def customer_with_two_contacts(customers):
    """Bob's Bikes: Bob (primary, bob@bikes.test) and Ann (ann@bikes.test)."""
    customer = customers.create_customer(STAFF, {"display_name": "Bob's Bikes", "email": "bob@bikes.test"})
    ann = customers.create_contact(STAFF, customer["id"], {"first_name": "Ann", "email": "ann@bikes.test"})
    customer = customers.get_customer(STAFF, customer["id"])
    bob = next(c for c in customer["contacts"] if c["email"] == "bob@bikes.test")
    return customer, bob, ann
