"""The ZATCA phase-1 QR code, byte for byte against ZATCA's published example, and who issues
tax invoices."""
import base64

from portico_kit import zatca

# ZATCA's example (E-invoicing detailed guidelines, phase 1): "Bobs Records", VAT 310122393500003
EXAMPLE = "AQxCb2JzIFJlY29yZHMCDzMxMDEyMjM5MzUwMDAwMwMUMjAyMi0wNC0yNVQxNTozMDowMFoEBzEwMDAuMDAFBjE1MC4wMA=="


def test_the_tlv_bytes_follow_the_published_format():
    data = zatca.tlv("Bobs Records", "310122393500003", "2022-04-25T15:30:00Z", "1000.00", "150.00")
    assert data[:2] == bytes([1, 12]) and data[2:14] == b"Bobs Records"
    assert data[14:16] == bytes([2, 15]) and data[16:31] == b"310122393500003"
    assert data[31:33] == bytes([3, 20]) and data[33:53] == b"2022-04-25T15:30:00Z"
    assert data[53:55] == bytes([4, 7]) and data[55:62] == b"1000.00"
    assert data[62:64] == bytes([5, 6]) and data[64:] == b"150.00"
    assert zatca.qr_payload("Bobs Records", "310122393500003", "2022-04-25T15:30:00Z", "1000.00",
                            "150.00") == EXAMPLE


def test_lengths_count_utf8_bytes_of_arabic_names():
    payload = zatca.qr_payload("شركة الأفق", "300000000000003", "2026-11-25", "4314.23", "562.73")
    data = base64.b64decode(payload)
    name = "شركة الأفق".encode("utf-8")
    assert data[0] == 1 and data[1] == len(name) == 19 and data[2:2 + len(name)] == name
    assert b"2026-11-25T00:00:00Z" in data  # a date alone is its midnight, in UTC


def test_who_issues_tax_invoices_and_what_they_are_called():
    assert zatca.invoice_title("SA", "300000000000003") == "Simplified Tax Invoice"  # buyer without VAT number
    assert zatca.invoice_title("SA", "300000000000003", "311111111111113") == "Tax Invoice"
    assert zatca.invoice_title("AE", "100000000000003") == "Tax Invoice"
    assert zatca.invoice_title("AE", None) == "Invoice" and zatca.invoice_title("DE", "DE123") == "Invoice"
    assert zatca.carries_qr("sa", "300000000000003") and not zatca.carries_qr("AE", "100000000000003")


def test_the_qr_code_is_inline_svg():
    svg = zatca.qr_svg(EXAMPLE)
    assert svg.startswith("<svg") and "path" in svg and "<?xml" not in svg
