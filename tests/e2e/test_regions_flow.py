"""Regions end to end over HTTP: each currency's own decimals from invoice to payment, in the API
and on the portal's pages."""
import requests

from devstack.client import invite_link
from portico_kit.testing.smtp import body_text

CARD_OK = {"number": "4242424242424242", "exp_month": 12, "exp_year": 2035, "cvc": "123"}


def test_a_kwd_customer_pays_30_375(api, new_org, mail, unique, stack):
    token = new_org("Gulf Traders")["token"]
    portal_name = api.portal_settings(token)["portal_name"]
    base = f"/portal/{portal_name}/api/v1"
    email = f"kw-{unique}@regions.test"
    customer = api.create_customer(token, display_name="Kuwait Co", email=email, currency="KWD", enable_portal=True)
    portal_token = api.accept_invitation(invite_link(body_text(mail.wait_for(email)[0])))

    refused = api.request("POST", "/api/v1/invoices", token, json={
        "customer_id": customer["id"], "line_items": [{"description": "x", "quantity": "1", "rate": "10.1255"}]})
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "invalid_amount"
    assert refused.json()["error"]["fields"] == {"line_items.0.rate": "KWD amounts have at most 3 decimals."}

    invoice = api.json("POST", "/api/v1/invoices", token, expect=201, json={
        "customer_id": customer["id"], "due_date": "2099-12-31",
        "line_items": [{"description": "Consulting", "quantity": "3", "rate": "10.125"},
                       {"description": "Courier", "quantity": "1", "rate": "0.375", "tax_rate": "5"}]})
    # 30.375 + 0.375 (+ 5 % of 0.375 = 0.01875 -> 0.019)
    assert (invoice["currency"], invoice["subtotal"], invoice["tax_total"], invoice["total"]) == \
        ("KWD", "30.750", "0.019", "30.769")
    api.json("POST", f"/api/v1/invoices/{invoice['id']}/send", token)

    def pay(amount, key):
        return api.request("POST", f"{base}/invoices/{invoice['id']}/payments", portal_token,
                           json={"amount": amount, "card": CARD_OK}, headers={"Idempotency-Key": f"{key}-{unique}"})

    too_precise = pay("30.3755", "k0")
    assert too_precise.status_code == 422 and too_precise.json()["error"]["code"] == "invalid_amount"
    paid = pay("30.375", "k1")
    assert paid.status_code == 201, paid.text
    assert (paid.json()["amount"], paid.json()["currency"]) == ("30.375", "KWD")
    after = api.json("GET", f"{base}/invoices/{invoice['id']}", portal_token)
    assert (after["amount_paid"], after["balance_due"], after["status"]) == ("30.375", "0.394", "partially_paid")

    # the portal's page writes it as the reader's locale does, with three decimals
    browser = requests.Session()
    login = browser.get(f"{stack.url}/portal/{portal_name}/login")
    csrf = login.text.split('name="csrf_token" value="')[1].split('"')[0]
    browser.post(f"{stack.url}/portal/{portal_name}/login",
                 data={"email": email, "password": "bike shed 42", "csrf_token": csrf})
    page = browser.get(f"{stack.url}/portal/{portal_name}/invoices/{invoice['id']}").text
    assert "KWD\u00a030.769" in page and "KWD\u00a00.394" in page


def test_a_german_customer_reads_their_email_and_pdf_in_german(api, new_org, mail, unique, stack):
    """An English-speaking business, a German customer: the invitation, the invoice email and the
    PDF attached to it are in German, with German numbers and dates; staff's own PDF too."""
    import io

    from pypdf import PdfReader

    token = new_org("Nordwerk Studio")["token"]
    org_name = api.json("GET", "/api/v1/organization", token)["name"]
    api.json("PATCH", "/api/v1/organization", token, json={
        "currency": "EUR", "address": {"street": "Hauptstraße 5", "city": "Berlin", "zip": "10115", "country": "DE"}})
    api.json("PUT", "/api/v1/settings/branding", token, json={"attach_pdf_to_emails": True})
    email = f"de-{unique}@regions.test"
    customer = api.create_customer(token, display_name="Bäckerei Krume", email=email, currency="EUR",
                                   language="de", enable_portal=True)
    invitation = mail.wait_for(email)[0]
    assert invitation["Subject"] == f"{org_name} lädt Sie in das eigene Kundenportal ein"
    assert body_text(invitation).startswith("Hallo ")

    invoice = api.json("POST", "/api/v1/invoices", token, expect=201, json={
        "customer_id": customer["id"], "date": "2026-11-25", "due_date": "2026-12-09",
        "line_items": [{"description": "Beratung", "quantity": "1", "rate": "1250.50"}]})
    api.json("POST", f"/api/v1/invoices/{invoice['id']}/send", token)
    sent = mail.wait_for(email, count=2, timeout=90)[-1]
    assert sent["Subject"] == f"Rechnung {invoice['number']} von {org_name}"
    text = body_text(sent).replace("\u00a0", " ")
    assert f"hat Ihnen die Rechnung {invoice['number']} über 1.250,50 €" in text, text
    assert "9. Dezember 2026" in text and "Invoice" not in text

    def pdf_words(data):
        words = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
        return words.replace("\u00a0", " ").replace("\u202f", " ")

    [(filename, attached)] = [(part.get_filename(), part.get_content()) for part in sent.iter_attachments()]
    assert filename == f"{invoice['number']}.pdf"
    for words in (pdf_words(attached), pdf_words(api.request("GET", f"/api/v1/invoices/{invoice['id']}/pdf",
                                                             token).content)):
        for expected in ("RECHNUNG", "Rechnungsdatum", "25. November 2026", "1.250,50 €", "Offener Betrag",
                         "10115 Berlin", "Seite 1 von 1"):
            assert expected.lower() in words.lower(), expected
        assert "Balance due" not in words and "1,250.50" not in words
