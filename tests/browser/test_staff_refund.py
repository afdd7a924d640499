"""Staff refund a payment from its page in headless Chromium: amount and reason, a confirmation
page, billing's refusals next to the field in the reader's language, the invoice's balance growing
back, and a confirmation sent twice (a double click, a resubmit) refunding once. Screenshots go
to SCREENSHOT_DIR when set."""
import os

from playwright.sync_api import expect

from devstack.client import Portico

SHOTS = os.environ.get("SCREENSHOT_DIR")


def shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def sign_in_staff(page, stack, email):
    page.goto(f"{stack.url}/app/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()


def test_staff_refund_a_payment_with_a_confirmation(stack, new_org, new_page, unique):
    api = Portico(stack.url)
    owner = new_org("Refund Works")
    token = owner["token"]
    customer = api.create_customer(token, display_name="Emil's Eatery", email=f"emil-{unique}@refund.test",
                                   currency="EUR")
    invoice = api.json("POST", "/api/v1/invoices", token, expect=201, json={
        "customer_id": customer["id"], "date": "2026-11-01", "due_date": "2099-12-31",
        "line_items": [{"description": "Catering", "quantity": "1", "rate": "300.00"}]})
    api.json("POST", f"/api/v1/invoices/{invoice['id']}/send", token)
    payment = api.json("POST", "/api/v1/payments", token, expect=201, json={
        "customer_id": customer["id"], "invoice_id": invoice["id"], "amount": "300.00", "mode": "bank_transfer",
        "reference": "TRX-1"})

    page = new_page()
    script_errors = []
    page.on("pageerror", lambda error: script_errors.append(str(error)))
    sign_in_staff(page, stack, owner["email"])
    page.goto(f"{stack.url}/app/invoices/{invoice['id']}")
    page.get_by_role("link", name="Refund the payment of €300.00").click()
    expect(page.get_by_role("heading", name="Payment of €300.00", level=1)).to_be_visible()
    expect(page.get_by_text("No refunds yet.")).to_be_visible()
    expect(page.get_by_label("Amount (EUR)")).to_have_value("300.00")  # all that is left, to start with

    # more than the payment: billing's refusal, next to the field; nothing refunded
    page.get_by_label("Amount (EUR)").fill("300.01")
    page.get_by_role("button", name="Refund…").click()
    expect(page.locator("#amount-error")).to_have_text("At most €300.00.")
    expect(page.locator(".form-error")).to_have_text("At most €300.00 of this payment can be refunded.")
    expect(page.get_by_label("Amount (EUR)")).to_have_value("300.01")  # what was typed stays
    page.get_by_label("Amount (EUR)").fill("12.345")
    page.get_by_role("button", name="Refund…").click()
    expect(page.locator("#amount-error")).to_have_text("EUR amounts have at most 2 decimals.")
    page.get_by_label("Amount (EUR)").fill("ten")
    page.get_by_role("button", name="Refund…").click()
    expect(page.locator("#amount-error")).to_contain_text("Enter an amount above zero")
    assert api.json("GET", f"/api/v1/invoices/{invoice['id']}", token)["balance_due"] == "0.00"

    # a part of it, with a reason: the confirmation says what will happen; Cancel does nothing
    page.get_by_label("Amount (EUR)").fill("45.50")
    page.get_by_label("Reason").fill("Two dishes were missing")
    page.get_by_role("button", name="Refund…").click()
    expect(page.get_by_role("heading", name="Refund €45.50 to Emil's Eatery?")).to_be_visible()
    expect(page.get_by_text("give the money back to the customer yourself")).to_be_visible()
    expect(page.get_by_text("Reason: “Two dishes were missing”")).to_be_visible()
    shot(page, "staff-refund-confirm")
    page.get_by_role("link", name="Cancel").click()
    expect(page.get_by_text("No refunds yet.")).to_be_visible()
    page.get_by_label("Amount (EUR)").fill("45.50")
    page.get_by_label("Reason").fill("Two dishes were missing")
    page.get_by_role("button", name="Refund…").click()
    confirmation = page.locator("form:has(input[name=confirmed])")
    sent = {i.get_attribute("name"): i.get_attribute("value") for i in confirmation.locator("input").all()}
    action = confirmation.get_attribute("action")
    page.get_by_role("button", name="Refund €45.50").click()

    expect(page.get_by_text("Refund of €45.50 made. The customer is emailed.")).to_be_visible()
    expect(page.locator("#refunds")).to_contain_text("Two dishes were missing")
    expect(page.locator("#refunds")).to_contain_text("€45.50")
    expect(page.locator("#amount-refunded")).to_have_text("€45.50")
    expect(page.locator("#invoice-balance")).to_have_text("€45.50")
    expect(page.get_by_label("Amount (EUR)")).to_have_value("254.50")
    shot(page, "staff-refund-done")

    # the confirmation sent again (a double click, a resubmit): still one refund
    again = page.request.post(f"{stack.url}{action}", form=sent, max_redirects=0)
    assert again.status == 302
    page.reload()
    expect(page.locator("#refunds tbody tr")).to_have_count(1)
    refunds = api.json("GET", f"/api/v1/payments/{payment['id']}/refunds", token)["items"]
    assert [(r["amount"], r["reason"]) for r in refunds] == [("45.50", "Two dishes were missing")]
    after = api.json("GET", f"/api/v1/invoices/{invoice['id']}", token)
    assert (after["balance_due"], after["status"]) == ("45.50", "partially_paid")

    # the same refusals in German; the rest in full, then no form any more
    api.json("PATCH", "/api/v1/profile", token, json={"language": "de"})
    page.goto(f"{stack.url}/app/payments/{payment['id']}")
    page.get_by_label("Betrag (EUR)").fill("254.51")
    page.get_by_role("button", name="Erstatten …").click()
    expect(page.locator("#amount-error")).to_have_text("Höchstens 254,50 €.")
    shot(page, "staff-refund-error-de")
    page.get_by_label("Betrag (EUR)").fill("254.50")
    page.get_by_role("button", name="Erstatten …").click()
    page.get_by_role("button", name="254,50 € erstatten").click()
    expect(page.locator("#fully-refunded")).to_be_visible()
    expect(page.locator("#invoice-balance")).to_have_text("300,00 €")
    page.goto(f"{stack.url}/app/invoices/{invoice['id']}")
    expect(page.locator("#payments-heading + table")).to_contain_text("300,00 €")
    expect(page.locator("#payments-heading ~ table a", has_text="Erstatten …")).to_have_count(0)  # nothing left
    assert page.goto(f"{stack.url}/app/payments/not-a-payment").status == 404
    assert script_errors == []
