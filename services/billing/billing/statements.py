"""Statements of account: a customer's invoices, payments and refunds in one currency over a period
(days in the organization's time zone), with a running balance and the ageing of what is open at
the end (ledger.py does the arithmetic). Staff can email it (`statement_sent`)."""

from sqlalchemy import select

from portico_kit.actors import public, require_staff
from portico_kit.errors import Invalid
from portico_kit.money import CURRENCIES
from portico_kit.rpc import rpc
from portico_kit.timeutil import parse_day

from . import events, ledger
from .documents import viewer
from .models import Invoice, Payment
from .status import today

PAYMENT_MODES = {"bank_transfer": "Bank transfer", "cash": "Cash", "cheque": "Cheque", "card": "Card",
                 "other": "Other"}


def parse_period(date_from, date_to, day):
    """(from, to): defaults to this month so far; a bad date or an inverted period is a 422."""
    fields, parsed = {}, {}
    for name, value in (("from", date_from), ("to", date_to)):
        if value in (None, ""):
            continue
        parsed[name] = parse_day(value)
        if parsed[name] is None:
            fields[name] = "Use a date like 2026-12-31 (from 1900-01-01 to 2999-12-31)."
    if fields:
        raise Invalid(code="invalid_period", message="The period is not valid.", fields=fields)
    end = parsed.get("to") or day
    start = parsed.get("from") or end.replace(day=1)
    if start > end:
        raise Invalid(code="invalid_period", message="The period starts after it ends.",
                      fields={"from": "The period starts after it ends."})
    return start, end


class StatementsMixin:

    @rpc
    def get_statement(self, actor, customer_id=None, date_from=None, date_to=None, currency=None):
        """Staff: any customer of the organization (customer_id); a customer: its own."""
        org_id, own_customer = viewer(actor)
        customer_id = own_customer or (str(customer_id) if customer_id else None)
        if not customer_id:
            raise Invalid(message="Which customer?", fields={"customer_id": "Required."})
        start, end = parse_period(date_from, date_to, today(actor))
        invoices = self.db.scalars(select(Invoice).where(
            Invoice.org_id == org_id, Invoice.customer_id == customer_id, Invoice.sent_at.is_not(None),
            Invoice.status.not_in(("draft", "void"))).order_by(Invoice.date.desc(), Invoice.created_at.desc())).all()
        currencies = sorted({i.currency for i in invoices})
        if currency:
            currency = str(currency).strip().upper()
            if currency not in CURRENCIES:
                raise Invalid(code="invalid_currency", message="Unknown currency.",
                              fields={"currency": "An ISO 4217 code, e.g. EUR."})
        else:
            currency = invoices[0].currency if invoices else (actor.get("org_currency") or "USD")
        invoices = [i for i in invoices if i.currency == currency and i.date <= end]
        entries = [ledger.Entry("invoice", i.date, i.total, i.id, i.number, f"Due {i.due_date.isoformat()}",
                                due_date=i.due_date, order=i.created_at.isoformat() if i.created_at else "",
                                ref={"document_id": i.id, "due_date": i.due_date.isoformat()}) for i in invoices]
        entries += self._statement_payments(org_id, customer_id, currency, end)
        entries += self._statement_refunds(org_id, customer_id, currency, end)
        result = ledger.as_json(ledger.statement(entries, start, end), currency)
        name = invoices[0].customer_name if invoices else None
        return dict(result, customer_id=customer_id, customer_name=name, currency=currency,
                    currencies=sorted(set(currencies) | {currency}), **{"from": start.isoformat(),
                                                                        "to": end.isoformat()})

    @rpc
    def send_statement(self, actor, customer_id, date_from=None, date_to=None, currency=None):
        """Email the statement to the customer: notifications sends the `statement` email with its PDF."""
        require_staff(actor)
        customer = self._customer_for(actor, customer_id)  # another organization's: 422 unknown_customer
        statement = self.get_statement(actor, customer["id"], date_from, date_to, currency)
        self.events(events.STATEMENT_SENT, events.statement_payload(
            statement, {"id": customer["id"], "display_name": customer["display_name"]}), actor=public(actor))
        self.db.commit()
        return {"sent": True, "customer_id": customer["id"], "from": statement["from"], "to": statement["to"],
                "currency": statement["currency"], "closing_balance": statement["closing_balance"]}

    def _statement_payments(self, org_id, customer_id, currency, end):
        rows = self.db.scalars(select(Payment).where(
            Payment.org_id == org_id, Payment.customer_id == customer_id, Payment.currency == currency,
            Payment.date <= end)).all()
        return [ledger.Entry("payment", p.date, p.amount, p.invoice_id, p.invoice_number,
                             " · ".join(part for part in (PAYMENT_MODES.get(p.mode, p.mode), p.reference) if part),
                             order=p.created_at.isoformat() if p.created_at else "",
                             ref={"document_id": p.invoice_id, "payment_id": p.id}) for p in rows]

    def _statement_refunds(self, org_id, customer_id, currency, end):
        """Refunds of payments (issue 12's billing records) once they exist; none before."""
        return []
