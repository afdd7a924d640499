"""FEATURES.md A1/A2/A4 in a browser: staff create a customer with the portal enabled, the customer
changes their billing address in "My details", staff see it at once; read-only when switched off.
Also the staff customer book: custom fields in Settings, editing, contacts, deleting."""
from playwright.sync_api import expect

from devstack.client import invite_link
from portico_kit.testing.smtp import body_text


def sign_in_staff(page, stack, email):
    page.goto(f"{stack.url}/app/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()


def accept_invitation(page, mail, email, password="profile secret"):
    page.goto(invite_link(body_text(mail.wait_for(email)[0])))
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("Repeat the password").fill(password)
    page.get_by_role("button", name="Set password and sign in").click()


def add_custom_field(page, label, key, type_="Text", options="", show=False, editable=False):
    page.get_by_label("Label").fill(label)
    page.get_by_label("Key").fill(key)
    page.get_by_label("Type").select_option(label=type_)
    if options:
        page.get_by_label("Dropdown options").fill(options)
    if show:
        page.get_by_label("Show in the portal").check()
    if editable:
        page.get_by_label("Customers may change it").check()
    page.get_by_role("button", name="Add field").click()
    expect(page.get_by_text(f"“{label}” added to every customer.")).to_be_visible()


def test_the_customer_changes_the_billing_address_and_staff_see_it(stack, api, mail, new_org, new_page, unique):
    owner = new_org("Address Works")
    staff = new_page()
    sign_in_staff(staff, stack, owner["email"])

    # staff: allow editing, define a field customers may change, create the customer with the portal on
    staff.goto(f"{stack.url}/app/settings/portal")
    staff.get_by_label("Allow customers to edit their information").check()
    staff.get_by_role("button", name="Save", exact=True).click()
    staff.get_by_role("link", name="Custom fields").click()
    add_custom_field(staff, "PO number", "po_number", show=True, editable=True)

    email = f"carla-{unique}@address.test"
    staff.get_by_role("link", name="Customers").click()
    staff.get_by_role("link", name="New customer").first.click()
    staff.get_by_label("Display name").fill("Carla's Café")
    staff.get_by_label("Email", exact=True).fill(email)
    staff.get_by_label("Enable portal access and email an invitation").check()
    staff.get_by_role("button", name="Save customer").click()
    expect(staff.get_by_text(f"Portal invitation sent to {email}")).to_be_visible()
    customer_url = staff.url

    # the customer: accept the invitation from the caught mail, then "My details"
    customer = new_page()
    accept_invitation(customer, mail, email)
    customer.get_by_role("link", name="My details").click()
    expect(customer.get_by_role("heading", name="My details")).to_be_visible()
    billing = customer.get_by_role("group", name="Billing address")
    billing.get_by_label("Street (required)").fill("Rue du Port 4")
    billing.get_by_label("City").fill("Marseille")
    billing.get_by_label("ZIP / postal code").fill("13002")
    billing.get_by_label("Country").select_option("FR")  # the picker: ISO code, name in the reader's language
    customer.get_by_label("PO number").fill("PO-7781")
    customer.get_by_label("Phone").fill("+33 4 91 00 00 00")
    customer.get_by_role("button", name="Save my details").click()
    expect(customer.get_by_text("Your details are saved.")).to_be_visible()
    expect(customer.get_by_role("group", name="Billing address").get_by_label("City")).to_have_value("Marseille")

    # a half address is refused next to the field, and nothing is lost
    customer.get_by_role("group", name="Shipping address").get_by_label("City").fill("Lyon")
    customer.get_by_role("button", name="Save my details").click()
    expect(customer.locator("#shipping_address-street-error")).to_have_text("Street is required.")  # names the line
    expect(customer.locator("#shipping_address-country-error")).to_have_text("Country is required.")
    expect(customer.get_by_role("group", name="Shipping address").get_by_label("City")).to_have_value("Lyon")

    # staff: the new address is on the customer's page at once
    staff.goto(customer_url)
    expect(staff.locator("#billing-address")).to_contain_text("Rue du Port 4")
    expect(staff.locator("#billing-address")).to_contain_text("13002 Marseille")
    expect(staff.locator("#billing-address")).to_contain_text("France")  # the code FR, by its name
    expect(staff.locator('[data-field="po_number"]')).to_have_text("PO-7781")
    expect(staff.locator("#shipping-address")).to_have_text("—")
    expect(staff.get_by_role("cell", name="+33 4 91 00 00 00")).to_be_visible()

    # "same as the billing address": its own lines step aside, and the billing one is copied
    shipping = customer.get_by_role("group", name="Shipping address")
    shipping.get_by_label("Same as the billing address").check()
    expect(shipping.get_by_label("City")).to_be_hidden()
    customer.get_by_role("button", name="Save my details").click()
    expect(customer.get_by_text("Your details are saved.")).to_be_visible()
    staff.goto(customer_url)
    expect(staff.locator("#shipping-address")).to_contain_text("13002 Marseille")


def test_my_details_are_read_only_when_editing_is_off(stack, api, mail, new_org, new_page, unique):
    owner = new_org("Closed Books")
    token = owner["token"]
    api.json("POST", "/api/v1/settings/custom-fields", token, expect=201,
             json={"key": "account_manager", "label": "Account manager", "type": "text", "show_in_portal": True})
    email = f"otto-{unique}@closed.test"
    api.create_customer(token, display_name="Otto", email=email, enable_portal=True,
                        billing_address={"street": "Hauptstr. 1", "city": "Bonn", "zip": "53111", "country": "Germany"},
                        custom_fields={"account_manager": "Mia"})
    page = new_page()
    accept_invitation(page, mail, email)
    page.get_by_role("link", name="My details").click()
    expect(page.locator("#read-only-note")).to_be_visible()
    expect(page.locator("#billing-address")).to_contain_text("Hauptstr. 1")
    expect(page.locator('[data-field="account_manager"]')).to_have_text("Mia")
    expect(page.get_by_role("textbox")).to_have_count(0)
    expect(page.get_by_role("button", name="Save my details")).to_have_count(0)

    api.portal_settings(token, allow_profile_edit=True)  # switched on: the same page becomes a form
    page.reload()
    expect(page.get_by_role("button", name="Save my details")).to_be_visible()
    expect(page.get_by_label("Account manager")).to_have_count(0)  # shown, but not for the customer to change


def test_staff_edit_a_customer_its_contacts_and_delete_it(stack, api, new_org, new_page, unique):
    owner = new_org("Book Keepers")
    page = new_page()
    sign_in_staff(page, stack, owner["email"])
    page.goto(f"{stack.url}/app/settings/custom-fields")
    add_custom_field(page, "Tier", "tier", "Dropdown", options="Gold\nSilver")
    customer = api.create_customer(owner["token"], display_name="Delta Ltd", email=f"delta-{unique}@book.test")

    page.goto(f"{stack.url}/app/customers?search=delta")
    page.get_by_role("link", name="Delta Ltd").click()
    page.get_by_role("link", name="Edit customer").click()
    page.get_by_label("Website").fill("https://delta.test")
    page.get_by_label("Tier").select_option("Silver")
    page.get_by_label("Email").fill("not an email")
    page.get_by_role("button", name="Save customer").click()
    expect(page.locator("#email-error")).to_be_visible()
    page.get_by_label("Email").fill(f"delta-{unique}@book.test")
    page.get_by_role("button", name="Save customer").click()
    expect(page.get_by_text("Customer saved.")).to_be_visible()
    expect(page.locator('[data-field="tier"]')).to_have_text("Silver")

    page.get_by_role("link", name="Add contact person").click()
    page.get_by_label("First name").fill("Dora")
    page.get_by_label("Email").fill(f"dora-{unique}@book.test")
    page.get_by_role("button", name="Save contact").click()
    expect(page.get_by_text("Dora added.")).to_be_visible()
    page.get_by_role("link", name="Edit Dora").click()
    page.get_by_label("Last name").fill("Diaz")
    page.get_by_label("Primary contact").check()
    page.get_by_role("button", name="Save contact").click()
    expect(page.get_by_role("cell", name="Dora Diaz Primary")).to_be_visible()
    page.get_by_role("button", name="Remove Delta Ltd").click()
    expect(page.get_by_text("Contact person removed.")).to_be_visible()

    page.get_by_role("link", name="Delete…").click()
    page.get_by_role("button", name="Delete Delta Ltd").click()
    expect(page.get_by_text("Delta Ltd deleted.")).to_be_visible()
    assert api.request("GET", f"/api/v1/customers/{customer['id']}", owner["token"]).status_code == 404


def test_a_long_unbroken_name_wraps_on_a_phone(stack, api, new_org, new_page):
    owner = new_org("Wrap Works")
    name = "W" * 200  # the longest display name customers accepts
    customer = api.create_customer(owner["token"], display_name=name)
    staff = new_page()
    staff.set_viewport_size({"width": 390, "height": 844})
    sign_in_staff(staff, stack, owner["email"])
    for path in (f"/app/customers/{customer['id']}", "/app/customers"):
        staff.goto(f"{stack.url}{path}")
        expect(staff.get_by_text(name).first).to_be_visible()
        overflow = staff.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{path} is {overflow}px wider than the phone"
    too_long = api.request("POST", "/api/v1/customers", owner["token"], json={"display_name": "W" * 201})
    assert too_long.status_code == 422 and too_long.json()["error"]["fields"]["display_name"]
