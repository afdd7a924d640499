"""PDFs in the customer's language: German words and numbers, Arabic right to left, and Saudi
tax invoices with their tax summary and ZATCA QR code."""
import base64
import os
import re

from portico_kit import zatca

from .conftest import invoice_for, text_of

def keep(name, result):
    """PDF_DIR=<folder>: the PDFs these tests render are written there, to look at (pdftoppm -png)."""
    if os.environ.get("PDF_DIR"):
        from .conftest import pdf_of
        os.makedirs(os.environ["PDF_DIR"], exist_ok=True)
        with open(os.path.join(os.environ["PDF_DIR"], name), "wb") as fh:
            fh.write(pdf_of(result))
    return result


def plain(result):
    """The PDF's text with no-break spaces and bidi isolates as a reader sees them."""
    text, _ = text_of(result)
    return re.sub("[\u2068\u2069\u200f\u200e]", "", text.replace("\u00a0", " ").replace("\u202f", " "))


LINES = [{"description": "Beratung", "quantity": "2", "rate": "450.00", "tax_rate": "19"},
         {"description": "Reisekosten", "quantity": "1", "rate": "120.50", "tax_rate": "7"}]


def test_a_german_customer_gets_a_german_invoice_with_german_numbers(system, org):
    acme = org("DE", tax_id="DE123456789")
    system.customers.update_customer(acme.staff, acme.customer["id"], {"language": "de"})
    invoice = invoice_for(system, acme, LINES)
    text = plain(keep("invoice-de.pdf", system.documents.render_pdf(acme.staff, "invoice", invoice["id"])))
    for expected in ("RECHNUNG", "Rechnungsdatum", "2. November 2026", "Fällig", "Beschreibung", "Zwischensumme",
                     "1.020,50 €", "Offener Betrag", "Seite 1 von 1",
                     # the tax summary by rate
                     "Steuer 7 % auf 120,50 €", "8,44 €", "Steuer 19 % auf 900,00 €", "171,00 €"):
        assert expected.lower() in text.lower(), expected  # table headers are upper case
    assert "Invoice" not in text and "Balance due" not in text

    # the same invoice for an English reader of this German business: English words, en_DE numbers
    system.customers.update_customer(acme.staff, acme.customer["id"], {"language": "en"})
    english = plain(system.documents.render_pdf(acme.staff, "invoice", invoice["id"]))
    assert "INVOICE" in english and "Balance due" in english and "1.199,94 €" in english


def test_an_arabic_customer_gets_a_right_to_left_invoice(system, org):
    acme = org("DE")
    system.customers.update_customer(acme.staff, acme.customer["id"], {"language": "ar"})
    invoice = invoice_for(system, acme, LINES[:1])
    html = system.documents.render_html(acme.staff, "invoice", invoice["id"])["html"]
    assert '<html lang="ar" dir="rtl">' in html
    text = plain(keep("invoice-ar.pdf", system.documents.render_pdf(acme.staff, "invoice", invoice["id"])))
    assert "فاتورة" in text and "الإجمالي" in text and "1,071.00" in text


def test_a_saudi_seller_issues_simplified_tax_invoices_with_the_zatca_qr_code(system, org):
    riyadh = org("SA", tax_id="310122393500003")
    system.customers.update_customer(riyadh.staff, riyadh.customer["id"], {"language": "ar", "currency": "SAR"})
    invoice = invoice_for(system, riyadh, [{"description": "استشارات", "quantity": "3", "rate": "1250.50",
                                            "tax_rate": "15"}], currency="SAR")
    html = system.documents.render_html(riyadh.staff, "invoice", invoice["id"])["html"]
    assert "فاتورة ضريبية مبسطة" in html  # "Simplified Tax Invoice": the buyer has no VAT number
    assert 'class="qr"' in html and "<svg" in html
    text = plain(keep("invoice-sa.pdf", system.documents.render_pdf(riyadh.staff, "invoice", invoice["id"])))
    assert "فاتورة ضريبية مبسطة" in text and "4,314.23" in text

    letterhead = system.accounts.get_letterhead(riyadh.staff)
    sent = system.billing.get_invoice(riyadh.staff, invoice["id"])
    expected = zatca.qr_payload(letterhead["name"], "310122393500003", sent["sent_at"], "4314.23", "562.73")
    assert b"\x04\x074314.23\x05\x06562.73" in base64.b64decode(expected)  # total with VAT, then the VAT
    assert f'data-zatca="{expected}"' in html  # the code on the invoice encodes exactly that

    # a buyer with a VAT number gets a (standard) tax invoice
    system.customers.update_customer(riyadh.staff, riyadh.customer["id"], {"tax_id": "311111111111113"})
    html = system.documents.render_html(riyadh.staff, "invoice", invoice["id"])["html"]
    assert re.search(r"<h1>فاتورة ضريبية</h1>", html)


def test_an_emirati_seller_issues_tax_invoices_without_the_saudi_code(system, org):
    dubai = org("AE", tax_id="100000000000003")
    invoice = invoice_for(system, dubai, LINES[:1])
    html = system.documents.render_html(dubai.staff, "invoice", invoice["id"])["html"]
    assert "<h1>Tax Invoice</h1>" in html and 'class="qr"' not in html
