"""The README's journey in a real browser: sign up, set a banner, add a customer with portal
access, follow the emailed invitation, set a password, see the banner."""
from playwright.sync_api import expect

from devstack.client import invite_link
from portico_kit.testing.smtp import body_text


def test_staff_signs_up_invites_and_the_customer_sees_the_banner(stack, mail, new_page, unique):
    staff = new_page()
    staff.goto(f"{stack.url}/app/signup")
    staff.get_by_label("Business name").fill(f"Fern Florist {unique}")
    staff.get_by_label("Your name").fill("Fern")
    staff.get_by_label("Email").fill(f"fern-{unique}@florist.test")
    staff.get_by_label("Password").fill("petals and stems")
    staff.get_by_role("button", name="Create account").click()

    expect(staff.get_by_role("heading", name="Customer Portal")).to_be_visible()
    portal_name = f"fern-florist-{unique}"
    expect(staff.get_by_label("Portal name")).to_have_value(portal_name)
    expect(staff.locator("#portal_url")).to_contain_text(f"/portal/{portal_name}")
    staff.get_by_label("Banner message").fill("Spring bouquets are back!")
    staff.get_by_label("Allow customers to forward documents").check()
    staff.get_by_role("button", name="Save").click()
    expect(staff.get_by_text("Portal preferences saved.")).to_be_visible()
    expect(staff.get_by_label("Allow customers to forward documents")).to_be_checked()

    staff.get_by_role("link", name="Customers").click()
    staff.get_by_role("link", name="New customer").first.click()
    email = f"gina-{unique}@garden.test"
    staff.get_by_label("Display name").fill("Gina's Garden")
    staff.get_by_label("Email", exact=True).fill(email)
    staff.get_by_label("Enable portal access and email an invitation").check()
    staff.get_by_role("button", name="Save customer").click()
    expect(staff.get_by_text(f"Portal invitation sent to {email}.")).to_be_visible()
    expect(staff.get_by_role("heading", name="Gina's Garden")).to_be_visible()
    expect(staff.get_by_role("region", name="Portal access").get_by_role("cell", name=email)).to_be_visible()

    link = invite_link(body_text(mail.wait_for(email)[0]))
    customer = new_page()
    customer.goto(link)
    expect(customer.get_by_text(email)).to_be_visible()
    customer.get_by_label("Password", exact=True).fill("roses are red")
    customer.get_by_label("Repeat the password").fill("roses are red")
    customer.get_by_role("button", name="Set password and sign in").click()
    expect(customer.get_by_text("Spring bouquets are back!")).to_be_visible()
    expect(customer.get_by_role("heading", name="Hello, Gina's Garden")).to_be_visible()

    # sign out and back in with the login page (session cookie + CSRF-protected form)
    customer.get_by_role("button", name="Sign out").click()
    expect(customer.get_by_role("heading", name=f"Sign in to Fern Florist {unique}'s customer portal")).to_be_visible()
    customer.get_by_label("Email").fill(email)
    customer.get_by_label("Password").fill("roses are red")
    customer.get_by_role("button", name="Sign in").click()
    expect(customer.get_by_text("Spring bouquets are back!")).to_be_visible()

    # staff see the contact as active now
    staff.reload()
    expect(staff.get_by_role("cell", name="Active")).to_be_visible()


def test_settings_errors_appear_next_to_the_field(stack, new_page, new_org):
    owner = new_org("Hazel")
    page = new_page()
    page.goto(f"{stack.url}/app/login")
    page.get_by_label("Email").fill(owner["email"])
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Settings").click()
    page.get_by_label("Portal name").fill("Not A Slug!")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#portal_name-error")).to_contain_text("lowercase letters")
    expect(page.get_by_label("Portal name")).to_have_attribute("aria-invalid", "true")


def test_an_unknown_portal_is_a_404_page_and_a_bad_invitation_says_so(stack, new_page, unique):
    page = new_page()
    response = page.goto(f"{stack.url}/portal/nobody-{unique}/login")
    assert response.status == 404
    expect(page.get_by_text("There is no portal at this address.")).to_be_visible()
