"""Email templates, the email log and the portal activity log over HTTP, on the running stack."""
import time

import pytest
import requests

from devstack.client import Portico, invite_link
from portico_kit.testing.smtp import body_text

TEMPLATES = "/api/v1/settings/email-templates"


def test_a_customized_invitation_template_is_what_the_customer_receives(any_stack, mail, unique):
    api = Portico(any_stack.url)
    owner = api.signup(f"Tmpl Co {unique}", f"owner-{unique}@tmpl.test")
    token = owner["token"]
    listed = api.json("GET", TEMPLATES, token)
    assert {t["kind"] for t in listed["items"]} >= {"portal_invitation", "review_request", "comment_notification",
                                                    "portal_activity", "document_forwarded"}
    response = api.request("PUT", f"{TEMPLATES}/portal_invitation", token,
                           json={"subject": "Welcome", "body": "Hi {{ contact.name }}\n{{ customer.nmae }}"})
    assert response.status_code == 422
    assert response.json()["error"]["fields"]["body"] == "Line 2: Unknown placeholder: customer.nmae."
    saved = api.json("PUT", f"{TEMPLATES}/portal_invitation", token, json={
        "subject": "{{ customer.name }}: your {{ organization.name }} portal",
        "body": "Hello {{ contact.name }},\n\nyour link: {{ invite_url }}\n\nUntil {{ expires_on }}."})
    assert saved["customized"] is True
    preview = api.json("POST", f"{TEMPLATES}/portal_invitation/preview", token, json={})
    assert preview["subject"] == f"Bob's Bikes: your Tmpl Co {unique} portal" and "<a href=" in preview["html"]

    email = f"gus-{unique}@x.test"
    api.create_customer(token, display_name="Gus's Garage", email=email, enable_portal=True)
    [message] = mail.wait_for(email)
    assert message["Subject"] == f"Gus's Garage: your Tmpl Co {unique} portal"
    link = invite_link(body_text(message))
    assert link.startswith(f"{any_stack.url}/portal/") and f'<a href="{link}">' in body_text(message, "html")

    reset = api.json("POST", f"{TEMPLATES}/portal_invitation/reset", token)
    assert reset["customized"] is False and reset["subject"] == "{{ organization.name }} invites you to their customer portal"
    assert api.request("GET", f"{TEMPLATES}/no_such_kind", token).status_code == 404


def test_activity_log_records_invitation_accepted_and_sign_in_for_its_organization_only(api, new_org, mail, unique):
    owner, other = new_org("Activity Co"), new_org("Nosy Co")
    token = owner["token"]
    email = f"ann-{unique}@x.test"
    customer = api.create_customer(token, display_name="Ann's Antiques", email=email, enable_portal=True)
    portal_name = api.portal_settings(token)["portal_name"]
    api.accept_invitation(invite_link(body_text(mail.wait_for(email)[0])))
    api.portal_login(portal_name, email)

    def kinds():
        return sorted(i["kind"] for i in api.json("GET", "/api/v1/portal/activity", token)["items"])
    for _ in range(100):
        if kinds() == ["invitation_accepted", "signed_in"]:
            break
        time.sleep(0.2)
    activity = api.json("GET", "/api/v1/portal/activity", token)
    assert sorted(i["kind"] for i in activity["items"]) == ["invitation_accepted", "signed_in"]
    item = activity["items"][0]
    assert item["customer_id"] == customer["id"] and item["contact"]["email"] == email and item["at"]
    assert {"page", "per_page", "total"} <= set(activity)
    today = item["at"][:10]
    assert api.json("GET", f"/api/v1/portal/activity?from={today}&to={today}", token)["total"] == 2
    assert api.json("GET", "/api/v1/portal/activity?from=2000-01-01&to=2000-01-31", token)["total"] == 0
    bad = api.request("GET", "/api/v1/portal/activity?from=2026-02-01&to=2026-01-01", token)
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_period"
    sign_ins = api.json("GET", "/api/v1/portal/sign-ins", token)["items"]
    assert [(s["email"], bool(s["last_login_at"])) for s in sign_ins] == [(email, True)]

    assert api.json("GET", "/api/v1/portal/activity", other["token"])["total"] == 0
    assert api.json("GET", "/api/v1/portal/sign-ins", other["token"])["total"] == 0
    assert api.json("GET", "/api/v1/notifications", other["token"])["total"] == 0
    message_id = api.json("GET", "/api/v1/notifications", token)["items"][0]["id"]
    assert api.request("POST", f"/api/v1/notifications/{message_id}/retry", other["token"]).status_code == 404
    assert api.request("POST", f"/api/v1/notifications/{message_id}/retry", token).status_code == 409  # was sent
    assert api.json("GET", f"{TEMPLATES}/portal_invitation", other["token"])["customized"] is False


@pytest.mark.parametrize("path", ["/api/v1/portal/activity", "/api/v1/portal/sign-ins", TEMPLATES,
                                  "/api/v1/notifications"])
def test_these_need_a_staff_token(stack, path):
    assert requests.get(stack.url + path, timeout=10).status_code == 401
