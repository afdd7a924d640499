"""Whose language a portal session speaks: the contact's own choice, else the customer's, else the
organization's; the organization's country and time zone travel with it (money and dates)."""
import eventlet

from .helpers import STAFF, wait_for


def language_of(portal, name, session):
    return portal.resolve_session(name, session)["actor"]


def eventually(check, timeout=20):
    for _ in range(int(timeout / 0.05)):
        if check():
            return True
        eventlet.sleep(0.05)
    raise AssertionError("not in time")


def test_contact_then_customer_then_organization(system, received, dispatch_event):
    portal, customers = system["portal"], system["customers"]
    name = portal.get_preferences(STAFF)["portal_name"]
    customer = customers.create_customer(STAFF, {"display_name": "Bäckerei Boll", "email": "anna@boll.test"})
    portal.enable_portal(STAFF, customer["id"])
    [invitation] = wait_for(received, "portal_invitation_created")
    session = portal.accept_invitation(name, invitation["data"]["invite_url"].rsplit("/", 1)[1],
                                       {"password": "bike shed 42"})["token"]
    actor = language_of(portal, name, session)
    assert (actor["language"], actor["org_country"], actor["org_timezone"]) == ("en", None, "UTC")

    dispatch_event("accounts", "organization_updated", {"organization": {
        "id": "org-1", "name": "Acme", "language": "de", "timezone": "Europe/Berlin",
        "address": {"street": "Hauptstr. 1", "city": "Berlin", "zip": "10115", "country": "DE"}}})
    eventually(lambda: language_of(portal, name, session)["language"] == "de")
    actor = language_of(portal, name, session)
    assert (actor["org_country"], actor["org_timezone"]) == ("DE", "Europe/Berlin")

    customers.update_customer(STAFF, customer["id"], {"language": "fr"})
    eventually(lambda: language_of(portal, name, session)["language"] == "fr")

    # the contact's own choice wins, even where editing one's details is turned off
    me = language_of(portal, name, session)
    customers.update_profile(me, {"contact": {"language": "ar"}})
    eventually(lambda: language_of(portal, name, session)["language"] == "ar")
    customers.update_customer(STAFF, customer["id"], {"language": "es"})
    eventually(lambda: portal.get_portal_access(STAFF, customer["id"]) is not None)
    customers.update_profile(me, {"contact": {"language": None}})
    eventually(lambda: language_of(portal, name, session)["language"] == "es")
