"""Stripe end to end: the system runs with PAYMENT_PROVIDER=stripe against localstripe, whose signed
webhooks reach the gateway's /webhooks/stripe. The customer pays through the portal API the way the
Pay page does with Stripe.js; one payment per intent however the news arrives."""
import time
import uuid

from devstack.client import Portico, invite_link
from portico_kit.testing.localstripe import signed_event
from portico_kit.testing.smtp import body_text

VISA, NEEDS_3DS = "4242424242424242", "4000002500003155"


def customer_in_portal(api, mail, unique, currency="EUR"):
    owner = api.signup(f"Stripe Co {unique}", f"owner-{uuid.uuid4().hex[:8]}@stripe.test")
    token = owner["token"]
    portal_name = api.portal_settings(token)["portal_name"]
    email = f"payer-{unique}@stripe.test"
    customer = api.create_customer(token, display_name="Payer Ltd", email=email, currency=currency,
                                   enable_portal=True)
    portal_token = api.accept_invitation(invite_link(body_text(mail.wait_for(email)[0])))
    return token, f"/portal/{portal_name}/api/v1", customer, portal_token


def sent_invoice(api, token, customer, rate="100.00", **extra):
    invoice = api.json("POST", "/api/v1/invoices", token, expect=201, json=dict({
        "customer_id": customer["id"], "date": "2026-11-01", "due_date": "2099-12-31",
        "line_items": [{"description": "Consulting", "quantity": "1", "rate": rate}]}, **extra))
    return api.json("POST", f"/api/v1/invoices/{invoice['id']}/send", token)


def new_card(api, stripe, base, portal_token, number=VISA):
    setup = api.json("POST", f"{base}/setup-intents", portal_token, expect=201)
    status, body = stripe.confirm_setup(setup["client_secret"], number)  # Stripe.js's confirmCardSetup
    assert status == 200, body
    return body["payment_method"]


def payments(api, base, portal_token):
    return api.json("GET", f"{base}/payments", portal_token)["items"]


def wait_for(check, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.2)
    raise AssertionError("not in time")


def test_pay_with_a_card_through_the_gateway_and_the_webhook_adds_nothing(stripe_stack, mail, unique):
    api, stripe = Portico(stripe_stack.url), stripe_stack.stripe
    token, base, customer, portal_token = customer_in_portal(api, mail, unique)
    invoice = sent_invoice(api, token, customer, rate="250.00")
    config = api.json("GET", f"{base}/payment-config", portal_token)
    assert config["provider"] == "stripe" and config["publishable_key"].startswith("pk_test")

    method = new_card(api, stripe, base, portal_token)
    answer = api.request("POST", f"{base}/invoices/{invoice['id']}/payment-intents", portal_token,
                         json={"amount": "100.00", "payment_method_id": method},
                         headers={"Idempotency-Key": f"pay-{unique}"})
    assert answer.status_code == 201, answer.text
    intent = answer.json()
    assert (intent["status"], intent["amount"], intent["currency"]) == ("succeeded", "100.00", "EUR")
    assert stripe.intent(intent["id"])["amount"] == 10000
    again = api.json("POST", f"{base}/invoices/{invoice['id']}/payment-intents", portal_token, expect=201,
                     json={"amount": "100.00", "payment_method_id": method},
                     headers={"Idempotency-Key": f"pay-{unique}"})
    assert again["id"] == intent["id"]
    missing_key = api.request("POST", f"{base}/invoices/{invoice['id']}/payment-intents", portal_token,
                              json={"amount": "1.00", "payment_method_id": method})
    assert missing_key.status_code == 400 and missing_key.json()["error"]["code"] == "idempotency_key_required"
    time.sleep(2.5)  # localstripe posts payment_intent.succeeded about a second after the charge
    assert [p["reference"] for p in payments(api, base, portal_token)] == [intent["id"]]
    after = api.json("GET", f"/api/v1/invoices/{invoice['id']}", token)
    assert (after["balance_due"], after["status"]) == ("150.00", "partially_paid")
    # the raw-card endpoint of the test provider is closed when Stripe is on
    raw = api.request("POST", f"{base}/invoices/{invoice['id']}/payments", portal_token,
                      json={"card": {"number": VISA, "exp_month": 12, "exp_year": 2035, "cvc": "123"}},
                      headers={"Idempotency-Key": f"raw-{unique}"})
    assert raw.status_code == 409

    # staff refund part of it through Stripe; the same Idempotency-Key again is the same refund
    [paid] = api.json("GET", f"/api/v1/payments?invoice_id={invoice['id']}", token)["items"]
    refund = api.json("POST", f"/api/v1/payments/{paid['id']}/refunds", token, expect=201,
                      json={"amount": "30.00", "reason": "Goodwill"}, headers={"Idempotency-Key": f"re-{unique}"})
    again = api.json("POST", f"/api/v1/payments/{paid['id']}/refunds", token, expect=201,
                     json={"amount": "30.00", "reason": "Goodwill"}, headers={"Idempotency-Key": f"re-{unique}"})
    assert again == refund and refund["status"] == "succeeded"
    reused = api.request("POST", f"/api/v1/payments/{paid['id']}/refunds", token, json={"amount": "31.00"},
                         headers={"Idempotency-Key": f"re-{unique}"})
    assert reused.status_code == 422 and reused.json()["error"]["code"] == "idempotency_key_reused"
    assert api.json("GET", f"/api/v1/invoices/{invoice['id']}", token)["balance_due"] == "180.00"
    assert len(api.json("GET", f"/api/v1/payments/{paid['id']}/refunds", token)["items"]) == 1


def test_3d_secure_payment_is_recorded_by_the_real_webhook_before_the_customer_returns(stripe_stack, mail, unique):
    api, stripe = Portico(stripe_stack.url), stripe_stack.stripe
    token, base, customer, portal_token = customer_in_portal(api, mail, unique, currency="JPY")
    invoice = sent_invoice(api, token, customer, rate="1250", currency="JPY")
    intent = api.json("POST", f"{base}/invoices/{invoice['id']}/payment-intents", portal_token, expect=201,
                      json={"payment_method_id": new_card(api, stripe, base, portal_token, NEEDS_3DS)},
                      headers={"Idempotency-Key": f"3ds-{unique}"})
    assert intent["status"] == "requires_action" and intent["client_secret"]
    assert intent["amount"] == "1250" and stripe.intent(intent["id"])["amount"] == 1250  # JPY has no decimals
    stripe.authenticate(intent["client_secret"])  # the browser's confirmCardPayment
    # localstripe's signed payment_intent.succeeded reaches /webhooks/stripe; billing records the payment
    [payment] = wait_for(lambda: payments(api, base, portal_token))
    assert payment["amount"] == "1250" and payment["currency"] == "JPY"
    back = api.json("GET", f"{base}/payment-intents/{intent['id']}", portal_token)  # the customer returns
    assert back["status"] == "succeeded" and back["payment_id"] == payment["id"]
    assert len(payments(api, base, portal_token)) == 1
    assert api.json("GET", f"/api/v1/invoices/{invoice['id']}", token)["status"] == "paid"


def test_webhook_endpoint_checks_signatures_and_acknowledges_every_signed_event(stripe_stack):
    api = Portico(stripe_stack.url)
    payload, signature = signed_event("invoice.finalized", {"id": "in_123", "object": "invoice"})
    ok = api.request("POST", "/webhooks/stripe", data=payload,
                     headers={"Stripe-Signature": signature, "Content-Type": "application/json"})
    assert ok.status_code == 200 and ok.json()["received"] is True
    again = api.request("POST", "/webhooks/stripe", data=payload,
                        headers={"Stripe-Signature": signature, "Content-Type": "application/json"})
    assert again.status_code == 200
    forged = api.request("POST", "/webhooks/stripe", data=payload.replace("in_123", "in_999"),
                         headers={"Stripe-Signature": signature, "Content-Type": "application/json"})
    assert forged.status_code == 400 and forged.json()["error"]["code"] == "invalid_signature"
    unsigned = api.request("POST", "/webhooks/stripe", data=payload, headers={"Content-Type": "application/json"})
    assert unsigned.status_code == 400 and unsigned.json()["error"]["code"] == "invalid_signature"
