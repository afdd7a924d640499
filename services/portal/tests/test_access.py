"""Enable -> invitation -> accept -> session -> disable, over the real broker with customers running."""
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, update

from portico_kit.errors import Conflict, Forbidden, Gone, Invalid, NotFound, Unauthorized
from portico_kit.timeutil import utcnow

from portal.models import Invitation
from portico_kit.testing.waiting import events_of as wait_for

STAFF = {"kind": "staff", "org_id": "org-1", "user_id": "u1", "name": "Olive", "org_name": "Acme"}
OTHER = {"kind": "staff", "org_id": "org-2", "user_id": "u2", "name": "Eve", "org_name": "Evil"}


def token_of(event):
    return event["data"]["invite_url"].rsplit("/", 1)[1]


@pytest.fixture
def customer(system):
    return system["customers"].create_customer(STAFF, {"display_name": "Bob's Bikes", "email": "bob@bikes.test"})


def test_enable_without_any_email_is_refused_and_changes_nothing(system):
    bare = system["customers"].create_customer(STAFF, {"display_name": "No Mail"})
    with pytest.raises(Invalid) as err:
        system["portal"].enable_portal(STAFF, bare["id"])
    assert err.value.code == "email_required"
    assert system["portal"].get_portal_access(STAFF, bare["id"]) == {"enabled": False, "contacts": []}


def test_full_access_cycle(system, customer, received):
    portal = system["portal"]
    name = portal.get_preferences(STAFF)["portal_name"]
    result = portal.enable_portal(STAFF, customer["id"])
    assert result["enabled"] is True and result["invited"] == ["bob@bikes.test"]
    [event] = wait_for(received, "portal_invitation_created")
    assert event["data"]["invite_url"].startswith(f"http://localhost:8000/portal/{name}/invite/")
    assert event["org_id"] == "org-1" and event["actor"]["kind"] == "staff"
    access = portal.get_portal_access(STAFF, customer["id"])
    assert access["enabled"] and access["contacts"][0]["status"] == "invited"

    token = token_of(event)
    assert portal.get_invitation(name, token)["email"] == "bob@bikes.test"
    with pytest.raises(Invalid):
        portal.accept_invitation(name, token, {"password": "short"})
    session = portal.accept_invitation(name, token, {"password": "bike shed 42"})["token"]
    with pytest.raises(NotFound):  # single use
        portal.accept_invitation(name, token, {"password": "bike shed 42"})
    me = portal.resolve_session(name, session)
    assert me["actor"] == {"kind": "customer", "org_id": "org-1", "customer_id": customer["id"],
                           "contact_id": customer["contacts"][0]["id"], "name": "Bob's Bikes",
                           "email": "bob@bikes.test", "language": "en", "org_country": None, "org_timezone": "UTC"}
    with pytest.raises(Unauthorized):  # a session belongs to its own portal only
        portal.resolve_session(portal.get_preferences(OTHER)["portal_name"], session)

    second = portal.login(name, {"email": "BOB@bikes.test", "password": "bike shed 42"})["token"]
    assert portal.get_portal_access(STAFF, customer["id"])["contacts"][0]["status"] == "active"
    with pytest.raises(Unauthorized):
        portal.login(name, {"email": "bob@bikes.test", "password": "wrong"})

    assert portal.disable_portal(STAFF, customer["id"]) == {"enabled": False}
    for token in (session, second):
        with pytest.raises(Unauthorized):
            portal.resolve_session(name, token)
    with pytest.raises(Forbidden) as err:
        portal.login(name, {"email": "bob@bikes.test", "password": "bike shed 42"})
    assert err.value.code == "portal_disabled"

    # re-enabling lets an active contact back in without a new invitation
    assert portal.enable_portal(STAFF, customer["id"])["invited"] == []
    assert portal.login(name, {"email": "bob@bikes.test", "password": "bike shed 42"})["token"]


def test_expired_invitation_says_so_and_resend_replaces_it(system, customer, received):
    portal = system["portal"]
    name = portal.get_preferences(STAFF)["portal_name"]
    portal.enable_portal(STAFF, customer["id"])
    old = token_of(wait_for(received, "portal_invitation_created")[0])
    engine = create_engine(system["config"]["DATABASE_URL"])
    with engine.begin() as conn:
        conn.execute(update(Invitation).values(expires_at=utcnow() - timedelta(minutes=1)))
    engine.dispose()
    with pytest.raises(Gone) as err:
        portal.accept_invitation(name, old, {"password": "bike shed 42"})
    assert err.value.code == "invitation_expired"
    assert portal.resend_invitations(STAFF, customer["id"])["invited"] == ["bob@bikes.test"]
    new = token_of(wait_for(received, "portal_invitation_created", 2)[1])
    assert portal.accept_invitation(name, new, {"password": "bike shed 42"})["token"]


def test_other_organizations_cannot_touch_access(system, customer):
    portal = system["portal"]
    with pytest.raises(NotFound):
        portal.enable_portal(OTHER, customer["id"])
    with pytest.raises(NotFound):
        portal.disable_portal(OTHER, customer["id"])
    with pytest.raises(NotFound):
        portal.resend_invitations(OTHER, customer["id"])
    with pytest.raises(Conflict):  # their own customer, portal never enabled
        portal.resend_invitations(STAFF, customer["id"])
    assert portal.get_portal_access(OTHER, customer["id"])["enabled"] is False


def test_unknown_portal_and_bad_tokens(system):
    portal = system["portal"]
    with pytest.raises(NotFound):
        portal.get_public_portal("no-such-portal")
    name = portal.get_preferences(STAFF)["portal_name"]
    with pytest.raises(NotFound):
        portal.get_invitation(name, "made-up")
    with pytest.raises(Unauthorized):
        portal.resolve_session(name, "made-up")
