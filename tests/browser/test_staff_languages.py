"""The staff app in the staff user's own language: German pages with German numbers and dates, and
Arabic pages right to left with the layout mirrored. Screenshots go to SCREENSHOT_DIR when set."""
import os

from playwright.sync_api import expect


def shots(tmp_path):
    folder = os.environ.get("SCREENSHOT_DIR") or str(tmp_path)
    os.makedirs(folder, exist_ok=True)
    return folder


def sign_in_staff(page, stack, email):
    page.goto(f"{stack.url}/app/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()


def test_a_staff_user_works_in_german_then_arabic(stack, api, new_org, new_page, unique, tmp_path):
    owner = new_org("Werkstatt Nord")
    token = owner["token"]
    customer = api.create_customer(token, display_name="Bäckerei Krume", email=f"krume-{unique}@example.test",
                                   currency="EUR")
    invoice = api.json("POST", "/api/v1/invoices", token, expect=201, json={
        "customer_id": customer["id"], "date": "2026-11-25", "due_date": "2026-12-09",
        "line_items": [{"description": "Beratung", "quantity": "1", "rate": "1250.50"}]})

    page = new_page()
    sign_in_staff(page, stack, owner["email"])
    page.get_by_role("link", name="Your profile").click()
    page.get_by_label("Language").select_option("de")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_text("Ihr Profil ist gespeichert.")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "de")
    assert api.json("GET", "/api/v1/profile", token)["language"] == "de"
    page.get_by_role("navigation", name="Hauptmenü").get_by_role("link", name="Rechnungen").click()
    expect(page.get_by_role("heading", name="Rechnungen", level=1)).to_be_visible()
    row = page.locator("tbody tr").first
    expect(row).to_contain_text("1.250,50 €")     # German number format
    expect(row).to_contain_text("25.11.2026")     # German date
    page.get_by_role("link", name=invoice["number"]).click()
    expect(page.get_by_role("link", name="PDF herunterladen")).to_be_visible()
    expect(page.get_by_role("button", name="Senden", exact=True)).to_be_visible()
    page.screenshot(path=os.path.join(shots(tmp_path), "staff-de-invoice.png"), full_page=True)
    page.goto(f"{stack.url}/app/customers")
    expect(page.get_by_role("link", name="Neuer Kunde")).to_be_visible()
    page.goto(f"{stack.url}/app/settings/email-templates")
    expect(page.get_by_role("link", name="Portal-Einladung")).to_be_visible()  # labels the service sends
    expect(page.get_by_role("link", name="Zahlungsbeleg")).to_be_visible()     # a kind issue 12 added
    page.goto(f"{stack.url}/app/settings/portal")                              # the portal switches
    expect(page.get_by_label("Mich bei jeder Portalaktivität per E-Mail benachrichtigen")).to_be_visible()
    expect(page.get_by_label("Kunden für jede Zahlung einen Beleg per E-Mail senden")).to_be_visible()
    page.goto(f"{stack.url}/app/notifications")                                # the email log's kind filter
    expect(page.locator("#kind option", has_text="Erstattung")).to_have_count(1)

    page.get_by_role("link", name="Ihr Profil").click()
    page.get_by_label("Sprache").select_option("ar")
    page.get_by_role("button", name="Speichern").click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.get_by_text("تم حفظ ملفك الشخصي.")).to_be_visible()
    page.goto(f"{stack.url}/app/invoices/{invoice['id']}")
    expect(page.get_by_role("link", name="تنزيل PDF")).to_be_visible()
    # mirrored: the brand sits on the right of the top bar, the sign-out on its left
    brand, signout = page.locator(".brand").bounding_box(), page.locator(".signout").bounding_box()
    assert brand["x"] > signout["x"]
    expect(page.locator("#document-total")).to_contain_text("1,250.50")  # Latin digits in Arabic
    page.screenshot(path=os.path.join(shots(tmp_path), "staff-ar-invoice.png"), full_page=True)

    # back to the organization's language: blank follows the organization
    page.get_by_role("link", name="ملفك الشخصي").click()
    page.get_by_label("اللغة").select_option("")
    page.get_by_role("button", name="حفظ").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert api.json("GET", "/api/v1/profile", token)["language"] is None
