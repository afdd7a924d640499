"""Regions end to end over HTTP: each currency's own decimals from invoice to payment, in the API
and on the portal's pages."""
import requests

from devstack.client import invite_link
from portico_kit.testing.smtp import body_text

CARD_OK = {"number": "4242424242424242", "exp_month": 12, "exp_year": 2035, "cvc": "123"}


def test_a_kwd_customer_pays_30_375(api, new_org, mail, unique, stack):
    token = new_org("Gulf Traders")["token"]
    portal_name = api.portal_settings(token)["portal_name"]
    base = f"/portal/{portal_name}/api/v1"
    email = f"kw-{unique}@regions.test"
    customer = api.create_customer(token, display_name="Kuwait Co", email=email, currency="KWD", enable_portal=True)
    portal_token = api.accept_invitation(invite_link(body_text(mail.wait_for(email)[0])))

    refused = api.request("POST", "/api/v1/invoices", token, json={
        "customer_id": customer["id"], "line_items": [{"description": "x", "quantity": "1", "rate": "10.1255"}]})
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "invalid_amount"
    assert refused.json()["error"]["fields"] == {"line_items.0.rate": "KWD amounts have at most 3 decimals."}

    invoice = api.json("POST", "/api/v1/invoices", token, expect=201, json={
        "customer_id": customer["id"], "due_date": "2099-12-31",
        "line_items": [{"description": "Consulting", "quantity": "3", "rate": "10.125"},
                       {"description": "Courier", "quantity": "1", "rate": "0.375", "tax_rate": "5"}]})
    # 30.375 + 0.375 (+ 5 % of 0.375 = 0.01875 -> 0.019)
    assert (invoice["currency"], invoice["subtotal"], invoice["tax_total"], invoice["total"]) == \
        ("KWD", "30.750", "0.019", "30.769")
    api.json("POST", f"/api/v1/invoices/{invoice['id']}/send", token)

    def pay(amount, key):
        return api.request("POST", f"{base}/invoices/{invoice['id']}/payments", portal_token,
                           json={"amount": amount, "card": CARD_OK}, headers={"Idempotency-Key": f"{key}-{unique}"})

    too_precise = pay("30.3755", "k0")
    assert too_precise.status_code == 422 and too_precise.json()["error"]["code"] == "invalid_amount"
    paid = pay("30.375", "k1")
    assert paid.status_code == 201, paid.text
    assert (paid.json()["amount"], paid.json()["currency"]) == ("30.375", "KWD")
    after = api.json("GET", f"{base}/invoices/{invoice['id']}", portal_token)
    assert (after["amount_paid"], after["balance_due"], after["status"]) == ("30.375", "0.394", "partially_paid")

    # the portal's page writes it as the reader's locale does, with three decimals
    browser = requests.Session()
    login = browser.get(f"{stack.url}/portal/{portal_name}/login")
    csrf = login.text.split('name="csrf_token" value="')[1].split('"')[0]
    browser.post(f"{stack.url}/portal/{portal_name}/login",
                 data={"email": email, "password": "bike shed 42", "csrf_token": csrf})
    page = browser.get(f"{stack.url}/portal/{portal_name}/invoices/{invoice['id']}").text
    assert "KWD\u00a030.769" in page and "KWD\u00a00.394" in page
