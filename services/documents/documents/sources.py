"""What each kind of document prints, fetched from billing, customers and accounts with the
caller's actor (so a customer gets only its own sent documents: the same 404s as everywhere).

Each builder returns a `Source`: the template, its context, the file name, and the part of the
context that decides the cache key (the logo by its hash, not its bytes).
"""
from dataclasses import dataclass

from portico_kit.errors import Invalid

DOCUMENT_FIELDS = ("id", "number", "status", "date", "due_date", "expiry_date", "currency", "subtotal", "tax_total",
                   "total", "amount_paid", "balance_due", "notes", "customer_id")
LINE_FIELDS = ("description", "quantity", "rate", "discount", "tax_rate", "amount", "tax_amount")
CUSTOMER_FIELDS = ("id", "display_name", "company_name", "billing_address", "tax_id", "email")
ORG_FIELDS = ("name", "email", "phone", "address", "tax_id", "tax_label", "accent_color", "logo_sha256", "facturx")
STAMPS = {"paid": ("Paid", "ok"), "partially_paid": ("Partially paid", ""), "overdue": ("Overdue", "bad"),
          "void": ("Void", "bad"), "draft": ("Draft", ""), "accepted": ("Accepted", "ok"),
          "invoiced": ("Accepted", "ok"), "declined": ("Declined", "bad"), "expired": ("Expired", "bad")}


@dataclass
class Source:
    kind: str
    org_id: str
    template: str
    context: dict
    filename: str
    printed: dict  # what the cache key is made of

    @property
    def facturx(self):
        return self.kind == "invoice" and bool(self.context["org"].get("facturx"))


def pick(record, names):
    return {name: record.get(name) for name in names if name in record}


def organization(accounts, actor):
    letterhead = accounts.get_letterhead(actor, with_logo=True)
    org = pick(letterhead, ORG_FIELDS)
    printed = dict(org)
    if letterhead.get("logo_base64"):
        org["logo_data_uri"] = f"data:{letterhead['logo_content_type']};base64,{letterhead['logo_base64']}"
    return org, printed


def customer_of(customers, actor, customer_id):
    return pick(customers.get_customer(actor, customer_id), CUSTOMER_FIELDS)


def _view(actor):
    """A customer opening the PDF has viewed the document; staff and system renders never count."""
    return {"view": "pdf"} if actor.get("kind") == "customer" else {}


def document(service, actor, kind, doc_id, count_view):
    getter = service.billing.get_invoice if kind == "invoice" else service.billing.get_quote
    record = getter(actor, doc_id, **(_view(actor) if count_view else {}))
    doc = pick(record, DOCUMENT_FIELDS)
    doc["line_items"] = [pick(line, LINE_FIELDS) for line in record["line_items"]]
    customer = customer_of(service.customers, actor, record["customer_id"])
    org, org_printed = organization(service.accounts, actor)
    stamp, tone = STAMPS.get(record["status"], (None, ""))
    label = "Invoice" if kind == "invoice" else "Quote"
    context = {"kind": kind, "doc": doc, "customer": customer, "org": org, "title": f"{label} {doc['number']}",
               "heading": label, "number": doc["number"], "stamp": stamp, "stamp_tone": tone,
               "facturx": kind == "invoice" and bool(org.get("facturx"))}
    printed = {"doc": doc, "customer": customer, "org": org_printed, "stamp": stamp}
    return Source(kind, actor["org_id"], "invoice.html", context, f"{doc['number']}.pdf", printed)


def receipt(service, actor, payment_id):
    record = service.billing.get_payment(actor, payment_id)
    customer = customer_of(service.customers, actor, record["customer_id"])
    org, org_printed = organization(service.accounts, actor)
    payment = {k: v for k, v in record.items() if k != "invoice"}
    invoice = record.get("invoice") or {}
    context = {"kind": "receipt", "payment": payment, "invoice": invoice, "customer": customer, "org": org,
               "title": f"Payment receipt {record['invoice_number']}", "heading": "Payment receipt",
               "number": f"for {record['invoice_number']}", "stamp": None}
    filename = f"receipt-{record['invoice_number']}-{record['id'][:8]}.pdf"
    printed = {"payment": payment, "invoice": invoice, "customer": customer, "org": org_printed}
    return Source("receipt", actor["org_id"], "receipt.html", context, filename, printed)


def statement(service, actor, customer_id, params):
    record = service.billing.get_statement(actor, customer_id, params.get("from"), params.get("to"),
                                           params.get("currency"))
    customer = customer_of(service.customers, actor, record["customer_id"])
    org, org_printed = organization(service.accounts, actor)
    context = {"kind": "statement", "statement": record, "customer": customer, "org": org,
               "title": f"Statement of account {record['from']} to {record['to']}",
               "heading": "Statement of account", "number": None, "stamp": None}
    filename = f"statement-{record['currency']}-{record['from']}-{record['to']}.pdf"
    printed = {"statement": record, "customer": customer, "org": org_printed}
    return Source("statement", actor["org_id"], "statement.html", context, filename, printed)


def build(service, actor, kind, ref, params, count_view=False):
    """`count_view`: the PDF a customer downloads counts as a view; the print view does not."""
    if kind in ("invoice", "quote"):
        return document(service, actor, kind, ref, count_view)
    if kind == "receipt":
        return receipt(service, actor, ref)
    if kind == "statement":
        return statement(service, actor, ref, params)
    raise Invalid(code="invalid_document_kind", message="Unknown document kind.")
