"""Portal contacts' password reset over the real broker: event data, single use, expiry, sessions,
no account enumeration, throttling."""
from datetime import timedelta

import eventlet
import pytest
from sqlalchemy import create_engine, update

from portico_kit.errors import Forbidden, Gone, Invalid, NotFound, TooManyRequests, Unauthorized
from portico_kit.timeutil import utcnow

from portal.models import PasswordReset
from portal.password_reset import RESET_THROTTLE

from .helpers import OTHER, STAFF, customer_with_two_contacts, last_token, wait_for

RESET = "portal_password_reset_requested"


@pytest.fixture
def active(system, received):
    """Bob's Bikes with Bob and Ann signed up; returns (portal name, customer, bob, ann, Bob's session)."""
    portal = system["portal"]
    customer, bob, ann = customer_with_two_contacts(system["customers"])
    name = portal.get_preferences(STAFF)["portal_name"]
    portal.enable_portal(STAFF, customer["id"])
    for event in wait_for(received, "portal_invitation_created", 2):
        portal.accept_invitation(name, event["data"]["invite_url"].rsplit("/", 1)[1], {"password": "old password"})
    session = portal.login(name, {"email": "bob@bikes.test", "password": "old password"})["token"]
    received.clear()
    return name, customer, bob, ann, session


def test_reset_event_carries_what_the_catalogue_says(system, active, received):
    portal = system["portal"]
    name, customer, bob, ann, session = active
    assert portal.request_password_reset(name, {"email": "Bob@Bikes.test"}) == {"accepted": True}
    [event] = wait_for(received, RESET)
    url = f"http://localhost:8000/portal/{name}"
    data = event["data"]
    assert set(data) == {"contact", "customer", "organization", "portal", "reset_url", "expires_at"}
    assert data["contact"] == {"id": bob["id"], "email": "bob@bikes.test", "name": bob["name"], "language": "en"}
    assert data["customer"] == {"id": customer["id"], "display_name": "Bob's Bikes"}
    assert data["organization"] == {"id": "org-1", "name": "Acme"}
    assert data["portal"] == {"name": name, "url": url}
    assert data["reset_url"].startswith(f"{url}/reset/") and data["expires_at"].endswith("Z")
    assert event["org_id"] == "org-1"


def test_reset_sets_the_password_signs_in_and_ends_other_sessions(system, active, received):
    portal = system["portal"]
    name, customer, bob, ann, session = active
    ann_session = portal.login(name, {"email": "ann@bikes.test", "password": "old password"})["token"]
    portal.request_password_reset(name, {"email": "bob@bikes.test"})
    token = last_token(received, RESET)
    assert portal.get_password_reset(name, token)["email"] == "bob@bikes.test"
    with pytest.raises(Invalid) as err:
        portal.reset_password(name, token, {"password": "short"})
    assert "password" in err.value.fields
    new_session = portal.reset_password(name, token, {"password": "new password"})["token"]
    assert portal.resolve_session(name, new_session)["contact"]["email"] == "bob@bikes.test"
    with pytest.raises(Unauthorized):
        portal.resolve_session(name, session)
    assert portal.resolve_session(name, ann_session)  # another contact's session is untouched
    with pytest.raises(NotFound) as err:  # single use
        portal.reset_password(name, token, {"password": "newer password"})
    assert err.value.code == "reset_not_found"
    with pytest.raises(Unauthorized):
        portal.login(name, {"email": "bob@bikes.test", "password": "old password"})
    assert portal.login(name, {"email": "bob@bikes.test", "password": "new password"})


def test_invited_contact_can_set_a_password_by_reset(system, received):
    """A contact who lost the invitation: the reset link proves the address as well."""
    portal = system["portal"]
    customer, bob, ann = customer_with_two_contacts(system["customers"])
    name = portal.get_preferences(STAFF)["portal_name"]
    portal.enable_portal(STAFF, customer["id"], [ann["id"]])
    invitation = last_token(received, "portal_invitation_created")
    portal.request_password_reset(name, {"email": "ann@bikes.test"})
    assert portal.reset_password(name, last_token(received, RESET), {"password": "new password"})["token"]
    with pytest.raises(NotFound):  # the invitation has no use any more
        portal.accept_invitation(name, invitation, {"password": "other password"})


def test_unknown_disabled_or_other_portal_emails_answer_the_same_and_send_nothing(system, active, received):
    portal = system["portal"]
    name, customer, bob, ann, session = active
    portal.disable_contact(STAFF, customer["id"], ann["id"])
    other_name = portal.get_preferences(OTHER)["portal_name"]
    for portal_name, email in ((name, "nobody@bikes.test"), (name, "ann@bikes.test"),
                               (other_name, "bob@bikes.test")):
        assert portal.request_password_reset(portal_name, {"email": email}) == {"accepted": True}
    portal.disable_portal(STAFF, customer["id"])
    assert portal.request_password_reset(name, {"email": "bob@bikes.test"}) == {"accepted": True}
    eventlet.sleep(0.5)
    assert [e for e in received if e["event_type"] == RESET] == []


def test_a_link_stops_working_when_access_is_turned_off(system, active, received):
    portal = system["portal"]
    name, customer, bob, ann, session = active
    portal.request_password_reset(name, {"email": "ann@bikes.test"})
    token = last_token(received, RESET)
    portal.disable_contact(STAFF, customer["id"], ann["id"])
    with pytest.raises(NotFound):
        portal.reset_password(name, token, {"password": "new password"})
    portal.request_password_reset(name, {"email": "bob@bikes.test"})
    token = last_token(received, RESET, 2)
    portal.disable_portal(STAFF, customer["id"])
    with pytest.raises(Forbidden):
        portal.reset_password(name, token, {"password": "new password"})


def test_expired_link_says_so(system, active, received):
    portal = system["portal"]
    name, customer, bob, ann, session = active
    portal.request_password_reset(name, {"email": "bob@bikes.test"})
    token = last_token(received, RESET)
    engine = create_engine(system["config"]["DATABASE_URL"])
    with engine.begin() as conn:  # an hour and a second later
        conn.execute(update(PasswordReset).values(expires_at=utcnow() - timedelta(seconds=1)))
    engine.dispose()
    for call in (lambda: portal.get_password_reset(name, token),
                 lambda: portal.reset_password(name, token, {"password": "new password"})):
        with pytest.raises(Gone) as err:
            call()
        assert err.value.code == "reset_expired"


def test_a_link_works_only_on_its_own_portal(system, active, received):
    portal = system["portal"]
    name, customer, bob, ann, session = active
    portal.request_password_reset(name, {"email": "bob@bikes.test"})
    token = last_token(received, RESET)
    with pytest.raises(NotFound):
        portal.reset_password(portal.get_preferences(OTHER)["portal_name"], token, {"password": "new password"})
    with pytest.raises(NotFound):
        portal.request_password_reset("no-such-portal", {"email": "bob@bikes.test"})


def test_bad_input_is_refused(system, active):
    portal = system["portal"]
    name, customer, bob, ann, session = active
    for body in ({"email": "not-an-email"}, {"email": ["a@b.test"]}, {}, {"email": "a@b.test", "x": 1}, "a@b.test"):
        with pytest.raises(Invalid):
            portal.request_password_reset(name, body)
    for body in ({"password": 12345678}, {}, {"password": "x" * 2000}):
        with pytest.raises(Invalid):
            portal.reset_password(name, "made-up", body)
    with pytest.raises(NotFound):
        portal.get_password_reset(name, "made-up")


def test_requests_are_throttled_per_email_known_or_not(system, active):
    portal = system["portal"]
    name, customer, bob, ann, session = active
    for email in ("bob@bikes.test", "nobody@bikes.test"):
        for _ in range(RESET_THROTTLE.limit):
            portal.request_password_reset(name, {"email": email})
        with pytest.raises(TooManyRequests):
            portal.request_password_reset(name, {"email": email})
    assert portal.login(name, {"email": "bob@bikes.test", "password": "old password"})["token"]
