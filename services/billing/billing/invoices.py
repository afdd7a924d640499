"""Invoices: create, list, read, edit, delete, send, void."""
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import delete, or_, select

from portico_kit.actors import public, require_staff
from portico_kit.errors import Conflict, Invalid
from portico_kit.pagination import paginate
from portico_kit.rpc import rpc
from portico_kit.timeutil import utcnow
from portico_kit.validation import load

from . import events
from .documents import lines_of, set_lines, viewer, visible
from .models import Comment, Invoice, InvoiceLine, Quote, ShareLink
from .numbering import next_number
from .schemas import InvoiceSchema, invoice_dict
from .status import INVOICE_STATUSES, invoice_status_filter, today

DUE_DAYS = 14


def settle_status(invoice):
    """An issued invoice's stored status follows what was paid: sent, partially_paid, paid."""
    invoice.balance_due = Decimal(invoice.total) - Decimal(invoice.amount_paid)
    if invoice.status in ("draft", "void"):
        return
    if Decimal(invoice.amount_paid) <= 0:
        invoice.status = "sent"
    elif invoice.balance_due <= 0:
        invoice.status = "paid"
    else:
        invoice.status = "partially_paid"


def search_filter(model, search):
    if not isinstance(search, str) or len(search) > 200:
        raise Invalid(code="invalid_search", message="The search is at most 200 characters.",
                      fields={"search": "At most 200 characters."})
    pattern = "%" + search.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return or_(model.number.ilike(pattern, escape="\\"), model.customer_name.ilike(pattern, escape="\\"))


def check_dates(start, end, field, message):
    if end < start:
        raise Invalid(message=message, fields={field: message})


class InvoicesMixin:

    @rpc
    def create_invoice(self, actor, data):
        org_id = require_staff(actor)
        data = load(InvoiceSchema(), data)
        customer = self._customer_for(actor, data["customer_id"])
        currency = data.get("currency") or self._default_currency(actor, customer)
        date = data.get("date") or today(actor)
        due_date = data.get("due_date") or date + timedelta(days=DUE_DAYS)
        check_dates(date, due_date, "due_date", "The due date cannot be before the invoice date.")
        invoice = Invoice(org_id=org_id, customer_id=customer["id"], customer_name=customer["display_name"],
                          status="draft", date=date, due_date=due_date, currency=currency,
                          notes=data.get("notes") or "", amount_paid=Decimal(0))
        set_lines(invoice, InvoiceLine, data["line_items"])
        invoice.balance_due = invoice.total
        invoice.number = next_number(self.db, org_id, "invoice")
        self.db.add(invoice)
        self.db.commit()
        return invoice_dict(invoice, today(actor))

    @rpc
    def list_invoices(self, actor, customer_id=None, status=None, search=None, page=1, per_page=50):
        org_id, own_customer = viewer(actor)
        day = today(actor)
        query = visible(select(Invoice), Invoice, org_id, own_customer)
        if own_customer is None and customer_id:
            query = query.where(Invoice.customer_id == str(customer_id))
        if status:
            if status not in INVOICE_STATUSES:
                raise Invalid(code="invalid_status", message="Unknown status.",
                              fields={"status": "One of " + ", ".join(INVOICE_STATUSES)})
            query = query.where(invoice_status_filter(status, day))
        if search:
            query = query.where(search_filter(Invoice, search))
        query = query.order_by(Invoice.created_at.desc(), Invoice.number.desc())
        return paginate(self.db, query, lambda row: invoice_dict(row, day), page, per_page)

    @rpc
    def get_invoice(self, actor, invoice_id, view=None):
        """`view` (page, api, pdf): a customer contact opened it, which billing records (views.py)."""
        invoice = self._record_view(actor, "invoice", self._invoice(actor, invoice_id), view)
        return invoice_dict(invoice, today(actor), with_payments=True)

    @rpc
    def update_invoice(self, actor, invoice_id, data):
        require_staff(actor)
        data = load(InvoiceSchema(), data, partial=True)
        customer = self._customer_for(actor, data["customer_id"]) if data.get("customer_id") else None
        invoice = self._invoice(actor, invoice_id, lock=True)
        if invoice.status in ("void", "paid"):
            raise Conflict(code="invoice_not_editable", message=f"A {invoice.status} invoice cannot be edited.")
        if customer is not None and customer["id"] != invoice.customer_id:
            if invoice.payments:
                raise Conflict(code="invoice_has_payments",
                               message="This invoice has payments: its customer cannot change.")
            invoice.customer_id, invoice.customer_name = customer["id"], customer["display_name"]
        if data.get("currency") and data["currency"] != invoice.currency and invoice.payments:
            raise Conflict(code="invoice_has_payments",
                           message="This invoice has payments: its currency cannot change.")
        currency_changed = bool(data.get("currency")) and data["currency"] != invoice.currency
        for key in ("date", "due_date", "currency"):
            if data.get(key):
                setattr(invoice, key, data[key])
        if "notes" in data:
            invoice.notes = data["notes"] or ""
        check_dates(invoice.date, invoice.due_date, "due_date", "The due date cannot be before the invoice date.")
        if "line_items" in data or currency_changed:
            # a new currency recomputes every line in its own minor unit (and refuses a rate it cannot hold)
            set_lines(invoice, InvoiceLine, data["line_items"] if "line_items" in data else lines_of(invoice))
            if Decimal(invoice.total) < Decimal(invoice.amount_paid):
                self.db.rollback()
                raise Invalid(code="total_below_paid", message="The total cannot be less than what was paid.",
                              fields={"line_items": "The total cannot be less than the amount paid."})
        settle_status(invoice)
        invoice.updated_at = utcnow()
        self.db.commit()
        return invoice_dict(invoice, today(actor))

    @rpc
    def delete_invoice(self, actor, invoice_id):
        require_staff(actor)
        invoice = self._invoice(actor, invoice_id, lock=True)
        if not (invoice.status == "draft" or (invoice.status == "void" and not invoice.payments)):
            raise Conflict(code="invoice_not_deletable",
                           message="Only a draft, or a void invoice without payments, can be deleted.")
        if invoice.quote_id:
            # the quote it came from may be converted again
            quote = self.db.get(Quote, invoice.quote_id)
            if quote is not None and quote.invoice_id == invoice.id:
                quote.invoice_id = None
                quote.status = "accepted" if quote.accepted_at else "sent"
        self.db.execute(delete(Comment).where(Comment.doc_type == "invoice", Comment.doc_id == invoice.id))
        self.db.execute(delete(ShareLink).where(ShareLink.doc_type == "invoice", ShareLink.doc_id == invoice.id))
        self.db.delete(invoice)
        self.db.commit()
        return {"deleted": True, "id": invoice.id}

    @rpc
    def send_invoice(self, actor, invoice_id):
        require_staff(actor)
        invoice = self._invoice(actor, invoice_id, lock=True)
        if invoice.status == "void":
            raise Conflict(code="invoice_not_sendable", message="A void invoice cannot be sent.")
        now = utcnow()
        if invoice.status == "draft":
            invoice.status = "sent"
        invoice.sent_at = invoice.sent_at or now
        invoice.updated_at = now
        day = today(actor)
        self.events(events.INVOICE_SENT, events.invoice_payload(invoice, day), actor=public(actor))
        self.db.commit()
        return invoice_dict(invoice, day)

    @rpc
    def void_invoice(self, actor, invoice_id):
        require_staff(actor)
        invoice = self._invoice(actor, invoice_id, lock=True)
        day = today(actor)
        if invoice.payments:
            raise Conflict(code="invoice_has_payments", message="An invoice with payments cannot be voided.")
        if invoice.status == "void":
            return invoice_dict(invoice, day)
        invoice.status, invoice.voided_at = "void", utcnow()
        self.events(events.INVOICE_VOIDED, events.invoice_payload(invoice, day), actor=public(actor))
        self.db.commit()
        return invoice_dict(invoice, day)
