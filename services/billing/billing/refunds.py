"""Refunds: staff give a payment back, fully or partly; Stripe's own refunds (its dashboard) are
picked up from webhooks.

A refund is reserved before Stripe is called: the refund row (`pending`), the payment's
`amount_refunded` and the invoice's balance change in one committed transaction under row locks, so
two refunds at once can never exceed what was paid. Stripe gets `portico-re-<refund id>` as its
idempotency key and the refund's id in its metadata, which is how a `charge.refunded` webhook tells
our refunds from the dashboard's. A refund Stripe refuses is rolled back (status `failed`).
"""
import logging
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portico_kit.actors import public, require_staff, system_actor
from portico_kit.errors import Invalid, NotFound, ServiceError
from portico_kit.rpc import rpc
from portico_kit.validation import load

from . import events, ledger, money
from .documents import viewer
from .invoices import settle_status
from .models import Invoice, Payment, Refund
from .schemas import RefundSchema, refund_dict
from .status import today
from .stripe_provider import from_stripe_amount, to_stripe_amount

log = logging.getLogger(__name__)


def refundable(payment):
    return Decimal(payment.amount) - Decimal(payment.amount_refunded or 0)


def refund_plan(payment, data):
    """(amount, through Stripe?) of a refund of this payment, or the 422 that refuses it: no more
    than what is left of it, in the currency's digits (and Stripe's, for a Stripe payment)."""
    amount = data.get("amount") or refundable(payment)
    money.check_digits(payment.currency, {"amount": amount})
    left = refundable(payment)
    if amount <= 0 or amount > left:
        raise Invalid(code="amount_exceeds_refundable",
                      message=f"At most {money.fmt(left, payment.currency)} {payment.currency} of this payment "
                              f"can be refunded.", fields={"amount": f"At most {money.fmt(left, payment.currency)}."})
    through_stripe = payment.provider == "stripe"
    if through_stripe:
        to_stripe_amount(amount, payment.currency)  # a KWD amount Stripe cannot take: 422 before anything
    return amount, through_stripe


class RefundsMixin:

    @rpc
    def refund_payment(self, actor, payment_id, data, idempotency_key=None):
        """Staff refund (part of) a payment: through Stripe for a Stripe payment, recorded for the
        others. 422 amount_exceeds_refundable above what is left of it. The same idempotency key
        again (a double submit, a retry) answers the first refund of this payment made with it."""
        org_id = require_staff(actor)
        data = load(RefundSchema(), data)
        key = str(idempotency_key)[:255] if idempotency_key else None
        payment = self._locked_payment(org_id, payment_id)
        if key:
            made = self.db.scalars(select(Refund).where(Refund.payment_id == payment.id,
                                                        Refund.request_key == key)).first()
            if made is not None:
                asked = data.get("amount")
                answer = refund_dict(made)
                self.db.rollback()
                if asked is not None and Decimal(asked) != Decimal(answer["amount"]):
                    raise Invalid(code="idempotency_key_reused",
                                  message="This Idempotency-Key was already used for a different refund; use a new key.",
                                  fields={"idempotency_key": "Used for a different refund."})
                return answer
        amount, through_stripe = refund_plan(payment, data)
        try:
            refund = self._apply_refund(payment, amount, reason=data.get("reason") or "", source="staff",
                                        status="pending" if through_stripe else "succeeded", day=today(actor),
                                        request_key=key)
        except IntegrityError:  # the same key at the same moment (no row lock on SQLite): the first one's
            self.db.rollback()
            return refund_dict(self.db.scalars(select(Refund).where(Refund.payment_id == str(payment_id),
                                                                    Refund.request_key == key)).one())
        refund_id, intent_id = refund.id, payment.charge_id
        if not through_stripe:
            self._refund_recorded(refund, payment, actor)
            self.db.commit()
            if payment.provider == "test" and payment.charge_id:  # the sandbox's ledger, like a dashboard
                self.payments_provider.refund(payment.charge_id, amount, payment.currency)
            return refund_dict(refund)
        self.db.commit()  # reserved: no connection held while Stripe is called
        try:
            answer = self._stripe().refund(intent_id, to_stripe_amount(amount, payment.currency),
                                           idempotency_key=f"portico-re-{refund_id}",
                                           metadata={"portico_refund_id": refund_id, "portico_org_id": org_id})
        except ServiceError:
            self._undo_refund(refund_id)
            raise
        refund = self._locked_refund(refund_id)
        refund.provider_refund_id = answer["id"]
        if answer["status"] in ("failed", "canceled"):
            self.db.commit()
            self._undo_refund(refund_id)
            refund = self._locked_refund(refund_id)
            self.db.commit()
        else:
            refund.status = "pending" if answer["status"] == "pending" else "succeeded"
            self._refund_recorded(refund, refund.payment, actor)
            self.db.commit()
        return refund_dict(refund)

    @rpc
    def preview_refund(self, actor, payment_id, data):
        """What refund_payment would do, without doing it (the staff page's confirmation step):
        {payment_id, amount, currency, refundable, through_stripe}, or the very refusal it would give."""
        org_id = require_staff(actor)
        data = load(RefundSchema(), data)
        payment = self.db.scalars(select(Payment).where(Payment.id == str(payment_id),
                                                        Payment.org_id == org_id)).first()
        if payment is None:
            raise NotFound(code="payment_not_found", message="This payment was not found.")
        amount, through_stripe = refund_plan(payment, data)
        answer = {"payment_id": payment.id, "amount": money.fmt(amount, payment.currency), "currency": payment.currency,
                  "refundable": money.fmt(refundable(payment), payment.currency), "through_stripe": through_stripe}
        self.db.rollback()
        return answer

    @rpc
    def list_refunds(self, actor, payment_id=None, invoice_id=None):
        org_id, own_customer = viewer(actor)
        query = select(Refund).where(Refund.org_id == org_id)
        if own_customer is not None:
            query = query.where(Refund.customer_id == own_customer)
        if payment_id:
            query = query.where(Refund.payment_id == str(payment_id))
        if invoice_id:
            query = query.where(Refund.invoice_id == str(invoice_id))
        return {"items": [refund_dict(r) for r in self.db.scalars(query.order_by(Refund.created_at)).all()]}

    # -- shared --------------------------------------------------------------------------------

    def _locked_payment(self, org_id, payment_id):
        payment = self.db.scalars(select(Payment).where(Payment.id == str(payment_id), Payment.org_id == org_id)
                                  .with_for_update().execution_options(populate_existing=True)).first()
        if payment is None:
            raise NotFound(code="payment_not_found", message="This payment was not found.")
        return payment

    def _locked_refund(self, refund_id):
        return self.db.scalars(select(Refund).where(Refund.id == refund_id).with_for_update()
                               .execution_options(populate_existing=True)).one()

    def _apply_refund(self, payment, amount, reason, source, status, day, provider_refund_id=None, request_key=None):
        """The refund row, and the money back on the payment and the invoice (not committed)."""
        invoice = self.db.scalars(select(Invoice).where(Invoice.id == payment.invoice_id).with_for_update()
                                  .execution_options(populate_existing=True)).one()
        refund = Refund(org_id=payment.org_id, payment_id=payment.id, invoice_id=payment.invoice_id,
                        customer_id=payment.customer_id, amount=amount, currency=payment.currency, reason=reason,
                        status=status, source=source, provider_refund_id=provider_refund_id, date=day,
                        request_key=request_key)
        self.db.add(refund)
        payment.amount_refunded = Decimal(payment.amount_refunded or 0) + amount
        invoice.amount_paid = Decimal(invoice.amount_paid) - amount
        settle_status(invoice)
        self.db.flush()
        return refund

    def _undo_refund(self, refund_id):
        """Stripe refused or failed: the reserved money goes back on the payment, the refund fails."""
        refund = self._locked_refund(refund_id)
        if refund.status == "failed":
            self.db.rollback()
            return
        payment = self._locked_payment(refund.org_id, refund.payment_id)
        invoice = self.db.scalars(select(Invoice).where(Invoice.id == payment.invoice_id).with_for_update()
                                  .execution_options(populate_existing=True)).one()
        payment.amount_refunded = Decimal(payment.amount_refunded) - Decimal(refund.amount)
        invoice.amount_paid = Decimal(invoice.amount_paid) + Decimal(refund.amount)
        settle_status(invoice)
        refund.status = "failed"
        self.db.commit()

    def _refund_recorded(self, refund, payment, actor):
        invoice = payment.invoice
        self.events(events.PAYMENT_REFUNDED, events.refund_payload(refund, payment, invoice, refund.date),
                    actor=public(actor))

    def _sync_stripe_refunds(self, intent_id, charge_id):
        """A charge.refunded (or refund.*) webhook: record Stripe's refunds of this payment that we do
        not have yet (made in its dashboard), once each however often the event comes."""
        if not intent_id and not charge_id:
            return
        payment = self.db.scalars(select(Payment).where(Payment.charge_id == intent_id)).first() if intent_id else None
        if payment is None:
            return  # not ours
        payment_id, org_id = payment.id, payment.org_id
        self.db.rollback()
        charge = charge_id or self._stripe().retrieve_intent(intent_id).charge_id
        found = self._stripe().refunds_of_charge(charge) if charge else []
        for remote in found:
            if remote["status"] in ("failed", "canceled"):
                continue
            ours = remote["metadata"].get("portico_refund_id")
            if ours or self.db.scalar(select(Refund.id).where(Refund.provider_refund_id == remote["id"])):
                self.db.rollback()
                continue  # made by Portico (recorded when it was made), or recorded before
            payment = self._locked_payment(org_id, payment_id)
            amount = min(from_stripe_amount(remote["amount"], payment.currency), refundable(payment))
            if amount <= 0:
                self.db.rollback()
                continue
            actor = system_actor(org_id, "Stripe")
            try:
                refund = self._apply_refund(payment, amount, reason="Refunded in Stripe", source="stripe",
                                            status="succeeded", day=today(actor), provider_refund_id=remote["id"])
                self._refund_recorded(refund, payment, actor)
                self.db.commit()
            except IntegrityError:  # the same refund from a webhook delivered at the same moment
                self.db.rollback()

    def _statement_refunds(self, org_id, customer_id, currency, end):
        """Refunds on the statement of account: each one gives its amount back to the invoice's balance."""
        rows = self.db.scalars(select(Refund).where(
            Refund.org_id == org_id, Refund.customer_id == customer_id, Refund.currency == currency,
            Refund.status != "failed", Refund.date <= end)).all()
        return [ledger.Entry("refund", r.date, r.amount, r.invoice_id, r.payment.invoice_number,
                             r.reason or "Refund", order=r.created_at.isoformat() if r.created_at else "",
                             ref={"document_id": r.invoice_id, "payment_id": r.payment_id, "refund_id": r.id})
                for r in rows]
