"""The portal's Pay page with Stripe, in headless Chromium: localstripe serves the fake Stripe.js (its
card Element, confirmCardSetup, the 3-D Secure dialog of confirmCardPayment) and the system runs
with PAYMENT_PROVIDER=stripe. A declined card shows its message and another card pays; a card saved
while paying pays again by choosing it; 3-D Secure completes in the page; without JavaScript the
page says what to do instead."""
import os

import pytest
import requests
from playwright.sync_api import expect

from devstack.client import Portico, invite_link
from portico_kit.testing.localstripe import SECRET_KEY
from portico_kit.testing.smtp import body_text

SHOTS = os.environ.get("SCREENSHOT_DIR")
pytestmark = pytest.mark.timeout(900)  # many steps, each a round trip through Stripe (the emulator)


def shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def fill_card(page, number):
    element = page.locator("#card-element")
    element.locator('input[placeholder="number"]').fill(number)
    element.locator('input[placeholder="exp_month"]').fill("12")
    element.locator('input[placeholder="exp_year"]').fill("30")
    element.locator('input[placeholder="cvc"]').fill("123")
    element.locator('input[placeholder="postal_code"]').fill("10115")


def balance(api, token, invoice_id):
    return api.json("GET", f"/api/v1/invoices/{invoice_id}", token)["balance_due"]


def test_pay_with_stripe_declined_then_saved_card_then_3d_secure(stripe_stack, mail, new_page, unique):
    api = Portico(stripe_stack.url)
    owner = api.signup(f"Card Shop {unique}", f"owner-{unique}@cards.test")
    token = owner["token"]
    email = f"dora-{unique}@cards.test"
    customer = api.create_customer(token, display_name="Dora's Deli", email=email, currency="EUR",
                                   enable_portal=True)
    invoice = api.json("POST", "/api/v1/invoices", token, expect=201, json={
        "customer_id": customer["id"], "date": "2026-11-01", "due_date": "2099-12-31",
        "line_items": [{"description": "Catering", "quantity": "1", "rate": "300.00"}]})
    api.json("POST", f"/api/v1/invoices/{invoice['id']}/send", token)
    invite = invite_link(body_text(mail.wait_for(email)[0]))

    page = new_page()
    script_errors = []
    page.on("pageerror", lambda error: script_errors.append(str(error)))
    page.goto(invite)
    page.get_by_label("Password", exact=True).fill("deli secret")
    page.get_by_label("Repeat the password").fill("deli secret")
    page.get_by_role("button", name="Set password and sign in").click()
    page.get_by_role("link", name="Invoices").click()
    page.get_by_role("link", name=invoice["number"]).click()
    invoice_url = page.url

    form = page.locator("#stripe-pay")
    expect(form).to_be_visible()
    expect(page.locator("#pay-needs-js")).to_be_hidden()
    expect(page.locator("#card-element input")).to_have_count(5)  # Stripe's (fake) card Element

    # a card declined at confirmation: its message, and nothing paid
    page.get_by_label("Amount (EUR)").fill("100.00")
    fill_card(page, "4000000000000341")
    page.get_by_role("button", name="Pay now").click()
    expect(page.locator("#pay-error")).to_contain_text("declined")
    shot(page, "stripe-declined")
    assert balance(api, token, invoice["id"]) == "300.00"

    # another card, in the same page (a new attempt, not blocked by the declined one), saved for later
    fill_card(page, "4242424242424242")
    page.get_by_label("Save this card for next time").check()
    page.get_by_role("button", name="Pay now").click()
    page.wait_for_url(lambda url: url.startswith(invoice_url) and "paid=1" in url)
    expect(page.get_by_text("Thank you! Your payment was received.")).to_be_visible()
    expect(page.locator("#balance-due")).to_have_text("€200.00")
    expect(page.get_by_text("Visa ···· 4242").first).to_be_visible()

    # the saved card is offered first and pays by its id
    page.goto(invoice_url)
    expect(page.get_by_label("Visa ···· 4242 (12/2030)")).to_be_checked()
    expect(page.locator("#new-card")).to_be_hidden()
    shot(page, "stripe-saved-card")
    page.get_by_label("Amount (EUR)").fill("50.00")
    page.get_by_role("button", name="Pay now").click()
    page.wait_for_url(lambda url: "paid=1" in url)
    expect(page.locator("#balance-due")).to_have_text("€150.00")

    # a new card that needs 3-D Secure. localstripe asks for it twice: when the card is set up
    # (confirmCardSetup) and again for the payment (confirmCardPayment, with the intent's
    # client_secret). Failing the payment's step shows a message and pays nothing; then it pays.
    page.goto(invoice_url)
    page.get_by_label("A new card").check()
    fill_card(page, "4000002500003155")
    page.get_by_role("button", name="Pay now").click()
    page.get_by_role("button", name="Complete authentication").click()  # the card's setup
    page.get_by_role("button", name="Fail authentication").click()  # the payment
    expect(page.locator("#pay-error")).to_contain_text("authentication")
    expect(page.get_by_role("button", name="Pay now")).to_be_enabled()
    assert balance(api, token, invoice["id"]) == "150.00"
    page.get_by_role("button", name="Pay now").click()
    page.get_by_role("button", name="Complete authentication").click()  # the card's setup
    page.get_by_role("button", name="Complete authentication").click()  # the payment
    page.wait_for_url(lambda url: "paid=1" in url)
    expect(page.locator("#balance-due")).to_have_text("€0.00")
    assert balance(api, token, invoice["id"]) == "0.00"
    payments = api.json("GET", f"/api/v1/payments?invoice_id={invoice['id']}", token)["items"]
    assert sorted(p["amount"] for p in payments) == ["100.00", "150.00", "50.00"]

    # the payments page: each payment's own page (with refunds), saved cards and autopay
    page.get_by_role("link", name="Payments", exact=True).first.click()
    expect(page.locator("#saved-cards")).to_contain_text("Visa ···· 4242")
    page.get_by_label("Pay my invoices automatically on their due date").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Autopay is on.")).to_be_visible()
    shot(page, "stripe-payments-autopay")

    # staff: autopay and the saved card on the customer page (never the card itself); a refund
    # through Stripe from the payment's page, confirmed first
    staff = new_page()
    staff.goto(f"{stripe_stack.url}/app/login")
    staff.get_by_label("Email").fill(f"owner-{unique}@cards.test")
    staff.get_by_label("Password").fill("correct horse battery")
    staff.get_by_role("button", name="Sign in").click()
    staff.goto(f"{stripe_stack.url}/app/customers/{customer['id']}")
    expect(staff.locator("#payment-profile")).to_contain_text("Autopay: on with Visa ···· 4242 (expires 12/2030)")
    expect(staff.locator("#payment-profile")).not_to_contain_text("4242424242424242")
    staff.goto(f"{stripe_stack.url}/app/payments/{payments[0]['id']}")
    expect(staff.get_by_text("The money goes back to the customer's card through Stripe.")).to_be_visible()
    staff.get_by_label("Amount (EUR)").fill("10.00")
    staff.get_by_label("Reason").fill("Late delivery")
    staff.get_by_role("button", name="Refund…").click()
    expect(staff.get_by_text("Stripe gives the money back to the customer's card.")).to_be_visible()
    staff.get_by_role("button", name="Refund €10.00").click()
    expect(staff.get_by_text("Refund of €10.00 made. The customer is emailed.")).to_be_visible()
    shot(staff, "staff-refund-stripe")
    [refund] = api.json("GET", f"/api/v1/payments/{payments[0]['id']}/refunds", token)["items"]
    assert (refund["amount"], refund["status"]) == ("10.00", "succeeded")
    charge = stripe_stack.stripe.intent(payments[0]["reference"])["latest_charge"]
    if isinstance(charge, str):
        charge = requests.get(f"{stripe_stack.stripe.url}/v1/charges/{charge}", auth=(SECRET_KEY, ""), timeout=5).json()
    assert charge["amount_refunded"] == 1000  # Stripe gave it back, in minor units
    response = page.goto(f"{page.url.split('/payments')[0]}/payments/{payments[0]['id']}")
    assert response.status == 200
    expect(page.get_by_text("Late delivery")).to_be_visible()
    shot(page, "stripe-payment-with-refund")
    assert page.goto(f"{page.url.split('/payments')[0]}/payments/not-a-payment").status == 404
    assert script_errors == []


def test_without_javascript_the_pay_page_says_what_to_do(stripe_stack, browser, mail, unique):
    api = Portico(stripe_stack.url)
    owner = api.signup(f"No Script {unique}", f"owner-ns-{unique}@cards.test")
    email = f"eli-{unique}@cards.test"
    customer = api.create_customer(owner["token"], display_name="Eli Ltd", email=email, currency="EUR",
                                   enable_portal=True)
    invoice = api.json("POST", "/api/v1/invoices", owner["token"], expect=201, json={
        "customer_id": customer["id"], "date": "2026-11-01", "due_date": "2099-12-31",
        "line_items": [{"description": "Work", "quantity": "1", "rate": "10.00"}]})
    api.json("POST", f"/api/v1/invoices/{invoice['id']}/send", owner["token"])
    invite = invite_link(body_text(mail.wait_for(email)[0]))
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(invite)
        page.get_by_label("Password", exact=True).fill("eli secret 1")
        page.get_by_label("Repeat the password").fill("eli secret 1")
        page.get_by_role("button", name="Set password and sign in").click()
        page.goto(f"{page.url.split('/portal/')[0]}/portal/{page.url.split('/portal/')[1].split('/')[0]}"
                  f"/invoices/{invoice['id']}")
        expect(page.locator("#pay-needs-js")).to_contain_text("Paying online needs JavaScript")
        expect(page.locator("#pay-needs-js")).to_contain_text("by bank transfer, cheque or cash")  # none given
        expect(page.locator("#stripe-pay")).to_be_hidden()
        # the organization says how else to pay (Settings → Organization): the page lists it
        api.json("PATCH", "/api/v1/organization", owner["token"], json={
            "payment_instructions": "Bank transfer to IBAN DE02 1203 0000 0000 2020 51\nCash at our shop"})
        page.reload()
        expect(page.locator("#pay-needs-js")).to_contain_text("The other ways to pay No Script")
        expect(page.locator("#other-ways")).to_contain_text("Bank transfer to IBAN DE02 1203 0000 0000 2020 51")
        expect(page.locator("#other-ways")).to_contain_text("Cash at our shop")
        shot(page, "stripe-no-javascript")
    finally:
        context.close()
