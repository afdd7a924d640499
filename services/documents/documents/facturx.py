"""Factur-X (EN 16931 profile): the invoice's data as UN/CEFACT CII XML inside a PDF/A-3 file.

German B2B e-invoicing accepts it since 2025. The XML is built here from the same values the page
prints, checked against the XSD the `factur-x` library ships, and embedded by that library into
the PDF/A-3b WeasyPrint writes. Missing data is a 422 naming the field, never a broken file.
"""
from collections import defaultdict
from decimal import Decimal

from lxml import etree

from portico_kit.errors import Invalid

from . import render

RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
QDT = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
NSMAP = {"rsm": RSM, "ram": RAM, "udt": UDT, "qdt": QDT}
EN16931 = "urn:cen.eu:en16931:2017"
# country names people type into an address, for the ISO 3166 code EN 16931 requires
COUNTRY_NAMES = {"germany": "DE", "deutschland": "DE", "france": "FR", "austria": "AT", "österreich": "AT",
                 "switzerland": "CH", "schweiz": "CH", "italy": "IT", "italia": "IT", "spain": "ES", "españa": "ES",
                 "netherlands": "NL", "the netherlands": "NL", "belgium": "BE", "luxembourg": "LU",
                 "poland": "PL", "denmark": "DK", "sweden": "SE", "norway": "NO", "finland": "FI",
                 "ireland": "IE", "portugal": "PT", "united kingdom": "GB", "uk": "GB", "great britain": "GB",
                 "united states": "US", "usa": "US", "united states of america": "US", "canada": "CA",
                 "czech republic": "CZ", "czechia": "CZ", "hungary": "HU", "greece": "GR"}


def country_code(address):
    country = ((address or {}).get("country") or "").strip()
    if len(country) == 2 and country.isalpha():
        return country.upper()
    return COUNTRY_NAMES.get(country.lower())


def missing_fields(context):
    """{field: why} for what EN 16931 needs and the invoice lacks."""
    org, customer = context["org"], context["customer"]
    problems = {}
    if not (org.get("tax_id") or "").strip():
        problems["organization.tax_id"] = "Add your VAT number (Settings → Organization) to issue Factur-X invoices."
    if not org.get("address"):
        problems["organization.address"] = "Add your business address (Settings → Organization)."
    elif not country_code(org["address"]):
        problems["organization.address.country"] = "Use a two-letter country code, e.g. DE."
    if not customer.get("billing_address"):
        problems["customer.billing_address"] = "Add the customer's billing address."
    elif not country_code(customer["billing_address"]):
        problems["customer.billing_address.country"] = "Use a two-letter country code, e.g. DE."
    return problems


def _el(parent, tag, text=None, **attrs):
    prefix, name = tag.split(":")
    node = etree.SubElement(parent, f"{{{NSMAP[prefix]}}}{name}", **attrs)
    if text is not None:
        node.text = str(text)
    return node


def _date(parent, tag, day):
    holder = _el(parent, tag)
    _el(holder, "udt:DateTimeString", day.replace("-", ""), format="102")


def _party(parent, tag, name, address, email=None, tax_id=None):
    party = _el(parent, tag)
    _el(party, "ram:Name", name)
    postal = _el(party, "ram:PostalTradeAddress")
    if address.get("zip"):
        _el(postal, "ram:PostcodeCode", address["zip"])
    if address.get("street"):
        _el(postal, "ram:LineOne", address["street"])
    if address.get("street2"):
        _el(postal, "ram:LineTwo", address["street2"])
    if address.get("city"):
        _el(postal, "ram:CityName", address["city"])
    _el(postal, "ram:CountryID", country_code(address))
    if address.get("state"):
        _el(postal, "ram:CountrySubDivisionName", address["state"])
    if email:
        uri = _el(party, "ram:URIUniversalCommunication")
        _el(uri, "ram:URIID", email, schemeID="EM")
    if tax_id:
        registration = _el(party, "ram:SpecifiedTaxRegistration")
        _el(registration, "ram:ID", tax_id, schemeID="VA")


def _category(rate):
    return "S" if Decimal(rate or 0) > 0 else "Z"


def _percent(rate):
    return format(Decimal(rate or 0).normalize(), "f")


def invoice_xml(context):
    """The CII XML (bytes) of the invoice in `context`, or a 422 naming what is missing."""
    problems = missing_fields(context)
    if problems:
        raise Invalid(code="facturx_incomplete",
                      message="This invoice cannot be issued as Factur-X yet: " + " ".join(problems.values()),
                      fields=problems)
    doc, org, customer = context["doc"], context["org"], context["customer"]
    root = etree.Element(f"{{{RSM}}}CrossIndustryInvoice", nsmap=NSMAP)
    guideline = _el(_el(root, "rsm:ExchangedDocumentContext"), "ram:GuidelineSpecifiedDocumentContextParameter")
    _el(guideline, "ram:ID", EN16931)
    header = _el(root, "rsm:ExchangedDocument")
    _el(header, "ram:ID", doc["number"])
    _el(header, "ram:TypeCode", "380")  # commercial invoice
    _date(header, "ram:IssueDateTime", doc["date"])
    if doc.get("notes"):
        _el(_el(header, "ram:IncludedNote"), "ram:Content", doc["notes"])

    transaction = _el(root, "rsm:SupplyChainTradeTransaction")
    taxes = defaultdict(lambda: [Decimal(0), Decimal(0)])  # rate -> [basis, tax]
    for position, line in enumerate(doc["line_items"], start=1):
        item = _el(transaction, "ram:IncludedSupplyChainTradeLineItem")
        _el(_el(item, "ram:AssociatedDocumentLineDocument"), "ram:LineID", position)
        _el(_el(item, "ram:SpecifiedTradeProduct"), "ram:Name", line["description"][:1000])
        agreement = _el(item, "ram:SpecifiedLineTradeAgreement")
        rate, discount = Decimal(line["rate"]), Decimal(line.get("discount") or 0)
        per_unit_discount = (rate * discount / 100).quantize(Decimal("0.0001"))
        gross = _el(agreement, "ram:GrossPriceProductTradePrice")
        _el(gross, "ram:ChargeAmount", line["rate"])
        if per_unit_discount:
            allowance = _el(gross, "ram:AppliedTradeAllowanceCharge")
            _el(_el(allowance, "ram:ChargeIndicator"), "udt:Indicator", "false")
            _el(allowance, "ram:ActualAmount", per_unit_discount)
        _el(_el(agreement, "ram:NetPriceProductTradePrice"), "ram:ChargeAmount", rate - per_unit_discount)
        _el(_el(item, "ram:SpecifiedLineTradeDelivery"), "ram:BilledQuantity", line["quantity"], unitCode="C62")
        settlement = _el(item, "ram:SpecifiedLineTradeSettlement")
        tax = _el(settlement, "ram:ApplicableTradeTax")
        _el(tax, "ram:TypeCode", "VAT")
        _el(tax, "ram:CategoryCode", _category(line.get("tax_rate")))
        _el(tax, "ram:RateApplicablePercent", _percent(line.get("tax_rate")))
        _el(_el(settlement, "ram:SpecifiedTradeSettlementLineMonetarySummation"), "ram:LineTotalAmount",
            line["amount"])
        bucket = taxes[_percent(line.get("tax_rate"))]
        bucket[0] += Decimal(line["amount"])
        bucket[1] += Decimal(line.get("tax_amount") or 0)

    agreement = _el(transaction, "ram:ApplicableHeaderTradeAgreement")
    _party(agreement, "ram:SellerTradeParty", org["name"], org["address"], org.get("email"), org["tax_id"])
    _party(agreement, "ram:BuyerTradeParty", customer.get("company_name") or customer["display_name"],
           customer["billing_address"], customer.get("email"), customer.get("tax_id"))
    _el(transaction, "ram:ApplicableHeaderTradeDelivery")
    settlement = _el(transaction, "ram:ApplicableHeaderTradeSettlement")
    _el(settlement, "ram:InvoiceCurrencyCode", doc["currency"])
    for rate, (basis, tax_amount) in sorted(taxes.items()):
        tax = _el(settlement, "ram:ApplicableTradeTax")
        _el(tax, "ram:CalculatedAmount", f"{tax_amount:.2f}")
        _el(tax, "ram:TypeCode", "VAT")
        _el(tax, "ram:BasisAmount", f"{basis:.2f}")
        _el(tax, "ram:CategoryCode", _category(rate))
        _el(tax, "ram:RateApplicablePercent", rate)
    if doc.get("due_date"):
        _date(_el(settlement, "ram:SpecifiedTradePaymentTerms"), "ram:DueDateDateTime", doc["due_date"])
    totals = _el(settlement, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
    _el(totals, "ram:LineTotalAmount", doc["subtotal"])
    _el(totals, "ram:TaxBasisTotalAmount", doc["subtotal"])
    _el(totals, "ram:TaxTotalAmount", doc["tax_total"], currencyID=doc["currency"])
    _el(totals, "ram:GrandTotalAmount", doc["total"])
    _el(totals, "ram:TotalPrepaidAmount", doc.get("amount_paid") or "0.00")
    _el(totals, "ram:DuePayableAmount", doc.get("balance_due") or doc["total"])
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def check_xsd(xml):
    """Raise if the XML does not validate against the EN 16931 XSD shipped with `factur-x`."""
    from facturx import xml_check_xsd
    xml_check_xsd(xml, flavor="factur-x", level="en16931")


def invoice_pdf(markup, context):
    """A PDF/A-3b of the page with the Factur-X XML embedded (factur-x.xml, relationship Data)."""
    from facturx import generate_from_binary
    xml = invoice_xml(context)
    check_xsd(xml)
    pdf = render.pdf(markup, variant="pdf/a-3b")
    org, doc = context["org"], context["doc"]
    metadata = {"author": org["name"], "keywords": "Factur-X, Invoice", "title": f"{org['name']}: Invoice {doc['number']}",
                "subject": f"Factur-X invoice {doc['number']} dated {doc['date']} issued by {org['name']}"}
    return generate_from_binary(pdf, xml, flavor="factur-x", level="en16931", check_xsd=False,
                                pdf_metadata=metadata, lang=context.get("lang", "en"))
