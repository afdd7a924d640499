"""The gateway remembers who a token is for a few seconds (no RPC per request), and still a staff
action ends sessions at once: the services' revocation events reach the gateway's own consumer.

The revoking calls here are made straight to the services (as another gateway process would),
so the only way this gateway can learn of them is the event: its local eviction is not in play.
"""
import re
import time

import requests
from nameko.standalone.rpc import ClusterRpcProxy

from devstack.client import invite_link
from portico_kit.testing.smtp import body_text

OPS = {"Authorization": "Bearer ops-test-token"}
WITHIN = 1.0  # seconds from the staff action to the first refused request


def cache_hits(stack):
    text = requests.get(stack.url + "/metrics", timeout=5, headers=OPS).text
    match = re.search(r'^portico_session_cache_total\{outcome="hit"\} ([0-9.e+]+)$', text, re.M)
    return float(match.group(1)) if match else 0.0


def seconds_until_refused(api, path, token, limit=5.0):
    started = time.monotonic()
    while time.monotonic() - started < limit:
        if api.request("GET", path, token).status_code == 401:
            return time.monotonic() - started
        time.sleep(0.02)
    return None


def primed(stack, api, path, token):
    """Two answered requests, the second from the gateway's cache (its hit counter moved)."""
    assert api.request("GET", path, token).status_code == 200
    before = cache_hits(stack)
    assert api.request("GET", path, token).status_code == 200
    assert cache_hits(stack) > before, "the second request should have come from the session cache"


def test_a_disabled_customer_and_a_disabled_contact_are_refused_within_a_second(stack, api, new_org, mail,
                                                                                  unique):
    token = new_org("Revoke Co")["token"]
    emails = [f"bea-{unique}@revoke.test", f"cal-{unique}@revoke.test"]
    customer = api.create_customer(token, display_name=f"Bea's Bakery {unique}", email=emails[0])
    other = api.json("POST", f"/api/v1/customers/{customer['id']}/contacts", token, expect=201,
                     json={"first_name": "Cal", "email": emails[1]})
    api.json("POST", f"/api/v1/customers/{customer['id']}/portal/enable", token)
    sessions = [api.accept_invitation(invite_link(body_text(mail.wait_for(e)[0]))) for e in emails]
    portal_name = api.portal_settings(token)["portal_name"]
    me = f"/portal/{portal_name}/api/v1/me"
    for session in sessions:
        primed(stack, api, me, session)

    with ClusterRpcProxy({"AMQP_URI": stack.env["AMQP_URI"]}, timeout=10) as services:
        staff = services.accounts.authenticate(token)
        services.portal.disable_contact(staff, customer["id"], other["id"])  # Cal only
        took = seconds_until_refused(api, me, sessions[1])
        assert took is not None and took < WITHIN, took
        assert api.request("GET", me, sessions[0]).status_code == 200  # Bea still in

        services.portal.disable_portal(staff, customer["id"])  # the whole customer
        took = seconds_until_refused(api, me, sessions[0])
        assert took is not None and took < WITHIN, took


def test_a_logged_out_staff_token_is_refused_within_a_second(stack, api, new_org):
    owner = new_org("Signout Co")
    second = api.json("POST", "/api/v1/login", json={"email": owner["email"], "password": "correct horse battery"})
    path = "/api/v1/organization"
    for token in (owner["token"], second["token"]):
        primed(stack, api, path, token)

    with ClusterRpcProxy({"AMQP_URI": stack.env["AMQP_URI"]}, timeout=10) as services:
        services.accounts.logout(second["token"])
    took = seconds_until_refused(api, path, second["token"])
    assert took is not None and took < WITHIN, took
    # the same user's other token is still good (it was evicted too, and asked again)
    assert api.request("GET", path, owner["token"]).status_code == 200

    # and through the gateway itself: its own logout forgets the token there at once
    assert api.request("POST", "/api/v1/logout", owner["token"]).status_code == 200
    assert api.request("GET", path, owner["token"]).status_code == 401
