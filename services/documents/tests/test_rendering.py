"""Invoices, quotes, receipts and statements rendered to PDF: real text, the cache, page breaks."""
import pytest

from portico_kit.errors import NotFound

from .conftest import invoice_for, pdf_of, text_of

LINES = [{"description": "Brand design workshop", "quantity": "2", "rate": "450.00", "tax_rate": "19"},
         {"description": "Logo files in every size", "quantity": "1", "rate": "120.50", "discount": "10"}]


def test_an_invoice_pdf_carries_its_text_and_is_cached_until_it_changes(system, org):
    acme = org()
    invoice = invoice_for(system, acme, LINES)
    first = system.documents.render_pdf(acme.staff, "invoice", invoice["id"])
    assert first["filename"] == f"{invoice['number']}.pdf" and first["content_type"] == "application/pdf"
    assert first["cached"] is False and pdf_of(first).startswith(b"%PDF-")
    text, reader = text_of(first)
    for expected in (invoice["number"], "Bob's Bikes", "Brand design workshop", "Logo files in every size",
                     "Hauptstraße 5", "900,00\xa0€", "108,45\xa0€", "171,00\xa0€", "1.179,45\xa0€", "Page 1 of 1"):
        # an English reader of a German business: English words, numbers as CLDR's en_DE writes them
        assert expected in text, expected
    assert abs(float(reader.pages[0].mediabox.width) - 595.3) < 1  # A4 for a German business

    again = system.documents.render_pdf(acme.staff, "invoice", invoice["id"])
    assert again["cached"] is True and again["content_base64"] == first["content_base64"]
    system.billing.update_invoice(acme.staff, invoice["id"], {"notes": "Thank you for your business."})
    changed = system.documents.render_pdf(acme.staff, "invoice", invoice["id"])
    assert changed["cached"] is False and "Thank you for your business." in text_of(changed)[0]


def test_a_long_invoice_spans_pages_repeating_the_table_header(system, org):
    acme = org(country="US")
    lines = [{"description": f"Line {n}: " + ("a rather long description that has to wrap " * (3 if n == 7 else 1)),
              "quantity": "1", "rate": "10.00"} for n in range(1, 151)]
    invoice = invoice_for(system, acme, lines)
    text, reader = text_of(system.documents.render_pdf(acme.staff, "invoice", invoice["id"]))
    pages = len(reader.pages)
    assert pages >= 4
    for number, page in enumerate(reader.pages, start=1):
        page_text = page.extract_text()
        assert "DESCRIPTION" in page_text and f"Page {number} of {pages}" in page_text
    assert "Line 150:" in text and "€1,500.00" in text
    assert abs(float(reader.pages[0].mediabox.width) - 612) < 1  # US Letter for a US business


def test_a_customer_gets_its_own_sent_documents_and_the_pdf_counts_as_a_view(system, org):
    acme, other = org(), org()
    draft = invoice_for(system, acme, LINES, send=False)
    with pytest.raises(NotFound):
        system.documents.render_pdf(acme.me, "invoice", draft["id"])
    sent = system.billing.send_invoice(acme.staff, draft["id"])
    system.documents.render_pdf(acme.staff, "invoice", sent["id"])
    assert system.billing.get_invoice(acme.staff, sent["id"])["view_count"] == 0  # staff never count
    assert sent["number"] in text_of(system.documents.render_pdf(acme.me, "invoice", sent["id"]))[0]
    viewed = system.billing.get_invoice(acme.staff, sent["id"])
    assert viewed["view_count"] == 1 and viewed["viewed_by"]["name"] == "Bob Baker"
    with pytest.raises(NotFound):
        system.documents.render_pdf(other.me, "invoice", sent["id"])
    with pytest.raises(NotFound):
        system.documents.render_pdf(other.staff, "invoice", sent["id"])
    html = system.documents.render_html(acme.me, "invoice", sent["id"])
    assert sent["number"] in html["html"] and html["style_hashes"][0].startswith("sha256-")
    assert system.billing.get_invoice(acme.staff, sent["id"])["view_count"] == 1  # the print view does not count


def test_quote_receipt_and_statement(system, org):
    acme = org()
    quote = system.billing.send_quote(acme.staff, system.billing.create_quote(acme.staff, {
        "customer_id": acme.customer["id"], "date": "2026-11-02", "line_items": LINES})["id"])
    text = text_of(system.documents.render_pdf(acme.me, "quote", quote["id"]))[0]
    assert quote["number"] in text and "QUOTE" in text and "Valid until" in text

    invoice = invoice_for(system, acme, LINES)
    payment = system.billing.record_payment(acme.staff, {"customer_id": acme.customer["id"], "invoice_id": invoice["id"],
                                                         "amount": "179.45", "date": "2026-11-20", "mode": "bank_transfer",
                                                         "reference": "TX-991"})
    receipt = system.documents.render_pdf(acme.me, "receipt", payment["id"])
    text = text_of(receipt)[0]
    assert receipt["filename"].startswith(f"receipt-{invoice['number']}")
    for expected in ("PAYMENT RECEIPT", invoice["number"], "179,45\xa0€", "1.000,00\xa0€", "TX-991", "Bank transfer"):
        assert expected in text, expected

    statement = system.documents.render_pdf(acme.staff, "statement", acme.customer["id"],
                                            {"from": "2026-11-01", "to": "2026-11-30"})
    text = text_of(statement)[0]
    for expected in ("STATEMENT OF ACCOUNT", invoice["number"], "1.179,45\xa0€", "179,45\xa0€", "1.000,00\xa0€",
                     "OVER 90 DAYS"):
        assert expected in text, expected
