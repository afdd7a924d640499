"""Portal access per contact: chosen contacts only, status, per-contact disable/enable, re-send."""
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, update

from portico_kit.errors import Conflict, Forbidden, Gone, Invalid, NotFound, Unauthorized
from portico_kit.timeutil import utcnow

from portal.models import Invitation
from portal.service import INVITATION_TTL

from .helpers import OTHER, STAFF, customer_with_two_contacts, last_token, wait_for

INVITED = "portal_invitation_created"


@pytest.fixture
def book(system):
    return customer_with_two_contacts(system["customers"])


def statuses(portal, customer_id):
    return {c["email"]: c for c in portal.get_portal_access(STAFF, customer_id)["contacts"]}


def test_enable_for_chosen_contacts_invites_only_them(system, book, received):
    portal = system["portal"]
    customer, bob, ann = book
    result = portal.enable_portal(STAFF, customer["id"], [ann["id"]])
    assert result["invited"] == ["ann@bikes.test"]
    [event] = wait_for(received, INVITED)
    assert event["data"]["contact"]["email"] == "ann@bikes.test"
    ann_status = statuses(portal, customer["id"])["ann@bikes.test"]
    assert set(statuses(portal, customer["id"])) == {"ann@bikes.test"}
    assert ann_status["status"] == "invited" and ann_status["invited_at"]
    assert ann_status["invitation_expires_at"] == event["data"]["invitation"]["expires_at"]
    assert INVITATION_TTL == timedelta(days=7)

    # later, the other one too
    assert portal.enable_portal(STAFF, customer["id"], [bob["id"]])["invited"] == ["bob@bikes.test"]
    assert set(statuses(portal, customer["id"])) == {"ann@bikes.test", "bob@bikes.test"}


def test_enable_with_unknown_or_malformed_contact_ids_is_refused(system, book):
    portal = system["portal"]
    customer, bob, ann = book
    with pytest.raises(Invalid) as err:
        portal.enable_portal(STAFF, customer["id"], ["no-such-contact"])
    assert "contact_ids" in err.value.fields
    with pytest.raises(Invalid):
        portal.enable_portal(STAFF, customer["id"], "all")
    with pytest.raises(Invalid):
        portal.enable_portal(STAFF, customer["id"], [42])
    assert portal.get_portal_access(STAFF, customer["id"]) == {"enabled": False, "contacts": []}


def test_chosen_contacts_without_email_are_refused(system):
    portal, customers = system["portal"], system["customers"]
    customer = customers.create_customer(STAFF, {"display_name": "Mixed", "email": "boss@mixed.test"})
    silent = customers.create_contact(STAFF, customer["id"], {"first_name": "Sam"})
    with pytest.raises(Invalid) as err:
        portal.enable_portal(STAFF, customer["id"], [silent["id"]])
    assert err.value.code == "email_required"


def test_resend_to_chosen_contacts_replaces_their_link_only(system, book, received):
    portal = system["portal"]
    customer, bob, ann = book
    name = portal.get_preferences(STAFF)["portal_name"]
    portal.enable_portal(STAFF, customer["id"])
    wait_for(received, INVITED, 2)
    tokens = {e["data"]["contact"]["email"]: e["data"]["invite_url"].rsplit("/", 1)[1] for e in received}
    assert portal.resend_invitations(STAFF, customer["id"], [ann["id"]])["invited"] == ["ann@bikes.test"]
    fresh = last_token(received, INVITED, 3)
    with pytest.raises(NotFound):  # the old link of Ann stopped working
        portal.get_invitation(name, tokens["ann@bikes.test"])
    assert portal.get_invitation(name, fresh)["email"] == "ann@bikes.test"
    assert portal.get_invitation(name, tokens["bob@bikes.test"])["email"] == "bob@bikes.test"
    with pytest.raises(Invalid):
        portal.resend_invitations(STAFF, customer["id"], ["no-such-contact"])


def test_expired_invitation_is_gone_until_staff_resend(system, book, received):
    portal = system["portal"]
    customer, bob, ann = book
    name = portal.get_preferences(STAFF)["portal_name"]
    portal.enable_portal(STAFF, customer["id"], [ann["id"]])
    old = last_token(received, INVITED)
    engine = create_engine(system["config"]["DATABASE_URL"])
    with engine.begin() as conn:  # move the clock: the invitation is 7 days and a minute old
        conn.execute(update(Invitation).values(expires_at=utcnow() - timedelta(minutes=1)))
    engine.dispose()
    for call in (lambda: portal.get_invitation(name, old),
                 lambda: portal.accept_invitation(name, old, {"password": "bike shed 42"})):
        with pytest.raises(Gone) as err:
            call()
        assert err.value.code == "invitation_expired"
    portal.resend_invitations(STAFF, customer["id"], [ann["id"]])  # Ann only: one new invitation to wait for
    new = last_token(received, INVITED, 2)
    with pytest.raises(NotFound):  # resending revoked the expired one too
        portal.get_invitation(name, old)
    assert portal.accept_invitation(name, new, {"password": "bike shed 42"})["token"]
    assert statuses(portal, customer["id"])["ann@bikes.test"]["status"] == "active"


def test_disable_one_contact_ends_its_sessions_and_login_only(system, book, received):
    portal = system["portal"]
    customer, bob, ann = book
    name = portal.get_preferences(STAFF)["portal_name"]
    portal.enable_portal(STAFF, customer["id"])
    wait_for(received, INVITED, 2)
    for event in received:
        portal.accept_invitation(name, event["data"]["invite_url"].rsplit("/", 1)[1], {"password": "bike shed 42"})
    ann_session = portal.login(name, {"email": "ann@bikes.test", "password": "bike shed 42"})["token"]
    bob_session = portal.login(name, {"email": "bob@bikes.test", "password": "bike shed 42"})["token"]

    result = portal.disable_contact(STAFF, customer["id"], ann["id"])
    assert result["contact"]["status"] == "disabled" and result["contact"]["disabled_at"]
    with pytest.raises(Unauthorized):
        portal.resolve_session(name, ann_session)
    [ended] = wait_for(received, "portal_sessions_ended")  # the gateway evicts its cached sessions on it
    assert ended["data"] == {"customer": {"id": customer["id"]}, "contact": {"id": ann["id"]},
                             "reason": "contact_disabled"}
    with pytest.raises(Forbidden) as err:
        portal.login(name, {"email": "ann@bikes.test", "password": "bike shed 42"})
    assert err.value.code == "portal_disabled"
    assert portal.resolve_session(name, bob_session)["contact"]["email"] == "bob@bikes.test"
    assert portal.get_portal_access(STAFF, customer["id"])["enabled"] is True

    # enabling "all" again leaves Ann off; resend skips her
    assert portal.enable_portal(STAFF, customer["id"])["skipped"][0]["email"] == "ann@bikes.test"
    assert portal.resend_invitations(STAFF, customer["id"])["invited"] == []
    assert statuses(portal, customer["id"])["ann@bikes.test"]["status"] == "disabled"

    # enabling her on her own restores her password, without a new invitation
    result = portal.enable_contact(STAFF, customer["id"], ann["id"])
    assert result["contact"]["status"] == "active" and result["invited"] == []
    assert portal.login(name, {"email": "ann@bikes.test", "password": "bike shed 42"})["token"]

    portal.logout(bob_session)
    ended = wait_for(received, "portal_sessions_ended", 2)[-1]
    assert ended["data"]["contact"] == {"id": bob["id"]} and ended["data"]["reason"] == "logout"
    with pytest.raises(Unauthorized):
        portal.resolve_session(name, bob_session)


def test_disable_an_invited_contact_revokes_the_invitation_and_enable_sends_a_new_one(system, book, received):
    portal = system["portal"]
    customer, bob, ann = book
    name = portal.get_preferences(STAFF)["portal_name"]
    portal.enable_portal(STAFF, customer["id"], [ann["id"]])
    old = last_token(received, INVITED)
    portal.disable_contact(STAFF, customer["id"], ann["id"])
    with pytest.raises(NotFound):
        portal.accept_invitation(name, old, {"password": "bike shed 42"})
    assert portal.enable_contact(STAFF, customer["id"], ann["id"])["invited"] == ["ann@bikes.test"]
    assert portal.accept_invitation(name, last_token(received, INVITED, 2), {"password": "bike shed 42"})


def test_enable_contact_never_invited_invites_it(system, book, received):
    portal = system["portal"]
    customer, bob, ann = book
    portal.enable_portal(STAFF, customer["id"], [bob["id"]])
    result = portal.enable_contact(STAFF, customer["id"], ann["id"])
    assert result["invited"] == ["ann@bikes.test"] and result["contact"]["status"] == "invited"


def test_per_contact_routes_check_the_customer(system, book):
    portal = system["portal"]
    customer, bob, ann = book
    with pytest.raises(Conflict):  # portal not enabled yet
        portal.enable_contact(STAFF, customer["id"], ann["id"])
    portal.enable_portal(STAFF, customer["id"], [bob["id"]])
    with pytest.raises(NotFound):  # Ann was never given access: nothing to disable
        portal.disable_contact(STAFF, customer["id"], ann["id"])
    with pytest.raises(Invalid):
        portal.enable_contact(STAFF, customer["id"], "no-such-contact")
    other = system["customers"].create_customer(STAFF, {"display_name": "Other", "email": "x@other.test"})
    with pytest.raises(NotFound):  # Bob is not the other customer's contact
        portal.disable_contact(STAFF, other["id"], bob["id"])


def test_other_organizations_get_not_found_everywhere(system, book):
    portal = system["portal"]
    customer, bob, ann = book
    portal.enable_portal(STAFF, customer["id"])
    calls = [lambda: portal.enable_portal(OTHER, customer["id"], [ann["id"]]),
             lambda: portal.resend_invitations(OTHER, customer["id"], None),
             lambda: portal.disable_portal(OTHER, customer["id"]),
             lambda: portal.disable_contact(OTHER, customer["id"], ann["id"]),
             lambda: portal.enable_contact(OTHER, customer["id"], ann["id"])]
    for call in calls:
        with pytest.raises(NotFound):
            call()
    assert portal.get_portal_access(OTHER, customer["id"]) == {"enabled": False, "contacts": []}
    assert statuses(portal, customer["id"])["ann@bikes.test"]["status"] == "invited"
