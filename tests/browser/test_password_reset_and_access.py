"""In a real browser: a portal contact who forgot the password gets back in through the emailed
link; staff give portal access to one chosen contact and turn it off again on the customer page."""
import re

from playwright.sync_api import expect

from devstack.client import invite_link
from portico_kit.testing.smtp import body_text

RESET_LINK = re.compile(r"https?://\S+/portal/[a-z0-9-]+/reset/[A-Za-z0-9_-]+")


def test_forgot_password_on_the_portal(stack, api, mail, new_page, new_org, unique):
    token = new_org("Iris Interiors")["token"]
    email = f"jade-{unique}@home.test"
    api.create_customer(token, display_name="Jade's Home", email=email, enable_portal=True)
    api.accept_invitation(invite_link(body_text(mail.wait_for(email)[0])))
    portal_name = api.portal_settings(token)["portal_name"]

    page = new_page()
    page.goto(f"{stack.url}/portal/{portal_name}/login")
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page.get_by_role("heading", name="Forgot your password?")).to_be_visible()
    page.get_by_label("Email").fill(email)
    page.get_by_role("button", name="Email me a link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()

    message = mail.wait_for(email, subject_contains="Reset your password")[0]
    link = RESET_LINK.search(body_text(message)).group(0)
    page.goto(link)
    expect(page.get_by_text(email)).to_be_visible()
    page.get_by_label("New password", exact=True).fill("fresh paint")
    page.get_by_label("Repeat the new password").fill("fresh paint")
    page.get_by_role("button", name="Set password and sign in").click()
    expect(page.get_by_text("Your new password is set. You are signed in.")).to_be_visible()
    expect(page.get_by_role("heading", name="Hello, Jade's Home")).to_be_visible()
    assert page.url.rstrip("/").endswith(f"/portal/{portal_name}")

    page.goto(link)  # single use
    expect(page.get_by_role("heading", name="This link cannot be used")).to_be_visible()
    assert api.portal_login(portal_name, email, password="fresh paint")["token"]


def test_staff_enable_a_chosen_contact_then_disable_it(stack, api, mail, new_page, new_org, unique):
    owner = new_org("Kite Kitchens")
    token = owner["token"]
    boss, cook = f"boss-{unique}@diner.test", f"cook-{unique}@diner.test"
    customer = api.create_customer(token, display_name="Lou's Diner", email=boss)
    api.json("POST", f"/api/v1/customers/{customer['id']}/contacts", token, expect=201,
             json={"first_name": "Cook", "email": cook})

    page = new_page()
    page.goto(f"{stack.url}/app/login")
    page.get_by_label("Email").fill(owner["email"])
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{stack.url}/app/customers/{customer['id']}")
    section = page.locator("section", has=page.get_by_role("heading", name="Portal access"))
    section.get_by_label("Choose Cook").check()
    section.get_by_role("button", name="Enable portal and invite").click()
    expect(page.get_by_text(f"Invitation sent to {cook}.")).to_be_visible()
    cook_row = page.locator(f'tr[data-contact="{cook}"]')
    expect(cook_row.get_by_text("Invited", exact=True)).to_be_visible()
    expect(page.locator(f'tr[data-contact="{boss}"]').get_by_text("Not invited")).to_be_visible()
    session = api.accept_invitation(invite_link(body_text(mail.wait_for(cook)[0])))
    assert mail.to(boss) == []

    page.reload()
    expect(cook_row.get_by_text("Active", exact=True)).to_be_visible()
    cook_row.get_by_role("button", name="Disable for Cook").click()
    expect(page.get_by_text(f"Portal access disabled for {cook}.")).to_be_visible()
    expect(cook_row.get_by_text("Disabled", exact=True)).to_be_visible()
    portal_name = api.portal_settings(token)["portal_name"]
    assert api.request("GET", f"/portal/{portal_name}/api/v1/me", session).status_code == 401
