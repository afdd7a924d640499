from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portico_kit.actors import public, require_customer, require_staff
from portico_kit.db import Database
from portico_kit.errors import Conflict, Forbidden, Invalid, NotFound
from portico_kit.health import HealthMixin
from portico_kit.messaging import OutboxDispatcher, OutboxRelayMixin, first_delivery
from portico_kit.rpc import TimedRpcProxy, rpc
from portico_kit.timeutil import utcnow
from portico_kit.validation import load

from . import events, periods
from .models import OutboxEvent, ProcessedEvent, Review, ReviewRequest
from .schemas import ReviewSchema, request_dict, review_dict

SORTS = {"date": Review.submitted_at, "rating": Review.rating}
REVIEWS_DISABLED = "Customer reviews are turned off."


class ReviewsService(HealthMixin, OutboxRelayMixin, events.EventHandlers):
    name = "reviews"

    db = Database()
    events = OutboxDispatcher(OutboxEvent)
    portal = TimedRpcProxy("portal")
    customers = TimedRpcProxy("customers")

    # -- staff ---------------------------------------------------------------------------------

    @rpc
    def request_review(self, actor, customer_id):
        """Ask the customer for a review; an open request is sent again rather than piled up."""
        require_staff(actor)
        request, resent = self._request_review(actor, customer_id, source="staff")
        return dict(request_dict(request), resent=resent)

    @rpc
    def list_customer_requests(self, actor, customer_id):
        """A customer's review requests; another organization's (or no) customer is a 404, never an
        empty list that would say "this id exists somewhere"."""
        org_id = require_staff(actor)
        self.customers.get_customer(actor, customer_id)
        rows = self.db.scalars(select(ReviewRequest).where(
            ReviewRequest.org_id == org_id, ReviewRequest.customer_id == str(customer_id))
            .order_by(ReviewRequest.created_at.desc())).all()
        return [request_dict(r) for r in rows]

    @rpc
    def report(self, actor, date_from=None, date_to=None, sort="date", order="desc"):
        """The Customer Review Report: reviews submitted in a period of the organization's days."""
        org_id = require_staff(actor)
        if sort not in SORTS or order not in ("asc", "desc"):
            raise Invalid(code="invalid_sort", message="sort is date or rating; order is asc or desc.",
                          fields={"sort": "date or rating", "order": "asc or desc"})
        tz_name = actor.get("org_timezone") or "UTC"
        day_from, day_to, start, end = periods.period(date_from, date_to, tz_name)
        column = SORTS[sort]
        ordering = [column.asc() if order == "asc" else column.desc(), Review.submitted_at.desc(), Review.id]
        rows = self.db.scalars(select(Review).where(
            Review.org_id == org_id, Review.submitted_at >= start, Review.submitted_at < end)
            .order_by(*ordering)).all()
        distribution = {str(star): 0 for star in range(1, 6)}
        for row in rows:
            distribution[str(row.rating)] += 1
        average = None
        if rows:
            average = float((Decimal(sum(r.rating for r in rows)) / len(rows))
                            .quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
        return {"items": [review_dict(r) for r in rows], "count": len(rows), "average_rating": average,
                "distribution": distribution, "from": day_from.isoformat(), "to": day_to.isoformat(),
                "timezone": str(periods.zone(tz_name)), "sort": sort, "order": order}

    # -- the customer in the portal ------------------------------------------------------------

    @rpc
    def list_open_requests(self, actor):
        org_id = require_customer(actor)
        self._require_enabled_for_customer(actor)
        rows = self.db.scalars(select(ReviewRequest).where(
            ReviewRequest.org_id == org_id, ReviewRequest.customer_id == actor["customer_id"],
            ReviewRequest.status == "sent").order_by(ReviewRequest.created_at.desc())).all()
        return [request_dict(r) for r in rows]

    @rpc
    def get_request(self, actor, request_id):
        require_customer(actor)
        self._require_enabled_for_customer(actor)
        return request_dict(self._customer_request(actor, request_id))

    @rpc
    def submit_review(self, actor, data):
        require_customer(actor)
        data = load(ReviewSchema(), data)
        self._require_enabled_for_customer(actor)
        request = self._customer_request(actor, data["request_id"])
        if request.status != "sent" or request.review is not None:
            raise Conflict(code="already_reviewed", message="You have already reviewed this request. Thank you!")
        review = Review(org_id=request.org_id, request_id=request.id, customer_id=request.customer_id,
                        customer_name=request.customer_name, contact_name=actor.get("name"),
                        rating=data["rating"], comment=data.get("comment") or "")
        request.status, request.completed_at = "completed", utcnow()
        self.db.add(review)
        try:
            self.db.flush()
        except IntegrityError:  # a second submission raced this one: the first wins
            self.db.rollback()
            raise Conflict(code="already_reviewed", message="You have already reviewed this request. Thank you!")
        self.events(events.REVIEW_SUBMITTED, events.submitted_payload(review), actor=public(actor))
        self.db.commit()
        return review_dict(review)

    # -- helpers -------------------------------------------------------------------------------

    def _request_review(self, actor, customer_id, source, payment_id=None, processed_event=None):
        """Calls out first (no database connection held), then writes and publishes in one commit."""
        prefs = self.portal.get_preferences(actor)
        customer = self.customers.get_customer(actor, customer_id)  # another organization's: 404
        if not prefs["reviews_enabled"]:
            raise Forbidden(code="reviews_disabled", message=REVIEWS_DISABLED + " Turn them on in the portal settings.")
        email = customer.get("email") or next((c["email"] for c in customer.get("contacts", []) if c.get("email")),
                                              None)
        if not email:
            raise Invalid(code="email_required", message="Add an email address to this customer to ask for a review.",
                          fields={"email": "The customer needs an email address."})
        contact = next((c for c in customer.get("contacts", []) if c.get("email") == email), None)
        recipient_name = (contact or {}).get("name") or customer["display_name"]
        if processed_event is not None and not first_delivery(self.db, ProcessedEvent, *processed_event):
            return None, False
        org_id = actor["org_id"]
        request = self._open_request(org_id, customer["id"])
        resent = request is not None
        if request is None:
            request = ReviewRequest(org_id=org_id, customer_id=customer["id"], customer_name=customer["display_name"],
                                    recipient_email=email, recipient_name=recipient_name, source=source,
                                    payment_id=payment_id)
            self.db.add(request)
            try:
                self.db.flush()
            except IntegrityError:  # asked twice at the same moment: the other ask created it
                self.db.rollback()
                if processed_event is not None and not first_delivery(self.db, ProcessedEvent, *processed_event):
                    return None, False
                request, resent = self._open_request(org_id, customer["id"]), True
        if resent:
            request.times_sent += 1
            request.last_sent_at = utcnow()
            request.recipient_email, request.recipient_name = email, recipient_name
            request.customer_name = customer["display_name"]
        review_url = f"{prefs['portal_url']}/reviews/{request.id}"
        self.events(events.REVIEW_REQUESTED, events.requested_payload(request, review_url), actor=public(actor))
        self.db.commit()
        return request, resent

    def _open_request(self, org_id, customer_id):
        return self.db.scalar(select(ReviewRequest).where(
            ReviewRequest.org_id == org_id, ReviewRequest.customer_id == customer_id,
            ReviewRequest.status == "sent"))

    def _customer_request(self, actor, request_id):
        request = self.db.get(ReviewRequest, str(request_id))
        if request is None or request.org_id != actor["org_id"] or request.customer_id != actor["customer_id"]:
            raise NotFound(code="review_request_not_found", message="This review request was not found.")
        return request

    def _require_enabled_for_customer(self, actor):
        if not self.portal.get_features(actor)["reviews"]:
            raise Forbidden(code="reviews_disabled", message=REVIEWS_DISABLED)
