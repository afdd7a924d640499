"""Saudi tax invoices: who issues them, what they are called, and the ZATCA (phase 1) QR code.

Saudi Arabia and the UAE require "Tax Invoice" documents from a VAT-registered seller. In Saudi
Arabia an invoice to a buyer without a VAT number is a *simplified* tax invoice, and it carries a
QR code (ZATCA e-invoicing, phase 1): the base64 of a TLV record of five fields, each a tag byte,
a length byte (of the UTF-8 value) and the value:

    1 seller's name  2 seller's VAT number  3 time stamp (ISO 8601)  4 total with VAT  5 VAT total

tests check the bytes against ZATCA's published example. The QR image is made with segno (a
maintained QR library), as inline SVG for pages and PDFs alike.
"""
import base64
from datetime import date, datetime, timezone

TAX_INVOICE_COUNTRIES = frozenset({"SA", "AE"})


def issues_tax_invoices(country, tax_id):
    """A VAT-registered seller in Saudi Arabia or the UAE."""
    return bool(tax_id) and (country or "").upper() in TAX_INVOICE_COUNTRIES


def invoice_title(country, tax_id, buyer_tax_id=None):
    """The English title of an invoice (a catalog message: translated where shown)."""
    if not issues_tax_invoices(country, tax_id):
        return "Invoice"
    if (country or "").upper() == "SA" and not buyer_tax_id:
        return "Simplified Tax Invoice"
    return "Tax Invoice"


def carries_qr(country, tax_id):
    """Every invoice of a VAT-registered Saudi seller shows the QR code (required on simplified ones)."""
    return bool(tax_id) and (country or "").upper() == "SA"


def _field(tag, value):
    data = str(value).encode("utf-8")
    if len(data) > 255:
        raise ValueError(f"ZATCA field {tag} is longer than 255 bytes")
    return bytes([tag, len(data)]) + data


def timestamp(value):
    """The invoice's moment as ISO 8601 in UTC ("2022-04-25T15:30:00Z"); a date alone is its midnight."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00")) if "T" in value else date.fromisoformat(value)
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    else:
        moment = datetime(value.year, value.month, value.day, tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def tlv(seller, vat_number, moment, total, vat_total):
    """The TLV bytes of the five phase-1 fields."""
    return b"".join(_field(tag, value) for tag, value in (
        (1, seller), (2, vat_number), (3, timestamp(moment)), (4, total), (5, vat_total)))


def qr_payload(seller, vat_number, moment, total, vat_total):
    """What the QR code encodes: base64 of the TLV bytes."""
    return base64.b64encode(tlv(seller, vat_number, moment, total, vat_total)).decode("ascii")


def qr_svg(payload, scale=3):
    """The QR code as an inline <svg> element (no XML declaration), black on white."""
    import segno  # imported here: only pages and PDFs that show a code pay for it
    return segno.make(payload, error="m").svg_inline(scale=scale, border=2, dark="#000", light="#fff")
