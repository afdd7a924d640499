"""axe-core (WCAG 2.1 A and AA rules) on the staff app and the portal: every page a person uses,
an error state of each, and phone width. 0 violations, and it stays so: a new page or a change
that breaks a rule fails here, naming the rule and the elements."""
import importlib.resources
import re

import pytest
from playwright.sync_api import expect

from devstack.client import invite_link
from portico_kit.testing.smtp import body_text
from portico_kit.testing.waiting import wait_until

AXE = importlib.resources.files("axe_playwright_python").joinpath("axe.min.js").read_text()
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PASSWORD = "correct horse battery"


def violations(page):
    """axe's violations on the page as it is now: [(rule id, impact, [element selectors])]."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE)  # run as the test, not as a page script: the app's CSP stays as it is
    found = page.evaluate("(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
                          ".then(r => r.violations.map(v => [v.id, v.impact, v.nodes.map(n => n.target.join(' '))]))",
                          RULES)
    return [tuple(v) for v in found]


def check(page, url, where):
    response = page.goto(url)
    assert response.status < 400, (url, response.status)
    assert violations(page) == [], f"{where} ({url})"


def build(stack, api, mail, unique):
    email = f"owner-{unique}@axe.test"
    owner = api.signup(f"Axe Atelier {unique}", email)
    token = owner["token"]
    api.portal_settings(token, reviews_enabled=True, show_projects=True)
    contact = f"ida-{unique}@axe.test"
    customer = api.create_customer(token, display_name="Ida's Interiors", email=contact, enable_portal=True)
    link = invite_link(body_text(mail.wait_for(contact)[0]))
    api.accept_invitation(link, password=PASSWORD)
    portal = re.search(r"/portal/([a-z0-9-]+)/invite/", link).group(1)
    line = {"description": "Design work", "quantity": "3", "rate": "120.00", "tax_rate": "20"}
    invoice = api.json("POST", "/api/v1/invoices", token, expect=201,
                       json={"customer_id": customer["id"], "line_items": [line]})
    api.json("POST", f"/api/v1/invoices/{invoice['id']}/send", token)
    quote = api.json("POST", "/api/v1/quotes", token, expect=201,
                     json={"customer_id": customer["id"], "line_items": [line]})
    api.json("POST", f"/api/v1/quotes/{quote['id']}/send", token)
    payment = api.json("POST", "/api/v1/payments", token, expect=201, json={
        "customer_id": customer["id"], "invoice_id": invoice["id"], "amount": "10.00", "mode": "cash"})
    project = api.json("POST", "/api/v1/projects", token, expect=201, json={
        "customer_id": customer["id"], "name": "Showroom", "billing_method": "hourly", "hourly_rate": "90.00"})
    return {"email": email, "token": token, "customer": customer, "contact": contact, "portal": portal,
            "invoice": invoice, "quote": quote, "payment": payment, "project": project}


def sign_in(page, url, email):
    page.goto(url)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


@pytest.mark.timeout(600)
def test_staff_and_portal_pages_have_no_wcag_violations(stack, api, mail, new_page, unique):
    w = build(stack, api, mail, unique)
    base, c, i, q = stack.url, w["customer"]["id"], w["invoice"]["id"], w["quote"]["id"]

    public = new_page()
    for path, where in (("/app/login", "staff sign-in"), ("/app/signup", "sign-up"), ("/app/forgot", "forgot password"),
                        (f"/portal/{w['portal']}/login", "portal sign-in")):
        check(public, base + path, where)

    staff = new_page()
    sign_in(staff, f"{base}/app/login", w["email"])
    expect(staff.get_by_role("link", name="Customers")).to_be_visible()
    for path in ("/app/", "/app/customers", f"/app/customers/{c}", "/app/customers/new", f"/app/customers/{c}/edit",
                 f"/app/customers/{c}/statement", "/app/invoices", f"/app/invoices/{i}", "/app/invoices/new",
                 f"/app/invoices/{i}/payments/new", "/app/quotes", f"/app/quotes/{q}", "/app/payments",
                 f"/app/payments/{w['payment']['id']}", "/app/projects", f"/app/projects/{w['project']['id']}",
                 "/app/reports/reviews", "/app/activity", "/app/notifications", "/app/profile",
                 "/app/settings/organization", "/app/settings/portal", "/app/settings/branding",
                 "/app/settings/email-templates", "/app/settings/email-templates/invoice_sent",
                 "/app/settings/custom-fields"):
        check(staff, base + path, "staff page")
    # an error state: a refused form shows its summary and the fields' errors
    staff.goto(f"{base}/app/settings/portal")
    staff.get_by_label("Portal name").fill("Not A Slug!")
    staff.get_by_role("button", name="Save").click()
    expect(staff.locator("#portal_name-error")).to_be_visible()
    assert violations(staff) == [], "staff form with errors"
    staff.goto(f"{base}/app/customers/new")
    staff.get_by_role("button", name="Save customer").click()
    expect(staff.locator(".form-error")).to_be_visible()
    assert violations(staff) == [], "new customer with errors"

    portal = new_page()
    p = f"{base}/portal/{w['portal']}"
    sign_in(portal, f"{p}/login", w["contact"])
    expect(portal.get_by_role("heading", name=re.compile("Hello"))).to_be_visible()
    for path in ("/", "/invoices", f"/invoices/{i}", "/quotes", f"/quotes/{q}", "/payments",
                 f"/payments/{w['payment']['id']}", "/projects", f"/projects/{w['project']['id']}", "/profile",
                 "/statement", "/reviews"):
        check(portal, p + path, "portal page")
    portal.goto(f"{p}/invoices/{i}")
    portal.get_by_role("button", name=re.compile("^Pay")).first.click()  # an empty card form
    expect(portal.locator(".form-error")).to_be_visible()
    assert violations(portal) == [], "portal pay form with errors"

    phone = new_page()
    phone.set_viewport_size({"width": 390, "height": 844})
    sign_in(phone, f"{p}/login", w["contact"])
    for path in ("/", f"/invoices/{i}", "/payments"):
        check(phone, p + path, "portal page at phone width")


def test_after_a_refused_submit_focus_is_on_the_error_summary_and_every_empty_card_field_is_marked(
        stack, api, mail, new_page, unique):
    w = build(stack, api, mail, unique)
    page = new_page()
    sign_in(page, f"{stack.url}/portal/{w['portal']}/login", w["contact"])
    page.goto(f"{stack.url}/portal/{w['portal']}/invoices/{w['invoice']['id']}")
    page.get_by_role("button", name=re.compile("^Pay")).first.click()
    summary = page.locator(".form-error")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()  # a keyboard or screen reader user starts at what went wrong
    for name in ("Card number", "Expiry month", "Expiry year", "Security code"):
        expect(page.get_by_label(name, exact=True)).to_have_attribute("aria-invalid", "true")


def test_star_ratings_are_images_with_a_name(stack, api, mail, new_page, unique):
    """The stars are glyphs; assistive technology reads the name of the image instead."""
    w = build(stack, api, mail, unique)
    api.json("POST", f"/api/v1/customers/{w['customer']['id']}/review-requests", w["token"], expect=201)
    links = wait_until(lambda: [found.group(0) for m in mail.to(w["contact"])
                                if (found := re.search(r"https?://\S+/reviews/[0-9a-f-]{36}", body_text(m)))],
                       what="the review request email")
    link = links[0]
    page = new_page()
    page.goto(link)
    page.get_by_label("Email").fill(w["contact"])
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("4 stars").check()
    page.get_by_role("button", name="Send review").click()
    expect(page.get_by_role("img", name="4 out of 5")).to_be_visible()
    staff = new_page()
    sign_in(staff, f"{stack.url}/app/login", w["email"])
    staff.goto(f"{stack.url}/app/reports/reviews")
    expect(staff.get_by_role("img", name="4 out of 5").first).to_be_visible()
