"""Portal access per contact and password reset, end to end: the real stack, mail through SMTP."""
import re
import time

import pytest

from devstack.client import invite_link
from portico_kit.testing.smtp import body_text

RESET_LINK = re.compile(r"https?://\S+/(?:portal/[a-z0-9-]+|app)/reset/[A-Za-z0-9_-]+")


def reset_link(message):
    match = RESET_LINK.search(body_text(message))
    assert match, body_text(message)
    return match.group(0)


def two_contact_customer(api, token, unique):
    """Bob (the customer's email, primary) and Ann, both with an email."""
    bob_email, ann_email = f"bob-{unique}@access.test", f"ann-{unique}@access.test"
    customer = api.create_customer(token, display_name=f"Bob's Bikes {unique}", email=bob_email)
    ann = api.json("POST", f"/api/v1/customers/{customer['id']}/contacts", token, expect=201,
                   json={"first_name": "Ann", "email": ann_email})
    bob = next(c for c in customer["contacts"] if c["email"] == bob_email)
    return customer, bob, ann


def portal_contacts(api, token, customer_id):
    customer = api.json("GET", f"/api/v1/customers/{customer_id}", token)
    return {c["email"]: c for c in customer["portal"]["contacts"]}


def assert_error(response, status, code=None, field=None):
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert set(error) <= {"code", "message", "fields"} and error["message"]
    if code:
        assert error["code"] == code
    if field:
        assert field in error["fields"]


def test_invite_chosen_contacts_only_and_resend_replaces_the_link(api, new_org, mail, unique):
    token = new_org("Access Co")["token"]
    customer, bob, ann = two_contact_customer(api, token, unique)
    base = f"/api/v1/customers/{customer['id']}/portal"
    assert_error(api.request("POST", f"{base}/enable", token, json={"contact_ids": ["no-such-contact"]}), 422,
                 field="contact_ids")
    assert_error(api.request("POST", f"{base}/enable", token, json={"contact_ids": "all"}), 422, field="contact_ids")
    result = api.json("POST", f"{base}/enable", token, json={"contact_ids": [ann["id"]]})
    assert result["enabled"] is True and result["invited"] == [ann["email"]]
    first = invite_link(body_text(mail.wait_for(ann["email"])[0]))
    contacts = portal_contacts(api, token, customer["id"])
    assert set(contacts) == {ann["email"]} and contacts[ann["email"]]["status"] == "invited"
    assert contacts[ann["email"]]["invited_at"] and contacts[ann["email"]]["invitation_expires_at"]

    resent = api.json("POST", f"{base}/invite", token, json={"contact_ids": [ann["id"]]})
    assert resent["invited"] == [ann["email"]]
    second = invite_link(body_text(mail.wait_for(ann["email"], count=2)[1]))
    assert second != first
    portal_name, old_token = re.search(r"/portal/([a-z0-9-]+)/invite/(\S+)$", first).groups()
    response = api.request("POST", f"/portal/{portal_name}/api/v1/invitations/{old_token}/accept",
                           json={"password": "bike shed 42"})
    assert_error(response, 404)
    session = api.accept_invitation(second)
    assert api.json("GET", f"/portal/{portal_name}/api/v1/me", session)["contact"]["email"] == ann["email"]
    assert portal_contacts(api, token, customer["id"])[ann["email"]]["status"] == "active"
    assert mail.to(bob["email"]) == []  # Bob was not chosen

    bare = api.create_customer(token, display_name=f"No Mail {unique}")
    assert_error(api.request("POST", f"/api/v1/customers/{bare['id']}/portal/enable", token), 422, "email_required")


def test_per_contact_disable_stops_that_contacts_login_only(api, new_org, mail, unique):
    token = new_org("Gate Co")["token"]
    customer, bob, ann = two_contact_customer(api, token, unique)
    base = f"/api/v1/customers/{customer['id']}/portal"
    assert sorted(api.json("POST", f"{base}/enable", token)["invited"]) == sorted([bob["email"], ann["email"]])
    sessions = {c["email"]: api.accept_invitation(invite_link(body_text(mail.wait_for(c["email"])[0])))
                for c in (bob, ann)}
    portal_name = api.portal_settings(token)["portal_name"]
    me = f"/portal/{portal_name}/api/v1/me"

    disabled = api.json("POST", f"{base}/contacts/{ann['id']}/disable", token)
    assert disabled["contact"]["status"] == "disabled"
    assert_error(api.request("GET", me, sessions[ann["email"]]), 401)
    login = api.request("POST", f"/portal/{portal_name}/api/v1/login",
                        json={"email": ann["email"], "password": "bike shed 42"})
    assert_error(login, 403, "portal_disabled")
    assert api.json("GET", me, sessions[bob["email"]])["contact"]["email"] == bob["email"]
    assert portal_contacts(api, token, customer["id"])[ann["email"]]["status"] == "disabled"

    enabled = api.json("POST", f"{base}/contacts/{ann['id']}/enable", token)
    assert enabled["contact"]["status"] == "active" and enabled["invited"] == []
    assert api.portal_login(portal_name, ann["email"])["token"]
    assert_error(api.request("POST", f"{base}/contacts/no-such-contact/disable", token), 404)


def test_portal_password_reset_through_the_emailed_link(api, new_org, mail, unique):
    token = new_org("Forgetful Co")["token"]
    email = f"fred-{unique}@reset.test"
    api.create_customer(token, display_name=f"Fred {unique}", email=email, enable_portal=True)
    old_session = api.accept_invitation(invite_link(body_text(mail.wait_for(email)[0])))
    portal_name = api.portal_settings(token)["portal_name"]
    base = f"/portal/{portal_name}/api/v1/password-reset"

    known = api.request("POST", base, json={"email": email.upper()})
    unknown = api.request("POST", base, json={"email": f"nobody-{unique}@reset.test"})
    assert known.status_code == unknown.status_code == 202 and known.json() == unknown.json()
    [message] = mail.wait_for(email, subject_contains="Reset")
    link = reset_link(message)
    assert link.startswith(f"{api.base_url}/portal/{portal_name}/reset/")
    reset_token = link.rsplit("/", 1)[1]

    assert_error(api.request("POST", base, json={"email": "not-an-email"}), 422, field="email")
    assert_error(api.request("POST", base, json={"email": 42}), 422, field="email")
    assert_error(api.request("POST", base, data="email=x", headers={"Content-Type": "text/plain"}), 400)
    assert_error(api.request("POST", f"{base}/{reset_token}", json={"password": "short"}), 422, field="password")
    assert_error(api.request("POST", f"{base}/{reset_token}", json={"password": 123456789}), 422, field="password")

    new_session = api.json("POST", f"{base}/{reset_token}", json={"password": "a new bike shed"})["token"]
    assert api.json("GET", f"/portal/{portal_name}/api/v1/me", new_session)["contact"]["email"] == email
    assert_error(api.request("GET", f"/portal/{portal_name}/api/v1/me", old_session), 401)
    assert_error(api.request("POST", f"{base}/{reset_token}", json={"password": "yet another one"}), 404)
    api.portal_login(portal_name, email, password="bike shed 42", expect=401)
    assert api.portal_login(portal_name, email, password="a new bike shed")["token"]
    time.sleep(1)
    assert mail.to(f"nobody-{unique}@reset.test") == []


def test_staff_password_reset_through_the_emailed_link(api, new_org, mail):
    owner = new_org("Staff Reset Co")
    response = api.request("POST", "/api/v1/password-reset", json={"email": owner["email"]})
    assert response.status_code == 202
    link = reset_link(mail.wait_for(owner["email"], subject_contains="Reset your Portico password")[0])
    assert link.startswith(f"{api.base_url}/app/reset/")
    reset_token = link.rsplit("/", 1)[1]
    assert_error(api.request("POST", f"/api/v1/password-reset/{reset_token}", json={"password": "short"}), 422,
                 field="password")
    new_token = api.json("POST", f"/api/v1/password-reset/{reset_token}", json={"password": "a brand new one"})["token"]
    assert api.json("GET", "/api/v1/organization", new_token)["name"].startswith("Staff Reset Co")
    assert_error(api.request("GET", "/api/v1/organization", owner["token"]), 401)  # other sessions ended
    assert_error(api.request("POST", f"/api/v1/password-reset/{reset_token}", json={"password": "again again"}), 404)
    assert api.json("POST", "/api/v1/login", json={"email": owner["email"], "password": "a brand new one"})["token"]
    assert_error(api.request("POST", "/api/v1/password-reset", json={"email": "nope"}), 422, field="email")
    assert_error(api.request("POST", "/api/v1/password-reset", json={"email": "x@y.test", "role": "admin"}), 422,
                 field="role")


@pytest.mark.parametrize("method, suffix, body", [
    ("POST", "enable", {}), ("POST", "enable", {"contact_ids": ["CONTACT"]}), ("POST", "invite", {}),
    ("POST", "disable", {}), ("POST", "contacts/CONTACT/disable", {}), ("POST", "contacts/CONTACT/enable", {}),
])
def test_another_organization_gets_404_on_every_portal_access_route(api, new_org, mail, unique, method, suffix, body):
    token = new_org("Owner Co")["token"]
    customer, bob, ann = two_contact_customer(api, token, unique)
    api.json("POST", f"/api/v1/customers/{customer['id']}/portal/enable", token, json={"contact_ids": [ann["id"]]})
    mallory = new_org("Mallory")["token"]
    path = f"/api/v1/customers/{customer['id']}/portal/{suffix.replace('CONTACT', ann['id'])}"
    body = {k: [ann["id"]] for k in body}
    assert_error(api.request(method, path, mallory, json=body), 404)
    contacts = portal_contacts(api, token, customer["id"])
    assert api.json("GET", f"/api/v1/customers/{customer['id']}", token)["portal"]["enabled"] is True
    assert contacts[ann["email"]]["status"] == "invited"
    assert api.request("GET", f"/api/v1/customers/{customer['id']}", mallory).status_code == 404
