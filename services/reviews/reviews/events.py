"""Events reviews publishes, and the one it consumes (billing's payment_recorded)."""
import logging

from portico_kit.actors import system_actor
from portico_kit.errors import ServiceError
from portico_kit.messaging import first_delivery, on_event
from portico_kit.timeutil import iso

from .models import ProcessedEvent

log = logging.getLogger(__name__)

REVIEW_REQUESTED = "review_requested"
REVIEW_SUBMITTED = "review_submitted"


def requested_payload(request, review_url):
    return {"request": {"id": request.id, "status": request.status, "created_at": iso(request.created_at)},
            "customer": {"id": request.customer_id, "display_name": request.customer_name},
            "recipient": {"email": request.recipient_email, "name": request.recipient_name},
            "review_url": review_url}


def submitted_payload(review):
    return {"review": {"id": review.id, "request_id": review.request_id, "rating": review.rating,
                       "comment": review.comment or "", "submitted_at": iso(review.submitted_at)},
            "customer": {"id": review.customer_id, "display_name": review.customer_name}}


class EventHandlers:
    """Mixed into ReviewsService."""

    # a service we need down or slow: on_event sends the event back to the queue, nothing is lost
    @on_event("billing", "payment_recorded")
    def on_billing_payment_recorded(self, event):
        """"Request a review" ticked while recording a payment: ask, as staff would from the customer page."""
        data = event.get("data") or {}
        if not data.get("request_review"):
            return
        handler = "on_billing_payment_recorded"
        if self.db.get(ProcessedEvent, (event.get("event_id"), handler)) is not None:
            return
        self.db.rollback()  # hold no connection while calling other services
        actor = event.get("actor") or {}
        if actor.get("kind") != "staff":
            actor = system_actor(event["org_id"])
        payment = data.get("payment") or {}
        customer_id = payment.get("customer_id") or (data.get("customer") or {}).get("id")
        try:
            self._request_review(actor, customer_id, source="payment", payment_id=payment.get("id"),
                                 processed_event=(event, handler))
        except ServiceError as exc:
            if exc.status >= 500:
                raise
            # reviews turned off, or no email: nothing to ask, nothing to retry; remember the event
            self.db.rollback()
            if first_delivery(self.db, ProcessedEvent, event, handler):
                self.db.commit()
            log.info("payment %s: no review requested (%s)", payment.get("id"), exc.code)
