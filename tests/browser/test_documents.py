"""The customer downloads an invoice's PDF from the portal page; staff see that it was viewed."""
import io

from playwright.sync_api import expect
from pypdf import PdfReader

from devstack.client import invite_link
from portico_kit.testing.smtp import body_text


def test_the_customer_downloads_the_pdf_and_staff_see_it_viewed(stack, api, mail, new_org, new_page, unique, tmp_path):
    owner = new_org("Pdf Bakery")
    token = owner["token"]
    email = f"dora-{unique}@docs.test"
    customer = api.create_customer(token, display_name="Dora's Deli", email=email, enable_portal=True)
    invite = invite_link(body_text(mail.wait_for(email)[0]))
    invoice = api.json("POST", "/api/v1/invoices", token, expect=201, json={
        "customer_id": customer["id"], "line_items": [{"description": "Sourdough, weekly", "quantity": "4",
                                                       "rate": "6.50"}]})
    api.json("POST", f"/api/v1/invoices/{invoice['id']}/send", token)

    page = new_page()
    page.goto(invite)
    page.get_by_label("Password", exact=True).fill("bike shed 42")
    page.get_by_label("Repeat the password").fill("bike shed 42")
    page.get_by_role("button", name="Set password and sign in").click()
    page.get_by_role("link", name="Invoices").first.click()
    page.get_by_role("link", name=invoice["number"]).click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download PDF").click()
    download = download_info.value
    assert download.suggested_filename == f"{invoice['number']}.pdf"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    text = PdfReader(io.BytesIO(path.read_bytes())).pages[0].extract_text()
    assert invoice["number"] in text and "Sourdough, weekly" in text and "Dora's Deli" in text

    staff = new_page()
    staff.goto(f"{stack.url}/app/login")
    staff.get_by_label("Email").fill(owner["email"])
    staff.get_by_label("Password").fill("correct horse battery")
    staff.get_by_role("button", name="Sign in").click()
    staff.goto(f"{stack.url}/app/invoices")
    row = staff.get_by_role("row").filter(has_text=invoice["number"])
    expect(row.get_by_text("Viewed")).to_be_visible()
    staff.get_by_role("link", name=invoice["number"]).click()
    expect(staff.locator("#viewed-details")).to_contain_text("first by")
    expect(staff.get_by_role("link", name="Download PDF")).to_be_visible()
