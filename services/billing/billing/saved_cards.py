"""Saved cards and autopay (Stripe).

A customer keeps a card by ticking "save this card" when paying: its PaymentMethod stays attached to
their Stripe Customer and billing keeps brand, last four and expiry (`saved_cards`). With autopay on
(one saved card), each open invoice of theirs is charged off-session on its due date, as the
organization's clock tells the day: one attempt per invoice and due date (the attempt key
`autopay:<invoice>:<due date>`), however often the timer runs or how many billing replicas run it.
A due date no run saw (billing was down that day) is caught up by the next run, also at start,
for invoices due since autopay was turned on. A declined charge leaves the invoice open and emails
the customer a link to pay (`autopay_failed`). A card that expires this month triggers one reminder (`card_expiring`).
"""
import logging

from nameko.timer import timer
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portico_kit.actors import require_customer, require_staff, system_actor
from portico_kit.config import env_float
from portico_kit.errors import Invalid, NotFound, ServiceError
from portico_kit.rpc import rpc
from portico_kit.timeutil import aware, today_in, zone
from portico_kit.validation import load

from . import events
from .models import Autopay, Invoice, PaymentAttempt, SavedCard, StripeCustomer
from .schemas import AutopaySchema
from .status import OPEN_INVOICE
from .stripe_provider import chargeable_balance

log = logging.getLogger(__name__)


def autopay_key(invoice_id, due_date):
    """One autopay attempt per invoice and due date, whichever run (or replica, or day) makes it:
    on the due date itself, or later for a due date no run saw."""
    return f"autopay:{invoice_id}:{due_date.isoformat()}"


def local_day(moment, zone_name):
    """The organization's date of a stored time."""
    return aware(moment).astimezone(zone(zone_name)).date() if moment is not None else today_in(zone_name)


def card_dict(card):
    return {"id": card.id, "brand": card.brand, "last4": card.last4, "exp_month": card.exp_month,
            "exp_year": card.exp_year}


def autopay_dict(row, cards):
    enabled = bool(row and row.enabled and row.payment_method_id)
    card = next((c for c in cards if row and c["id"] == row.payment_method_id), None)
    return {"enabled": enabled, "payment_method_id": row.payment_method_id if enabled else None,
            "card": card if enabled else None}


class SavedCardsMixin:

    def _cards(self, org_id, customer_id):
        return [card_dict(c) for c in self.db.scalars(select(SavedCard).where(
            SavedCard.org_id == org_id, SavedCard.customer_id == customer_id).order_by(SavedCard.created_at)).all()]

    @rpc
    def list_payment_methods(self, actor, customer_id=None):
        """A customer's saved cards (brand, last four, expiry; never the card). Staff: any customer's."""
        org_id, customer_id = self._card_owner(actor, customer_id)
        return {"items": self._cards(org_id, customer_id)}

    @rpc
    def delete_payment_method(self, actor, method_id):
        """Forget a saved card (detached at Stripe too); autopay with it turns off."""
        org_id = require_customer(actor)
        card = self.db.get(SavedCard, str(method_id))
        if card is None or (card.org_id, card.customer_id) != (org_id, str(actor["customer_id"])):
            raise NotFound(code="payment_method_not_found", message="This card was not found.")
        autopay = self.db.get(Autopay, (org_id, card.customer_id))
        if autopay is not None and autopay.payment_method_id == card.id:
            autopay.enabled, autopay.payment_method_id = False, None
        self.db.delete(card)
        self.db.commit()
        self._stripe().detach(str(method_id))
        return {"deleted": True}

    @rpc
    def get_autopay(self, actor, customer_id=None):
        org_id, customer_id = self._card_owner(actor, customer_id)
        return autopay_dict(self.db.get(Autopay, (org_id, customer_id)), self._cards(org_id, customer_id))

    @rpc
    def set_autopay(self, actor, data):
        """{enabled, payment_method_id}: on with one of the customer's saved cards, or off."""
        org_id = require_customer(actor)
        customer_id = str(actor["customer_id"])
        data = load(AutopaySchema(), data)
        cards = self._cards(org_id, customer_id)
        method_id = data.get("payment_method_id") or (cards[-1]["id"] if len(cards) == 1 else None)
        if data["enabled"] and not any(c["id"] == method_id for c in cards):
            raise Invalid(code="payment_method_required", message="Choose one of your saved cards for autopay.",
                          fields={"payment_method_id": "One of your saved cards."})
        row = self.db.get(Autopay, (org_id, customer_id))
        if row is None:
            row = Autopay(org_id=org_id, customer_id=customer_id)
            self.db.add(row)
        row.timezone = actor.get("org_timezone") or row.timezone or "UTC"
        if data["enabled"] and not row.enabled:
            row.enabled_on = today_in(row.timezone)
        row.enabled = data["enabled"]
        row.payment_method_id = method_id if data["enabled"] else None
        self.db.commit()
        return autopay_dict(row, cards)

    @rpc
    def customer_payment_profile(self, actor, customer_id):
        """Staff, on the customer page: autopay and the saved cards (brand, last four, expiry only)."""
        org_id = require_staff(actor)
        cards = self._cards(org_id, str(customer_id))
        return {"autopay": autopay_dict(self.db.get(Autopay, (org_id, str(customer_id))), cards), "cards": cards}

    def _card_owner(self, actor, customer_id):
        if actor.get("kind") == "customer":
            return require_customer(actor), str(actor["customer_id"])
        org_id = require_staff(actor)
        if not customer_id:
            raise Invalid(message="Which customer?", fields={"customer_id": "Required."})
        return org_id, str(customer_id)

    # -- autopay ---------------------------------------------------------------------------------

    @timer(interval=env_float("AUTOPAY_INTERVAL", 600.0), eager=True)  # also at once when billing starts
    def autopay_on_timer(self):
        if getattr(self.payments_provider, "name", "") == "stripe":
            self.run_autopay()
            self.remind_expiring_cards()

    @rpc
    def run_autopay(self):
        """Charge each autopay customer's open invoices that are due (their organization's today),
        including those whose due date passed while no run happened (billing was down, say): every
        invoice due since autopay was turned on and not attempted yet is charged once. Returns
        {charged, failed} counts of this run's new attempts."""
        if getattr(self.payments_provider, "name", "") != "stripe":
            return {"charged": 0, "failed": 0}
        plans = [(a.org_id, a.customer_id, a.payment_method_id, a.timezone, a.enabled_on, a.updated_at)
                 for a in self.db.scalars(select(Autopay).where(
                     Autopay.enabled.is_(True), Autopay.payment_method_id.is_not(None))).all()]
        counts = {"charged": 0, "failed": 0}
        for org_id, customer_id, method_id, zone_name, enabled_on, updated_at in plans:
            day = today_in(zone_name)
            since = enabled_on or local_day(updated_at, zone_name)
            due = self.db.scalars(select(Invoice).where(
                Invoice.org_id == org_id, Invoice.customer_id == customer_id, Invoice.status.in_(OPEN_INVOICE),
                Invoice.due_date <= day, Invoice.due_date >= since, Invoice.balance_due > 0)
                .order_by(Invoice.due_date, Invoice.id)).all()
            due = [(i.id, i.currency, i.balance_due, i.number, i.customer_name, i.due_date) for i in due]
            tried = set(self.db.scalars(select(PaymentAttempt.key).where(
                PaymentAttempt.org_id == org_id, PaymentAttempt.customer_id == customer_id,
                PaymentAttempt.key.in_([autopay_key(i[0], i[-1]) for i in due]))).all()) if due else set()
            for invoice in due:
                if autopay_key(invoice[0], invoice[-1]) in tried:
                    continue  # charged (or declined) before: never again for this due date
                outcome = self._autopay_invoice(org_id, customer_id, method_id, zone_name, *invoice)
                if outcome:
                    counts[outcome] += 1
        self.db.rollback()
        return counts

    def _autopay_invoice(self, org_id, customer_id, method_id, zone_name, invoice_id, currency, balance,
                         number, customer_name, day):
        amount = chargeable_balance(balance, currency)
        if amount <= 0:
            return None
        key = autopay_key(invoice_id, day)
        attempt = PaymentAttempt(org_id=org_id, customer_id=customer_id, key=key, fingerprint=key,
                                 invoice_id=invoice_id, amount=amount, currency=currency, status="pending",
                                 provider="stripe", payment_method_id=method_id, kind="autopay", timezone=zone_name)
        self.db.add(attempt)
        try:
            self.db.commit()  # claimed: another run (or replica) today finds the key taken
        except IntegrityError:
            self.db.rollback()
            return None
        stripe_customer = self.db.scalar(select(StripeCustomer.stripe_customer_id).where(
            StripeCustomer.org_id == org_id, StripeCustomer.customer_id == customer_id))
        self.db.rollback()
        method = self._stripe().payment_method(method_id) if stripe_customer else None
        try:
            if method is None:
                raise Invalid(code="payment_method_not_found", message="The saved card is no longer available.")
            answer = self._confirm_attempt(attempt, stripe_customer, method, off_session=True)
        except ServiceError as exc:
            if attempt.status == "pending":
                self._fail(attempt.id, exc)
            log.info("autopay of invoice %s failed: %s", invoice_id, exc)
            self.events(events.AUTOPAY_FAILED, {
                "invoice": {"id": invoice_id, "number": number, "balance_due": str(balance), "currency": currency,
                            "due_date": day.isoformat()},
                "customer": {"id": customer_id, "display_name": customer_name},
                "error": {"code": exc.code, "message": exc.message}}, actor=system_actor(org_id))
            self.db.commit()
            return "failed"
        return "charged" if answer["status"] in ("succeeded", "processing") else "failed"

    @rpc
    def remind_expiring_cards(self):
        """One reminder for each saved card that expires this month (the organization's month)."""
        cards = self.db.scalars(select(SavedCard)).all()
        sent = 0
        for card in cards:
            today = today_in(card.timezone)
            month = f"{today.year:04d}-{today.month:02d}"
            if (card.exp_year, card.exp_month) != (today.year, today.month) or card.expiry_reminded == month:
                continue
            card.expiry_reminded = month
            autopay = self.db.get(Autopay, (card.org_id, card.customer_id))
            self.events(events.CARD_EXPIRING, {
                "card": card_dict(card), "customer": {"id": card.customer_id, "display_name": ""},
                "autopay": bool(autopay and autopay.enabled and autopay.payment_method_id == card.id)},
                actor=system_actor(card.org_id))
            sent += 1
        self.db.commit()
        return sent
