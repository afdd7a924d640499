"""Email templates (edit, preview, refuse, reset), the email log and the portal activity, in Chromium."""
from playwright.sync_api import expect

from devstack.client import Portico, invite_link
from portico_kit.testing.smtp import body_text


def sign_up(page, stack, unique, business):
    page.goto(f"{stack.url}/app/signup")
    page.get_by_label("Business name").fill(f"{business} {unique}")
    page.get_by_label("Your name").fill("Fern")
    page.get_by_label("Email").fill(f"fern-{unique}@{business.split()[0].lower()}.test")
    page.get_by_label("Password").fill("petals and stems")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Customer Portal")).to_be_visible()


def test_staff_edit_preview_and_reset_an_email_template(stack, new_page, unique):
    staff = new_page()
    sign_up(staff, stack, unique, "Tulip Florist")
    staff.get_by_role("link", name="Email templates").click()
    expect(staff.get_by_role("heading", name="Email templates")).to_be_visible()
    staff.get_by_role("link", name="Review request").click()
    expect(staff.get_by_role("heading", name="Review request")).to_be_visible()
    expect(staff.get_by_text("Default", exact=True)).to_be_visible()

    staff.get_by_label("Subject").fill("{{ customer.name }}, rate {{ organization.name }}!")
    staff.get_by_label("Text", exact=True).fill("Dear {{ recipient.name }},\n\n{{ customer.nmae }}\n{{ review_url }}")
    staff.get_by_role("button", name="Save").click()
    expect(staff.locator("#body-error")).to_have_text("Line 3: Unknown placeholder: customer.nmae.")
    expect(staff.get_by_label("Text", exact=True)).to_have_attribute("aria-invalid", "true")

    staff.get_by_label("Text", exact=True).fill("Dear {{ recipient.name }},\n\nplease rate us:\n{{ review_url }}")
    staff.get_by_role("button", name="Preview").click()
    expect(staff.get_by_role("heading", name="Preview with sample data (not saved)")).to_be_visible()
    expect(staff.get_by_text(f"Bob's Bikes, rate Tulip Florist {unique}!")).to_be_visible()
    expect(staff.locator("pre.mail-preview")).to_contain_text("Dear Bob Baker,")
    portal = f"{stack.url}/portal/tulip-florist-{unique}"
    frame = staff.frame_locator("iframe.mail-preview")
    expect(frame.get_by_role("link")).to_have_attribute("href", f"{portal}/reviews/sample-request")  # its own portal
    # the email's own inline styles apply inside the frame (the app's policy would block them)
    font = frame.locator("body").evaluate("body => getComputedStyle(body).fontFamily")
    assert "system-ui" in font, font

    staff.get_by_role("button", name="Save").click()
    expect(staff.get_by_text("“Review request” saved.", exact=False)).to_be_visible()
    expect(staff.get_by_text("Customized", exact=True)).to_be_visible()
    expect(staff.get_by_label("Subject")).to_have_value("{{ customer.name }}, rate {{ organization.name }}!")

    staff.get_by_role("button", name="Reset to default").click()
    expect(staff.get_by_text("“Review request” is back to the default text.")).to_be_visible()
    expect(staff.get_by_label("Subject")).to_have_value("How did we do? {{ organization.name }} would love your review")


def test_staff_see_the_email_log_and_the_portal_activity(stack, mail, new_page, unique):
    staff = new_page()
    sign_up(staff, stack, unique, "Iris Florist")
    email = f"hana-{unique}@x.test"
    staff.get_by_role("link", name="Customers").click()
    staff.get_by_role("link", name="New customer").first.click()
    staff.get_by_label("Display name").fill("Hana's Hats")
    staff.get_by_label("Email", exact=True).fill(email)
    staff.get_by_label("Enable portal access and email an invitation").check()
    staff.get_by_role("button", name="Save customer").click()
    expect(staff.get_by_text(f"Portal invitation sent to {email}.")).to_be_visible()

    Portico(stack.url).accept_invitation(invite_link(body_text(mail.wait_for(email)[0])))

    staff.get_by_role("link", name="Email log").click()
    row = staff.get_by_role("row").filter(has_text=email)
    expect(row).to_contain_text("Portal invitation")
    expect(row).to_contain_text("Sent")

    staff.get_by_role("link", name="Portal activity").click()
    expect(staff.get_by_role("heading", name="Portal activity", level=1)).to_be_visible()
    expect(staff.get_by_role("cell", name="Hana's Hats accepted the portal invitation")).to_be_visible()
    staff.get_by_label("Period").select_option("today")
    staff.get_by_label("What").select_option("invitation_accepted")
    staff.get_by_role("button", name="Show").click()
    expect(staff.get_by_role("cell", name="Hana's Hats accepted the portal invitation")).to_be_visible()
    staff.get_by_label("Period").select_option("last_month")
    staff.get_by_role("button", name="Show").click()
    expect(staff.get_by_text("No portal activity in this period.")).to_be_visible()
    sign_ins = staff.get_by_role("table", name="Portal contacts by last sign-in")
    expect(sign_ins.get_by_role("row").filter(has_text=email)).to_contain_text("Active")
