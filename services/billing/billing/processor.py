"""Charging cards: the `PaymentProvider` interface and the test provider.

`PAYMENT_PROVIDER` (nameko config or environment; default `test`) picks the provider: `test` takes
raw card fields on the portal API (`pay_invoice`); `stripe` (stripe_provider.py) works with
Stripe.js in the browser, SetupIntents and PaymentIntents (online_payments.py).
"""
import os
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone

import eventlet
from nameko.extensions import DependencyProvider

from portico_kit.errors import Invalid, PaymentRequired


@dataclass(frozen=True)
class Charge:
    charge_id: str
    brand: str
    last4: str


def luhn_ok(number):
    total = 0
    for index, char in enumerate(reversed(number)):
        digit = int(char)
        if index % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def reset_test_processor():
    """Empty the sandbox (tests)."""
    with TestProcessor._lock:
        TestProcessor.ledger.clear()
        TestProcessor.charges_by_key.clear()


def card_brand(number):
    if number.startswith("4"):
        return "visa"
    if number[:2] in ("51", "52", "53", "54", "55") or "2221" <= number[:4] <= "2720":
        return "mastercard"
    if number[:2] in ("34", "37"):
        return "amex"
    return "card"


def check_card(card, now=None):
    """The card's number (digits only), or 422 `invalid_card` naming each bad field."""
    now = now or datetime.now(timezone.utc)
    errors = {}
    number = "".join(str(card.get("number") or "").split())
    if not (number.isdigit() and 12 <= len(number) <= 19 and luhn_ok(number)):
        errors["card.number"] = "This card number is not valid."
    month, year = card.get("exp_month"), card.get("exp_year")
    if not (isinstance(month, int) and not isinstance(month, bool) and 1 <= month <= 12):
        errors["card.exp_month"] = "Month 1 to 12."
    if not (isinstance(year, int) and not isinstance(year, bool) and 2000 <= year <= 2100):
        errors["card.exp_year"] = "A four-digit year."
    elif "card.exp_month" not in errors and (year, month) < (now.year, now.month):
        errors["card.exp_year"] = "This card has expired."
    cvc = str(card.get("cvc") or "")
    if not (cvc.isdigit() and 3 <= len(cvc) <= 4):
        errors["card.cvc"] = "3 or 4 digits."
    if errors:
        raise Invalid(code="invalid_card", message="Check the card details.", fields=errors)
    return number


class PaymentProvider:
    """What billing needs from a card processor."""
    name = "abstract"

    def charge(self, card, amount, currency, idempotency_key, description=""):
        """Charge `amount` (Decimal) in `currency`; return a Charge, or raise PaymentRequired
        (declined) / Invalid (malformed card).

        The same `idempotency_key` must return the first charge instead of charging again (real
        processors offer this): billing relies on it to resume a payment whose worker died between
        the charge and writing the payment."""
        raise NotImplementedError

    def refund(self, charge_id, amount, currency):
        """Give a charge back (the payment could not be applied to the invoice)."""
        raise NotImplementedError


class TestProcessor(PaymentProvider):
    """A sandbox: well-formed cards only; 4242424242424242 and 5555555555554444 succeed,
    4000000000000002 is declined, any other valid number is declined as unsupported.

    It keeps a ledger of charges and refunds in memory (like a sandbox dashboard), which tests read
    to prove a payment was charged exactly once. `PAYMENT_TEST_DELAY` (seconds) makes each charge
    take that long, so tests can overlap two requests.
    """
    name = "test"
    __test__ = False  # not a pytest test class, despite its name
    APPROVED = frozenset({"4242424242424242", "5555555555554444"})
    DECLINED = frozenset({"4000000000000002"})

    ledger = []  # shared across instances: one sandbox per process
    charges_by_key = {}
    _lock = threading.Lock()

    def __init__(self, delay=0.0):
        self.delay = delay

    def charge(self, card, amount, currency, idempotency_key, description=""):
        number = check_card(card)
        if self.delay:
            eventlet.sleep(self.delay)
        if number not in self.APPROVED:
            raise PaymentRequired(code="card_declined", message="The card was declined. Try another card.")
        with self._lock:
            if idempotency_key in self.charges_by_key:  # as a real processor: the key's first charge
                return self.charges_by_key[idempotency_key]
            charge = Charge(charge_id=f"ch_test_{uuid.uuid4().hex[:24]}", brand=card_brand(number),
                            last4=number[-4:])
            self.charges_by_key[idempotency_key] = charge
            self.ledger.append({"type": "charge", "charge_id": charge.charge_id, "amount": str(amount),
                                "currency": currency, "idempotency_key": idempotency_key})
        return charge

    def refund(self, charge_id, amount, currency):
        with self._lock:
            self.ledger.append({"type": "refund", "charge_id": charge_id, "amount": str(amount),
                                "currency": currency})


PROVIDERS = ("test", "stripe")


class PaymentGateway(DependencyProvider):
    """Injects the configured PaymentProvider into the service (`self.payments_provider`)."""

    def setup(self):
        config = self.container.config

        def setting(name, default=""):
            return config.get(name) or os.environ.get(name) or default

        name = setting("PAYMENT_PROVIDER", "test")
        if name not in PROVIDERS:
            raise RuntimeError(f"PAYMENT_PROVIDER={name!r} is not one of {sorted(PROVIDERS)}")
        if name == "stripe":
            from .stripe_provider import StripeProvider
            self.provider = StripeProvider(setting("STRIPE_SECRET_KEY"), setting("STRIPE_PUBLISHABLE_KEY"),
                                           setting("STRIPE_WEBHOOK_SECRET"), setting("STRIPE_API_BASE") or None,
                                           setting("STRIPE_JS_URL") or None)
        else:
            self.provider = TestProcessor(delay=float(setting("PAYMENT_TEST_DELAY", "0")))

    def get_dependency(self, worker_ctx):
        return self.provider
