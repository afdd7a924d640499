"""What each kind of document prints, fetched from billing, customers and accounts with the
caller's actor (so a customer gets only its own sent documents: the same 404s as everywhere).

Each builder returns a `Source`: the template, its context, the file name, and the part of the
context that decides the cache key (the logo by its hash, not its bytes).
"""
from dataclasses import dataclass

from markupsafe import Markup

from portico_kit import i18n, zatca
from portico_kit.errors import Invalid
from portico_kit.i18n import N_
from portico_kit.l10n import Formatter, direction, pick_language
from portico_kit.money import tax_summary

DOCUMENT_FIELDS = ("id", "number", "status", "date", "due_date", "expiry_date", "currency", "subtotal", "tax_total",
                   "total", "amount_paid", "balance_due", "notes", "customer_id", "sent_at", "created_at")
LINE_FIELDS = ("description", "quantity", "rate", "discount", "tax_rate", "amount", "tax_amount")
CUSTOMER_FIELDS = ("id", "display_name", "company_name", "billing_address", "tax_id", "email", "language")
ORG_FIELDS = ("name", "email", "phone", "address", "tax_id", "tax_label", "accent_color", "logo_sha256", "facturx",
              "language", "country", "timezone")
STAMPS = {"paid": (N_("Paid"), "ok"), "partially_paid": (N_("Partially paid"), ""), "overdue": (N_("Overdue"), "bad"),
          "void": (N_("Void"), "bad"), "draft": (N_("Draft"), ""), "accepted": (N_("Accepted"), "ok"),
          "invoiced": (N_("Accepted"), "ok"), "declined": (N_("Declined"), "bad"), "expired": (N_("Expired"), "bad")}
TITLES = {"Invoice": N_("Invoice"), "Tax Invoice": N_("Tax Invoice"),
          "Simplified Tax Invoice": N_("Simplified Tax Invoice")}


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


def reading(customer, org):
    """The reader's language (the customer's, else the organization's), for the context: `lang`,
    `direction` and `fmt`, the formatter of money, numbers and dates in that language."""
    language = pick_language(customer.get("language"), org.get("language"))
    return {"lang": language, "direction": direction(language),
            "fmt": Formatter(language, org.get("country"), org.get("timezone"))}


def zatca_qr(org, doc):
    """The QR code of a Saudi tax invoice (inline SVG), and what it encodes; None elsewhere."""
    if not zatca.carries_qr(org.get("country"), org.get("tax_id")):
        return None
    payload = zatca.qr_payload(org.get("name") or "", org["tax_id"], doc.get("sent_at") or doc.get("created_at")
                               or doc.get("date"), doc.get("total") or "0", doc.get("tax_total") or "0")
    return {"payload": payload, "svg": Markup(zatca.qr_svg(payload))}


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
    reader = reading(customer, org)
    if kind == "invoice":  # a "Tax Invoice" in Saudi Arabia and the UAE (see portico_kit.zatca)
        label = TITLES[zatca.invoice_title(org.get("country"), org.get("tax_id"), customer.get("tax_id"))]
    else:
        label = N_("Quote")
    lang = reader["lang"]
    heading = i18n.gettext(lang, label)
    qr = zatca_qr(org, doc) if kind == "invoice" else None
    context = dict(reader, kind=kind, doc=doc, customer=customer, org=org, title=f"{heading} {doc['number']}",
                   heading=heading, number=doc["number"], stamp=stamp, stamp_tone=tone,
                   facturx=kind == "invoice" and bool(org.get("facturx")),
                   tax_summary=tax_summary(doc["line_items"]), zatca=qr)
    printed = {"doc": doc, "customer": customer, "org": org_printed, "stamp": stamp, "lang": reader["lang"]}
    return Source(kind, actor["org_id"], "invoice.html", context, f"{doc['number']}.pdf", printed)


def receipt(service, actor, payment_id):
    record = service.billing.get_payment(actor, payment_id)
    customer = customer_of(service.customers, actor, record["customer_id"])
    org, org_printed = organization(service.accounts, actor)
    payment = {k: v for k, v in record.items() if k != "invoice"}
    invoice = record.get("invoice") or {}
    reader = reading(customer, org)
    lang = reader["lang"]
    context = dict(reader, kind="receipt", payment=payment, invoice=invoice, customer=customer, org=org,
                   title=i18n.gettext(lang, N_("Payment receipt %(number)s"), number=record["invoice_number"]),
                   heading=i18n.gettext(lang, N_("Payment receipt")),
                   number=i18n.gettext(lang, N_("for %(number)s"), number=record["invoice_number"]), stamp=None)
    filename = f"receipt-{record['invoice_number']}-{record['id'][:8]}.pdf"
    printed = {"payment": payment, "invoice": invoice, "customer": customer, "org": org_printed,
               "lang": reader["lang"]}
    return Source("receipt", actor["org_id"], "receipt.html", context, filename, printed)


def statement(service, actor, customer_id, params):
    record = service.billing.get_statement(actor, customer_id, params.get("from"), params.get("to"),
                                           params.get("currency"))
    customer = customer_of(service.customers, actor, record["customer_id"])
    org, org_printed = organization(service.accounts, actor)
    reader = reading(customer, org)
    fmt, lang = reader["fmt"], reader["lang"]
    context = dict(reader, kind="statement", statement=record, customer=customer, org=org,
                   title=i18n.gettext(lang, N_("Statement of account %(start)s to %(end)s"),
                                      start=fmt.date(record["from"]), end=fmt.date(record["to"])),
                   heading=i18n.gettext(lang, N_("Statement of account")), number=None, stamp=None)
    filename = f"statement-{record['currency']}-{record['from']}-{record['to']}.pdf"
    printed = {"statement": record, "customer": customer, "org": org_printed, "lang": lang}
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
