"""Finding 9 in the portal: per account from one address, per address over every account."""
import pytest

from portico_kit.errors import TooManyRequests, Unauthorized

from portal.service import LOGIN_THROTTLE, MAX_FAILURES

from .test_access import STAFF, token_of, wait_for

ATTACKER, OWNER = "203.0.113.66", "2001:db8::7"


def test_portal_sign_in_limits_the_attacking_address_not_the_owner(system, received):
    portal = system["portal"]
    name = portal.get_preferences(STAFF)["portal_name"]
    customer = system["customers"].create_customer(STAFF, {"display_name": "Bob", "email": "bob@bikes.test"})
    portal.enable_portal(STAFF, customer["id"])
    [event] = wait_for(received, "portal_invitation_created")
    portal.accept_invitation(name, token_of(event), {"password": "bike shed 42"})
    for _ in range(MAX_FAILURES):
        with pytest.raises(Unauthorized):
            portal.login(name, {"email": "bob@bikes.test", "password": "guess"}, ATTACKER)
    with pytest.raises(TooManyRequests):
        portal.login(name, {"email": "bob@bikes.test", "password": "bike shed 42"}, ATTACKER)
    assert portal.login(name, {"email": "bob@bikes.test", "password": "bike shed 42"}, OWNER)["token"]

    for i in range(LOGIN_THROTTLE.client.limit - MAX_FAILURES):
        with pytest.raises(Unauthorized):
            portal.login(name, {"email": f"u{i}@spray.test", "password": "Summer2026!"}, ATTACKER)
    with pytest.raises(TooManyRequests):
        portal.login(name, {"email": "new@spray.test", "password": "Summer2026!"}, ATTACKER)
