"""PDFs attached to emails (invoice, quote, statement), and the organization's logo and colour in
the HTML part. The documents service is a stand-in here (its rendering has its own tests)."""
import io

from nameko.rpc import rpc

from portico_kit.errors import Invalid
from portico_kit.testing.smtp import body_text

from . import payloads
from .conftest import handled

ASKED = []


class FakeDocuments:
    name = "documents"

    @rpc
    def render_pdf(self, actor, kind, ref=None, params=None):
        ASKED.append((actor, kind, ref, params))
        if ref == "incomplete":
            raise Invalid(code="facturx_incomplete", message="Add your VAT number.")
        import base64
        return {"filename": f"{kind}-{ref}.pdf", "content_type": "application/pdf",
                "content_base64": base64.b64encode(b"%PDF-1.7 " + kind.encode()).decode()}


def png():
    from PIL import Image
    out = io.BytesIO()
    Image.new("RGB", (40, 20), "#0e7490").save(out, format="PNG")
    import base64
    return base64.b64encode(out.getvalue()).decode()


def pdfs(message):
    return [(part.get_filename(), part.get_content()) for part in message.iter_attachments()]


def test_pdf_attached_when_branding_says_so_and_statement_always(system, org, dispatch_event, container_factory,
                                                                  rabbit_config):
    ASKED.clear()
    container_factory(FakeDocuments, rabbit_config).start()
    customer = org.customer("Bob's Bikes", email="bob@bikes.test")
    data = payloads.invoice_sent(customer, number="INV-000042")
    handled(system, dispatch_event("billing", "invoice_sent", data, org_id=org.id), emails=1)
    [plain] = system.mail.wait_for("bob@bikes.test")
    assert pdfs(plain) == [] and ASKED == []  # off by default

    system.accounts.set_logo(org.staff, png())
    branding = system.accounts.update_branding(org.staff, {"attach_pdf_to_emails": True, "accent_color": "#0E7490"})
    data = payloads.invoice_sent(customer, number="INV-000043")
    handled(system, dispatch_event("billing", "invoice_sent", data, org_id=org.id), emails=1)
    message = system.mail.wait_for("bob@bikes.test", count=2)[-1]
    assert pdfs(message) == [(f"invoice-{data['invoice']['id']}.pdf", b"%PDF-1.7 invoice")]
    actor, kind, ref, _ = ASKED[-1]
    assert actor["kind"] == "system" and actor["org_id"] == org.id and (kind, ref) == ("invoice", data["invoice"]["id"])
    html = body_text(message, "html")
    assert branding["logo_url"] and f'src="{branding["logo_url"]}"' in html and "#0e7490" in html

    # a PDF that cannot be made: the email still goes, without it
    data = payloads.invoice_sent(customer, number="INV-000044", id="incomplete")
    handled(system, dispatch_event("billing", "invoice_sent", data, org_id=org.id), emails=1)
    assert pdfs(system.mail.wait_for("bob@bikes.test", count=3)[-1]) == []

    system.accounts.update_branding(org.staff, {"attach_pdf_to_emails": False})
    statement = {"statement": {"customer_id": customer["id"], "currency": "EUR", "from": "2026-11-01",
                               "to": "2026-11-30", "opening_balance": "0.00", "invoiced": "1250.00", "paid": "0.00",
                               "refunded": "0.00", "closing_balance": "1250.00", "ageing": {}},
                 "customer": {"id": customer["id"], "display_name": customer["display_name"]}}
    handled(system, dispatch_event("billing", "statement_sent", statement, org_id=org.id), emails=1)
    message = system.mail.wait_for("bob@bikes.test", count=4)[-1]
    assert message["Subject"] == f"Your statement of account from {org.name}"
    assert "€1,250.00" in body_text(message) and "November 30, 2026" in body_text(message)
    assert pdfs(message) == [(f"statement-{customer['id']}.pdf", b"%PDF-1.7 statement")]
    assert ASKED[-1][3] == {"from": "2026-11-01", "to": "2026-11-30", "currency": "EUR"}
