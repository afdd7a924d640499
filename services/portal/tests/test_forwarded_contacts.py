"""Finding 2: a person a document was forwarded to is never invited to the portal implicitly."""
from .test_access import STAFF, wait_for

CUSTOMER_ACTOR = {"kind": "customer", "org_id": "org-1", "name": "Bob"}


def test_forwarded_contacts_are_invited_only_when_staff_choose_them(system, received):
    customers, portal = system["customers"], system["portal"]
    customer = customers.create_customer(STAFF, {"display_name": "Bob's Bikes", "email": "bob@bikes.test"})
    me = dict(CUSTOMER_ACTOR, customer_id=customer["id"])
    # what billing's forward_document does for the person a customer forwards an invoice to
    carla = customers.ensure_contact(me, customer["id"], {"first_name": "Carla", "email": "carla@partner.test"})
    assert carla["created"] is True and carla["added_by"] == "forwarding"
    listed = {c["email"]: c["added_by"] for c in customers.get_customer(STAFF, customer["id"])["contacts"]}
    assert listed == {"bob@bikes.test": "staff", "carla@partner.test": "forwarding"}

    assert portal.enable_portal(STAFF, customer["id"])["invited"] == ["bob@bikes.test"]
    wait_for(received, "portal_invitation_created")
    # re-send: to the pending invitation only, never to the forwarded contact
    assert portal.resend_invitations(STAFF, customer["id"])["invited"] == ["bob@bikes.test"]
    statuses = {c["email"] for c in portal.get_portal_access(STAFF, customer["id"])["contacts"]}
    assert statuses == {"bob@bikes.test"}

    # staff may still invite that contact explicitly, and from then on re-send includes them
    assert portal.enable_portal(STAFF, customer["id"], [carla["id"]])["invited"] == ["carla@partner.test"]
    again = portal.resend_invitations(STAFF, customer["id"])["invited"]
    assert sorted(again) == ["bob@bikes.test", "carla@partner.test"]


def test_resend_does_not_invite_contacts_never_invited(system):
    customers, portal = system["customers"], system["portal"]
    customer = customers.create_customer(STAFF, {"display_name": "Ann", "email": "ann@a.test"})
    portal.enable_portal(STAFF, customer["id"])
    customers.create_contact(STAFF, customer["id"], {"first_name": "Dan", "email": "dan@a.test"})
    assert portal.resend_invitations(STAFF, customer["id"])["invited"] == ["ann@a.test"]
