"""The outside security probe's findings (issue 10), replayed against the running system: every
attack it made, with what must happen now. Each finding also has its own test where the bug lived."""
import random
import re
import time

import pytest
import requests

from devstack.client import invite_link
from portico_kit.testing.smtp import body_text

OPS = {"Authorization": "Bearer ops-test-token"}  # the stack's OPS_TOKEN (tests/conftest.py)


def address():
    """A fresh client address for this run (the stack trusts X-Forwarded-For from 127.0.0.1)."""
    return f"100.{random.randint(64, 127)}.{random.randint(0, 255)}.{random.randint(1, 254)}"


def invoice_body(customer_id):
    return {"customer_id": customer_id, "date": "2026-11-01", "due_date": "2026-12-01",
            "line_items": [{"description": "Design work", "quantity": "1", "rate": "100.00"}]}


def portal_customer(api, mail, token, unique, name):
    email = f"{name.lower()}-{unique}@probe.test"
    customer = api.create_customer(token, display_name=f"{name} Ltd", email=email, enable_portal=True)
    portal_token = api.accept_invitation(invite_link(body_text(mail.wait_for(email)[0])))
    return customer, email, portal_token


def sent_invoice(api, token, customer):
    invoice = api.json("POST", "/api/v1/invoices", token, expect=201, json=invoice_body(customer["id"]))
    api.json("POST", f"/api/v1/invoices/{invoice['id']}/send", token)
    return invoice


def shared_token(mail, email, portal_name):
    link = re.search(rf"/portal/{portal_name}/shared/([A-Za-z0-9_-]+)", body_text(mail.wait_for(email)[-1]))
    assert link
    return link.group(1)


def assert_json_error(response, status, code=None):
    assert response.status_code == status, response.text[:300]
    assert response.headers["Content-Type"].startswith("application/json"), response.text[:300]
    if code:
        assert response.json()["error"]["code"] == code
    return response.json()["error"]


def test_1_sign_in_never_redirects_to_another_site(stack, new_org):
    owner = new_org("Redirect Co")
    browser = requests.Session()
    for target, expected in (("/%09/evil.example", "/app/"), ("/%0A/x", "/app/"), ("/%5Cevil.example", "/app/"),
                             ("/app/customers", "/app/customers")):
        html = browser.get(stack.url + "/app/login").text
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
        response = browser.post(f"{stack.url}/app/login?next={target}", allow_redirects=False,
                                data={"email": owner["email"], "password": "correct horse battery", "csrf_token": csrf})
        assert response.status_code == 302 and response.headers["Location"] in (expected, stack.url + expected)


def test_2_to_5_forwarding_and_share_links(stack, api, new_org, mail, unique):
    owner = new_org("Forward Co")
    token = owner["token"]
    portal_name = api.portal_settings(token, allow_forwarding=True)["portal_name"]
    base = f"/portal/{portal_name}/api/v1"
    customer, email, portal_token = portal_customer(api, mail, token, unique, "Fiona")
    invoice = sent_invoice(api, token, customer)

    # 3: a name made to phish is refused; a plain one goes, and the mail says who forwarded it
    phish = api.request("POST", f"{base}/invoices/{invoice['id']}/forward", portal_token,
                        json={"email": f"victim-{unique}@probe.test", "name": "URGENT verify at https://evil.example/login"})
    assert_json_error(phish, 422)
    dora = f"dora-{unique}@probe.test"
    api.json("POST", f"{base}/invoices/{invoice['id']}/forward", portal_token, json={"email": dora, "name": "Dora"})
    message = mail.wait_for(dora)[-1]
    assert email in body_text(message) and "Fiona" in body_text(message)
    token_1 = shared_token(mail, dora, portal_name)

    # 2: Dora is a contact now, but neither re-send nor enable-for-all invites her
    contacts = {c["email"]: c for c in api.json("GET", f"/api/v1/customers/{customer['id']}/contacts", token)["items"]}
    assert contacts[dora]["added_by"] == "forwarding"
    assert dora not in api.json("POST", f"/api/v1/customers/{customer['id']}/portal/invite", token)["invited"]
    assert dora not in api.json("POST", f"/api/v1/customers/{customer['id']}/portal/enable", token)["invited"]

    # 3: ten an hour per contact, then 429 with Retry-After
    for i in range(9):
        api.json("POST", f"{base}/invoices/{invoice['id']}/forward", portal_token,
                 json={"email": f"p{i}-{unique}@probe.test", "name": f"Person {i}"})
    limited = api.request("POST", f"{base}/invoices/{invoice['id']}/forward", portal_token,
                          json={"email": f"last-{unique}@probe.test", "name": "Last"})
    assert_json_error(limited, 429, "too_many_requests")
    assert 0 < int(limited.headers["Retry-After"]) <= 3600

    # 4: the organization renames its portal and another one takes the old name
    assert api.json("GET", f"{base}/shared/{token_1}")["id"] == invoice["id"]
    renamed = f"fw-renamed-{unique}"
    api.portal_settings(token, portal_name=renamed)
    other = new_org("Taker Inc")
    api.portal_settings(other["token"], portal_name=portal_name)
    page = requests.get(f"{stack.url}/portal/{portal_name}/shared/{token_1}", allow_redirects=False)
    assert page.status_code == 302 and page.headers["Location"].endswith(f"/portal/{renamed}/shared/{token_1}")
    shown = requests.get(f"{stack.url}/portal/{portal_name}/shared/{token_1}").text
    assert "Forward Co" in shown and "Taker Inc" not in shown

    # 5: staff see the link (to whom, opened) and revoke it: 410 from then on
    [link] = [li for li in api.json("GET", f"/api/v1/invoices/{invoice['id']}/share-links", token)["items"]
              if li["recipient"]["email"] == dora]
    assert link["open_count"] >= 2 and link["last_opened_at"] and token_1 not in str(link)
    api.json("POST", f"/api/v1/invoices/{invoice['id']}/share-links/{link['id']}/revoke", token)
    assert_json_error(requests.get(f"{stack.url}/portal/{renamed}/api/v1/shared/{token_1}"), 410, "link_revoked")
    ended = requests.get(f"{stack.url}/portal/{renamed}/shared/{token_1}")
    assert ended.status_code == 410 and "Forward Co" not in ended.text and "Taker Inc" not in ended.text

    # 5: voiding ends every other link of the invoice
    token_2 = shared_token(mail, f"p0-{unique}@probe.test", portal_name)
    assert api.json("GET", f"/portal/{renamed}/api/v1/shared/{token_2}")["id"] == invoice["id"]
    api.json("POST", f"/api/v1/invoices/{invoice['id']}/void", token)
    assert_json_error(requests.get(f"{stack.url}/portal/{renamed}/api/v1/shared/{token_2}"), 410, "link_revoked")


def test_5_disabling_the_portal_or_forwarding_ends_links_for_good(stack, api, new_org, mail, unique):
    owner = new_org("Ending Co")
    token = owner["token"]
    portal_name = api.portal_settings(token, allow_forwarding=True)["portal_name"]
    base = f"/portal/{portal_name}/api/v1"
    customer, email, portal_token = portal_customer(api, mail, token, unique, "Gert")
    invoice = sent_invoice(api, token, customer)

    def forward(session, person):
        api.json("POST", f"{base}/invoices/{invoice['id']}/forward", session, json={"email": person, "name": "Reader"})
        return f"{stack.url}{base}/shared/{shared_token(mail, person, portal_name)}"

    url_1 = forward(portal_token, f"first-{unique}@probe.test")
    assert requests.get(url_1).status_code == 200
    api.json("POST", f"/api/v1/customers/{customer['id']}/portal/disable", token)
    api.json("POST", f"/api/v1/customers/{customer['id']}/portal/enable", token)
    assert_json_error(requests.get(url_1), 410, "link_revoked")

    url_2 = forward(api.portal_login(portal_name, email)["token"], f"second-{unique}@probe.test")
    assert requests.get(url_2).status_code == 200
    api.portal_settings(token, allow_forwarding=False)
    api.portal_settings(token, allow_forwarding=True)
    assert_json_error(requests.get(url_2), 410, "link_revoked")


def test_6_a_template_preview_cannot_exhaust_the_worker(stack, api, new_org):
    token = new_org("Bomb Co")["token"]
    bomb = "{{ (customer.name|replace('', '" + "x" * 1500 + "'))|replace('', '" + "y" * 18000 + "') }}"
    started = time.monotonic()
    response = api.request("POST", "/api/v1/settings/email-templates/invoice_sent/preview", token,
                           json={"subject": "Hi", "body": bomb})
    assert_json_error(response, 422)
    assert time.monotonic() - started < 10
    # and the worker still answers
    assert api.request("POST", "/api/v1/settings/email-templates/invoice_sent/preview", token,
                       json={"subject": "Hi", "body": "Hello {{ customer.name }} {{ document.url }}"}).status_code == 200


def test_7_bad_input_is_a_4xx_in_the_api_format(stack, api, new_org):
    token = new_org("Input Co")["token"]
    auth = {"Authorization": f"Bearer {token}"}
    for path in ("/api/v1/customers", "/api/v1/invoices", "/api/v1/quotes", "/api/v1/payments",
                 "/api/v1/projects", "/api/v1/notifications", "/api/v1/portal/activity"):
        assert_json_error(requests.get(f"{stack.url}{path}?page=1513967208220680192", headers=auth), 422)
    json_headers = dict(auth, **{"Content-Type": "application/json"})
    assert_json_error(requests.post(stack.url + "/api/v1/customers", data="[" * 5000, headers=json_headers), 400)
    assert_json_error(requests.post(stack.url + "/api/v1/customers", data='{"display_name": "\\ud800"}',
                                    headers=json_headers), 400)
    assert_json_error(requests.post(stack.url + "/api/v1/customers", json={"display_name": "Bob\x00"},
                                    headers=auth), 422)
    for path in ("/api/v1/reports/reviews", "/api/v1/portal/activity"):
        assert_json_error(requests.get(f"{stack.url}{path}?from=0001-01-01&to=9999-12-31", headers=auth), 422)


def test_8_every_error_on_api_paths_is_json(stack, api, new_org):
    token = new_org("Errors Co")["token"]
    auth = {"Authorization": f"Bearer {token}"}
    assert_json_error(requests.get(stack.url + "/api/v1/customers/" + "x" * 5000, headers=auth), 404)
    assert_json_error(requests.get(stack.url + "/api/v1/" + "x" * 9000, headers=auth), 414, "uri_too_long")
    assert_json_error(requests.get(stack.url + "/portal/x/api/v1/" + "x" * 9000), 414)
    assert_json_error(requests.request("PROPFIND", stack.url + "/api/v1/customers", headers=auth), 405)
    assert_json_error(requests.post(stack.url + "/api/v1/customers", data="x" * (1024 * 1024 + 10),
                                    headers=dict(auth, **{"Content-Type": "application/json"})), 413)
    assert_json_error(requests.get(stack.url + "/api/v1/customers", headers=dict(auth, **{"X-Big": "x" * 9000})), 431)


def test_9_throttling_stops_spraying_and_never_locks_the_owner_out(stack, api, new_org):
    owner = new_org("Throttle Co")
    attacker, elsewhere, sprayer = address(), address(), address()
    for _ in range(10):
        wrong = api.request("POST", "/api/v1/login", json={"email": owner["email"], "password": "guess"},
                            headers={"X-Forwarded-For": attacker})
        assert wrong.status_code == 401
    locked = api.request("POST", "/api/v1/login", json={"email": owner["email"], "password": "correct horse battery"},
                         headers={"X-Forwarded-For": attacker})
    assert_json_error(locked, 429, "too_many_attempts")
    assert int(locked.headers["Retry-After"]) > 0
    assert api.request("POST", "/api/v1/login", json={"email": owner["email"], "password": "correct horse battery"},
                       headers={"X-Forwarded-For": elsewhere}).status_code == 200
    statuses = [api.request("POST", "/api/v1/login", json={"email": f"v{i}@spray.test", "password": "Summer2026!"},
                            headers={"X-Forwarded-For": sprayer}).status_code for i in range(31)]
    assert statuses[:30] == [401] * 30 and statuses[30] == 429


def test_10_another_organizations_ids_are_404_everywhere(stack, api, new_org, mail, unique):
    owner = new_org("Owner Co")
    token = owner["token"]
    customer = api.create_customer(token, display_name="Theirs", email=f"theirs-{unique}@probe.test")
    invoice = sent_invoice(api, token, customer)
    project = api.json("POST", "/api/v1/projects", token, expect=201, json={
        "customer_id": customer["id"], "name": "P", "billing_method": "hourly", "hourly_rate": "10.00"})
    intruder = new_org("Intruder Co")["token"]
    for path in (f"/api/v1/customers/{customer['id']}", f"/api/v1/customers/{customer['id']}/contacts",
                 f"/api/v1/customers/{customer['id']}/review-requests",
                 f"/api/v1/customers/{customer['id']}/billing-summary",
                 f"/api/v1/customers/{customer['id']}/statement", f"/api/v1/invoices/{invoice['id']}",
                 f"/api/v1/invoices/{invoice['id']}/comments", f"/api/v1/invoices/{invoice['id']}/share-links",
                 f"/api/v1/invoices/{invoice['id']}/pdf", f"/api/v1/projects/{project['id']}",
                 f"/api/v1/projects/{project['id']}/time-entries"):
        assert_json_error(api.request("GET", path, intruder), 404)


def test_11_ops_details_need_the_ops_token(stack):
    assert requests.get(stack.url + "/healthz").json() == {"status": "ok"}
    assert requests.get(stack.url + "/readyz").json() == {"status": "ready"}
    assert requests.get(stack.url + "/metrics").status_code == 401
    assert requests.get(stack.url + "/readyz", headers=OPS).json()["services"]["accounts"] == "ok"
    assert "portico_http_requests_total" in requests.get(stack.url + "/metrics", headers=OPS).text
