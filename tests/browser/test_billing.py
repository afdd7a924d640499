"""FEATURES.md A1 in a browser: staff create and send an invoice and a quote; the customer signs into
the portal, sees a declined card's message, pays with a good card and sees the invoice paid, accepts
the quote; staff then see the invoice paid and the quote accepted. Pages only, no JavaScript needed."""
from playwright.sync_api import expect

from devstack.client import invite_link
from portico_kit.testing.smtp import body_text


def sign_in_staff(page, stack, email):
    page.goto(f"{stack.url}/app/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()


def create_and_send(page, stack, kind, customer_id, description, quantity, rate):
    page.goto(f"{stack.url}/app/{kind}s/new?customer_id={customer_id}")
    page.get_by_label("Description, line 1").fill(description)
    page.get_by_label("Quantity, line 1").fill(quantity)
    page.get_by_label("Rate, line 1").fill(rate)
    page.get_by_label("Tax %, line 1").fill("10")
    page.get_by_role("button", name=f"Save {kind}").click()
    expect(page.get_by_text(f"{kind.capitalize()} {'INV' if kind == 'invoice' else 'QT'}-000001 saved.")).to_be_visible()
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.get_by_text(f"{kind.capitalize()} sent.")).to_be_visible()


def pay(page, number):
    page.get_by_label("Card number").fill(number)
    page.get_by_label("Expiry month").fill("12")
    page.get_by_label("Expiry year").fill("2035")
    page.get_by_label("Security code").fill("123")
    page.get_by_role("button", name="Pay now").click()


def test_invoice_paid_and_quote_accepted_in_the_portal(stack, api, mail, new_org, new_page, unique):
    owner = new_org("Ledger Studio")
    email = f"cora-{unique}@cafe.test"
    customer = api.create_customer(owner["token"], display_name="Cora's Cafe", email=email, currency="EUR",
                                   enable_portal=True)
    invite = invite_link(body_text(mail.wait_for(email)[0]))

    staff = new_page()
    sign_in_staff(staff, stack, owner["email"])
    create_and_send(staff, stack, "invoice", customer["id"], "Logo design", "2", "500")
    expect(staff.locator("#balance-due")).to_have_text("€1,100.00")  # 2 × 500 + 10 % tax
    create_and_send(staff, stack, "quote", customer["id"], "Website", "1", "1200")

    cafe = new_page()
    cafe.goto(invite)
    cafe.get_by_label("Password", exact=True).fill("cafe secret")
    cafe.get_by_label("Repeat the password").fill("cafe secret")
    cafe.get_by_role("button", name="Set password and sign in").click()
    expect(cafe.locator("#home-balance")).to_have_text("€1,100.00")

    cafe.get_by_role("link", name="Invoices").click()
    cafe.get_by_role("link", name="INV-000001").click()
    expect(cafe.get_by_label("Amount (EUR)")).to_have_value("1100.00")
    pay(cafe, "4000 0000 0000 0002")
    expect(cafe.get_by_text("The card was declined. Try another card.")).to_be_visible()
    expect(cafe.locator("#balance-due")).to_have_text("€1,100.00")
    pay(cafe, "4242 4242 4242 4242")
    expect(cafe.get_by_text("Your payment of €1,100.00 was received")).to_be_visible()
    expect(cafe.get_by_role("heading", name="Invoice INV-000001 Paid")).to_be_visible()
    expect(cafe.locator("#balance-due")).to_have_text("€0.00")

    cafe.get_by_role("link", name="Quotes").click()
    cafe.get_by_role("link", name="QT-000001").click()
    cafe.get_by_role("button", name="Accept quote").click()
    expect(cafe.get_by_text("Quote accepted. Thank you!")).to_be_visible()
    expect(cafe.get_by_role("button", name="Accept quote")).to_have_count(0)

    staff.get_by_role("link", name="Invoices").click()
    expect(staff.get_by_role("row", name="INV-000001")).to_contain_text("Paid")
    staff.get_by_role("link", name="INV-000001").click()
    expect(staff.get_by_text("Visa ···· 4242")).to_be_visible()
    staff.get_by_role("link", name="Quotes").click()
    expect(staff.get_by_role("row", name="QT-000001")).to_contain_text("Accepted")
