"""FEATURES.md A3 in a browser: staff ask from the customer page, the customer follows the emailed
link, signs in, rates 5 with a comment; the report shows it with the average."""
import re

from playwright.sync_api import expect

from devstack.client import invite_link
from portico_kit.testing.smtp import body_text


def sign_in_staff(page, stack, email):
    page.goto(f"{stack.url}/app/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()


def test_request_rate_and_see_it_in_the_report(stack, api, mail, new_org, new_page, unique):
    owner = new_org("Stars Studio")
    api.portal_settings(owner["token"], reviews_enabled=True)
    email = f"sam-{unique}@stars.test"
    customer = api.create_customer(owner["token"], display_name="Sam's Salon", email=email, enable_portal=True)
    invite = invite_link(body_text(mail.wait_for(email)[0]))

    staff = new_page()
    sign_in_staff(staff, stack, owner["email"])
    staff.goto(f"{stack.url}/app/customers/{customer['id']}")
    staff.get_by_role("button", name="Request a review").click()
    expect(staff.get_by_text("Review request sent.")).to_be_visible()
    expect(staff.get_by_text("waiting for the review")).to_be_visible()

    messages = mail.wait_for(email, count=2)
    link = re.search(r"https?://\S+/reviews/[0-9a-f-]{36}", body_text(messages[-1])).group(0)

    customer_page = new_page()
    customer_page.goto(invite)  # the customer sets a password first, then signs out
    customer_page.get_by_label("Password", exact=True).fill("salon secret")
    customer_page.get_by_label("Repeat the password").fill("salon secret")
    customer_page.get_by_role("button", name="Set password and sign in").click()
    expect(customer_page.get_by_text("asked for your review")).to_be_visible()
    customer_page.get_by_role("button", name="Sign out").click()

    customer_page.goto(link)  # the emailed link: sign in, then land on the review page
    customer_page.get_by_label("Email").fill(email)
    customer_page.get_by_label("Password").fill("salon secret")
    customer_page.get_by_role("button", name="Sign in").click()
    expect(customer_page.get_by_role("heading", name="How did Stars Studio")).to_be_visible()
    customer_page.get_by_label("5 stars (excellent)").check()
    customer_page.get_by_label("Comment (optional)").fill("Best haircut in town")
    customer_page.get_by_role("button", name="Send review").click()
    expect(customer_page.get_by_text("Thank you for your review!")).to_be_visible()
    expect(customer_page.get_by_text("Best haircut in town")).to_be_visible()

    staff.get_by_role("link", name="Reviews").click()
    expect(staff.get_by_role("heading", name="Customer Review Report")).to_be_visible()
    expect(staff.locator("#review-count")).to_have_text("1")
    expect(staff.locator("#average-rating")).to_have_text("5.00 / 5")
    expect(staff.get_by_role("cell", name="Best haircut in town")).to_be_visible()
    expect(staff.locator('rect.chart-bar[data-stars="5"]')).to_have_attribute("width", "230.0")
    staff.get_by_label("Custom range").check()
    staff.get_by_label("From", exact=True).fill("2020-01-01")
    staff.get_by_label("To", exact=True).fill("2020-01-31")
    staff.get_by_role("button", name="Show").click()
    expect(staff.locator("#review-count")).to_have_text("0")
    staff.get_by_label("This year").check()
    staff.get_by_role("button", name="Show").click()
    expect(staff.locator("#review-count")).to_have_text("1")
    with staff.expect_download() as download:
        staff.get_by_role("link", name="Export CSV").click()
    assert download.value.suggested_filename.endswith(".csv")
    assert "Best haircut in town" in open(download.value.path()).read()


def test_no_review_entry_when_reviews_are_off(stack, api, mail, new_org, new_page, unique):
    owner = new_org("Off Studio")
    email = f"olga-{unique}@off.test"
    api.create_customer(owner["token"], display_name="Olga", email=email, enable_portal=True)
    page = new_page()
    page.goto(invite_link(body_text(mail.wait_for(email)[0])))
    page.get_by_label("Password", exact=True).fill("olga secret")
    page.get_by_label("Repeat the password").fill("olga secret")
    page.get_by_role("button", name="Set password and sign in").click()
    expect(page.get_by_role("link", name="Home")).to_be_visible()
    expect(page.get_by_role("link", name="Reviews")).to_have_count(0)
