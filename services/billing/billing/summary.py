"""What a customer owes and has open (staff customer page, portal home); what billing holds for a
customer (customers refuses to delete one that has any)."""
import logging
from collections import defaultdict
from decimal import Decimal

from sqlalchemy import func, select

from portico_kit.actors import require_staff, system_actor
from portico_kit.errors import Invalid, NotFound, ServiceError
from portico_kit.rpc import rpc

from . import money
from .documents import viewer, visible
from .models import Invoice, Payment, Project, Quote
from .schemas import invoice_dict, quote_dict
from .status import invoice_status, quote_status, today

log = logging.getLogger(__name__)
RECENT = 10


class SummaryMixin:

    @rpc
    def customer_summary(self, actor, customer_id=None):
        org_id, own_customer = viewer(actor)
        if own_customer is None:
            if not customer_id:
                raise Invalid(message="Which customer?", fields={"customer_id": "Required."})
            own_customer = str(customer_id)
            scope = None  # staff see drafts too
        else:
            scope = own_customer
        day = today(actor)
        invoices = self.db.scalars(visible(select(Invoice), Invoice, org_id, scope)
                                   .where(Invoice.customer_id == own_customer)
                                   .order_by(Invoice.date.desc(), Invoice.created_at.desc())).all()
        quotes = self.db.scalars(visible(select(Quote), Quote, org_id, scope)
                                 .where(Quote.customer_id == own_customer)
                                 .order_by(Quote.date.desc(), Quote.created_at.desc())).all()
        unpaid = [i for i in invoices if invoice_status(i, day) in ("sent", "partially_paid", "overdue")]
        overdue = [i for i in unpaid if invoice_status(i, day) == "overdue"]
        open_quotes = [q for q in quotes if quote_status(q, day) == "sent"]
        balances, overdue_totals = defaultdict(Decimal), defaultdict(Decimal)
        for invoice in unpaid:
            balances[invoice.currency] += Decimal(invoice.balance_due)
        for invoice in overdue:
            overdue_totals[invoice.currency] += Decimal(invoice.balance_due)
        # the main currency: the one most owed in (else of the latest document)
        currency = (max(balances, key=lambda c: (balances[c], c)) if balances
                    else (invoices[0].currency if invoices else quotes[0].currency if quotes else None))
        if currency is None:
            currency = self._fallback_currency(org_id, own_customer)
        recent = sorted(
            [("invoice", i, invoice_status(i, day)) for i in invoices] +
            [("quote", q, quote_status(q, day)) for q in quotes],
            key=lambda item: (item[1].date, item[1].created_at), reverse=True)[:RECENT]
        return {
            "currency": currency,
            "balance_due": money.fmt(balances.get(currency, 0), currency),
            "balances": {c: money.fmt(v, c) for c, v in sorted(balances.items())},
            "overdue_count": len(overdue),
            "overdue_total": money.fmt(overdue_totals.get(currency, 0), currency),
            "open_quotes_count": len(open_quotes),
            "unpaid_invoices": [invoice_dict(i, day) for i in unpaid],
            "open_quotes": [quote_dict(q, day) for q in open_quotes],
            "recent": [{"type": kind, "id": doc.id, "number": doc.number, "status": status,
                        "total": money.fmt(doc.total, doc.currency), "currency": doc.currency, "date": doc.date.isoformat()}
                       for kind, doc, status in recent],
        }

    @rpc
    def count_customer_documents(self, actor, customer_id):
        """Everything billing holds for the customer, drafts included."""
        org_id = require_staff(actor)
        customer_id = str(customer_id)

        def count(model):
            return self.db.scalar(select(func.count()).select_from(model).where(
                model.org_id == org_id, model.customer_id == customer_id))
        return {"invoices": count(Invoice), "quotes": count(Quote), "payments": count(Payment),
                "projects": count(Project)}

    def _fallback_currency(self, org_id, customer_id):
        """No documents yet: the currency the customer would be billed in (None if that cannot be
        asked right now: an empty summary is still worth showing)."""
        self.db.rollback()  # no connection held while asking customers and accounts
        actor = system_actor(org_id)
        try:
            try:
                customer = self.customers.get_customer(actor, customer_id)
            except NotFound:
                customer = {}
            return self._default_currency(actor, customer)
        except ServiceError:
            log.warning("customer_summary: no currency for customer %s", customer_id, exc_info=True)
            return None
