"""A Saudi seller's invoice in the portal: "Simplified Tax Invoice" and the ZATCA QR code, the same
code the PDF carries; other sellers' invoices stay plain invoices."""
import re

from portico_kit import zatca

from billing_samples import COMMENT, INVOICE
from test_portal_billing_pages import CUSTOMER_ACTOR, PUBLIC, csrf_token, portal_context

LETTERHEAD = {"name": "Riyadh Trading", "tax_id": "310122393500003", "country": "SA", "language": "ar"}


def sign_in(client, rpc, country):
    context = portal_context()
    context["actor"] = dict(CUSTOMER_ACTOR, org_country=country, language="en")
    rpc.on("portal", "get_public_portal", lambda name: PUBLIC)
    rpc.on("portal", "login", lambda name, body, client: {"token": "ptok"})
    rpc.on("portal", "resolve_session", lambda name, token: context)
    client.post("/portal/acme/login", data={"email": "bob@bake.test", "password": "x",
                                            "csrf_token": csrf_token(client, "/portal/acme/login")})
    rpc.on("billing", "get_invoice", lambda actor, i, **kw: dict(INVOICE, sent_at="2026-11-25T09:30:00Z"))
    rpc.on("billing", "list_comments", lambda *a: [COMMENT])
    rpc.on("accounts", "get_letterhead", lambda actor: dict(LETTERHEAD, country=country))


def test_a_saudi_invoice_carries_the_zatca_code(client, rpc):
    sign_in(client, rpc, "SA")
    rpc.on("customers", "get_profile", lambda actor: {"customer": {"id": "cu-1", "tax_id": None}})
    html = client.get(f"/portal/acme/invoices/{INVOICE['id']}").get_data(as_text=True)
    assert re.search(r"<h1>Simplified Tax Invoice " + INVOICE["number"], html)
    expected = zatca.qr_payload("Riyadh Trading", "310122393500003", "2026-11-25T09:30:00Z", INVOICE["total"],
                                INVOICE["tax_total"])
    assert f'data-zatca="{expected}"' in html and "<svg" in html
    assert len(rpc.called("accounts", "get_letterhead")) == 1  # the Pay form and the tax title share it

    rpc.on("customers", "get_profile", lambda actor: {"customer": {"id": "cu-1", "tax_id": "311111111111113"}})
    html = client.get(f"/portal/acme/invoices/{INVOICE['id']}").get_data(as_text=True)
    assert re.search(r"<h1>Tax Invoice " + INVOICE["number"], html)  # to a VAT-registered buyer


def test_elsewhere_an_invoice_is_an_invoice(client, rpc):
    sign_in(client, rpc, "DE")
    html = client.get(f"/portal/acme/invoices/{INVOICE['id']}").get_data(as_text=True)
    assert re.search(r"<h1>Invoice " + INVOICE["number"], html) and "data-zatca" not in html
    assert len(rpc.called("accounts", "get_letterhead")) <= 1  # the Pay form's one, no extra call for tax


def test_the_invoice_page_shows_the_tax_by_rate_as_its_pdf_does(client, rpc):
    sign_in(client, rpc, "DE")
    lines = [dict(INVOICE["line_items"][0]),
             {"description": "Reisekosten", "quantity": "1", "rate": "120.50", "tax_rate": "7", "amount": "120.50",
              "tax_amount": "8.44"}]
    rpc.on("billing", "get_invoice", lambda actor, i, **kw: dict(INVOICE, line_items=lines, tax_total="245.94"))
    html = client.get(f"/portal/acme/invoices/{INVOICE['id']}").get_data(as_text=True).replace("\u00a0", " ")
    rows = re.findall(r'<dt class="tax-rate">(.*?)</dt>\s*<dd class="tax-rate">(.*?)</dd>', html, re.S)
    assert [(label.strip(), amount.strip()) for label, amount in rows] == [
        ("Tax 7 % on 120,50 €", "8,44 €"), ("Tax 19 % on 1.250,00 €", "237,50 €")]  # en_DE: a German business
