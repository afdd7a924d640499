"""What every part of the service shares: who sees which document, customers, currency, lines."""
from sqlalchemy import select

from portico_kit.actors import org_of
from portico_kit.errors import Forbidden, Invalid, NotFound

from . import money
from .models import Invoice, InvoiceLine, Quote, QuoteLine

DOC_TYPES = ("invoice", "quote")
NOT_FOUND = {"invoice": ("invoice_not_found", "This invoice was not found."),
             "quote": ("quote_not_found", "This quote was not found.")}


def viewer(actor):
    """(org_id, customer_id): customer_id is None for staff/system (they see the organization)."""
    org_id = org_of(actor)
    if actor["kind"] == "customer":
        if not actor.get("customer_id"):
            raise Forbidden(message="Only a signed-in customer can do that.")
        return org_id, str(actor["customer_id"])
    return org_id, None


def check_doc_type(doc_type):
    if doc_type not in DOC_TYPES:
        raise Invalid(code="invalid_doc_type", message="The document type is invoice or quote.",
                      fields={"doc_type": "invoice or quote"})
    return doc_type


def visible(query, model, org_id, customer_id):
    """Scope a query: the organization's rows; a customer's own, sent documents only."""
    query = query.where(model.org_id == org_id)
    if customer_id is not None:
        query = query.where(model.customer_id == customer_id, model.sent_at.is_not(None))
    return query


class DocumentAccess:
    """Mixed into BillingService: loading documents as the actor may see them."""

    def _load_document(self, actor, doc_type, doc_id, lock=False):
        """The invoice or quote, or NotFound: another organization's, another customer's, or (for
        a customer) a draft never sent. `lock` takes a row lock (PostgreSQL) for a state change."""
        model = Invoice if check_doc_type(doc_type) == "invoice" else Quote
        org_id, customer_id = viewer(actor)
        query = visible(select(model).where(model.id == str(doc_id)), model, org_id, customer_id)
        if lock:
            query = query.with_for_update(of=model)
        doc = self.db.scalars(query.execution_options(populate_existing=True)).first()
        if doc is None:
            code, message = NOT_FOUND[doc_type]
            raise NotFound(code=code, message=message)
        return doc

    def _invoice(self, actor, invoice_id, lock=False):
        return self._load_document(actor, "invoice", invoice_id, lock=lock)

    def _quote(self, actor, quote_id, lock=False):
        return self._load_document(actor, "quote", quote_id, lock=lock)

    def _customer_for(self, actor, customer_id):
        """The customer (customers.get_customer); unknown in this organization: 422 on customer_id.
        Called with no database connection held (SQLite has one per process)."""
        try:
            return self.customers.get_customer(actor, customer_id)
        except NotFound:
            raise Invalid(code="unknown_customer", message="This customer was not found.",
                          fields={"customer_id": "No such customer in this organization."})

    def _default_currency(self, actor, customer):
        """The customer's currency, else the organization's, else USD."""
        if customer.get("currency"):
            return customer["currency"]
        try:
            organization = self.accounts.get_organization(actor)
        except NotFound:
            organization = {}
        return organization.get("currency") or "USD"


def set_lines(doc, line_model, lines):
    """Replace the document's lines and recompute its totals (money.py rounding, per line, in the
    document's currency: set `doc.currency` first). A rate with more decimals than the currency
    has is 422 invalid_amount."""
    money.check_line_digits(doc.currency, lines)
    doc.line_items.clear()
    amounts = []
    for position, data in enumerate(lines):
        discount, tax_rate = data.get("discount") or 0, data.get("tax_rate") or 0
        amount, tax_amount = money.line_amounts(data["quantity"], data["rate"], discount, tax_rate, doc.currency)
        amounts.append((amount, tax_amount))
        doc.line_items.append(line_model(
            position=position, description=data["description"], quantity=data["quantity"],
            rate=data["rate"], discount=discount, tax_rate=tax_rate, amount=amount, tax_amount=tax_amount))
    subtotal, tax_total, total = money.totals(amounts)
    if total > money.MAX_MONEY:
        raise Invalid(code="amount_too_large", message="The total is too large.",
                      fields={"line_items": f"The total may not exceed {money.MAX_MONEY}."})
    doc.subtotal, doc.tax_total, doc.total = subtotal, tax_total, total


def lines_of(doc):
    return [{"description": line.description, "quantity": line.quantity, "rate": line.rate,
             "discount": line.discount, "tax_rate": line.tax_rate} for line in doc.line_items]


def copy_lines(source, target, line_model):
    set_lines(target, line_model, lines_of(source))


LINE_MODELS = {"invoice": InvoiceLine, "quote": QuoteLine}
