"""Flow 1 of DESIGN.md end to end, exactly as API.md spells it, on SQLite and on PostgreSQL."""
import pytest

from devstack.client import Portico, invite_link
from portico_kit.testing.smtp import body_text


def test_signup_banner_customer_invitation_and_me(any_stack, mail, unique):
    api = Portico(any_stack.url)
    owner = api.signup(f"Acme Design {unique}", f"owner-{unique}@acme.test")
    token = owner["token"]
    settings = api.portal_settings(token)
    assert settings["portal_name"] == f"acme-design-{unique}"
    assert settings["portal_url"] == f"{any_stack.url}/portal/acme-design-{unique}"
    api.portal_settings(token, banner_message="Closed on 24 December")

    email = f"bob-{unique}@bikes.test"
    customer = api.create_customer(token, display_name="Bob's Bikes", email=email, enable_portal=True)
    assert customer["portal"]["enabled"] is True and customer["portal"]["invited"] == [email]

    [message] = mail.wait_for(email)
    assert message["Subject"] == f"Acme Design {unique} invites you to their customer portal"
    link = invite_link(body_text(message))
    assert link.startswith(f"{any_stack.url}/portal/acme-design-{unique}/invite/")
    assert f'href="{link}"' in body_text(message, "html")

    portal_token = api.accept_invitation(link)
    me = api.json("GET", f"/portal/acme-design-{unique}/api/v1/me", portal_token)
    assert me["portal"]["banner_message"] == "Closed on 24 December"
    assert me["customer"]["id"] == customer["id"] and me["contact"]["email"] == email
    assert set(me["portal"]["features"]) == {"forwarding", "projects", "profile_edit", "reviews"}
    assert "notes" not in me["customer"]  # staff-only

    status = api.json("GET", f"/api/v1/customers/{customer['id']}", token)["portal"]
    assert status["contacts"][0]["status"] == "active"
    log = api.json("GET", "/api/v1/notifications", token)["items"]
    assert [(m["kind"], m["to"], m["status"]) for m in log] == [("portal_invitation", email, "sent")]


def test_enable_later_needs_an_email_and_changes_nothing_without_one(api, new_org, mail, unique):
    owner = new_org()
    token = owner["token"]
    customer = api.create_customer(token, display_name="No Mail Ltd")
    response = api.request("POST", f"/api/v1/customers/{customer['id']}/portal/enable", token)
    assert response.status_code == 422 and response.json()["error"]["code"] == "email_required"
    assert api.json("GET", f"/api/v1/customers/{customer['id']}", token)["portal"]["enabled"] is False

    email = f"late-{unique}@x.test"
    api.json("POST", f"/api/v1/customers/{customer['id']}/contacts", token, expect=201,
             json={"first_name": "Lena", "last_name": "Late", "email": email})
    result = api.json("POST", f"/api/v1/customers/{customer['id']}/portal/enable", token)
    assert result == {"enabled": True, "invited": [email], "skipped": []}
    mail.wait_for(email)
    # the same with enable_portal at creation: refused before anything is created
    response = api.request("POST", "/api/v1/customers", token, json={"display_name": "Nope", "enable_portal": True})
    assert response.status_code == 422 and response.json()["error"]["code"] == "email_required"
    assert api.json("GET", "/api/v1/customers?search=Nope", token)["total"] == 0


def test_disable_ends_sessions_at_once_and_reinvite(api, new_org, mail, unique):
    owner = new_org()
    token, email = owner["token"], f"carol-{unique}@x.test"
    customer = api.create_customer(token, display_name="Carol", email=email, enable_portal=True)
    portal_name = api.portal_settings(token)["portal_name"]
    portal_token = api.accept_invitation(invite_link(body_text(mail.wait_for(email)[0])))
    api.json("GET", f"/portal/{portal_name}/api/v1/me", portal_token)

    assert api.json("POST", f"/api/v1/customers/{customer['id']}/portal/disable", token) == {"enabled": False}
    response = api.request("GET", f"/portal/{portal_name}/api/v1/me", portal_token)
    assert response.status_code == 401
    assert api.portal_login(portal_name, email, expect=403)["error"]["code"] == "portal_disabled"

    api.json("POST", f"/api/v1/customers/{customer['id']}/portal/enable", token)
    assert api.portal_login(portal_name, email)["token"]


def test_resend_invites_not_yet_active_contacts_and_old_links_stop_working(api, new_org, mail, unique):
    owner = new_org()
    token, email = owner["token"], f"dan-{unique}@x.test"
    customer = api.create_customer(token, display_name="Dan", email=email, enable_portal=True)
    first = invite_link(body_text(mail.wait_for(email)[0]))
    assert api.json("POST", f"/api/v1/customers/{customer['id']}/portal/invite", token)["invited"] == [email]
    second = invite_link(body_text(mail.wait_for(email, count=2)[1]))
    assert first != second
    with pytest.raises(AssertionError):
        api.accept_invitation(first)  # replaced by the new one: 404
    assert api.accept_invitation(second)


def test_another_organization_sees_nothing(api, new_org, unique):
    alice, mallory = new_org("Alice Co"), new_org("Mallory Co")
    customer = api.create_customer(alice["token"], display_name="Secret Customer", email=f"s-{unique}@x.test")
    cid = customer["id"]
    for method, path, body in [
        ("GET", f"/api/v1/customers/{cid}", None), ("PATCH", f"/api/v1/customers/{cid}", {"notes": "x"}),
        ("DELETE", f"/api/v1/customers/{cid}", None), ("GET", f"/api/v1/customers/{cid}/contacts", None),
        ("POST", f"/api/v1/customers/{cid}/contacts", {"first_name": "X"}),
        ("POST", f"/api/v1/customers/{cid}/portal/enable", {}),
        ("POST", f"/api/v1/customers/{cid}/portal/disable", None),
        ("POST", f"/api/v1/customers/{cid}/portal/invite", None),
    ]:
        response = api.request(method, path, mallory["token"], json=body)
        assert response.status_code == 404, (method, path, response.status_code)
        assert "Secret" not in response.text
    assert api.json("GET", "/api/v1/customers", mallory["token"])["total"] == 0
    assert api.json("GET", f"/api/v1/customers/{cid}", alice["token"])["display_name"] == "Secret Customer"


def test_portal_name_rules_over_http(api, new_org, unique):
    first, second = new_org("First"), new_org("Second")
    name = f"taken-{unique}"
    api.portal_settings(first["token"], portal_name=name)
    response = api.request("PUT", "/api/v1/settings/portal", second["token"], json={"portal_name": name})
    assert response.status_code == 409 and response.json()["error"]["code"] == "portal_name_taken"
    response = api.request("PUT", "/api/v1/settings/portal", second["token"], json={"portal_name": "api"})
    assert response.status_code == 422 and response.json()["error"]["code"] == "invalid_portal_name"
    assert api.request("GET", f"/portal/no-such-{unique}/login").status_code == 404
