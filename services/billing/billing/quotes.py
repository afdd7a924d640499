"""Quotes: staff create, edit, send and convert them; the customer accepts or declines."""
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import delete, select

from portico_kit.actors import public, require_customer, require_staff
from portico_kit.errors import Conflict, Invalid
from portico_kit.pagination import paginate
from portico_kit.rpc import rpc
from portico_kit.timeutil import utcnow
from portico_kit.validation import load

from . import events
from .documents import copy_lines, lines_of, set_lines, viewer, visible
from .invoices import DUE_DAYS, check_dates, search_filter
from .models import Comment, Invoice, InvoiceLine, Quote, QuoteLine, ShareLink
from .numbering import next_number
from .schemas import QuoteSchema, ReasonSchema, invoice_dict, quote_dict
from .status import QUOTE_STATUSES, quote_status, quote_status_filter, today

EXPIRY_DAYS = 30


class QuotesMixin:

    @rpc
    def create_quote(self, actor, data):
        org_id = require_staff(actor)
        data = load(QuoteSchema(), data)
        customer = self._customer_for(actor, data["customer_id"])
        currency = data.get("currency") or self._default_currency(actor, customer)
        date = data.get("date") or today(actor)
        expiry_date = data.get("expiry_date") or date + timedelta(days=EXPIRY_DAYS)
        check_dates(date, expiry_date, "expiry_date", "The expiry date cannot be before the quote date.")
        quote = Quote(org_id=org_id, customer_id=customer["id"], customer_name=customer["display_name"],
                      status="draft", date=date, expiry_date=expiry_date, currency=currency,
                      notes=data.get("notes") or "")
        set_lines(quote, QuoteLine, data["line_items"])
        quote.number = next_number(self.db, org_id, "quote")
        self.db.add(quote)
        self.db.commit()
        return quote_dict(quote, today(actor))

    @rpc
    def list_quotes(self, actor, customer_id=None, status=None, search=None, page=1, per_page=50):
        org_id, own_customer = viewer(actor)
        day = today(actor)
        query = visible(select(Quote), Quote, org_id, own_customer)
        if own_customer is None and customer_id:
            query = query.where(Quote.customer_id == str(customer_id))
        if status:
            if status not in QUOTE_STATUSES:
                raise Invalid(code="invalid_status", message="Unknown status.",
                              fields={"status": "One of " + ", ".join(QUOTE_STATUSES)})
            query = query.where(quote_status_filter(status, day))
        if search:
            query = query.where(search_filter(Quote, search))
        query = query.order_by(Quote.created_at.desc(), Quote.number.desc())
        return paginate(self.db, query, lambda row: quote_dict(row, day), page, per_page)

    @rpc
    def get_quote(self, actor, quote_id, view=None):
        return quote_dict(self._record_view(actor, "quote", self._quote(actor, quote_id), view), today(actor))

    @rpc
    def update_quote(self, actor, quote_id, data):
        require_staff(actor)
        data = load(QuoteSchema(), data, partial=True)
        customer = self._customer_for(actor, data["customer_id"]) if data.get("customer_id") else None
        quote = self._quote(actor, quote_id, lock=True)
        if quote.status not in ("draft", "sent"):
            raise Conflict(code="quote_not_editable", message=f"An {quote.status} quote cannot be edited."
                           if quote.status in ("accepted", "invoiced") else "A declined quote cannot be edited.")
        if customer is not None:
            quote.customer_id, quote.customer_name = customer["id"], customer["display_name"]
        currency_changed = bool(data.get("currency")) and data["currency"] != quote.currency
        for key in ("date", "expiry_date", "currency"):
            if data.get(key):
                setattr(quote, key, data[key])
        if "notes" in data:
            quote.notes = data["notes"] or ""
        check_dates(quote.date, quote.expiry_date, "expiry_date", "The expiry date cannot be before the quote date.")
        if "line_items" in data or currency_changed:
            set_lines(quote, QuoteLine, data["line_items"] if "line_items" in data else lines_of(quote))
        quote.updated_at = utcnow()
        self.db.commit()
        return quote_dict(quote, today(actor))

    @rpc
    def delete_quote(self, actor, quote_id):
        require_staff(actor)
        quote = self._quote(actor, quote_id, lock=True)
        if quote.status == "invoiced":
            raise Conflict(code="quote_not_deletable", message="An invoiced quote cannot be deleted.")
        self.db.execute(delete(Comment).where(Comment.doc_type == "quote", Comment.doc_id == quote.id))
        self.db.execute(delete(ShareLink).where(ShareLink.doc_type == "quote", ShareLink.doc_id == quote.id))
        self.db.delete(quote)
        self.db.commit()
        return {"deleted": True, "id": quote.id}

    @rpc
    def send_quote(self, actor, quote_id):
        require_staff(actor)
        quote = self._quote(actor, quote_id, lock=True)
        if quote.status not in ("draft", "sent"):
            raise Conflict(code="quote_not_sendable", message=f"A quote that is {quote.status} cannot be sent.")
        now = utcnow()
        quote.status, quote.sent_at, quote.updated_at = "sent", quote.sent_at or now, now
        day = today(actor)
        self.events(events.QUOTE_SENT, events.quote_payload(quote, day), actor=public(actor))
        self.db.commit()
        return quote_dict(quote, day)

    @rpc
    def convert_quote(self, actor, quote_id):
        """An accepted (or sent) quote becomes a draft invoice with the same lines."""
        org_id = require_staff(actor)
        quote = self._quote(actor, quote_id, lock=True)
        if quote.status not in ("accepted", "sent"):
            raise Conflict(code="quote_not_convertible",
                           message="Only a sent or accepted quote can be converted to an invoice.")
        day = today(actor)
        invoice = Invoice(org_id=org_id, customer_id=quote.customer_id, customer_name=quote.customer_name,
                          status="draft", date=day, due_date=day + timedelta(days=DUE_DAYS),
                          currency=quote.currency, notes=quote.notes or "", quote_id=quote.id,
                          amount_paid=Decimal(0))
        copy_lines(quote, invoice, InvoiceLine)
        invoice.balance_due = invoice.total
        invoice.number = next_number(self.db, org_id, "invoice")
        self.db.add(invoice)
        self.db.flush()
        quote.status, quote.invoice_id, quote.updated_at = "invoiced", invoice.id, utcnow()
        self.db.commit()
        return invoice_dict(invoice, day)

    @rpc
    def accept_quote(self, actor, quote_id, data=None):
        return self._answer_quote(actor, quote_id, data, accept=True)

    @rpc
    def decline_quote(self, actor, quote_id, data=None):
        return self._answer_quote(actor, quote_id, data, accept=False)

    def _answer_quote(self, actor, quote_id, data, accept):
        require_customer(actor)
        data = load(ReasonSchema(), data if data is not None else {})
        quote = self._quote(actor, quote_id, lock=True)
        day = today(actor)
        if quote_status(quote, day) != "sent":
            raise Conflict(code="quote_not_open", message="This quote can no longer be accepted or declined.")
        now = utcnow()
        reason = data.get("reason") or None
        if accept:
            quote.status, quote.accepted_at = "accepted", now
            payload = events.quote_payload(quote, day)
            event_type = events.QUOTE_ACCEPTED
        else:
            quote.status, quote.declined_at, quote.decline_reason = "declined", now, reason
            payload = events.quote_payload(quote, day, reason=reason, with_reason=True)
            event_type = events.QUOTE_DECLINED
        quote.updated_at = now
        self.events(event_type, payload, actor=public(actor))
        self.db.commit()
        return quote_dict(quote, day)
