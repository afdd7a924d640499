"""Settings → Organization in a browser: staff give the business an address and a time zone; the
customer's printable invoice in the portal carries that address."""
from playwright.sync_api import expect

from devstack.client import invite_link
from portico_kit.testing.smtp import body_text



def sign_in_staff(page, stack, email):
    page.goto(f"{stack.url}/app/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()


def test_the_business_address_reaches_the_portal_print_view(stack, api, mail, new_org, new_page, unique):
    owner = new_org("Letterhead Studio")
    email = f"lena-{unique}@letters.test"
    customer = api.create_customer(owner["token"], display_name="Lena's Letters", email=email, enable_portal=True)
    api.accept_invitation(invite_link(body_text(mail.wait_for(email)[0])))

    staff = new_page()
    sign_in_staff(staff, stack, owner["email"])
    staff.goto(f"{stack.url}/app/settings/portal")
    staff.get_by_role("navigation", name="Settings").get_by_role("link", name="Organization").click()
    staff.locator("#address-street").fill("Hauptstraße 5")
    staff.locator("#address-city").fill("Berlin")
    staff.get_by_role("button", name="Save").click()
    expect(staff.locator("#address-country-error")).to_be_visible()  # an address needs its country
    staff.locator("#address-country").select_option("DE")
    staff.get_by_label("Phone").fill("+49 30 123 456")
    staff.get_by_label("Time zone").select_option("Europe/Berlin")
    staff.get_by_role("button", name="Save").click()
    expect(staff.get_by_text("Organization profile saved.")).to_be_visible()
    assert api.json("GET", "/api/v1/organization", owner["token"])["timezone"] == "Europe/Berlin"

    invoice = api.json("POST", "/api/v1/invoices", owner["token"], expect=201, json={
        "customer_id": customer["id"], "line_items": [{"description": "Letterpress", "quantity": "1", "rate": "80"}]})
    api.json("POST", f"/api/v1/invoices/{invoice['id']}/send", owner["token"])
    portal_name = api.portal_settings(owner["token"])["portal_name"]
    page = new_page()
    page.goto(f"{stack.url}/portal/{portal_name}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("bike shed 42")
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{stack.url}/portal/{portal_name}/invoices/{invoice['id']}/print")
    expect(page.get_by_text("Hauptstraße 5")).to_be_visible()
    expect(page.get_by_text("+49 30 123 456", exact=True)).to_be_visible()
