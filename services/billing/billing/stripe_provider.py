"""Stripe, through its official library: customers, SetupIntents, PaymentIntents, refunds, webhooks.

Only billing holds the secret key (`STRIPE_SECRET_KEY`); the browser gets the publishable key and a
client secret, and collects the card with Stripe.js, so card numbers never reach Portico.
`STRIPE_API_BASE` points the library elsewhere (tests: localstripe). Every call that creates
something carries an idempotency key of ours, so the library's retries never charge twice.
"""
import logging
from dataclasses import dataclass

import stripe

from portico_kit import money as kit_money
from portico_kit.errors import BadRequest, Invalid, PaymentRequired, ServiceUnavailable

log = logging.getLogger(__name__)
DEFAULT_API_BASE = "https://api.stripe.com"
DEFAULT_JS_URL = "https://js.stripe.com/v3/"
# Stripe takes three-decimal currencies in minor units whose last digit must be 0
THREE_DECIMAL_STEP = kit_money.CARD_STEP_THREE_DECIMALS


def to_stripe_amount(amount, currency):
    """An amount in the currency's minor units, as Stripe wants it: 12.50 USD -> 1250, 1250 JPY ->
    1250, 30.370 KWD -> 30370. A three-decimal amount whose last digit is not 0 cannot be charged
    (422 invalid_amount) rather than being rounded behind the customer's back."""
    units = kit_money.to_minor_units(amount, currency)
    if kit_money.currency_digits(currency) == 3 and units % THREE_DECIMAL_STEP:
        raise Invalid(code="invalid_amount",
                      message=f"Card payments in {currency} go in steps of 0.010; choose an amount ending in 0.",
                      fields={"amount": "The last decimal must be 0."})
    return units


def chargeable_balance(balance, currency):
    """The most a card can pay of a balance: all of it, but for three-decimal currencies rounded
    down to Stripe's step (30.375 KWD -> 30.370); the kit's rule, which the Pay page offers too."""
    return kit_money.card_chargeable(balance, currency)


def from_stripe_amount(units, currency):
    return kit_money.from_minor_units(units, currency)


@dataclass(frozen=True)
class Intent:
    """What billing keeps of a PaymentIntent."""
    id: str
    status: str  # requires_payment_method|requires_confirmation|requires_action|processing|succeeded|canceled|...
    client_secret: str
    amount: int
    currency: str
    payment_method_id: str | None
    charge_id: str | None
    metadata: dict
    error_message: str | None


def _intent(obj):
    obj = obj.to_dict() if hasattr(obj, "to_dict") else obj
    charge = obj.get("latest_charge")
    charge_id = charge if isinstance(charge, str) or charge is None else charge.get("id")
    method = obj.get("payment_method")
    method_id = method if isinstance(method, str) or method is None else method.get("id")
    error = obj.get("last_payment_error")
    return Intent(id=obj["id"], status=obj["status"], client_secret=obj.get("client_secret") or "",
                  amount=int(obj["amount"]), currency=str(obj["currency"]).upper(), payment_method_id=method_id,
                  charge_id=charge_id, metadata=dict(obj.get("metadata") or {}),
                  error_message=(error or {}).get("message"))


def declined(message=None):
    return PaymentRequired(code="card_declined", message=message or "The card was declined. Try another card.")


class StripeProvider:
    name = "stripe"

    def __init__(self, secret_key, publishable_key="", webhook_secret="", api_base=None, js_url=None):
        if not secret_key:
            raise RuntimeError("PAYMENT_PROVIDER=stripe needs STRIPE_SECRET_KEY")
        self.publishable_key = publishable_key or ""
        self.webhook_secret = webhook_secret or ""
        self.js_url = js_url or DEFAULT_JS_URL
        self.client = stripe.StripeClient(secret_key, base_addresses={"api": api_base or DEFAULT_API_BASE},
                                          max_network_retries=2)

    # -- errors ----------------------------------------------------------------------------------

    def _call(self, what, func, *args, **kwargs):
        """Stripe's errors as ours: a decline is 402, an unreachable Stripe is 503."""
        try:
            return func(*args, **kwargs)
        except stripe.CardError as exc:
            raise declined(exc.user_message)
        except (stripe.APIConnectionError, stripe.RateLimitError) as exc:
            log.warning("stripe %s: %s", what, exc)
            raise ServiceUnavailable(message="The card processor could not be reached; try again in a moment.")
        except stripe.InvalidRequestError as exc:
            log.warning("stripe %s refused: %s", what, exc)
            raise
        except stripe.StripeError as exc:
            log.error("stripe %s failed: %s", what, exc)
            raise ServiceUnavailable(message="The card processor had a problem; try again in a moment.")

    # -- customers and cards ----------------------------------------------------------------------

    def create_customer(self, name, email, metadata, idempotency_key):
        params = {"name": name or "", "metadata": metadata}
        if email:
            params["email"] = email
        customer = self._call("create customer", self.client.v1.customers.create, params=params,
                              options={"idempotency_key": idempotency_key})
        return customer.id

    def create_setup_intent(self, stripe_customer_id, metadata):
        intent = self._call("create setup intent", self.client.v1.setup_intents.create,
                            params={"customer": stripe_customer_id, "usage": "off_session",
                                    "payment_method_types": ["card"], "metadata": metadata})
        return {"id": intent.id, "client_secret": intent.client_secret}

    def payment_method(self, method_id):
        """{id, customer, brand, last4, exp_month, exp_year}, or None when Stripe does not know it."""
        try:
            method = self.client.v1.payment_methods.retrieve(method_id).to_dict()
        except stripe.InvalidRequestError:
            return None
        except stripe.StripeError as exc:
            log.warning("stripe retrieve %s: %s", method_id, exc)
            raise ServiceUnavailable(message="The card processor could not be reached; try again in a moment.")
        card = method.get("card") or {}
        customer = method.get("customer")
        return {"id": method["id"], "customer": customer if isinstance(customer, str) or customer is None
                else customer.get("id"), "brand": card.get("brand") or "card", "last4": card.get("last4") or "",
                "exp_month": int(card.get("exp_month") or 0), "exp_year": int(card.get("exp_year") or 0)}

    def attach(self, method_id, stripe_customer_id):
        self._call("attach payment method", self.client.v1.payment_methods.attach, method_id,
                   params={"customer": stripe_customer_id})

    def detach(self, method_id):
        try:
            self.client.v1.payment_methods.detach(method_id)
        except stripe.InvalidRequestError as exc:  # already detached: the goal is reached
            log.info("stripe detach %s: %s", method_id, exc)

    # -- payments -----------------------------------------------------------------------------------

    def create_intent(self, amount_units, currency, method_id, stripe_customer_id, metadata, idempotency_key,
                      off_session=False):
        """Create and confirm in one call ("finalize payments on the server"). A decline raises 402;
        3-D Secure comes back as status `requires_action` with the client secret."""
        params = {"amount": amount_units, "currency": currency.lower(), "payment_method": method_id,
                  "payment_method_types": ["card"], "confirm": True, "metadata": metadata}
        if stripe_customer_id:
            params["customer"] = stripe_customer_id
        if off_session:
            params["off_session"] = True
        try:
            intent = self.client.v1.payment_intents.create(params=params, options={"idempotency_key": idempotency_key})
        except stripe.CardError as exc:
            raise declined(exc.user_message)
        except stripe.InvalidRequestError as exc:
            log.warning("stripe create intent refused: %s", exc)
            raise Invalid(code="invalid_payment_method", message="This card cannot be used; enter it again.",
                          fields={"payment_method_id": "Unknown or unusable."})
        except stripe.StripeError:
            return self._call("create intent", self.client.v1.payment_intents.create, params=params,
                              options={"idempotency_key": idempotency_key})
        return _intent(intent)

    def retrieve_intent(self, intent_id):
        """The intent as Stripe has it now, or None when Stripe does not know it."""
        try:
            return _intent(self.client.v1.payment_intents.retrieve(intent_id))
        except stripe.InvalidRequestError:
            return None
        except stripe.StripeError as exc:
            log.warning("stripe retrieve %s: %s", intent_id, exc)
            raise ServiceUnavailable(message="The card processor could not be reached; try again in a moment.")

    def refund(self, intent_id, amount_units, idempotency_key, metadata=None):
        refund = self._call("refund", self.client.v1.refunds.create,
                            params={"payment_intent": intent_id, "amount": amount_units, "metadata": metadata or {}},
                            options={"idempotency_key": idempotency_key})
        refund = refund.to_dict()
        return {"id": refund["id"], "status": refund.get("status") or "succeeded", "amount": int(refund["amount"])}

    def refunds_of_charge(self, charge_id):
        """Every refund Stripe has for a charge (those made in its dashboard too)."""
        found = self._call("list refunds", self.client.v1.refunds.list, params={"charge": charge_id, "limit": 100})
        refunds = [r.to_dict() for r in found.data]
        return [{"id": r["id"], "status": r.get("status") or "succeeded", "amount": int(r["amount"]),
                 "payment_intent": r.get("payment_intent"), "metadata": dict(r.get("metadata") or {})}
                for r in refunds]

    # -- webhooks --------------------------------------------------------------------------------

    def verify_event(self, payload, signature):
        """The event, if `Stripe-Signature` signs this exact body with our secret (within the
        library's tolerance); else 400 invalid_signature."""
        if not self.webhook_secret:
            raise BadRequest(code="invalid_signature", message="Webhooks are not configured.")
        try:
            event = stripe.Webhook.construct_event(payload, signature or "", self.webhook_secret)
        except (stripe.SignatureVerificationError, ValueError):
            raise BadRequest(code="invalid_signature", message="The Stripe-Signature header does not match.")
        return {"id": event["id"], "type": event["type"], "object": event["data"]["object"].to_dict()}
