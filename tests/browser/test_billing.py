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
    number = "INV-000001" if kind == "invoice" else "QT-000001"
    expect(page.get_by_text(f"{kind.capitalize()} {number} saved.")).to_be_visible()
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
    invoice_url = cafe.url
    expect(cafe.get_by_label("Amount (EUR)")).to_have_value("1100.00")
    pay(cafe, "4000 0000 0000 0002")
    expect(cafe.get_by_text("The card was declined. Try another card.")).to_be_visible()
    expect(cafe.locator("#balance-due")).to_have_text("€1,100.00")

    # A double submit: the same rendered form (same idempotency key) posted twice charges once.
    form = {name: cafe.locator(f'#pay input[name="{name}"]').first.input_value()
            for name in ("csrf_token", "idempotency_key")}
    form.update(amount="100.00", card_number="4242424242424242", exp_month="12", exp_year="2035", cvc="123")
    pay_url = stack.url + cafe.locator("#pay form").get_attribute("action")
    for _ in range(2):
        assert cafe.request.post(pay_url, form=form, max_redirects=0).status == 302
    cafe.goto(invoice_url)
    expect(cafe.locator("#balance-due")).to_have_text("€1,000.00")
    expect(cafe.get_by_role("heading", name="Invoice INV-000001 Partially paid")).to_be_visible()

    pay(cafe, "4242 4242 4242 4242")
    expect(cafe.get_by_text("Your payment of €1,000.00 was received")).to_be_visible()
    expect(cafe.get_by_role("heading", name="Invoice INV-000001 Paid")).to_be_visible()
    expect(cafe.locator("#balance-due")).to_have_text("€0.00")

    cafe.get_by_role("link", name="Quotes").click()
    cafe.get_by_role("link", name="QT-000001").click()
    cafe.get_by_role("button", name="Accept quote").click()
    expect(cafe.get_by_role("heading", name="Accept quote QT-000001?")).to_be_focused()  # asked first
    cafe.get_by_role("link", name="No, go back").click()  # changing one's mind sends nothing
    expect(cafe.get_by_role("button", name="Accept quote")).to_be_visible()
    cafe.get_by_role("button", name="Accept quote").click()
    cafe.get_by_role("button", name="Yes, accept the quote").click()
    expect(cafe.get_by_text("Quote accepted. Thank you!")).to_be_visible()
    expect(cafe.get_by_role("button", name="Accept quote")).to_have_count(0)

    staff.get_by_role("link", name="Invoices").click()
    expect(staff.get_by_role("row", name="INV-000001")).to_contain_text("Paid")
    staff.get_by_role("link", name="INV-000001").click()
    expect(staff.get_by_text("Visa ···· 4242")).to_have_count(2)  # the double submit made one payment
    staff.get_by_role("link", name="Quotes").click()
    expect(staff.get_by_role("row", name="QT-000001")).to_contain_text("Accepted")


def test_staff_forms_payment_projects_and_a_forwarded_invoice(stack, api, mail, new_org, new_page, unique):
    owner = new_org("Field Works")
    api.portal_settings(owner["token"], allow_forwarding=True, show_projects=True, reviews_enabled=True)
    email = f"finn-{unique}@farm.test"
    customer = api.create_customer(owner["token"], display_name="Finn's Farm", email=email, currency="EUR",
                                   enable_portal=True)
    invite = invite_link(body_text(mail.wait_for(email)[0]))

    staff = new_page()
    sign_in_staff(staff, stack, owner["email"])
    staff.goto(f"{stack.url}/app/customers/{customer['id']}")
    staff.get_by_role("link", name="New invoice").click()
    staff.get_by_role("button", name="Add line").click()  # no JavaScript: the form comes back with a 4th row
    staff.get_by_label("Description, line 4").fill("Fencing")
    staff.get_by_label("Quantity, line 4").fill("lots")
    staff.get_by_label("Rate, line 4").fill("40")
    staff.get_by_role("button", name="Save invoice").click()
    expect(staff.locator('[id="line_items.3.quantity-error"]')).to_be_visible()
    staff.get_by_label("Quantity, line 4").fill("25")
    staff.get_by_role("button", name="Save invoice").click()
    staff.get_by_role("button", name="Send", exact=True).click()
    expect(staff.locator("#balance-due")).to_have_text("€1,000.00")

    staff.get_by_role("link", name="Record payment").click()
    expect(staff.get_by_label("Amount (EUR)")).to_have_value("1000.00")
    expect(staff.get_by_label("Request a review")).to_be_visible()  # reviews are on in this organization
    staff.get_by_label("Amount (EUR)").fill("2000")
    staff.get_by_role("button", name="Record payment").click()
    expect(staff.locator("#amount-error")).to_be_visible()  # more than the balance
    staff.get_by_label("Amount (EUR)").fill("400")
    staff.get_by_label("Payment mode").select_option("cheque")
    staff.get_by_role("button", name="Record payment").click()
    expect(staff.get_by_text("Payment of €400.00 recorded.")).to_be_visible()
    expect(staff.get_by_role("heading", name="Invoice INV-000001 Partially paid")).to_be_visible()

    staff.get_by_role("link", name="Print view").click()
    expect(staff.get_by_role("heading", name="Invoice")).to_be_visible()
    expect(staff.get_by_text("Finn's Farm").first).to_be_visible()
    expect(staff.locator("#balance-due")).to_have_text("€600.00")

    staff.goto(f"{stack.url}/app/projects/new?customer_id={customer['id']}")
    staff.get_by_label("Project name").fill("Barn roof")
    staff.get_by_label("Hourly rate").check()
    staff.get_by_label("Rate per hour (for hourly billing)").fill("60")
    staff.get_by_role("button", name="Save project").click()
    staff.get_by_label("Date").fill("2026-11-20")
    staff.get_by_label("Hours").fill("3.5")
    staff.get_by_label("Description").fill("Measuring")
    staff.get_by_role("button", name="Add entry").click()
    expect(staff.locator("#unbilled-hours")).to_have_text("3.5 h")
    staff.get_by_role("button", name="Mark billed").click()
    expect(staff.locator("#billed-hours")).to_have_text("3.5 h")

    staff.goto(f"{stack.url}/app/customers/{customer['id']}")
    expect(staff.locator("#customer-balance")).to_have_text("€600.00")

    farm = new_page()
    farm.goto(invite)
    farm.get_by_label("Password", exact=True).fill("farm secret")
    farm.get_by_label("Repeat the password").fill("farm secret")
    farm.get_by_role("button", name="Set password and sign in").click()
    farm.get_by_role("link", name="Projects").click()
    farm.get_by_role("link", name="Barn roof").click()
    expect(farm.locator("#billed-hours")).to_have_text("3.5 h")

    farm.get_by_role("link", name="Invoices").click()
    farm.get_by_role("link", name="INV-000001").click()
    farm.get_by_label("Add a comment").fill("Rest next week.")
    farm.get_by_role("button", name="Add comment").click()
    expect(farm.get_by_text("Rest next week.")).to_be_visible()
    dana = f"dana-{unique}@farm.test"
    farm.get_by_label("Their name").fill("Dana")
    farm.get_by_label("Their email").fill(dana)
    farm.get_by_role("button", name="Forward invoice").click()
    expect(farm.get_by_text(f"Invoice forwarded to Dana ({dana}).")).to_be_visible()

    link = next(word for word in body_text(mail.wait_for(dana)[0]).split() if "/shared/" in word)
    visitor = new_page()
    visitor.goto(link)
    expect(visitor.get_by_role("heading", name="Invoice INV-000001")).to_be_visible()
    expect(visitor.get_by_role("button", name="Pay now")).to_have_count(0)
    visitor.goto(link + "x")
    expect(visitor.get_by_role("heading", name="Not found")).to_be_visible()


def test_edit_void_delete_convert_and_a_declined_quote(stack, api, mail, new_org, new_page, unique):
    owner = new_org("Quill Works")
    email = f"quinn-{unique}@quill.test"
    customer = api.create_customer(owner["token"], display_name="Quinn", email=email, currency="USD",
                                   enable_portal=True)
    invite = invite_link(body_text(mail.wait_for(email)[0]))
    staff = new_page()
    sign_in_staff(staff, stack, owner["email"])

    create_and_send(staff, stack, "invoice", customer["id"], "Copywriting", "3", "100")
    staff.get_by_role("link", name="Edit").click()
    staff.get_by_label("Quantity, line 1").fill("4")
    staff.get_by_role("button", name="Save invoice").click()
    expect(staff.locator("#document-total")).to_have_text("$440.00")
    staff.get_by_role("link", name="Void").click()
    staff.get_by_role("button", name="Void invoice").click()
    expect(staff.get_by_role("heading", name="Invoice INV-000001 Void")).to_be_visible()
    staff.get_by_role("link", name="Delete").click()
    staff.get_by_role("button", name="Delete invoice").click()
    expect(staff.get_by_text("Invoice deleted.")).to_be_visible()

    create_and_send(staff, stack, "quote", customer["id"], "Brochure", "1", "800")
    staff.goto(f"{stack.url}/app/quotes/new?customer_id={customer['id']}")
    staff.get_by_label("Description, line 1").fill("Flyer")
    staff.get_by_label("Quantity, line 1").fill("1")
    staff.get_by_label("Rate, line 1").fill("200")
    staff.get_by_role("button", name="Save quote").click()
    staff.get_by_role("button", name="Send", exact=True).click()
    staff.get_by_role("button", name="Convert to invoice").click()
    expect(staff.get_by_text("Quote converted to an invoice.")).to_be_visible()
    expect(staff.get_by_role("heading", name="Draft")).to_be_visible()
    expect(staff.get_by_text("Flyer")).to_be_visible()

    quill = new_page()
    quill.goto(invite)
    quill.get_by_label("Password", exact=True).fill("quill secret")
    quill.get_by_label("Repeat the password").fill("quill secret")
    quill.get_by_role("button", name="Set password and sign in").click()
    quill.get_by_role("link", name="Quotes").click()
    quill.get_by_role("link", name="QT-000001").click()
    quill.get_by_label("Reason for declining (optional)").fill("Over our budget")
    quill.get_by_role("button", name="Decline quote").click()
    expect(quill.get_by_text("Your reason: “Over our budget”")).to_be_visible()
    quill.get_by_role("button", name="Yes, decline the quote").click()
    expect(quill.get_by_text("Quote declined.")).to_be_visible()
    expect(quill.get_by_text("Over our budget")).to_be_visible()
    expect(quill.get_by_role("button", name="Accept quote")).to_have_count(0)
    quill.get_by_role("link", name="Print view").click()
    expect(quill.get_by_role("heading", name="Quote", exact=True)).to_be_visible()
    expect(quill.get_by_text("$800.00").first).to_be_visible()

    staff.goto(f"{stack.url}/app/quotes")
    staff.get_by_role("link", name="QT-000001").click()
    expect(staff.get_by_text("Reason: “Over our budget”")).to_be_visible()
