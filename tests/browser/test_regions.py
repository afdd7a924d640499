"""An Arabic customer's portal in a real browser: right to left, mirrored, amounts still readable.
Screenshots are kept in SCREENSHOT_DIR when it is set (to look at them), else in pytest's tmp dir."""
import os

from playwright.sync_api import expect

from devstack.client import invite_link
from portico_kit.testing.smtp import body_text


def shots(tmp_path):
    folder = os.environ.get("SCREENSHOT_DIR") or str(tmp_path)
    os.makedirs(folder, exist_ok=True)
    return folder


def test_an_arabic_customers_portal_is_right_to_left(stack, api, mail, new_org, new_page, unique, tmp_path):
    owner = new_org("Riyadh Trading")
    token = owner["token"]
    # a VAT-registered seller in Saudi Arabia: its invoices are simplified tax invoices with the ZATCA code
    api.json("PATCH", "/api/v1/organization", token, json={
        "tax_id": "310122393500003", "address": {"street": "King Fahd Rd", "city": "Riyadh", "zip": "12345",
                                                 "country": "SA"}})
    email = f"noura-{unique}@riyadh.test"
    customer = api.create_customer(token, display_name="شركة الأفق", email=email, currency="SAR", language="ar",
                                   enable_portal=True)
    invoice = api.json("POST", "/api/v1/invoices", token, expect=201, json={
        "customer_id": customer["id"], "date": "2026-11-25", "due_date": "2099-12-31",
        "line_items": [{"description": "استشارات", "quantity": "3", "rate": "1250.50", "tax_rate": "15"}]})
    api.json("POST", f"/api/v1/invoices/{invoice['id']}/send", token)

    page = new_page()
    page.goto(invite_link(body_text(mail.wait_for(email)[0])))
    expect(page.locator("html")).to_have_attribute("dir", "rtl")  # the invitation knows whose it is
    page.get_by_label("كلمة المرور", exact=True).fill("bike shed 42")
    page.get_by_label("أعد إدخال كلمة المرور").fill("bike shed 42")
    page.get_by_role("button", name="عيّن كلمة المرور وسجّل الدخول").click()

    expect(page.locator("html")).to_have_attribute("lang", "ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.get_by_role("heading", name="حسابك")).to_be_visible()
    page.screenshot(path=os.path.join(shots(tmp_path), "portal-ar-home.png"), full_page=True)

    page.goto(f"{stack.url}/portal/{api.portal_settings(token)['portal_name']}/invoices/{invoice['id']}")
    # 3 × 1,250.50 = 3,751.50 + 15 % = 562.73 -> 4,314.23, Latin digits and the riyal's sign
    total = page.locator("#document-total")
    expect(total).to_contain_text("4,314.23")
    expect(total).to_contain_text("ر.س")
    # mirrored: the brand sits on the right of the top bar, the sign-out on its left
    brand, signout = page.locator(".brand").bounding_box(), page.locator(".signout").bounding_box()
    assert brand["x"] > signout["x"]
    # the line's description starts at the right edge of its cell
    cell = page.locator("td[data-label]").first
    assert cell.evaluate("e => getComputedStyle(e).textAlign") in ("start", "right")
    assert cell.evaluate("e => getComputedStyle(e).direction") == "rtl"
    expect(page.get_by_role("heading", level=1)).to_contain_text("فاتورة ضريبية مبسطة")  # Simplified Tax Invoice
    qr = page.locator(".zatca .qr svg")
    expect(qr).to_be_visible()
    assert qr.bounding_box()["width"] >= 100  # big enough to scan
    page.screenshot(path=os.path.join(shots(tmp_path), "portal-ar-invoice.png"), full_page=True)
