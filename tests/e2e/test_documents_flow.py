"""Documents end to end: PDFs of invoices, quotes and receipts for staff and in the portal, the
statement of account, "viewed" reaching staff and the activity log, and 404s for other customers'
and other organizations' documents."""
import io

import pytest
from pypdf import PdfReader

from devstack.client import invite_link
from portico_kit.testing.smtp import body_text
from portico_kit.testing.waiting import wait_until


def wait_for(check, timeout=30):  # PDFs take a while on a shared 2-core machine
    return wait_until(check, timeout=timeout, interval=0.2)


ADDRESS = {"street": "Hauptstraße 5", "city": "Berlin", "zip": "10115", "country": "DE"}
# an English reader of a German business: English words, numbers as English is written in Germany
# (en_DE, the same on the pages), the address the German way with the country named in English
EUR_1179 = "1.179,45\u00a0€"


def portal_customer(api, mail, token, name, unique):
    email = f"{name.lower()}-{unique}@docs.test"
    customer = api.create_customer(token, display_name=f"{name} GmbH", email=email, currency="EUR", enable_portal=True,
                                   billing_address={"street": "1 Rue de Rivoli", "city": "Paris", "country": "FR"})
    return customer, api.accept_invitation(invite_link(body_text(mail.wait_for(email)[0])))


def pdf_text(response, filename=None):
    assert response.status_code == 200, response.text[:300]
    assert response.headers["Content-Type"] == "application/pdf"
    if filename:
        assert response.headers["Content-Disposition"] == f'attachment; filename="{filename}"'
    return pdf_text_of(response.content)


def pdf_text_of(data):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.mark.timeout(900)  # a handful of PDFs rendered on a shared 2-core machine
def test_pdfs_statement_and_views_for_staff_and_portal(stack, api, mail, new_org, unique):
    owner, stranger = new_org("Docs Studio"), new_org("Other Shop")
    token = owner["token"]
    api.json("PATCH", "/api/v1/organization", token, json={"address": ADDRESS, "currency": "EUR"})
    portal = f"/portal/{api.portal_settings(token)['portal_name']}/api/v1"
    customer, portal_token = portal_customer(api, mail, token, "Paula", unique)
    _, other_token = portal_customer(api, mail, token, "Otto", unique)

    invoice = api.json("POST", "/api/v1/invoices", token, expect=201, json={
        "customer_id": customer["id"], "date": "2026-11-02", "due_date": "2026-11-16", "line_items": [
            {"description": "Brand workshop", "quantity": "2", "rate": "450.00", "tax_rate": "19"},
            {"description": "Logo files", "quantity": "1", "rate": "120.50", "discount": "10"}]})
    number = invoice["number"]
    assert api.request("GET", f"{portal}/invoices/{invoice['id']}/pdf", portal_token).status_code == 404  # a draft
    api.json("PUT", "/api/v1/settings/branding", token, json={"attach_pdf_to_emails": True, "accent_color": "#0e7490"})
    api.json("POST", f"/api/v1/invoices/{invoice['id']}/send", token)
    email = mail.wait_for(customer["email"], count=2, timeout=90)[-1]  # after the invitation
    [(filename, attached)] = [(part.get_filename(), part.get_content()) for part in email.iter_attachments()]
    assert filename == f"{number}.pdf" and number in pdf_text_of(attached)

    staff_text = pdf_text(api.request("GET", f"/api/v1/invoices/{invoice['id']}/pdf", token), f"{number}.pdf")
    for expected in (number, "Paula GmbH", "Brand workshop", "Logo files", "Hauptstraße 5", "10115 Berlin", "Germany", EUR_1179):
        assert expected in staff_text, expected
    # staff reads and the emailed PDF (rendered for the organization) never count as views
    assert api.json("GET", f"/api/v1/invoices/{invoice['id']}", token)["viewed_at"] is None

    portal_text = pdf_text(api.request("GET", f"{portal}/invoices/{invoice['id']}/pdf", portal_token), f"{number}.pdf")
    assert number in portal_text and EUR_1179 in portal_text
    api.json("GET", f"{portal}/invoices/{invoice['id']}", portal_token)  # the API read counts too
    seen = api.json("GET", f"/api/v1/invoices/{invoice['id']}", token)
    assert seen["viewed_at"] and seen["view_count"] == 2 and seen["viewed_by"]["name"]
    listed = api.json("GET", f"/api/v1/invoices?customer_id={customer['id']}", token)["items"][0]
    assert listed["viewed_at"] == seen["viewed_at"]
    activity = wait_for(lambda: [e for e in api.json("GET", "/api/v1/portal/activity?kind=invoice_viewed", token)["items"]
                                 if e["document"]["id"] == invoice["id"]])
    assert len(activity) == 1 and number in activity[0]["summary"]  # the first view only

    quote = api.json("POST", "/api/v1/quotes", token, expect=201, json={
        "customer_id": customer["id"], "line_items": [{"description": "Website", "quantity": "1", "rate": "900"}]})
    api.json("POST", f"/api/v1/quotes/{quote['id']}/send", token)
    assert quote["number"] in pdf_text(api.request("GET", f"{portal}/quotes/{quote['id']}/pdf", portal_token))
    assert quote["number"] in pdf_text(api.request("GET", f"/api/v1/quotes/{quote['id']}/pdf", token))

    payment = api.json("POST", "/api/v1/payments", token, expect=201, json={
        "customer_id": customer["id"], "invoice_id": invoice["id"], "amount": "179.45", "date": "2026-11-20",
        "mode": "bank_transfer"})
    for path, who in ((f"/api/v1/payments/{payment['id']}/receipt.pdf", token),
                      (f"{portal}/payments/{payment['id']}/receipt.pdf", portal_token)):
        text = pdf_text(api.request("GET", path, who))
        assert "179,45\u00a0€" in text and number in text and "1.000,00\u00a0€" in text

    statement = api.json("GET", f"/api/v1/customers/{customer['id']}/statement?from=2026-11-01&to=2026-11-30", token)
    assert (statement["opening_balance"], statement["invoiced"], statement["paid"], statement["closing_balance"]) == \
        ("0.00", "1179.45", "179.45", "1000.00")
    assert [(line["kind"], line["balance"]) for line in statement["lines"]] == [("invoice", "1179.45"),
                                                                                 ("payment", "1000.00")]
    assert statement["ageing"] == {"current": "0.00", "1_30": "1000.00", "31_60": "0.00", "61_90": "0.00",
                                   "over_90": "0.00"}
    assert api.json("GET", f"{portal}/statement?from=2026-11-01&to=2026-11-30", portal_token) == statement
    assert "1.000,00\u00a0€" in pdf_text(api.request("GET", f"{portal}/statement?from=2026-11-01&to=2026-11-30&format=pdf",
                                               portal_token))
    sent = api.json("POST", f"/api/v1/customers/{customer['id']}/statement/send", token,
                    json={"from": "2026-11-01", "to": "2026-11-30"})
    assert sent["sent"] is True and sent["closing_balance"] == "1000.00"
    emailed = mail.wait_for(customer["email"], subject_contains="statement of account", timeout=90)[-1]
    [(filename, attached)] = [(part.get_filename(), part.get_content()) for part in emailed.iter_attachments()]
    assert filename == "statement-EUR-2026-11-01-2026-11-30.pdf" and "1.000,00\u00a0€" in pdf_text_of(attached)
    bad = api.request("GET", f"{portal}/statement?from=2026-12-01&to=2026-11-01", portal_token)
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_period"

    # another customer of the same organization, and another organization: 404, never the document
    for path in (f"{portal}/invoices/{invoice['id']}/pdf", f"{portal}/quotes/{quote['id']}/pdf",
                 f"{portal}/payments/{payment['id']}/receipt.pdf"):
        response = api.request("GET", path, other_token)
        assert response.status_code == 404 and response.headers["Content-Type"] == "application/json", path
    for path in (f"/api/v1/invoices/{invoice['id']}/pdf", f"/api/v1/quotes/{quote['id']}/pdf",
                 f"/api/v1/payments/{payment['id']}/receipt.pdf", f"/api/v1/customers/{customer['id']}/statement"):
        assert api.request("GET", path, stranger["token"]).status_code == 404, path
