"""Online payments with Stripe: SetupIntents to collect a card, PaymentIntents created and confirmed
on the server, webhooks, and reconciliation of attempts left pending.

One PaymentAttempt per Idempotency-Key (per customer), claimed (committed) before Stripe is called;
Stripe gets a key of ours per attempt (`portico-pi-<attempt id>`), so a library retry never charges
twice, and a declined card's attempt ends `failed` while the browser retries under a new key.

A succeeded intent becomes a payment in `_settle_intent`, the one place that writes it, called by the
customer's request, by the customer's return after 3-D Secure, by webhooks and by reconciliation,
in any order and any number of times: the attempt row is locked, a settled attempt is left alone,
and `payments.charge_id` (the intent id) is unique as the last guard.
"""
import hashlib
import logging
from datetime import timedelta
from decimal import Decimal

import eventlet
from nameko.timer import timer
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portico_kit.actors import public, require_customer, system_actor
from portico_kit.config import env_float
from portico_kit.errors import Conflict, Invalid, NotFound, PaymentRequired, ServiceError
from portico_kit.rpc import rpc
from portico_kit.timeutil import utcnow
from portico_kit.validation import load

from . import config, events, money
from .models import Invoice, Payment, PaymentAttempt, SavedCard, StripeCustomer, StripeEvent
from .payments import ERRORS_BY_STATUS, check_payable
from .schemas import PaymentIntentSchema
from .status import OPEN_INVOICE, today
from .stripe_provider import chargeable_balance, from_stripe_amount, to_stripe_amount

log = logging.getLogger(__name__)
OPEN_ATTEMPT = ("pending", "requires_action", "processing")
INTENT_EVENTS = ("payment_intent.succeeded", "payment_intent.payment_failed", "payment_intent.processing",
                 "payment_intent.requires_action", "payment_intent.canceled")
REFUND_EVENTS = ("charge.refunded", "charge.refund.updated", "refund.created", "refund.updated")


def check_key(idempotency_key):
    if not isinstance(idempotency_key, str) or not 1 <= len(idempotency_key) <= 255:
        raise Invalid(code="idempotency_key_required", message="An idempotency key (1-255 characters) is required.",
                      fields={"idempotency_key": "Required, 1-255 characters."})


def intent_fingerprint(invoice_id, amount, method_id):
    asked = money.fmt(amount, None) if amount is not None else "balance"
    return hashlib.sha256(f"intent|{invoice_id}|{asked}|{method_id}".encode()).hexdigest()


def intent_answer(attempt):
    """The portal's view of an attempt: {id, provider, status, client_secret, amount, currency}."""
    answer = {"id": attempt.intent_id or attempt.id, "provider": attempt.provider,
              "status": "processing" if attempt.status == "pending" else attempt.status,
              "client_secret": attempt.client_secret if attempt.status == "requires_action" else None,
              "amount": money.fmt(attempt.amount, attempt.currency), "currency": attempt.currency,
              "invoice_id": attempt.invoice_id, "payment_id": attempt.payment_id}
    if attempt.status == "failed":
        answer["error"] = {"code": attempt.error_code, "message": attempt.error_message}
    return answer


def stripe_metadata(attempt):
    return {"portico_org_id": attempt.org_id, "portico_customer_id": attempt.customer_id,
            "portico_invoice_id": attempt.invoice_id, "portico_attempt_id": attempt.id}


class OnlinePaymentsMixin:

    # -- configuration ----------------------------------------------------------------------------

    def _stripe(self):
        provider = self.payments_provider
        if getattr(provider, "name", "") != "stripe":
            raise Conflict(code="online_payments_unavailable",
                           message="Online card payments through Stripe are not set up for this portal.")
        return provider

    @rpc
    def payment_config(self, actor):
        """What the portal's Pay page needs: the provider, and for Stripe its publishable key and the
        Stripe.js address (never the secret key)."""
        require_customer(actor)
        provider = self.payments_provider
        if getattr(provider, "name", "") != "stripe":
            return {"provider": "test"}
        return {"provider": "stripe", "publishable_key": provider.publishable_key, "js_url": provider.js_url}

    # -- collecting a card ---------------------------------------------------------------------

    @rpc
    def create_setup_intent(self, actor):
        """A SetupIntent on the customer's Stripe Customer: the browser confirms it with the card
        Element (`confirmCardSetup`) and gets the PaymentMethod id to pay with."""
        org_id = require_customer(actor)
        provider = self._stripe()
        stripe_customer = self._stripe_customer(actor)
        intent = provider.create_setup_intent(stripe_customer, {"portico_org_id": org_id,
                                                                "portico_customer_id": str(actor["customer_id"])})
        return {"client_secret": intent["client_secret"], "publishable_key": provider.publishable_key}

    def _stripe_customer(self, actor, name=None):
        """The Stripe Customer id of the actor's customer, created on first use. Commits; holds no
        connection while Stripe is called."""
        org_id, customer_id = actor["org_id"], str(actor["customer_id"])
        row = self.db.get(StripeCustomer, (org_id, customer_id))
        if row is not None:
            return row.stripe_customer_id
        self.db.rollback()
        created = self._stripe().create_customer(
            name or actor.get("customer_name") or actor.get("name") or "", actor.get("email"),
            {"portico_org_id": org_id, "portico_customer_id": customer_id},
            idempotency_key=f"portico-cus-{org_id}-{customer_id}")
        self.db.add(StripeCustomer(org_id=org_id, customer_id=customer_id, stripe_customer_id=created))
        try:
            self.db.commit()
        except IntegrityError:  # created at the same moment by another request: theirs stands
            self.db.rollback()
            return self.db.get(StripeCustomer, (org_id, customer_id)).stripe_customer_id
        return created

    def _usable_method(self, org_id, customer_id, method_id, stripe_customer):
        """The card to charge: a saved card of this customer, or a fresh one from a SetupIntent of
        theirs. Another customer's card is 404, as if it did not exist."""
        unknown = NotFound(code="payment_method_not_found", message="This card was not found; enter it again.")
        if not isinstance(method_id, str) or not method_id.startswith("pm_"):
            raise unknown
        saved = self.db.get(SavedCard, method_id)
        if saved is not None and (saved.org_id, saved.customer_id) != (org_id, customer_id):
            raise unknown
        self.db.rollback()
        method = self._stripe().payment_method(method_id)
        if method is None or method["customer"] not in (None, stripe_customer):
            raise unknown
        return method

    # -- paying --------------------------------------------------------------------------------

    @rpc
    def create_payment_intent(self, actor, invoice_id, data, idempotency_key):
        """Create and confirm a PaymentIntent for (part of) the invoice's balance in one call; see the
        module docstring. The same key again answers with the same intent."""
        org_id = require_customer(actor)
        customer_id = str(actor["customer_id"])
        check_key(idempotency_key)
        self._stripe()
        data = load(PaymentIntentSchema(), data)
        method_id = data["payment_method_id"]
        print_ = intent_fingerprint(str(invoice_id), data.get("amount"), method_id)
        attempt = self._attempt(org_id, customer_id, idempotency_key)
        if attempt is not None:
            return self._intent_replay(attempt, print_)

        invoice = self._invoice(actor, invoice_id)
        amount = data.get("amount") or chargeable_balance(invoice.balance_due, invoice.currency)
        check_payable(invoice, amount)
        to_stripe_amount(amount, invoice.currency)  # a KWD amount not ending in 0 is a 422 before any call
        currency, invoice_ref = invoice.currency, invoice.id
        self.db.rollback()
        stripe_customer = self._stripe_customer(actor, name=invoice.customer_name)
        method = self._usable_method(org_id, customer_id, method_id, stripe_customer)
        if data.get("save_card") and method["customer"] is None:  # kept on their Stripe Customer, for autopay
            self._stripe().attach(method["id"], stripe_customer)
            method = dict(method, customer=stripe_customer)

        attempt = PaymentAttempt(org_id=org_id, customer_id=customer_id, key=idempotency_key, fingerprint=print_,
                                 invoice_id=invoice_ref, amount=amount, currency=currency, status="pending",
                                 provider="stripe", payment_method_id=method["id"],
                                 save_card=bool(data.get("save_card")), kind="portal",
                                 timezone=actor.get("org_timezone") or "UTC")
        self.db.add(attempt)
        try:
            self.db.commit()
        except IntegrityError:  # the same key at the same moment: answer as that request does
            self.db.rollback()
            return self._intent_replay(self._attempt(org_id, customer_id, idempotency_key), print_)
        return self._confirm_attempt(attempt, stripe_customer, method)

    def _confirm_attempt(self, attempt, stripe_customer, method, off_session=False):
        """Call Stripe for a claimed attempt, then settle what it answered. Returns intent_answer."""
        attempt_id = attempt.id
        provider = self._stripe()
        try:
            intent = provider.create_intent(to_stripe_amount(attempt.amount, attempt.currency), attempt.currency,
                                            method["id"], stripe_customer, stripe_metadata(attempt),
                                            idempotency_key=f"portico-pi-{attempt_id}", off_session=off_session)
        except ServiceError as exc:
            self._fail(attempt_id, exc)
            raise
        except Exception:
            log.exception("stripe payment of attempt %s failed", attempt_id)
            error = PaymentRequired(code="payment_failed", message="The payment could not be processed; try again.")
            self._fail(attempt_id, error)
            raise error
        attempt = self._settle_intent(attempt_id, intent, method)
        if attempt.status == "failed":
            error_class = ERRORS_BY_STATUS.get(attempt.error_status, PaymentRequired)
            raise error_class(code=attempt.error_code, message=attempt.error_message)
        return intent_answer(attempt)

    def _intent_replay(self, attempt, print_):
        if attempt.fingerprint != print_ or attempt.provider != "stripe":
            raise Conflict(code="idempotency_key_reused", message="This idempotency key was used for another payment.")
        with eventlet.Timeout(config.payment_wait_seconds(), False):
            while attempt.status == "pending" and not attempt.intent_id:
                self.db.rollback()
                eventlet.sleep(0.05)
                attempt = self._attempt(attempt.org_id, attempt.customer_id, attempt.key)
        if attempt.status == "failed":
            error_class = ERRORS_BY_STATUS.get(attempt.error_status, PaymentRequired)
            raise error_class(code=attempt.error_code, message=attempt.error_message)
        return intent_answer(attempt)

    @rpc
    def refresh_payment_intent(self, actor, intent_id):
        """The customer is back on the page (after 3-D Secure, say): ask Stripe for the intent's real
        status and settle it. Their own intents only."""
        org_id = require_customer(actor)
        attempt = self.db.scalars(select(PaymentAttempt).where(
            PaymentAttempt.org_id == org_id, PaymentAttempt.customer_id == str(actor["customer_id"]),
            PaymentAttempt.intent_id == str(intent_id))).first()
        if attempt is None:
            raise NotFound(code="payment_intent_not_found", message="This payment was not found.")
        if attempt.status in OPEN_ATTEMPT:
            attempt_id = attempt.id
            self.db.rollback()
            intent = self._stripe().retrieve_intent(str(intent_id))
            if intent is not None:
                attempt = self._settle_intent(attempt_id, intent)
        return intent_answer(attempt)

    # -- the one place a Stripe payment is written ------------------------------------------------

    def _settle_intent(self, attempt_id, intent, method=None):
        """Bring the attempt in line with the intent as Stripe reported it; write the payment once
        when it succeeded. Returns the attempt (committed)."""
        if intent.status == "succeeded" and method is None and intent.payment_method_id:
            self.db.rollback()  # no connection held while Stripe is asked for the card's brand
            method = self._stripe().payment_method(intent.payment_method_id)
        refund_units = None
        try:
            attempt = self._locked_attempt(attempt_id)
            attempt.intent_id = attempt.intent_id or intent.id
            if intent.client_secret:
                attempt.client_secret = intent.client_secret
            if attempt.status == "succeeded":
                pass  # written before: a replayed webhook, or the return after the webhook
            elif intent.status == "succeeded":
                refund_units = self._write_stripe_payment(attempt, intent, method)
            elif intent.status in ("requires_action", "processing"):
                if attempt.status in ("pending", "requires_action", "processing"):
                    attempt.status = intent.status
                attempt.updated_at = utcnow()
            elif intent.status in ("requires_payment_method", "canceled") and attempt.status != "failed":
                attempt.status = "failed"
                attempt.error_status, attempt.error_code = 402, "card_declined"
                attempt.error_message = intent.error_message or "The card was declined. Try another card."
            self.db.commit()
        except IntegrityError:  # the payment for this intent was written at the same moment
            self.db.rollback()
            attempt = self._locked_attempt(attempt_id)
            self.db.commit()
        if refund_units:
            self._stripe().refund(intent.id, refund_units, idempotency_key=f"portico-unapplied-{attempt_id}")
        return attempt

    def _write_stripe_payment(self, attempt, intent, method):
        """The intent succeeded: record it on the invoice (locked). When the invoice can no longer take
        it (paid meanwhile, voided), the attempt fails and the money is returned: the units to refund."""
        amount = from_stripe_amount(intent.amount, intent.currency)
        invoice = self.db.scalars(select(Invoice).where(Invoice.id == attempt.invoice_id, Invoice.org_id == attempt.org_id)
                                  .with_for_update().execution_options(populate_existing=True)).first()
        if (invoice is None or invoice.status not in OPEN_INVOICE or amount > Decimal(invoice.balance_due)):
            attempt.status, attempt.error_status, attempt.error_code = "failed", 409, "invoice_not_payable"
            attempt.error_message = "The invoice can no longer take this payment; the card charge was refunded."
            log.warning("attempt %s: intent %s succeeded on an invoice that cannot take it; refunding",
                        attempt.id, intent.id)
            return intent.amount
        actor = dict(system_actor(attempt.org_id), org_timezone=attempt.timezone)
        day = today(actor)
        payment = self._new_payment(attempt.org_id, invoice, amount, date=day, mode="card", reference=intent.id,
                                    source="portal",
                                    card_brand=(method or {}).get("brand"), card_last4=(method or {}).get("last4"),
                                    charge_id=intent.id, provider="stripe")
        attempt.status, attempt.payment_id, attempt.charge_id = "succeeded", payment.id, intent.id
        attempt.error_status = attempt.error_code = attempt.error_message = None
        if attempt.save_card and method:
            self._remember_card(attempt.org_id, attempt.customer_id, method, attempt.timezone)
        self.events(events.PAYMENT_RECORDED, events.payment_payload(payment, invoice, day),
                    actor={"kind": "customer", "org_id": attempt.org_id, "customer_id": attempt.customer_id})
        return None

    def _remember_card(self, org_id, customer_id, method, zone_name="UTC"):
        """Keep brand, last four and expiry of a card the customer asked to save (see saved_cards.py)."""
        if self.db.get(SavedCard, method["id"]) is None:
            self.db.add(SavedCard(id=method["id"], org_id=org_id, customer_id=customer_id, brand=method["brand"],
                                  last4=method["last4"], exp_month=method["exp_month"], exp_year=method["exp_year"],
                                  timezone=zone_name or "UTC"))

    # -- webhooks --------------------------------------------------------------------------------

    @rpc
    def stripe_webhook(self, payload, signature):
        """A Stripe event, verified against `Stripe-Signature`. Any correctly signed event is
        acknowledged (handled or not, new or seen before); what it reports is re-read from Stripe,
        so the order events arrive in never matters."""
        provider = self._stripe_for_webhooks()
        event = provider.verify_event(payload, signature)
        if self.db.get(StripeEvent, event["id"]) is not None:
            return {"received": True, "duplicate": True}
        self.db.rollback()
        kind, obj = event["type"], event["object"]
        if kind in INTENT_EVENTS:
            self._intent_event(obj)
        elif kind in REFUND_EVENTS:
            charge_id = obj.get("id") if kind.startswith("charge.refunded") else obj.get("charge")
            if kind == "charge.refund.updated":
                charge_id = obj.get("charge")
            self._refund_event(obj.get("payment_intent"), charge_id)
        self.db.add(StripeEvent(id=event["id"], type=kind))
        try:
            self.db.commit()
        except IntegrityError:  # the same event delivered twice at once
            self.db.rollback()
        return {"received": True}

    def _stripe_for_webhooks(self):
        provider = self.payments_provider
        if getattr(provider, "name", "") != "stripe":
            from portico_kit.errors import BadRequest
            raise BadRequest(code="invalid_signature", message="Stripe webhooks are not configured here.")
        return provider

    def _intent_event(self, obj):
        intent_id = obj.get("id")
        attempt = self.db.scalars(select(PaymentAttempt).where(PaymentAttempt.intent_id == intent_id)).first()
        if attempt is None:  # the webhook came before our create call returned: find it by our metadata
            attempt_id = (obj.get("metadata") or {}).get("portico_attempt_id")
            attempt = self.db.get(PaymentAttempt, attempt_id) if attempt_id else None
        if attempt is None or attempt.provider != "stripe":
            return  # not one of ours (another integration on the same account)
        attempt_id = attempt.id
        self.db.rollback()
        intent = self._stripe().retrieve_intent(intent_id)
        if intent is not None and intent.metadata.get("portico_attempt_id", attempt_id) == attempt_id:
            self._settle_intent(attempt_id, intent)

    def _refund_event(self, intent_id, charge_id):
        """Refunds made in Stripe (its dashboard too) show up here; refunds.py records the new ones."""
        sync = getattr(self, "_sync_stripe_refunds", None)
        if sync is not None:
            sync(intent_id, charge_id)

    # -- reconciliation --------------------------------------------------------------------------

    @timer(interval=env_float("PAYMENT_RECONCILE_INTERVAL", 30.0))
    def reconcile_on_timer(self):
        if getattr(self.payments_provider, "name", "") == "stripe":
            self.reconcile_payments()

    @rpc
    def reconcile_payments(self, limit=50):
        """Attempts still open after PAYMENT_STALE_SECONDS are settled by asking Stripe for the intent's
        real status. One that never got an intent id (its worker died before Stripe answered) cannot
        be asked about: it fails, and if Stripe did charge, the webhook (found by our metadata)
        still records the payment. Returns how many were looked at."""
        if getattr(self.payments_provider, "name", "") != "stripe":
            return 0
        cutoff = utcnow() - timedelta(seconds=config.payment_stale_seconds())
        stale = self.db.scalars(select(PaymentAttempt).where(
            PaymentAttempt.provider == "stripe", PaymentAttempt.status.in_(OPEN_ATTEMPT),
            PaymentAttempt.updated_at < cutoff).order_by(PaymentAttempt.updated_at).limit(limit)).all()
        found = [(a.id, a.intent_id) for a in stale]
        self.db.rollback()
        for attempt_id, intent_id in found:
            try:
                intent = self._stripe().retrieve_intent(intent_id) if intent_id else None
                if intent is not None:
                    self._settle_intent(attempt_id, intent)
                elif intent_id is None:
                    self._fail(attempt_id, PaymentRequired(
                        code="payment_interrupted", message="The payment was interrupted; nothing was charged."))
                else:
                    log.warning("attempt %s: Stripe does not know intent %s", attempt_id, intent_id)
            except ServiceError as exc:
                self.db.rollback()
                log.warning("reconciling attempt %s: %s", attempt_id, exc)
        return len(found)
