"""Payments: staff record them; a customer pays by card in the portal, charged exactly once.

Idempotency of `pay_invoice` (the key is per customer):
1. A key seen before answers as it did then: the same payment, or the same error (a declined card
   stays declined for that key). With another invoice or amount it is 409 idempotency_key_reused.
2. Otherwise the key is claimed by inserting a `pending` PaymentAttempt and COMMITTING before the
   card is charged. A concurrent request with the same key fails on the unique constraint, then
   polls the row until the first request finishes, and answers with its result.
3. After the charge, the invoice is locked and its balance checked again: if it changed meanwhile
   (another payment, voided) the charge is refunded and the request fails clearly.
4. An attempt left pending by a crashed worker is resumed by a later retry (see `_replay`).
"""
import hashlib
import logging
from datetime import timedelta
from decimal import Decimal

import eventlet
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from portico_kit.actors import public, require_customer, require_staff
from portico_kit.errors import Conflict, Invalid, NotFound, PaymentRequired, ServiceError
from portico_kit.pagination import paginate
from portico_kit.rpc import rpc
from portico_kit.timeutil import aware, utcnow
from portico_kit.validation import load

from . import config, events, money
from .documents import viewer
from .invoices import settle_status
from .models import Payment, PaymentAttempt
from .processor import check_card
from .schemas import PayInvoiceSchema, RecordPaymentSchema, payment_dict
from .status import OPEN_INVOICE, today

log = logging.getLogger(__name__)
ERRORS_BY_STATUS = {402: PaymentRequired, 404: NotFound, 409: Conflict, 422: Invalid}


def not_payable(note=""):
    return Conflict(code="invoice_not_payable", message="Only a sent, unpaid invoice can be paid." + note)


def exceeds_balance(balance, currency, note=""):
    return Invalid(code="amount_exceeds_balance",
                   message=f"The amount is more than the balance due ({money.fmt(balance, currency)} {currency}).{note}",
                   fields={"amount": f"At most {money.fmt(balance, currency)}."})


def fingerprint(invoice_id, amount):
    """What a retry must repeat: the invoice and the amount asked for (absent: the balance)."""
    asked = money.fmt(amount, None) if amount is not None else "balance"
    return hashlib.sha256(f"{invoice_id}|{asked}".encode()).hexdigest()


def check_payable(invoice, amount, note=""):
    """Only a sent (or partially paid, or overdue) invoice, never above its balance, and in the
    invoice currency's own decimals (422 invalid_amount: "30.3755" KWD, "12.5" JPY)."""
    if invoice.status not in OPEN_INVOICE:
        raise not_payable(note)
    money.check_digits(invoice.currency, {"amount": amount})
    if amount > Decimal(invoice.balance_due):
        raise exceeds_balance(invoice.balance_due, invoice.currency, note)


def apply_payment(invoice, amount):
    invoice.amount_paid = Decimal(invoice.amount_paid) + amount
    settle_status(invoice)
    invoice.updated_at = utcnow()


def load_payment(data):
    """The Pay form's data, or one 422 naming every bad card field: an empty expiry month must not
    hide that the number and the security code are empty too."""
    try:
        return load(PayInvoiceSchema(), data)
    except Invalid as exc:
        card = data.get("card") if isinstance(data, dict) else None
        if isinstance(card, dict):
            try:
                check_card(card)
            except Invalid as card_exc:
                raise Invalid(code=exc.code, message=exc.message, fields=dict(card_exc.fields, **exc.fields))
        raise


class PaymentsMixin:

    @rpc
    def record_payment(self, actor, data, idempotency_key=None):
        """Staff record a payment received (cash, transfer ...) against a sent invoice. With the
        client's Idempotency-Key, a retry (its first answer lost: a 503 or 504 that in fact
        recorded it) answers the payment recorded with it instead of recording a second one."""
        org_id = require_staff(actor)
        data = load(RecordPaymentSchema(), data)
        key = f"{actor.get('user_id') or ''}:{str(idempotency_key)[:255]}" if idempotency_key else None
        if key is not None:
            made = self._recorded_with(org_id, key)
            if made is not None:
                return made
        invoice = self._invoice(actor, data["invoice_id"], lock=True)
        if invoice.customer_id != data["customer_id"]:
            raise NotFound(code="invoice_not_found", message="This customer has no such invoice.")
        check_payable(invoice, data["amount"])
        day = today(actor)
        try:
            payment = self._new_payment(org_id, invoice, data["amount"], date=data.get("date") or day,
                                        mode=data["mode"], reference=data.get("reference") or "", source="staff",
                                        request_key=key)
        except IntegrityError:  # the same key at the same moment: the other call recorded it
            self.db.rollback()
            made = self._recorded_with(org_id, key) if key is not None else None
            if made is None:
                raise
            return made
        self.events(events.PAYMENT_RECORDED,
                    events.payment_payload(payment, invoice, day, request_review=data.get("request_review")),
                    actor=public(actor))
        self.db.commit()
        return payment_dict(payment)

    @rpc
    def pay_invoice(self, actor, invoice_id, data, idempotency_key):
        """The customer pays an invoice by card; see the module docstring for idempotency."""
        org_id = require_customer(actor)
        customer_id = str(actor["customer_id"])
        if getattr(self.payments_provider, "name", "") != "test":  # card numbers never reach Portico then
            raise Conflict(code="use_payment_intents",
                           message="This portal takes cards through Stripe: pay with /payment-intents.")
        if not isinstance(idempotency_key, str) or not 1 <= len(idempotency_key) <= 255:
            raise Invalid(code="idempotency_key_required", message="An idempotency key (1-255 characters) is required.",
                          fields={"idempotency_key": "Required, 1-255 characters."})
        data = load_payment(data)
        print_ = fingerprint(str(invoice_id), data.get("amount"))
        attempt = self._attempt(org_id, customer_id, idempotency_key)
        if attempt is not None:
            return self._replay(actor, attempt, print_, data["card"])

        invoice = self._invoice(actor, invoice_id)
        amount = data.get("amount") or Decimal(invoice.balance_due)
        check_payable(invoice, amount)
        check_card(data["card"])  # a malformed card is a 422 and does not use up the key

        attempt = PaymentAttempt(org_id=org_id, customer_id=customer_id, key=idempotency_key,
                                 fingerprint=print_, invoice_id=invoice.id, amount=amount,
                                 currency=invoice.currency, status="pending")
        self.db.add(attempt)
        try:
            self.db.commit()  # claimed before charging; also releases the connection during the charge
        except IntegrityError:  # the same key at the same moment: answer as that request does
            self.db.rollback()
            return self._replay(actor, self._attempt(org_id, customer_id, idempotency_key), print_, data["card"])
        return self._charge_and_apply(actor, attempt, data["card"])

    def _charge_and_apply(self, actor, attempt, card):
        """Charge the claimed attempt's amount, then write the payment, or refund if the invoice
        can no longer take it. Called with the attempt committed as `pending` and no connection held."""
        attempt_id, amount, currency = attempt.id, Decimal(attempt.amount), attempt.currency
        try:
            # the processor is given a key of ours: charging again under it returns the first charge
            charge = self.payments_provider.charge(card, amount, currency, f"{attempt.org_id}:{attempt_id}",
                                                   description=f"Invoice payment {attempt.invoice_id}")
        except ServiceError as exc:
            self._fail(attempt_id, exc)
            raise
        except Exception:  # the processor broke (not a decline): the customer sees a retry, ops the cause
            log.exception("card processor failed on payment attempt %s", attempt_id)
            error = PaymentRequired(code="payment_failed", message="The payment could not be processed; try again.")
            self._fail(attempt_id, error)
            raise error

        attempt = self._locked_attempt(attempt_id)
        if attempt.status != "pending":  # a resumed attempt raced the original, which finished first
            return self._answer(attempt)
        try:
            # the balance may have moved while the card was charged (another payment, a void, a delete)
            invoice = self._invoice(actor, attempt.invoice_id, lock=True)
            check_payable(invoice, amount, note=" The card charge was refunded.")
        except ServiceError as problem:
            self.db.rollback()
            self.payments_provider.refund(charge.charge_id, amount, currency)
            self._fail(attempt_id, problem, charge_id=charge.charge_id)
            raise problem

        day = today(actor)
        payment = self._new_payment(attempt.org_id, invoice, amount, date=day, mode="card",
                                    reference=charge.charge_id, source="portal", card_brand=charge.brand,
                                    card_last4=charge.last4, charge_id=charge.charge_id, provider="test")
        attempt.status, attempt.payment_id, attempt.charge_id = "succeeded", payment.id, charge.charge_id
        self.events(events.PAYMENT_RECORDED, events.payment_payload(payment, invoice, day), actor=public(actor))
        self.db.commit()
        return payment_dict(payment)

    @rpc
    def list_payments(self, actor, customer_id=None, invoice_id=None, page=1, per_page=50):
        org_id, own_customer = viewer(actor)
        query = select(Payment).where(Payment.org_id == org_id)
        if own_customer is not None:
            query = query.where(Payment.customer_id == own_customer)
        elif customer_id:
            query = query.where(Payment.customer_id == str(customer_id))
        if invoice_id:
            query = query.where(Payment.invoice_id == str(invoice_id))
        query = query.order_by(Payment.created_at.desc(), Payment.id)
        return paginate(self.db, query, payment_dict, page, per_page)

    @rpc
    def get_payment(self, actor, payment_id):
        """One payment (a customer: its own) with its invoice and the balance left after it: the receipt."""
        org_id, own_customer = viewer(actor)
        payment = self.db.get(Payment, str(payment_id))
        if payment is None or payment.org_id != org_id or (own_customer and payment.customer_id != own_customer):
            raise NotFound(code="payment_not_found", message="This payment was not found.")
        invoice = payment.invoice
        paid_up_to = sum((Decimal(p.amount) for p in invoice.payments
                          if (p.created_at, p.id) <= (payment.created_at, payment.id)), Decimal(0))
        return dict(payment_dict(payment), balance_after=money.fmt(Decimal(invoice.total) - paid_up_to, invoice.currency),
                    invoice={"id": invoice.id, "number": invoice.number, "date": invoice.date.isoformat(),
                             "due_date": invoice.due_date.isoformat(), "total": money.fmt(invoice.total, invoice.currency),
                             "balance_due": money.fmt(invoice.balance_due, invoice.currency)})

    # -- helpers -------------------------------------------------------------------------------

    def _recorded_with(self, org_id, key):
        payment = self.db.scalars(select(Payment).where(Payment.org_id == org_id, Payment.request_key == key)).first()
        answer = payment_dict(payment) if payment is not None else None
        self.db.commit()
        return answer

    def _new_payment(self, org_id, invoice, amount, **fields):
        payment = Payment(org_id=org_id, invoice_id=invoice.id, invoice_number=invoice.number,
                          customer_id=invoice.customer_id, customer_name=invoice.customer_name,
                          amount=amount, currency=invoice.currency, **fields)
        self.db.add(payment)
        apply_payment(invoice, amount)
        self.db.flush()
        return payment

    def _attempt(self, org_id, customer_id, key):
        return self.db.scalars(select(PaymentAttempt).where(
            PaymentAttempt.org_id == org_id, PaymentAttempt.customer_id == customer_id,
            PaymentAttempt.key == key).execution_options(populate_existing=True)).first()

    def _locked_attempt(self, attempt_id):
        return self.db.scalars(select(PaymentAttempt).where(PaymentAttempt.id == attempt_id)
                               .with_for_update().execution_options(populate_existing=True)).one()

    def _fail(self, attempt_id, error, charge_id=None):
        attempt = self._locked_attempt(attempt_id)
        attempt.status = "failed"
        attempt.error_status, attempt.error_code, attempt.error_message = error.status, error.code, error.message
        attempt.charge_id = charge_id or attempt.charge_id
        self.db.commit()

    def _replay(self, actor, attempt, print_, card):
        """Answer a repeated key as the first request did, waiting while it is still running.

        An attempt left `pending` longer than PAYMENT_STALE_SECONDS lost its worker (a crash between
        claiming and finishing): one retry takes it over and resumes it. That is safe because the
        processor returns the first charge for the attempt's key instead of charging twice, and the
        payment is written only while the attempt is still pending under a row lock.
        """
        if attempt.fingerprint != print_:
            raise Conflict(code="idempotency_key_reused",
                           message="This idempotency key was used for another payment.")
        taken_over = False
        with eventlet.Timeout(config.payment_wait_seconds(), False):
            while attempt.status == "pending":
                if self._take_over(attempt):
                    taken_over = True
                    break
                self.db.rollback()  # hold no connection (nor snapshot) while waiting
                eventlet.sleep(0.05)
                attempt = self._attempt(attempt.org_id, attempt.customer_id, attempt.key)
        if taken_over:  # outside the wait's timeout: the charge must not be interrupted
            return self._charge_and_apply(actor, attempt, card)
        if attempt.status == "pending":
            raise Conflict(code="payment_in_progress",
                           message="This payment is still being processed; try again in a moment.")
        return self._answer(attempt)

    def _answer(self, attempt):
        """A finished attempt's answer: its payment, or the error it ended with."""
        if attempt.status == "failed":
            error_class = ERRORS_BY_STATUS.get(attempt.error_status, PaymentRequired)
            raise error_class(code=attempt.error_code, message=attempt.error_message)
        return payment_dict(self.db.get(Payment, attempt.payment_id))

    def _take_over(self, attempt):
        """Claim a stale pending attempt for this request; only one request can (compare-and-set)."""
        if aware(attempt.updated_at) > utcnow() - timedelta(seconds=config.payment_stale_seconds()):
            return False
        claimed = self.db.execute(update(PaymentAttempt).where(
            PaymentAttempt.id == attempt.id, PaymentAttempt.status == "pending",
            PaymentAttempt.resumed == attempt.resumed).values(resumed=attempt.resumed + 1, updated_at=utcnow()))
        self.db.commit()
        if claimed.rowcount != 1:
            return False
        log.warning("payment attempt %s was left pending; resuming it", attempt.id)
        return True
